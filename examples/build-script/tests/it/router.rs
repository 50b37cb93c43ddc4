//! The example runs through a Crossbar.io router, over WebSocket and RawSocket, and prints the
//! transcript it prints over the in-memory session (which `transcript.rs` pins down).

use wamp_idl_test_support::transcript as router_transcript;

#[test]
fn prints_the_in_memory_transcript_through_crossbar() {
    router_transcript::check_routed_transcript_matches_in_memory(env!("CARGO_BIN_EXE_example-build-script"));
}
