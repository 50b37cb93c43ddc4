//! End-to-end tests of the `wamp-idl` binary's `check` and `describe` on the WAMP fixtures and the corpus.
//!
//! Fixtures live in `tests/data/wamp/` (`valid/`, `invalid/`, and `include/` for `-I`),
//! each with its golden output beside it: `<name>.stderr` for diagnostics,
//! `<name>.describe.txt` for `describe`. A mismatch fails; `UPDATE_GOLDEN=1 cargo test
//! -p wamp-idl-codegen --test it cli::` rewrites the golden files instead, for review with
//! `git diff`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const INCLUDE: &str = "tests/data/wamp/include";

/// What one run of the binary gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `wamp-idl` from the workspace root, so paths in diagnostics are relative and stable.
fn run(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_wamp-idl"))
        .args(args)
        .current_dir(workspace())
        .output()
        .unwrap_or_else(|error| panic!("cannot run wamp-idl {args:?}: {error}"));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file of the shared corpus of real-world schemas (`corpus/…`, or flatc's output of it
/// in `corpus-bfbs/…`), read-only beside the workspace; its path relative to the workspace.
fn shared(path: &str) -> String {
    let relative = format!("../shared/{path}");
    assert!(
        workspace().join(&relative).is_file(),
        "the shared folder is missing: {relative} not found (expected /work/shared beside the repository)"
    );
    relative
}

/// The `.fbs` fixtures of one folder of `tests/data/wamp`, relative to the workspace, sorted.
fn fixtures(folder: &str) -> Vec<String> {
    let dir = workspace().join("tests/data/wamp").join(folder);
    let entries = fs::read_dir(&dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    let mut files = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "fbs"))
        .filter_map(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
        .map(|name| format!("tests/data/wamp/{folder}/{name}"))
        .collect::<Vec<_>>();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// Compares `actual` with the golden file `fixture` with its `.fbs` replaced by `suffix`;
/// an absent golden file means empty output. `UPDATE_GOLDEN=1` rewrites instead.
fn check_golden(fixture: &str, suffix: &str, actual: &str) {
    let golden = workspace().join(fixture.replace(".fbs", suffix));
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
        let written = if actual.is_empty() {
            fs::remove_file(&golden).or_else(|error| match error.kind() {
                std::io::ErrorKind::NotFound => Ok(()),
                _ => Err(error),
            })
        } else {
            fs::write(&golden, actual)
        };
        written.unwrap_or_else(|error| panic!("cannot update {}: {error}", golden.display()));
        return;
    }
    let expected = fs::read_to_string(&golden).unwrap_or_default();
    assert!(
        actual == expected,
        "{} differs from the output (UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
        golden.display()
    );
}

#[test]
fn valid_fixtures_pass_check_and_describe_as_their_golden_files() {
    for fixture in fixtures("valid") {
        let check = run(&["check", "-I", INCLUDE, &fixture]);
        assert_eq!(check.code, Some(0), "check {fixture}:\n{}", check.stderr);
        assert!(
            check.stdout.is_empty(),
            "check prints nothing on stdout: {}",
            check.stdout
        );
        check_golden(&fixture, ".stderr", &check.stderr);

        let describe = run(&["describe", "-I", INCLUDE, &fixture]);
        assert_eq!(describe.code, Some(0), "describe {fixture}:\n{}", describe.stderr);
        check_golden(&fixture, ".describe.txt", &describe.stdout);
    }
}

#[test]
fn invalid_fixtures_fail_check_with_their_golden_diagnostics() {
    for fixture in fixtures("invalid") {
        let check = run(&["check", "-I", INCLUDE, &fixture]);
        assert_eq!(
            check.code,
            Some(1),
            "check {fixture} must fail:\n{}",
            check.stderr
        );
        assert!(check.stderr.contains("error: "), "{fixture}: {}", check.stderr);
        check_golden(&fixture, ".stderr", &check.stderr);

        let describe = run(&["describe", "-I", INCLUDE, &fixture]);
        assert_eq!(describe.code, Some(1), "describe {fixture} must fail");
        assert!(
            describe.stdout.is_empty(),
            "nothing to describe: {}",
            describe.stdout
        );
    }
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let fixture = "tests/data/wamp/valid/upstream_quirks.fbs";
    let lenient = run(&["check", "-I", INCLUDE, fixture]);
    assert_eq!(lenient.code, Some(0));
    assert!(
        lenient.stderr.ends_with("0 errors, 12 warnings\n"),
        "{}",
        lenient.stderr
    );

    let strict = run(&["check", "--deny-warnings", "-I", INCLUDE, fixture]);
    assert_eq!(strict.code, Some(1));
    assert!(
        strict.stderr.ends_with("12 errors, 0 warnings\n"),
        "{}",
        strict.stderr
    );
    assert!(!strict.stderr.contains("warning:"), "{}", strict.stderr);
    assert!(
        strict
            .stderr
            .contains("error: placeholder type `uid` in `<uid:book>` is read as `uuid`"),
        "{}",
        strict.stderr
    );
}

#[test]
fn includes_resolve_only_with_their_directory() {
    let fixture = "tests/data/wamp/valid/clock.fbs";
    let without = run(&["check", fixture]);
    assert_eq!(without.code, Some(1));
    assert!(
        without.stderr.contains("include `base.fbs` not found"),
        "{}",
        without.stderr
    );

    let long_flag = run(&["check", "--include", INCLUDE, fixture]);
    assert_eq!(long_flag.code, Some(0), "{}", long_flag.stderr);
    assert!(
        long_flag.stderr.is_empty(),
        "a clean schema gives no output: {}",
        long_flag.stderr
    );
}

#[test]
fn describe_json_is_the_model_without_source_locations() {
    let fixture = "tests/data/wamp/valid/clock.fbs";
    let describe = run(&["describe", "--format", "json", "-I", INCLUDE, fixture]);
    assert_eq!(describe.code, Some(0), "{}", describe.stderr);
    assert!(describe.stdout.ends_with("}\n"));
    assert!(
        !describe.stdout.contains("tests/data"),
        "no file names in the model"
    );
    let model = parse_json(&describe.stdout);
    let expected = [
        ("/interfaces/0/name", "demo.clock.IClock"),
        ("/interfaces/0/uuid", "15a72fbf-3800-46ae-8fcd-ae0590e59ead"),
        ("/interfaces/0/prefix/text", "com.example.clock.<uuid:clock>"),
        ("/interfaces/0/prefix/components/3/placeholder/ty", "uuid"),
        ("/interfaces/0/methods/1/suffix/text", "node.<node:str>.set_alarm"),
        (
            "/interfaces/0/methods/1/uri/components/5/placeholder/name",
            "node",
        ),
        (
            "/interfaces/0/methods/1/uri/components/5/placeholder/ty",
            "string",
        ),
        (
            "/interfaces/0/methods/2/uri/text",
            "com.example.clock.<uuid:clock>.admin.reset",
        ),
        ("/interfaces/0/methods/4/suffix/text", ""),
        ("/interfaces/0/methods/3/kind", "topic"),
        ("/interfaces/0/methods/0/request/args/1", "precision"),
        ("/interfaces/0/methods/0/response/kwargs/1", "zone"),
    ];
    for (pointer, value) in expected {
        assert_eq!(model.pointer(pointer), Some(&Value::from(value)), "{pointer}");
    }
    assert_eq!(
        model
            .pointer("/interfaces/0/methods/0/response/kwargs")
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(2),
        "the deprecated field `old` travels nowhere"
    );
}

#[test]
fn describe_text_of_a_schema_without_interfaces_lists_its_types() {
    let describe = run(&["describe", "-I", INCLUDE, "tests/data/wamp/valid/types_only.fbs"]);
    assert_eq!(describe.code, Some(0));
    assert!(
        describe.stdout.starts_with("no WAMP interfaces"),
        "{}",
        describe.stdout
    );
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("describe --format json is not JSON: {error}"))
}

/// The resolved URI of every method, by name, of one interface of a `describe --format json`.
fn method_uris(model: &Value, interface: &str) -> Vec<(String, String)> {
    let interfaces = model
        .get("interfaces")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let found = interfaces
        .iter()
        .find(|candidate| candidate.get("name").and_then(Value::as_str) == Some(interface));
    let methods = found
        .and_then(|interface| interface.get("methods"))
        .and_then(Value::as_array);
    methods
        .into_iter()
        .flatten()
        .map(|method| {
            let text = |pointer: &str| {
                method
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned()
            };
            (text("/name"), text("/uri/text"))
        })
        .collect()
}

/// Loads a corpus file: it must load with exactly `warnings` warnings, and its interface
/// must resolve each listed method to the listed URI.
fn check_corpus(file: &str, warnings: usize, interface: &str, expected_uris: &[(&str, &str)]) {
    let path = shared(file);
    let check = run(&["check", &path]);
    assert_eq!(check.code, Some(0), "{file} must load:\n{}", check.stderr);
    if warnings == 0 {
        assert!(check.stderr.is_empty(), "{file}:\n{}", check.stderr);
    } else {
        let summary = format!(
            "0 errors, {warnings} warning{}\n",
            if warnings == 1 { "" } else { "s" }
        );
        assert!(check.stderr.ends_with(&summary), "{file}:\n{}", check.stderr);
    }

    let describe = run(&["describe", "--format", "json", &path]);
    assert_eq!(describe.code, Some(0), "{}", describe.stderr);
    let uris = method_uris(&parse_json(&describe.stdout), interface);
    for (method, uri) in expected_uris {
        let actual = uris
            .iter()
            .find(|(name, _)| name == method)
            .map(|(_, uri)| uri.as_str());
        assert_eq!(actual, Some(*uri), "{interface}.{method} in {file}");
    }
}

#[test]
fn wamp_meta_loads_with_its_duplicate_uri_warning_and_absolute_uris() {
    check_corpus(
        "corpus/wamp-proto/catalog/src/wamp-meta.fbs",
        1,
        "wamp.IWampMeta",
        &[
            ("session_list", "wamp.session.list"),
            ("session_count", "wamp.session.count"),
            ("session_get", "wamp.session.count"),
            ("session_on_join", "wamp.session.on_join"),
            ("type_get", "wamp.type.get"),
        ],
    );
    let check = run(&["check", &shared("corpus/wamp-proto/catalog/src/wamp-meta.fbs")]);
    assert!(
        check.stderr.contains(
            "warning: procedure `session_get` of interface `wamp.IWampMeta` has the same URI \
             `wamp.session.count` as `session_count`"
        ),
        "{}",
        check.stderr
    );
}

#[test]
fn flatc_binary_schemas_resolve_the_same_uris() {
    check_corpus(
        "corpus-bfbs/wamp-proto/catalog/src/wamp-meta.bfbs",
        1,
        "wamp.IWampMeta",
        &[
            ("session_list", "wamp.session.list"),
            ("session_get", "wamp.session.count"),
        ],
    );
    check_corpus(
        "corpus-bfbs/autobahn-python/autobahn/xbr/test/catalog/src/demo.bfbs",
        1,
        "demo.ITradingClock",
        &[(
            "on_clock_tick",
            "eth.wamp-proto.demo.clock.<uuid:clock>.on_clock_tick.<int:warp_level>",
        )],
    );
}

#[test]
fn autobahn_demo_loads_with_relative_uris_and_placeholders() {
    check_corpus(
        "corpus/autobahn-python/autobahn/xbr/test/catalog/src/demo.fbs",
        1,
        "demo.ITradingClock",
        &[
            (
                "get_clock_address",
                "eth.wamp-proto.demo.clock.<uuid:clock>.get_clock_address",
            ),
            (
                "on_clock_tick",
                "eth.wamp-proto.demo.clock.<uuid:clock>.on_clock_tick.<int:warp_level>",
            ),
            ("run_test", "eth.wamp-proto.demo.clock.<uuid:clock>.run_test"),
        ],
    );
}

#[test]
fn autobahn_testsvc1_loads_with_uris_from_method_names() {
    check_corpus(
        "corpus/autobahn-python/autobahn/xbr/test/catalog/src/testsvc1.fbs",
        1,
        "testsvc1.ITestService1",
        &[
            (
                "run_something1",
                "eth.wamp-proto.provider.<uuid:provider>.testsvc1.run_something1",
            ),
            (
                "on_something2",
                "eth.wamp-proto.provider.<uuid:provider>.testsvc1.on_something2",
            ),
        ],
    );
}

#[test]
fn trading_2022_loads_with_relative_uris_and_the_uid_typo() {
    check_corpus(
        "corpus/autobahn-python/_history/d7aa88a8-parent/autobahn/xbr/test/catalog/src/trading.fbs",
        2,
        "trading.ILimitOrderBookReplica",
        &[
            (
                "get_replica_info",
                "eth.pydefi.replica.<uuid:replica>.get_replica_info",
            ),
            (
                "get_candle_history",
                "eth.pydefi.replica.<uuid:replica>.book.<uuid:book>.get_candle_history",
            ),
            (
                "on_price_tick",
                "eth.pydefi.replica.<uuid:replica>.book.<uuid:book>.on_price_tick.<int:warp_level>",
            ),
        ],
    );
}

#[test]
fn wamp_control_loads_with_name_first_placeholders() {
    check_corpus(
        "corpus/wamp-proto/catalog/src/wamp-control.fbs",
        0,
        "wamp.INodeControl",
        &[(
            "get_router_realms",
            "crossbarfabriccenter.node.<node_id:str>.worker.<worker_id:str>.get_router_realms",
        )],
    );
}
