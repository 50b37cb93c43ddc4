//! Fuzzes the `.bfbs` front end: any bytes must load into a schema or diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = wamp_idl::Loader::new().load_bfbs_bytes("fuzz.bfbs", data);
    let _ = loaded.render_diagnostics();
});
