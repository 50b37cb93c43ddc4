//! Tests of `wamp_idl_codegen::Builder` as a build script uses it: what it writes into
//! the output directory, when it leaves files alone, and what it does with errors and
//! warnings.

use std::path::Path;

use wamp_idl_codegen::{Builder, ErrorKind, docs};

const CALCULATOR: &str = r#"
attribute "type";
attribute "wampuri";

namespace demo;

table Void {}
table AddRequest { a: int; b: int; }
table AddResult { sum: int; }

rpc_service ICalculator (type: "interface", wampuri: "com.example.calc") {
    add (AddRequest): AddResult (type: "procedure");
}
"#;

/// An interface without a URI prefix: valid, with a warning.
const NO_PREFIX: &str = r#"
attribute "type";

namespace demo;

table Void {}

rpc_service IQuiet (type: "interface") {
    ping (Void): Void (type: "procedure");
}
"#;

const BROKEN: &str = "namespace demo;\ntable AddRequest { a: Missing; }\n";

/// A temporary crate: `schemas/` holding the schemas, `out/` the output directory.
struct Project {
    root: tempfile::TempDir,
}

impl Project {
    fn new() -> std::io::Result<Project> {
        let root = tempfile::tempdir()?;
        std::fs::create_dir_all(root.path().join("schemas"))?;
        std::fs::create_dir_all(root.path().join("out"))?;
        for (name, text) in [
            ("calc.fbs", CALCULATOR),
            ("quiet.fbs", NO_PREFIX),
            ("broken.fbs", BROKEN),
        ] {
            std::fs::write(root.path().join("schemas").join(name), text)?;
        }
        Ok(Project { root })
    }

    fn schema(&self, name: &str) -> std::path::PathBuf {
        self.root.path().join("schemas").join(name)
    }

    fn out(&self) -> std::path::PathBuf {
        self.root.path().join("out")
    }

    /// The names of the files in the output directory, sorted.
    fn outputs(&self) -> std::io::Result<Vec<String>> {
        let mut names = std::fs::read_dir(self.out())?
            .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
            .collect::<std::io::Result<Vec<_>>>()?;
        names.sort();
        Ok(names)
    }
}

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn writes_the_code_under_the_first_schema_stem() -> TestResult {
    let project = Project::new()?;
    let builder = Builder::new().out_dir(project.out());
    builder.compile(&[project.schema("calc.fbs")])?;
    assert_eq!(project.outputs()?, ["calc.rs"]);
    let written = std::fs::read_to_string(project.out().join("calc.rs"))?;
    assert_eq!(written, builder.compile_to_string(&[project.schema("calc.fbs")])?);
    assert!(written.contains("pub struct AddRequest"), "{written}");
    Ok(())
}

#[test]
fn file_name_renames_the_output() -> TestResult {
    let project = Project::new()?;
    Builder::new()
        .out_dir(project.out())
        .file_name("api")
        .compile(&[project.schema("calc.fbs")])?;
    assert_eq!(project.outputs()?, ["api.rs"]);
    Ok(())
}

#[test]
fn file_name_must_be_a_plain_stem() -> TestResult {
    let project = Project::new()?;
    for stem in ["", "api.rs", "../api", "sub/api", ".."] {
        let error = Builder::new()
            .out_dir(project.out())
            .file_name(stem)
            .compile(&[project.schema("calc.fbs")])
            .err()
            .ok_or_else(|| format!("file_name({stem:?}) must be refused"))?;
        assert_eq!(
            error.to_string(),
            format!(
                "`file_name({stem:?})`: expected a file stem without directory or `.rs`, such as \"clock\""
            )
        );
    }
    assert_eq!(project.outputs()?, Vec::<String>::new());
    assert_eq!(
        project.root.path().read_dir()?.count(),
        2,
        "nothing written beside `out/`"
    );
    Ok(())
}

#[test]
fn unchanged_output_is_not_rewritten() -> TestResult {
    let project = Project::new()?;
    let builder = Builder::new().out_dir(project.out());
    builder.compile(&[project.schema("calc.fbs")])?;
    let written_at = std::fs::metadata(project.out().join("calc.rs"))?.modified()?;
    std::thread::sleep(std::time::Duration::from_millis(20));
    builder.compile(&[project.schema("calc.fbs")])?;
    assert_eq!(
        std::fs::metadata(project.out().join("calc.rs"))?.modified()?,
        written_at
    );
    Ok(())
}

#[test]
fn docs_are_written_next_to_the_code() -> TestResult {
    let project = Project::new()?;
    Builder::new()
        .out_dir(project.out())
        .docs(docs::Format::Markdown, "calc.md")
        .compile(&[project.schema("calc.fbs")])?;
    assert_eq!(project.outputs()?, ["calc.md", "calc.rs"]);
    let schema = wamp_idl::Loader::new()
        .load(&[project.schema("calc.fbs")])
        .into_result()?;
    let expected = docs::render(&schema, &docs::Options::default())?;
    assert_eq!(std::fs::read_to_string(project.out().join("calc.md"))?, expected);
    Ok(())
}

#[test]
fn schema_errors_write_nothing_and_carry_the_diagnostics() -> TestResult {
    let project = Project::new()?;
    let result = Builder::new()
        .out_dir(project.out())
        .compile(&[project.schema("broken.fbs")]);
    let error = result.err().ok_or("a broken schema must fail")?;
    assert!(matches!(error.kind(), ErrorKind::Schema(_)), "{error:?}");
    assert!(error.to_string().contains("broken.fbs:2:"), "{error}");
    assert_eq!(project.outputs()?, Vec::<String>::new());
    Ok(())
}

#[test]
fn warnings_are_reported_and_denied_on_request() -> TestResult {
    let project = Project::new()?;
    let quiet = project.schema("quiet.fbs");
    let generated = Builder::new().generate(&[&quiet])?;
    assert!(generated.warnings.contains("warning:"), "{}", generated.warnings);
    assert_eq!(generated.files_read, std::slice::from_ref(&quiet));

    let denied = Builder::new().deny_warnings(true).generate(&[&quiet]);
    let error = denied.err().ok_or("denied warnings must fail")?;
    assert!(error.to_string().contains("error:"), "{error}");
    Ok(())
}

#[test]
fn options_reach_the_generator() -> TestResult {
    let project = Project::new()?;
    let calc = [project.schema("calc.fbs")];
    let full = Builder::new().compile_to_string(&calc)?;
    for (option, builder) in [
        ("caller(false)", Builder::new().caller(false)),
        ("callee(false)", Builder::new().callee(false)),
        ("runtime_path", Builder::new().runtime_path("crate::rt")),
        (
            "type_attribute",
            Builder::new().type_attribute(".", "#[derive(Hash)]"),
        ),
    ] {
        assert_ne!(
            builder.compile_to_string(&calc)?,
            full,
            "{option} changes the code"
        );
    }
    Ok(())
}

#[test]
fn without_out_dir_it_needs_cargo() -> TestResult {
    assert!(
        std::env::var_os("OUT_DIR").is_none(),
        "this crate has no build script, so Cargo sets no OUT_DIR for its tests"
    );
    let project = Project::new()?;
    let error = Builder::new()
        .compile(&[project.schema("calc.fbs")])
        .err()
        .ok_or("compile without an output directory must fail")?;
    assert!(error.to_string().contains("OUT_DIR is not set"), "{error}");
    assert!(Path::new(&project.out()).read_dir()?.next().is_none());
    Ok(())
}
