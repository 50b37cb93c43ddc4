//! The example runs and prints the calls, results and events a reader expects.

use std::process::Command;

#[test]
fn prints_the_transcript() -> std::io::Result<()> {
    let output = Command::new(env!("CARGO_BIN_EXE_example-build-script")).output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "call   example.thermostat.read() -> Reading { celsius: 20.5, humidity: 41.0 }",
            "event  example.thermostat.target_changed: 22.5 °C (guests arrive)",
            "call   example.thermostat.set_target(SetTarget { celsius: 22.5, reason: Some(\"guests arrive\") }) \
             -> previous 19 °C",
            "call   example.thermostat.set_target(SetTarget { celsius: 45.0, reason: None }) \
             -> error: example.thermostat.error.out_of_range: 45 °C is outside 5..=30 °C",
        ]
    );
    Ok(())
}
