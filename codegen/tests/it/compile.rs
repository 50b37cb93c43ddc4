//! Compile test: the generated code of every fixture and every corpus schema builds with
//! warnings denied and without the prelude (so it names everything by absolute path).
//! With serde support (`Builder::serde`), every type of every corpus schema also makes a
//! round trip through serde_json: its docs example read as the WAMP value it is, then
//! serialized to JSON with its schema's field names and read back equal.
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
    /// What `main` runs: nothing, or the serde round trips.
    checks: String,
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
                checks: String::new(),
            });
        }
    }
    let corpus = corpus_dir();
    for schema in schemas_under(&corpus, true) {
        let relative = schema.strip_prefix(&corpus).unwrap_or(&schema).to_path_buf();
        match serde_round_trips(&schema) {
            Ok(checks) => cases.push(Case {
                name: case_name("serde", &relative),
                schema: schema.clone(),
                builder: Builder::new().serde(true),
                checks,
            }),
            Err(error) => {
                let _ = writeln!(problems, "{} did not load:\n{error}\n", schema.display());
            }
        }
        cases.push(Case {
            name: case_name("corpus", &relative),
            schema,
            builder: Builder::new(),
            checks: String::new(),
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
            checks: String::new(),
        });
    }
    cases
}

/// The body of `main` for a schema generated with serde support: a round trip of every
/// table, struct, enum and union, starting from its docs example.
fn serde_round_trips(schema: &Path) -> Result<String, wamp_idl::Error> {
    let schema = wamp_idl::Loader::new().load(&[schema]).into_result()?;
    let names = schema
        .objects
        .iter()
        .map(|object| &object.name)
        .chain(schema.enums.iter().map(|enumeration| &enumeration.name));
    let mut checks = String::new();
    for name in names {
        let Some(example) = wamp_idl_codegen::docs::example_json(&schema, name) else {
            continue;
        };
        let _ = writeln!(
            checks,
            "    serde_check::round_trip::<generated::{}>({:?}, {:?}, &mut failures);",
            wamp_idl_codegen::rust::type_path(&schema, name),
            name.as_str(),
            example
        );
    }
    Ok(checks)
}

/// What every serde case's `main` calls: reads the example as the type, then checks that
/// its JSON comes back equal, keyed by the schema's field names.
const SERDE_CHECK: &str = r#"
mod serde_check {
    use ::std::prelude::rust_2024::*;

    pub fn round_trip<T>(name: &str, example: &str, failures: &mut Vec<String>)
    where
        T: ::wamp_idl_runtime::FromValue
            + ::serde::Serialize
            + ::serde::de::DeserializeOwned
            + PartialEq
            + ::std::fmt::Debug,
    {
        let limits = ::wamp_idl_runtime::wire::DecodeLimits::default();
        let value = match ::wamp_idl_runtime::wire::Serializer::Json.decode_value_with(example.as_bytes(), &limits) {
            Ok(value) => value,
            Err(error) => return failures.push(format!("{name}: its example {example} does not decode: {error}")),
        };
        let typed = match T::from_value(::wamp_idl_runtime::ValueRef::from(&value)) {
            Ok(typed) => typed,
            Err(error) => return failures.push(format!("{name}: its example {example} does not read: {error}")),
        };
        let json = match ::serde_json::to_string(&typed) {
            Ok(json) => json,
            Err(error) => return failures.push(format!("{name}: {typed:?} does not serialize: {error}")),
        };
        match ::serde_json::from_str::<T>(&json) {
            Ok(back) if back == typed => {}
            Ok(back) => return failures.push(format!("{name}: {json} came back as {back:?}, not {typed:?}")),
            Err(error) => return failures.push(format!("{name}: {json} does not deserialize: {error}")),
        }
        // A table or struct keeps the wire's field names: every key it writes is one of the example's.
        if let (Ok(::serde_json::Value::Object(written)), Ok(::serde_json::Value::Object(wire))) = (
            ::serde_json::from_str::<::serde_json::Value>(&json),
            ::serde_json::from_str::<::serde_json::Value>(example),
        ) {
            for key in written.keys() {
                if !wire.contains_key(key) {
                    failures.push(format!("{name}: {json} has the key {key:?}, which the wire has not: {example}"));
                }
            }
        }
    }
}
"#;

/// The case's `main.rs`: the generated code in a module, as `include_generated!` puts it,
/// and `main` running `checks`.
///
/// `dead_code` is allowed because `main` uses none of the generated API; every other
/// warning (unused imports and variables, missing qualifications...) fails the case.
fn case_source(name: &str, checks: &str) -> String {
    let mut source = format!(
        "#![deny(warnings)]\n\
         #![no_implicit_prelude]\n\
         \n\
         #[allow(dead_code)]\n\
         mod generated {{\n    \
             ::core::include!(\"{name}.generated.rs\");\n\
         }}\n\
         \n"
    );
    if checks.is_empty() {
        source.push_str("fn main() {}\n");
    } else {
        let _ = write!(
            source,
            "{SERDE_CHECK}\n\
             fn main() {{\n    \
                 let mut failures = ::std::vec::Vec::new();\n\
             {checks}    \
                 ::std::assert!(failures.is_empty(), \"{{}}\", failures.join(\"\\n\"));\n\
             }}\n"
        );
    }
    source
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
                wamp_idl_codegen::output::write_if_changed(
                    &case_path,
                    &case_source(&case.name, &case.checks),
                )?;
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
