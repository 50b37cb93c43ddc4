//! Generates what the compile tests compile, into `OUT_DIR`: the code of every fixture
//! (`tests/data/codegen`, `tests/data/fbs/valid`) and of every corpus schema (`../shared/corpus`),
//! with serde support, and of the Meta API with one side only, each in a module of its own
//! (`schemas.rs`), and the serde round trips of every type of the serde modules.
//!
//! The corpus is generated with serde support only: that code is the code without it plus
//! serde's derives and attributes, so compiling both proved nothing more and took 10 s longer;
//! the fixtures and the Meta API compile without it.
//!
//! A schema that does not load or generate fails the build, naming the schema; so does a
//! missing corpus (the test support's `corpus_dir`), which would otherwise make the tests pass
//! with nothing in them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wamp_idl_codegen::Builder;
use wamp_idl_test_support::corpus::{corpus_dir, files_with_extension};
use wamp_idl_test_support::repo_root;

/// One schema to generate, into a module of a unique name.
struct Case {
    module: String,
    schema: PathBuf,
    builder: Builder,
    /// Whether the module has serde support, whose types the round trips check.
    serde: bool,
}

/// A module name from a group and a path, in snake case (the tests deny warnings, and a module
/// name that is not snake case is one): lower-case letters and digits joined by single
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

/// The `.fbs` files directly in `dir` (not its `include` folders: those are read through the
/// schemas that include them), sorted.
fn fixtures_in(dir: &Path) -> Vec<PathBuf> {
    files_with_extension(dir, "fbs")
        .into_iter()
        .filter(|path| path.parent() == Some(dir))
        .collect()
}

/// Every case, or what kept one from being collected.
fn cases(problems: &mut String) -> Vec<Case> {
    let mut cases = Vec::new();
    let workspace = repo_root();
    for folder in ["tests/data/codegen", "tests/data/fbs/valid"] {
        let dir = workspace.join(folder);
        println!("cargo::rerun-if-changed={}", dir.display());
        let fixtures = fixtures_in(&dir);
        if fixtures.is_empty() {
            let _ = writeln!(problems, "no fixtures in {}", dir.display());
        }
        for schema in fixtures {
            let relative = schema.strip_prefix(&workspace).unwrap_or(&schema).to_path_buf();
            cases.push(Case {
                module: module_name("fixture", &relative),
                schema,
                builder: Builder::new(),
                serde: false,
            });
        }
    }
    let corpus = corpus_dir();
    println!("cargo::rerun-if-changed={}", corpus.display());
    let schemas = files_with_extension(&corpus, "fbs");
    if schemas.is_empty() {
        let _ = writeln!(problems, "no schemas in the corpus, {}", corpus.display());
    }
    for schema in schemas {
        let relative = schema.strip_prefix(&corpus).unwrap_or(&schema).to_path_buf();
        cases.push(Case {
            module: module_name("serde", &relative),
            schema,
            builder: Builder::new().serde(true),
            serde: true,
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
            serde: false,
        });
    }
    cases
}

/// The round trip of every table, struct, enum and union of `schema`, generated into `module`,
/// starting from its docs example: statements of `serde_round_trips`.
fn round_trips(schema: &Path, module: &str, checks: &mut String) -> Result<(), wamp_idl::Error> {
    let schema = wamp_idl::Loader::new().load(&[schema]).into_result()?;
    let names = schema
        .objects
        .iter()
        .map(|object| &object.name)
        .chain(schema.enums.iter().map(|enumeration| &enumeration.name));
    for name in names {
        let Some(example) = wamp_idl_codegen::docs::example_json(&schema, name) else {
            continue;
        };
        let _ = writeln!(
            checks,
            "    round_trip::check::<{module}::{}>({:?}, {:?}, failures);",
            wamp_idl_codegen::rust::type_path(&schema, name),
            format!("{module}: {}", name.as_str()),
            example
        );
    }
    Ok(())
}

/// Writes `schemas.rs` and the generated files it includes into `out_dir`; what went wrong, if
/// anything, is in `problems`.
fn generate(out_dir: &Path, problems: &mut String) -> Result<(), wamp_idl_codegen::Error> {
    let mut modules = String::new();
    let mut checks = String::new();
    let mut taken = std::collections::BTreeSet::new();
    for case in cases(problems) {
        if !taken.insert(case.module.clone()) {
            let _ = writeln!(
                problems,
                "{} makes the module name {} again: module_name must tell them apart",
                case.schema.display(),
                case.module
            );
            continue;
        }
        let code = match case.builder.compile_to_string(&[&case.schema]) {
            Ok(code) => code,
            Err(error) => {
                let _ = writeln!(problems, "{} did not generate:\n{error}", case.schema.display());
                continue;
            }
        };
        if case.serde
            && let Err(error) = round_trips(&case.schema, &case.module, &mut checks)
        {
            let _ = writeln!(problems, "{} did not load:\n{error}", case.schema.display());
        }
        let file = format!("{}.generated.rs", case.module);
        wamp_idl_codegen::output::write_if_changed(&out_dir.join(&file), &code)?;
        let _ = write!(
            modules,
            "\n#[allow(dead_code)]\n\
             mod {} {{\n    \
                 ::core::include!(::core::concat!(::core::env!(\"OUT_DIR\"), \"/{file}\"));\n\
             }}\n",
            case.module
        );
    }
    let _ = write!(
        modules,
        "\n/// The round trip of every type of the serde modules.\n\
         fn serde_round_trips(failures: &mut ::std::vec::Vec<::std::string::String>) {{\n\
         {checks}}}\n"
    );
    wamp_idl_codegen::output::write_if_changed(&out_dir.join("schemas.rs"), &modules)?;
    Ok(())
}

fn main() -> ExitCode {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("OUT_DIR is not set: this build script runs under cargo");
        return ExitCode::FAILURE;
    };
    let mut problems = String::new();
    if let Err(error) = generate(Path::new(&out_dir), &mut problems) {
        let _ = writeln!(problems, "{error}");
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprint!("{problems}");
        ExitCode::FAILURE
    }
}
