//! `include_wamp_idl!`'s integration tests, in one test binary: schemas that expand and compile
//! with warnings denied (a module per subject, expanded at this crate's root as a user's crate
//! expands them), and the errors of misuse against their golden `.stderr` (`ui`, trybuild).
#![deny(warnings)]

mod clock;
mod fixtures;
mod ui;
