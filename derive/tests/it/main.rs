//! The derives' integration tests, in one test binary: their expansions compiled for real and
//! run, under `#![no_implicit_prelude]` and `#![deny(warnings)]` as generated code is (a module
//! per subject), and the errors of misuse against their golden `.stderr` (`ui`, trybuild).
#![no_implicit_prelude]
#![deny(warnings)]

mod runtime_path;
mod table_payload;
mod types;
mod ui;
