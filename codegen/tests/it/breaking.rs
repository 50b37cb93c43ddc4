//! `wamp-idl breaking`: one fixture pair per rule, each with its golden output, and the
//! checker run over real upstream evolution from the shared corpus.
//!
//! Fixtures live in `tests/data/breaking/<category>/<rule>.old.fbs` and `.new.fbs`; the
//! golden `<rule>.stderr` beside them is the command's output, which must report the
//! rule. `UPDATE_GOLDEN=1 cargo test -p wamp-idl-codegen --test it breaking::` rewrites the
//! goldens instead, for review with `git diff`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use wamp_idl_codegen::breaking::{self, Category, Config, Format, Level};

const FIXTURES: &str = "tests/data/breaking";
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");

/// What one run of the binary gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `wamp-idl` in `directory`, so that paths in the output are relative and stable.
fn run_in(directory: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_wamp-idl"))
        .args(args)
        .current_dir(directory)
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

fn run(args: &[&str]) -> Run {
    run_in(&workspace(), args)
}

fn fixture(rule: &str, side: &str) -> String {
    format!("{FIXTURES}/{rule}.{side}.fbs")
}

/// Runs the rule's fixture pair and compares (or with `UPDATE_GOLDEN=1` rewrites) its golden.
fn check(rule: &str, update: bool) -> Result<(), String> {
    let (old, new) = (fixture(rule, "old"), fixture(rule, "new"));
    let result = run(&["breaking", "--against", &old, &new]);
    if !result.stderr.contains(&format!("[{rule}]")) {
        return Err(format!(
            "{new} against {old} does not report `{rule}`:\n{}",
            result.stderr
        ));
    }
    let enforced = result.stderr.contains(": error: ") || result.stderr.starts_with("error: ");
    if result.code != Some(i32::from(enforced)) {
        return Err(format!(
            "{rule}: exit status {:?} for:\n{}",
            result.code, result.stderr
        ));
    }
    let golden = workspace().join(format!("{FIXTURES}/{rule}.stderr"));
    if update {
        return fs::write(&golden, &result.stderr).map_err(|error| format!("{}: {error}", golden.display()));
    }
    let expected = fs::read_to_string(&golden)
        .map_err(|error| format!("{}: {error} (UPDATE_GOLDEN=1 creates it)", golden.display()))?;
    if expected == result.stderr {
        Ok(())
    } else {
        Err(format!(
            "{rule} differs from {}:\n--- expected\n{expected}\n--- actual\n{}",
            golden.display(),
            result.stderr
        ))
    }
}

#[test]
fn every_rule_has_a_fixture_pair_whose_golden_reports_it() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1");
    let rules: Vec<String> = breaking::rules().map(|rule| rule.to_string()).collect();
    assert!(rules.len() >= 40, "{rules:?}");
    let failures: Vec<String> = rules
        .iter()
        .filter_map(|rule| check(rule, update).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_is_documented_with_its_fixtures_example() {
    let path = workspace().join("docs/breaking.md");
    let docs = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    for rule in breaking::rules() {
        assert!(
            docs.contains(&format!("### `{rule}`")),
            "docs/breaking.md lacks `{rule}`"
        );
        let golden = workspace().join(format!("{FIXTURES}/{rule}.stderr"));
        let golden =
            fs::read_to_string(&golden).unwrap_or_else(|error| panic!("{}: {error}", golden.display()));
        let reported = golden
            .lines()
            .find(|line| line.ends_with(&format!("[{rule}]")))
            .and_then(|line| line.split_once(": ").map(|(_, rest)| rest))
            .unwrap_or_else(|| panic!("the golden of `{rule}` does not report it"));
        assert!(
            docs.contains(reported),
            "docs/breaking.md does not show `{rule}` reporting: {reported}"
        );
    }
}

#[test]
fn every_fixture_belongs_to_a_rule() {
    let rules: Vec<String> = breaking::rules().map(|rule| rule.to_string()).collect();
    for category in Category::ALL {
        let directory = workspace().join(FIXTURES).join(category.name());
        for entry in
            fs::read_dir(&directory).unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
        {
            let path = entry.unwrap_or_else(|error| panic!("{error}")).path();
            let file_name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = file_name.split('.').next().unwrap_or_default();
            let rule = format!("{category}/{stem}");
            assert!(rules.contains(&rule), "{} belongs to no rule", path.display());
        }
    }
}

#[test]
fn a_schema_against_itself_has_no_finding() {
    let result = run(&[
        "breaking",
        "--against",
        "catalog:wamp-meta.fbs",
        "catalog:wamp-meta.fbs",
    ]);
    assert_eq!((result.code, result.stderr.as_str()), (Some(0), ""));
}

#[test]
fn exceptions_and_levels_decide_the_exit_status() {
    let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let config = directory.path().join("breaking.json");
    let old = workspace().join(fixture("wamp/uri-changed", "old"));
    let new = workspace().join(fixture("wamp/uri-changed", "new"));
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let write = |text: &str| fs::write(&config, text).unwrap_or_else(|error| panic!("{error}"));
    let config_arg = config.to_string_lossy();
    let with_config = |extra: &[&str]| {
        let mut args = vec!["breaking", "--config", &config_arg, "--against", &old, &new];
        args.extend(extra);
        run_in(directory.path(), &args)
    };
    write(
        r#"{ "ignore": [ { "rule": "wamp/uri-changed", "item": "demo.IClock.get_time", "reason": "not released" } ] }"#,
    );
    let excepted = with_config(&[]);
    assert_eq!((excepted.code, excepted.stderr.as_str()), (Some(0), ""));
    write(r#"{ "ignore": [ { "item": "demo.IClock.other" } ] }"#);
    assert_eq!(with_config(&[]).code, Some(1));
    assert_eq!(with_config(&["--warn", "wamp"]).code, Some(0));
    write(r#"{ "categories": { "wamp": "off" } }"#);
    let off = with_config(&[]);
    assert_eq!((off.code, off.stderr.as_str()), (Some(0), ""));
    assert_eq!(with_config(&["--enforce", "wamp"]).code, Some(1));
    write(r#"{ "ignore": [ { "rule": "wamp/uri-renamed" } ] }"#);
    let unknown = with_config(&[]);
    assert_eq!(unknown.code, Some(1));
    assert!(
        unknown.stderr.contains("unknown rule `wamp/uri-renamed`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn json_and_github_actions_formats_name_both_places() {
    let (old, new) = (
        fixture("wire/field-removed", "old"),
        fixture("wire/field-removed", "new"),
    );
    let json = run(&["breaking", "--error-format", "json", "--against", &old, &new]);
    assert_eq!(json.code, Some(1));
    let findings: Value =
        serde_json::from_str(&json.stdout).unwrap_or_else(|error| panic!("{error}: {}", json.stdout));
    let first = &findings[0];
    assert_eq!(first["rule"], "wire/field-removed");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["item"], "demo.Point.z");
    assert_eq!(first["file"], new.as_str());
    assert_eq!(first["old"]["file"], old.as_str());
    assert_eq!(first["old"]["line"], 9);
    let github = run(&[
        "breaking",
        "--error-format",
        "github-actions",
        "--against",
        &old,
        &new,
    ]);
    let first_line = github.stdout.lines().next().unwrap_or_default();
    assert!(
        first_line.starts_with(&format!(
            "::error file={new},line=6,col=7,title=wire/field-removed::field `demo.Point.z`"
        )),
        "{}",
        github.stdout
    );
}

#[test]
fn against_git_reads_the_file_at_a_revision() {
    let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(directory.path())
            .output()
            .unwrap_or_else(|error| panic!("git: {error}"));
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    let schema = directory.path().join("api.fbs");
    let read = |name: &str| fs::read_to_string(workspace().join(fixture("wire/field-removed", name)));
    git(&["init", "-q"]);
    fs::write(&schema, read("old").unwrap_or_else(|error| panic!("{error}")))
        .unwrap_or_else(|error| panic!("{error}"));
    git(&["add", "api.fbs"]);
    git(&["commit", "-q", "-m", "old"]);
    fs::write(&schema, read("new").unwrap_or_else(|error| panic!("{error}")))
        .unwrap_or_else(|error| panic!("{error}"));
    let result = run_in(
        directory.path(),
        &["breaking", "--against-git", "HEAD", "api.fbs"],
    );
    assert_eq!(result.code, Some(1), "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains("api.fbs:6:7: error: field `demo.Point.z` was removed"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("HEAD:api.fbs:9:5: note: declared here"),
        "{}",
        result.stderr
    );
    let missing = run_in(
        directory.path(),
        &["breaking", "--against-git", "no-such-rev", "api.fbs"],
    );
    assert_eq!(missing.code, Some(1));
    assert!(
        missing.stderr.contains("`git show no-such-rev:api.fbs` failed"),
        "{}",
        missing.stderr
    );
}

/// The rules and items a comparison of two corpus files reports, at the given level.
fn corpus_findings(old: &str, new: &str) -> Result<Vec<(String, String)>, String> {
    let corpus = Path::new(SHARED).join("corpus");
    if !corpus.is_dir() {
        return Err(format!(
            "{} is missing: the corpus tests read ../shared",
            corpus.display()
        ));
    }
    let loader = wamp_idl::Loader::new();
    let old = loader.load(&[corpus.join(old)]);
    let new = loader.load(&[corpus.join(new)]);
    let report = breaking::check(&old, &new, &Config::default()).map_err(|error| error.to_string())?;
    Ok(report
        .findings
        .iter()
        .map(|finding| (finding.rule.to_string(), finding.path.clone()))
        .collect())
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(rule, item)| ((*rule).to_owned(), (*item).to_owned()))
        .collect()
}

/// Autobahn's 2022 catalog (`wid`/`wrn`) to its current one (`wampid`/`wampuri`): the
/// spelling change keeps every URI, so peers see one change only, `authid` of
/// `session_kill_by_authid` turned from `ulong` into `string` (an upstream fix); the Rust
/// API loses the `Wid`/`Wids` types, now `WampId`/`WampIds`.
#[test]
fn autobahn_2022_dialect_to_current_catalog() -> Result<(), String> {
    let found = corpus_findings(
        "autobahn-python/_history/e39ccd28-parent/autobahn/xbr/test/catalog/src/wamp-meta-api.fbs",
        "autobahn-python/autobahn/xbr/test/catalog/src/wamp-meta.fbs",
    )?;
    assert_eq!(
        found,
        owned(&[
            ("wire/field-type-changed", "wamp.SessionKillByAuthid.authid"),
            ("wamp/arg-retyped", "wamp.IWampMeta.session_kill_by_authid.authid"),
            ("rust/type-removed", "Wid"),
            ("rust/type-removed", "Wids"),
            ("rust/field-retyped", "wamp.SessionKillByAuthid.authid"),
        ])
    );
    Ok(())
}

/// The 2022 trading schema, committed as .bfbs on 2022-06-08 and as .fbs on 2022-06-13:
/// URIs moved from bare names under empty prefixes to prefixes with placeholders, and
/// the catalog's `uint128_t`/`uint256_t` structs went from `ulong` to `uint` words.
#[test]
fn autobahn_2022_trading_evolution() -> Result<(), String> {
    let found = corpus_findings(
        "autobahn-python/_history/ac2b03dd-parent/autobahn/xbr/test/schema/trading.bfbs",
        "autobahn-python/_history/d7aa88a8-parent/autobahn/xbr/test/catalog/src/trading.fbs",
    )?;
    let count = |rule: &str| found.iter().filter(|(found_rule, _)| found_rule == rule).count();
    assert_eq!(count("wire/struct-layout-changed"), 2, "{found:#?}");
    assert_eq!(count("wamp/prefix-changed"), 3, "{found:#?}");
    assert!(count("wamp/uri-changed") >= 10, "{found:#?}");
    assert!(found.contains(&("wire/struct-layout-changed".to_owned(), "uint128_t".to_owned())));
    assert!(found.contains(&(
        "wamp/prefix-changed".to_owned(),
        "trading.ILimitOrderBookReader".to_owned()
    )));
    Ok(())
}

/// An edit of a schema's text (from, to) and the (rule, item) pairs it must give.
type Edit<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Changes derived from the current wamp-meta.fbs, each a typical edit of a deployed API.
#[test]
fn derived_changes_of_the_meta_api() -> Result<(), String> {
    let source = Path::new(SHARED).join("corpus/wamp-proto/catalog/src");
    let original = fs::read_to_string(source.join("wamp-meta.fbs"))
        .map_err(|error| format!("{}: {error}", source.display()))?;
    let cases: [Edit<'_>; 5] = [
        (
            "wampuri: \"wamp.session.list\"",
            "wampuri: \"wamp.session.list_all\"",
            &[("wamp/uri-changed", "wamp.IWampMeta.session_list")],
        ),
        (
            "session_count (SessionRolesFilter): Uint (type: \"procedure\"",
            "session_count (SessionRolesFilter): Uint (type: \"topic\"",
            &[("wamp/kind-changed", "wamp.IWampMeta.session_count")],
        ),
        (
            "88711231-3d95-44bc-9464-58d871dd7fd7",
            "88711231-3d95-44bc-9464-58d871dd7fd8",
            &[("wamp/uuid-changed", "wamp.IWampMeta")],
        ),
        (
            "session_count (SessionRolesFilter): Uint (type: \"procedure\"",
            "session_count (SessionRolesFilter): WampIds (type: \"procedure\"",
            &[("wamp/arg-retyped", "wamp.IWampMeta.session_count.value")],
        ),
        (
            "    type_get (Void): Void (type: \"procedure\", wampuri: \"wamp.type.get\");\n",
            "",
            &[("wamp/method-removed", "wamp.IWampMeta.type_get")],
        ),
    ];
    let mut loader = wamp_idl::Loader::new();
    loader.include_dir(&source);
    let old = loader.load_fbs_text(source.join("wamp-meta.fbs"), original.clone());
    for (from, to, expected) in cases {
        assert!(original.contains(from), "wamp-meta.fbs no longer has {from}");
        let new = loader.load_fbs_text(source.join("wamp-meta.fbs"), original.replacen(from, to, 1));
        let mut config = Config::default();
        config.set_category_level(Category::Rust, Level::Off);
        let report = breaking::check(&old, &new, &config).map_err(|error| error.to_string())?;
        let found: Vec<(String, String)> = report
            .findings
            .iter()
            .map(|finding| (finding.rule.to_string(), finding.path.clone()))
            .collect();
        assert_eq!(
            found,
            owned(expected),
            "{from} -> {to}:\n{}",
            report.render(Format::Text)
        );
    }
    Ok(())
}

/// flatc's binary schema of the corpus catalog describes the same API as its source.
#[test]
fn bfbs_baseline_against_its_source_has_no_finding() -> Result<(), String> {
    let found = corpus_findings(
        "../corpus-bfbs/wamp-proto/catalog/src/wamp-meta.bfbs",
        "wamp-proto/catalog/src/wamp-meta.fbs",
    )?;
    assert_eq!(found, Vec::new());
    Ok(())
}

/// A build script checking the schema against the `.bfbs` committed for its last release:
/// unchanged, it builds; with a procedure's URI changed, the build fails with the finding.
#[test]
fn builder_checks_against_a_bfbs_baseline() -> Result<(), String> {
    let source = Path::new(SHARED).join("corpus/wamp-proto/catalog/src");
    let baseline = Path::new(SHARED).join("corpus-bfbs/wamp-proto/catalog/src/wamp-meta.bfbs");
    let directory = tempfile::tempdir().map_err(|error| error.to_string())?;
    let copy = |name: &str, edit: &dyn Fn(String) -> String| -> Result<PathBuf, String> {
        let text = fs::read_to_string(source.join(name)).map_err(|error| format!("{name}: {error}"))?;
        let path = directory.path().join(name);
        fs::write(&path, edit(text)).map_err(|error| format!("{name}: {error}"))?;
        Ok(path)
    };
    copy("wamp.fbs", &|text| text)?;
    let builder = wamp_idl_codegen::Builder::new()
        .out_dir(directory.path())
        .breaking_baseline(&baseline, Config::default());
    let unchanged = copy("wamp-meta.fbs", &|text| text)?;
    builder
        .compile(&[&unchanged])
        .map_err(|error| error.to_string())?;
    let changed = copy("wamp-meta.fbs", &|text| {
        text.replacen("\"wamp.session.list\"", "\"wamp.session.list_all\"", 1)
    })?;
    let error = builder
        .compile(&[&changed])
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("error: the URI of procedure `session_list` is `wamp.session.list_all`")
            && error.contains("[wamp/uri-changed]"),
        "{error}"
    );
    Ok(())
}

#[test]
fn an_old_schema_that_does_not_load_fails_with_its_diagnostics() {
    let new = fixture("wire/field-removed", "new");
    let result = run(&[
        "breaking",
        "--against",
        "tests/data/fbs/invalid/does-not-exist.fbs",
        &new,
    ]);
    assert_eq!(result.code, Some(1));
    assert!(
        result
            .stderr
            .starts_with("error: cannot read `tests/data/fbs/invalid/does-not-exist.fbs`"),
        "{}",
        result.stderr
    );
}
