//! The behaviour tests of generated code, one module per subject, in one test binary.
//!
//! One module, or one test: `cargo test -p wamp-idl-behaviour-tests --test it caller::` or
//! `... --test it caller::every_kind_of_value_makes_the_round_trip`.

mod caller;
mod meta;
mod payload_rules;
mod payloads;
mod recursion;
mod service;
mod subscriber;
mod support;
