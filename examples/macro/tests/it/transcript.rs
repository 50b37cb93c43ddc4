//! The example runs and prints the calls, results and events a reader expects.

use std::process::Command;

#[test]
fn prints_the_transcript() -> std::io::Result<()> {
    let output = Command::new(env!("CARGO_BIN_EXE_example-macro")).output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "event  room rust #1: <ferris> hello, crabs",
            "call   post(room rust, <ferris> hello, crabs) -> #1",
            "event  room rust #2: <alice> hi ferris",
            "call   post(room rust, <alice> hi ferris) -> #2",
            "event  room wamp #1: <bob> anyone routing today?",
            "call   post(room wamp, <bob> anyone routing today?) -> #1",
            "call   count(room rust) -> 2",
            "call   count(room wamp) -> 1",
            "call   count(room empty) -> 0",
            "call   post(room rust, <carol>) -> error: example.chat.error.empty: a message needs text",
        ]
    );
    Ok(())
}
