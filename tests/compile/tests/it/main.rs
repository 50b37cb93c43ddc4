//! The generated code of every fixture and corpus schema compiles with warnings denied and
//! without the prelude (so it names everything by absolute path), and with serde support
//! (`Builder::serde`) every type of every corpus schema makes a round trip through serde_json:
//! its docs example read as the WAMP value it is, then serialized to JSON with its schema's
//! field names and read back equal.
//!
//! The build script generates every schema into a module of this binary, so the tests' own
//! build compiles them beside the rest of the workspace, with the same dependencies, and clippy
//! lints them as users' crates would.
#![deny(warnings)]
#![no_implicit_prelude]

mod round_trip;
mod wide;

::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/schemas.rs"));

#[::core::prelude::v1::test]
fn every_type_makes_a_serde_round_trip() {
    let mut failures = ::std::vec::Vec::new();
    serde_round_trips(&mut failures);
    ::std::assert!(failures.is_empty(), "{}", failures.join("\n"));
}
