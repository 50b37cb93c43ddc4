//! The runtime's integration tests, one module per subject, in one test binary: linking each
//! subject's binary of its own took longer than running it, and the router tests share one
//! Crossbar.io node (`wamp_idl_test_support::router`) instead of starting one each. The fault
//! tests are the one binary beside it (`tests/crossbar_faults.rs`): they measure the resident
//! memory of their process, which other tests running beside them would grow.
//!
//! One module, or one test: `cargo test -p wamp-idl-runtime --test it crossbar_matrix::` or
//! `... --test it crossbar_matrix::websocket_json`.

mod codec;
mod crossbar_auth;
mod crossbar_matrix;
mod crossbar_meta;
mod crossbar_policies;
mod crossbar_stubs;
mod crossbar_transports;
mod interop_autobahn;
mod interop_js;
mod interop_misbehaving_router;
mod interop_routers;
mod progressive;
mod progressive_calls;
mod scripted;
mod shop;
mod typed_streams;
mod websocket_framing;
