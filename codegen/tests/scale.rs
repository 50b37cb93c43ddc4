//! Generation at scale: the memory `generate` takes follows the size of its output.
//!
//! A test binary of its own, with a single test: it reads the peak memory of the whole
//! process (Linux's `VmHWM`, reset through `/proc/self/clear_refs` before each run), which
//! tests running beside it would disturb. `tests/scale/measure` takes the same figures
//! from the CLI at up to 100,000 procedures, fields and enum values (docs/performance.md).
#![cfg(target_os = "linux")]

use wamp_idl::Schema;
use wamp_idl_codegen::rust::{Options, generate};

/// The most memory generation may take, in bytes of output: an interface's items once
/// went through the printer whole, tokens and syntax trees some thirty times the size of
/// their text (3 GB for the 89 MB of 100,000 procedures of the stubs before the session
/// API).
const BYTES_PER_OUTPUT_BYTE: u64 = 6;

/// An interface of `count` procedures, each with a request of one argument.
fn procedures(count: usize) -> String {
    let mut fbs = String::from(
        "attribute arg; attribute type; attribute wampuri;\nnamespace scale;\ntable Void {}\n\
         table Request { a: int (arg); }\n\
         rpc_service IScale (type: \"interface\", wampuri: \"com.scale\") {\n",
    );
    for index in 0..count {
        fbs.push_str(&format!("  call{index} (Request): Void (type: \"procedure\");\n"));
    }
    fbs.push_str("}\n");
    fbs
}

/// An enum of `count` values, the argument of a procedure.
fn values(count: usize) -> String {
    let mut fbs = String::from(
        "attribute arg; attribute type; attribute wampuri;\nnamespace scale;\nenum Many: int {\n",
    );
    for index in 0..count {
        fbs.push_str(&format!("  Value{index},\n"));
    }
    fbs.push_str(
        "}\ntable Void {}\ntable Request { many: Many (arg); }\n\
         rpc_service IScale (type: \"interface\", wampuri: \"com.scale\") {\n\
         \x20 pick (Request): Void (type: \"procedure\");\n}\n",
    );
    fbs
}

/// A line of `/proc/self/status` in bytes (`VmRSS:  1234 kB`).
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().strip_suffix(" kB"))
        .and_then(|kilobytes| kilobytes.trim().parse::<u64>().ok())
        .map(|kilobytes| kilobytes * 1024)
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// Generates the code of `fbs`: its length, and the most memory the process took beyond
/// what it held before.
fn generate_measured(fbs: &str) -> (u64, u64) {
    let loaded = wamp_idl::Loader::new().load_fbs_text("scale.fbs", fbs);
    let schema: Schema = loaded.schema.expect("the schema loads");
    // Writing 5 resets the peak to the current size (Linux 4.0 and later).
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak of /proc/self/status");
    let before = status_bytes("VmRSS:");
    let code = generate(&schema, &Options::default()).expect("the schema generates");
    let peak = status_bytes("VmHWM:");
    (code.len() as u64, peak.saturating_sub(before))
}

/// 20,000 procedures and 20,000 enum values generate in memory bounded by a small
/// multiple of their output, and four times the procedures take about four times the
/// memory, not sixteen.
#[test]
fn memory_follows_the_size_of_the_output() {
    let (small_output, small_peak) = generate_measured(&procedures(5_000));
    for (what, fbs) in [
        ("20,000 procedures", procedures(20_000)),
        ("20,000 enum values", values(20_000)),
    ] {
        let (output, peak) = generate_measured(&fbs);
        eprintln!("{what}: {output} bytes of code, {peak} bytes at the peak");
        assert!(
            peak < BYTES_PER_OUTPUT_BYTE * output,
            "{what}: {peak} bytes at the peak for {output} bytes of code"
        );
        if what.ends_with("procedures") {
            assert!(output > 3 * small_output, "{what}: {output} bytes of code");
            // Fixed costs (threads, the context) weigh more in the small run.
            assert!(
                peak * small_output < 2 * small_peak.max(1) * output,
                "{what}: {peak} bytes at the peak, 5,000 took {small_peak} for {small_output} bytes of code"
            );
        }
    }
}
