//! Generates the thermostat's stubs into `$OUT_DIR/thermostat.rs`.

fn main() -> Result<(), wamp_idl_codegen::Error> {
    wamp_idl_codegen::configure()
        .deny_warnings(true)
        .compile(&["schemas/thermostat.fbs"])
}
