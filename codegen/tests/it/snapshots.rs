//! Snapshot tests: the generated code of every schema fixture, one insta snapshot per file,
//! and the warnings of generating each codegen fixture, in a golden `<name>.stderr`
//! beside it (none when absent).
//!
//! The fixture folders belong to the front end and the generator; every `.fbs` in
//! them is covered without being listed here. Review changes with `cargo insta review`;
//! `UPDATE_GOLDEN=1` rewrites the `.stderr` goldens.

use std::path::{Path, PathBuf};

use wamp_idl_codegen::Builder;

/// The generated code of a fixture, or the error a user would see.
///
/// The schema is loaded under its path relative to this crate, so that paths in
/// diagnostics are the same on every machine.
fn check(fixture: &Path) -> String {
    let path = relative_to_crate(fixture);
    match Builder::new().compile_to_string(&[&path]) {
        Ok(code) => code,
        Err(error) => format!("error:\n{error}\n"),
    }
}

fn relative_to_crate(fixture: &Path) -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = workspace.canonicalize().unwrap_or(workspace);
    match fixture.strip_prefix(&workspace) {
        Ok(relative) => Path::new("..").join(relative),
        Err(_) => fixture.to_path_buf(),
    }
}

/// Both folders in one test: `glob!` keeps its failure count in a global stack, which
/// two globs running in parallel tests would mix up.
#[test]
fn fixtures_generate_as_snapshotted() {
    insta::glob!("../../../tests/data/codegen", "*.fbs", |fixture| {
        insta::assert_snapshot!("codegen", check(fixture));
    });
    insta::glob!("../../../tests/data/fbs/valid", "*.fbs", |fixture| {
        let generated = check(fixture);
        assert!(
            !generated.starts_with("error:"),
            "a valid schema must generate: {generated}"
        );
        insta::assert_snapshot!("valid", generated);
    });
}

#[test]
fn codegen_fixtures_warn_as_their_golden_stderr() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/codegen");
    let dir = dir.canonicalize().unwrap_or(dir);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    let mut fixtures = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "fbs"))
        .collect::<Vec<_>>();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "no fixtures in {}", dir.display());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1");
    for fixture in fixtures {
        let path = relative_to_crate(&fixture);
        let warnings = Builder::new()
            .generate(&[&path])
            .map(|generated| generated.warnings)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let golden = fixture.with_extension("stderr");
        if update {
            let written = if warnings.is_empty() {
                std::fs::remove_file(&golden).or_else(|error| match error.kind() {
                    std::io::ErrorKind::NotFound => Ok(()),
                    _ => Err(error),
                })
            } else {
                std::fs::write(&golden, &warnings)
            };
            written.unwrap_or_else(|error| panic!("{}: {error}", golden.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert!(
            warnings == expected,
            "{} differs from the warnings (UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{warnings}",
            golden.display()
        );
    }
}
