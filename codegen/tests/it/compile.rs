//! Compile test: the generated code of every fixture and every corpus schema builds with
//! warnings denied and without the prelude (so it names everything by absolute path).
//!
//! Each schema becomes one trybuild case in `$CARGO_TARGET_TMPDIR/compile-test`; all
//! cases share trybuild's scratch crate, whose dependencies are this crate's, the
//! runtime included.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use wamp_idl_codegen::Builder;

/// One schema to generate and build, under a unique case name.
struct Case {
    name: String,
    schema: PathBuf,
    builder: Builder,
}

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shared corpus, which must be there: a missing corpus would make this test pass vacuously.
fn corpus_dir() -> PathBuf {
    let corpus = workspace_dir().join("../shared/corpus");
    assert!(
        corpus.is_dir(),
        "the shared corpus is missing: expected it at {} (the project's ../shared/corpus)",
        corpus.display()
    );
    corpus
}

/// Every `.fbs` file in `dir`, and in its subfolders if `recursive`, sorted.
fn schemas_under(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && recursive {
            found.extend(schemas_under(&path, recursive));
        } else if path.extension().is_some_and(|extension| extension == "fbs") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// A case name from a path: a valid, unique file stem.
fn case_name(group: &str, relative: &Path) -> String {
    let flat: String = relative
        .with_extension("")
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{group}__{flat}")
}

/// The cases, and the problems found while collecting them.
fn cases(problems: &mut String) -> Vec<Case> {
    let mut cases = Vec::new();
    let workspace = workspace_dir();
    for folder in ["tests/data/codegen", "tests/data/fbs/valid"] {
        let dir = workspace.join(folder);
        let fixtures = schemas_under(&dir, false);
        if fixtures.is_empty() {
            let _ = writeln!(problems, "no fixtures in {}\n", dir.display());
        }
        for schema in fixtures {
            let relative = schema.strip_prefix(&workspace).unwrap_or(&schema).to_path_buf();
            cases.push(Case {
                name: case_name("fixture", &relative),
                schema,
                builder: Builder::new(),
            });
        }
    }
    let corpus = corpus_dir();
    for schema in schemas_under(&corpus, true) {
        let relative = schema.strip_prefix(&corpus).unwrap_or(&schema).to_path_buf();
        cases.push(Case {
            name: case_name("corpus", &relative),
            schema,
            builder: Builder::new(),
        });
    }
    let meta = corpus.join("wamp-proto/catalog/src/wamp-meta.fbs");
    for (side, builder) in [
        ("caller_only", Builder::new().callee(false)),
        ("callee_only", Builder::new().caller(false)),
    ] {
        cases.push(Case {
            name: format!("{side}__wamp_meta"),
            schema: meta.clone(),
            builder,
        });
    }
    cases
}

/// The case's `main.rs`: the generated code in a module, as `include_generated!` puts it.
///
/// `dead_code` is allowed because `main` uses none of the generated API; every other
/// warning (unused imports and variables, missing qualifications...) fails the case.
fn case_source(name: &str) -> String {
    format!(
        "#![deny(warnings)]\n\
         #![no_implicit_prelude]\n\
         \n\
         #[allow(dead_code)]\n\
         mod generated {{\n    \
             ::core::include!(\"{name}.generated.rs\");\n\
         }}\n\
         \n\
         fn main() {{}}\n"
    )
}

#[test]
fn generated_code_compiles_without_warnings() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-test");
    std::fs::create_dir_all(&out_dir)?;
    let mut problems = String::new();
    let mut case_files = Vec::new();
    for case in cases(&mut problems) {
        match case.builder.compile_to_string(&[&case.schema]) {
            Ok(code) => {
                let code_path = out_dir.join(format!("{}.generated.rs", case.name));
                let case_path = out_dir.join(format!("{}.rs", case.name));
                wamp_idl_codegen::output::write_if_changed(&code_path, &code)?;
                wamp_idl_codegen::output::write_if_changed(&case_path, &case_source(&case.name))?;
                case_files.push(case_path);
            }
            Err(error) => {
                let _ = writeln!(problems, "{} did not generate:\n{error}\n", case.schema.display());
            }
        }
    }
    eprint!("{problems}");
    let test_cases = trybuild::TestCases::new();
    for case_path in &case_files {
        test_cases.pass(case_path);
    }
    drop(test_cases);
    assert!(problems.is_empty(), "{problems}");
    Ok(())
}
