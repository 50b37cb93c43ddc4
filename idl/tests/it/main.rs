//! The front end's integration tests, one module per subject, in one test binary: linking each
//! subject's binary of its own took longer than running most of them.
//!
//! One module, or one test: `cargo test -p wamp-idl --test it corpus::` or
//! `... --test it corpus::every_flatc_bfbs_loads`.

mod corpus;
mod diagnostics;
mod fbs_valid;
mod robustness;
