//! The check both examples' router tests make: through a Crossbar.io router, over
//! WebSocket and RawSocket, an example prints the transcript it prints over the in-memory
//! session (which its `transcript.rs` pins down).

use std::process::Command;

use crate::router::{self as support, Router, Transport};

/// Runs the example `binary` in memory and through each transport of a router, and
/// compares the transcripts.
pub fn check_routed_transcript_matches_in_memory(binary: &str) {
    let Some(router) = support::router("prints_the_in_memory_transcript_through_crossbar") else {
        return;
    };
    let in_memory = transcript(binary, &[], None);
    for transport in [Transport::WebSocket, Transport::RawSocket] {
        let url = router.url(transport);
        let routed = transcript(
            binary,
            &["--router", &url, "--realm", support::REALM],
            Some(router),
        );
        assert_eq!(routed, in_memory, "through {url}");
    }
}

/// The lines `binary` prints with `arguments`; fails the test, with the log of the
/// `router` it used, if the example fails.
fn transcript(binary: &str, arguments: &[&str], router: Option<&Router>) -> Vec<String> {
    let output = match Command::new(binary).args(arguments).output() {
        Ok(output) => output,
        Err(error) => panic!("cannot run the example: {error}"),
    };
    assert!(
        output.status.success(),
        "the example {arguments:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        router.map(Router::log_tail).unwrap_or_default()
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}
