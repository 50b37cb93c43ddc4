//! Snapshot tests: the generated code of every schema fixture, one insta snapshot per file.
//!
//! The fixture folders belong to the front end and the generator; every `.fbs` in
//! them is covered without being listed here. Review changes with `cargo insta review`.

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
    insta::glob!("../../tests/data/codegen", "*.fbs", |fixture| {
        insta::assert_snapshot!("codegen", check(fixture));
    });
    insta::glob!("../../tests/data/fbs/valid", "*.fbs", |fixture| {
        let generated = check(fixture);
        assert!(
            !generated.starts_with("error:"),
            "a valid schema must generate: {generated}"
        );
        insta::assert_snapshot!("valid", generated);
    });
}
