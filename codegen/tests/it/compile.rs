//! Compile test: the generated code of every fixture and every corpus schema builds with
//! warnings denied and without the prelude (so it names everything by absolute path).
//! With serde support (`Builder::serde`), every type of every corpus schema also makes a
//! round trip through serde_json: its docs example read as the WAMP value it is, then
//! serialized to JSON with its schema's field names and read back equal.
//!
//! All schemas build as one crate, one trybuild case in `$CARGO_TARGET_TMPDIR/compile-test`:
//! each generated file is a module of it, the serde variants beside the plain ones. A crate per
//! schema took a cargo build, a link and a run each, about 90 of them, which made this the
//! slowest test of the suite. The crate's dependencies are this crate's, the runtime included.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use wamp_idl_codegen::Builder;

/// One schema to generate and build, as a module of a unique name.
struct Case {
    module: String,
    schema: PathBuf,
    builder: Builder,
    /// What `main` runs for this module: nothing, or the serde round trips.
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

/// A module name from a group and a path, in snake case (the crate denies warnings, and a
/// module name that is not snake case is one): lower-case letters and digits joined by single
/// underscores.
fn module_name(group: &str, relative: &Path) -> String {
    let path = relative.with_extension("");
    let path = path.to_string_lossy();
    let words = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty());
    std::iter::once(group)
        .chain(words)
        .collect::<Vec<_>>()
        .join("_")
        .to_ascii_lowercase()
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
                module: module_name("fixture", &relative),
                schema,
                builder: Builder::new(),
                checks: String::new(),
            });
        }
    }
    let corpus = corpus_dir();
    for schema in schemas_under(&corpus, true) {
        let relative = schema.strip_prefix(&corpus).unwrap_or(&schema).to_path_buf();
        let module = module_name("serde", &relative);
        match serde_round_trips(&schema, &module) {
            Ok(checks) => cases.push(Case {
                module,
                schema: schema.clone(),
                builder: Builder::new().serde(true),
                checks,
            }),
            Err(error) => {
                let _ = writeln!(problems, "{} did not load:\n{error}\n", schema.display());
            }
        }
        cases.push(Case {
            module: module_name("corpus", &relative),
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
            module: format!("{side}_wamp_meta"),
            schema: meta.clone(),
            builder,
            checks: String::new(),
        });
    }
    cases
}

/// What `main` runs for a schema generated with serde support into `module`: a round trip of
/// every table, struct, enum and union, starting from its docs example.
fn serde_round_trips(schema: &Path, module: &str) -> Result<String, wamp_idl::Error> {
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
            "    round_trip::check::<{module}::{}>({:?}, {:?}, &mut failures);",
            wamp_idl_codegen::rust::type_path(&schema, name),
            format!("{module}: {}", name.as_str()),
            example
        );
    }
    Ok(checks)
}

/// What `main` calls for every type of a serde module: reads the example as the type, then checks that
/// its JSON comes back equal, keyed by the schema's field names.
const ROUND_TRIP: &str = r#"
mod round_trip {
    use ::std::prelude::rust_2024::*;

    pub fn check<T>(name: &str, example: &str, failures: &mut Vec<String>)
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

/// The crate's `main.rs`: each generated file in a module of its own, as `include_generated!`
/// puts it, and `main` running every module's checks.
///
/// `dead_code` is allowed because `main` uses little of the generated API; every other
/// warning (unused imports and variables, missing qualifications...) fails the crate.
fn crate_source(modules: &[(String, String)]) -> String {
    let mut source = String::from("#![deny(warnings)]\n#![no_implicit_prelude]\n");
    for (module, _) in modules {
        let _ = write!(
            source,
            "\n#[allow(dead_code)]\n\
             mod {module} {{\n    \
                 ::core::include!(\"{module}.generated.rs\");\n\
             }}\n"
        );
    }
    let checks: String = modules.iter().map(|(_, checks)| checks.as_str()).collect();
    let _ = write!(
        source,
        "{ROUND_TRIP}\n\
         fn main() {{\n    \
             let mut failures = ::std::vec::Vec::new();\n\
         {checks}    \
             ::std::assert!(failures.is_empty(), \"{{}}\", failures.join(\"\\n\"));\n\
         }}\n"
    );
    source
}

#[test]
fn generated_code_compiles_without_warnings() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-test");
    std::fs::create_dir_all(&out_dir)?;
    let mut problems = String::new();
    let mut modules = Vec::new();
    let mut taken = std::collections::BTreeSet::new();
    for case in cases(&mut problems) {
        if !taken.insert(case.module.clone()) {
            let _ = writeln!(
                problems,
                "{} makes the module name {} again: module_name must tell them apart\n",
                case.schema.display(),
                case.module
            );
            continue;
        }
        match case.builder.compile_to_string(&[&case.schema]) {
            Ok(code) => {
                let code_path = out_dir.join(format!("{}.generated.rs", case.module));
                wamp_idl_codegen::output::write_if_changed(&code_path, &code)?;
                modules.push((case.module, case.checks));
            }
            Err(error) => {
                let _ = writeln!(problems, "{} did not generate:\n{error}\n", case.schema.display());
            }
        }
    }
    eprint!("{problems}");
    let crate_path = out_dir.join("all_schemas.rs");
    wamp_idl_codegen::output::write_if_changed(&crate_path, &crate_source(&modules))?;
    trybuild::TestCases::new().pass(&crate_path);
    assert!(problems.is_empty(), "{problems}");
    Ok(())
}
