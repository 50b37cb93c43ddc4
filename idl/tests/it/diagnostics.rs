//! Invalid `.fbs` input: every fixture under `tests/data/fbs/invalid` must produce
//! exactly the diagnostics of its golden `<name>.stderr`.
//!
//! Paths in the goldens are relative to the repository root, so they hold on any
//! machine. To (re)write the goldens after an intended change, run with
//! `UPDATE_GOLDEN=1` and review the diff.

use std::path::{Path, PathBuf};

use wamp_idl::Loader;

/// The repository root, which rendered paths are made relative to.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| panic!("the crate directory has a parent"))
        .to_path_buf()
}

fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/data/fbs/invalid")
}

/// The invalid fixtures (top level of the folder; subfolders hold included files).
fn fixtures() -> Vec<PathBuf> {
    let dir = fixtures_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    let mut found: Vec<PathBuf> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|extension| extension == "fbs"))
        .collect();
    found.sort();
    found
}

/// The rendered diagnostics of loading `path`, with the repository root stripped.
fn rendered_diagnostics(path: &Path) -> (String, usize) {
    let loaded = Loader::new().load(&[path]);
    let root = format!("{}/", repo_root().display());
    (
        loaded.render_diagnostics().replace(&root, ""),
        loaded.diagnostics.error_count(),
    )
}

/// Compares (or with `UPDATE_GOLDEN=1` rewrites) the golden of one fixture.
fn check(fixture: &Path, update: bool) -> Result<(), String> {
    let golden = fixture.with_extension("stderr");
    let (actual, errors) = rendered_diagnostics(fixture);
    if errors == 0 {
        return Err(format!("{} loads without error", fixture.display()));
    }
    if update {
        std::fs::write(&golden, &actual).map_err(|error| format!("{}: {error}", golden.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&golden).map_err(|error| {
        format!(
            "{}: {error} (run with UPDATE_GOLDEN=1 to create it)",
            golden.display()
        )
    })?;
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "{} differs from its golden {}:\n--- expected\n{expected}\n--- actual\n{actual}",
            fixture.display(),
            golden.display()
        ))
    }
}

#[test]
fn every_invalid_fixture_matches_its_golden_diagnostics() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1");
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 20,
        "expected the invalid fixtures in {}",
        fixtures_dir().display()
    );
    let failures: Vec<String> = fixtures
        .iter()
        .filter_map(|fixture| check(fixture, update).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let loaded = Loader::new().load(&["does/not/exist.fbs"]);
    let rendered = loaded.render_diagnostics();
    assert!(loaded.schema.is_none());
    assert!(
        rendered.starts_with("error: cannot read `does/not/exist.fbs`: "),
        "unexpected diagnostics: {rendered}"
    );
}

#[test]
fn a_missing_include_dir_is_an_error_naming_it() {
    let loaded = Loader::new()
        .include_dir("no/such/dir")
        .load_fbs_text("t.fbs", "table T {}\n");
    assert!(loaded.schema.is_none());
    assert_eq!(
        loaded.render_diagnostics(),
        "error: include directory `no/such/dir` does not exist or is not a directory\n"
    );
}

#[test]
fn include_dirs_are_searched_after_the_including_files_directory() {
    let include_dir = repo_root().join("tests/data/fbs/valid/include");
    let schema = "include \"common.fbs\";\ntable T { c: common.Common; }\n";
    let without = Loader::new().load_fbs_text("/nonexistent/t.fbs", schema);
    assert_eq!(
        without.diagnostics.error_count(),
        1,
        "{}",
        without.render_diagnostics()
    );
    assert!(
        without
            .render_diagnostics()
            .contains("include `common.fbs` not found")
    );
    let with = Loader::new()
        .include_dir(&include_dir)
        .load_fbs_text("/nonexistent/t.fbs", schema);
    assert!(with.schema.is_some(), "{}", with.render_diagnostics());
}

/// Input nested far deeper than any schema: the loader answers with diagnostics, its
/// stack untouched (nothing in the parser recurses).
#[test]
fn deeply_nested_input_gives_diagnostics() {
    let depth = 100_000;
    let inputs = [
        "[".repeat(depth),
        format!("table T {{ a: {}int{}; }}", "[".repeat(depth), "]".repeat(depth)),
        format!("table T ({}) {{}}", "(".repeat(depth)),
        "{".repeat(depth) + &"}".repeat(depth),
    ];
    for input in inputs {
        let loaded = Loader::new().load_fbs_text("deep.fbs", input);
        assert!(loaded.schema.is_none());
        assert!(loaded.diagnostics.error_count() >= 1);
    }
}

/// Thousands of errors on one line of half a megabyte (a generated union of 8,000
/// undeclared members): the first errors are shown, each with a window of the line around
/// its caret, then a count of the rest; the diagnostics themselves keep every error.
#[test]
fn thousands_of_errors_on_one_long_line_render_bounded() {
    let members = 8_000;
    let line = (0..members)
        .map(|index| format!("UndeclaredMemberTable{index:05}"))
        .collect::<Vec<_>>()
        .join(", ");
    let schema = format!("union U {{ {line} }}\n");
    assert!(schema.len() > 200_000);
    let loaded = Loader::new().load_fbs_text("wide.fbs", schema.as_str());
    assert_eq!(loaded.diagnostics.error_count(), members);
    let rendered = loaded.render_diagnostics();
    let shown = wamp_idl::diagnostic::SHOWN_PER_SEVERITY;
    assert_eq!(rendered.matches(": error: ").count(), shown);
    assert!(
        rendered.ends_with(&format!(
            "note: {} more errors not shown (the first {shown} of each are)\n",
            members - shown
        )),
        "{rendered}"
    );
    let longest = rendered.lines().map(|line| line.chars().count()).max();
    assert!(
        longest < Some(200),
        "a line of {longest:?} characters in:\n{rendered}"
    );
    // The last error shown, at member 49 of the 540 KB line: its window around the caret.
    let caret = schema.find("UndeclaredMemberTable00049").unwrap_or_default();
    let window = schema.get(caret - 60..caret + 100).unwrap_or_default();
    let expected = format!(
        "1 | …{window}…\n  | {}{}\n",
        " ".repeat(61),
        "^".repeat("UndeclaredMemberTable00049".len())
    );
    assert!(
        rendered.contains(&expected),
        "expected the window\n{expected}\nin:\n{rendered}"
    );
}

#[test]
fn a_directory_given_as_input_is_an_error_saying_so() {
    let directory = repo_root().join("tests/data/fbs/valid/include");
    let loaded = Loader::new().load(&[&directory]);
    assert!(loaded.schema.is_none());
    assert_eq!(
        loaded.render_diagnostics(),
        format!(
            "error: `{}` is a directory, not a schema file\n",
            directory.display()
        )
    );
}

#[test]
fn the_bundled_wamp_fbs_stands_in_silently_for_a_schema_that_loads() {
    let loaded = Loader::new().load_fbs_text(
        "/nonexistent/t.fbs",
        "include \"wamp.fbs\";\ntable T { id: wamp.WampId; }\n",
    );
    assert!(loaded.schema.is_some(), "{}", loaded.render_diagnostics());
    assert!(loaded.diagnostics.is_empty(), "{}", loaded.render_diagnostics());
}
