//! Fuzzes the `.fbs` front end: any UTF-8 text must load into a schema or diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let loaded = wamp_idl::Loader::new().load_fbs_text("fuzz.fbs", text);
        let _ = loaded.render_diagnostics();
    }
});
