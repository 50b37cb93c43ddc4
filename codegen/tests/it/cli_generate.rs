//! Tests of `wamp-idl generate` as a user runs it: output on stdout or into a file,
//! diagnostics on stderr, exit codes, and the caller/callee switches.

use std::path::Path;
use std::process::Command;

use wamp_idl_codegen::Builder;

const CALCULATOR: &str = r#"
attribute "type";
attribute "wampuri";

namespace demo;

table Void {}
table AddRequest { a: int; b: int; }
table AddResult { sum: int; }
table Tick { count: ulong; }

rpc_service ICalculator (type: "interface", wampuri: "com.example.calc") {
    add (AddRequest): AddResult (type: "procedure", wampuri: "com.example.calc.add");
    ticked (Tick): Void (type: "topic", wampuri: "com.example.calc.ticked");
}
"#;

const BROKEN: &str = "namespace demo;\ntable AddRequest { a: Missing; }\n";

/// What a run of the CLI showed the user.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `wamp-idl generate <args>` in `dir`.
fn generate(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_wamp-idl"))
        .arg("generate")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|error| panic!("cannot run wamp-idl: {error}"));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A directory holding `calc.fbs` and `broken.fbs`.
fn schemas() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("cannot create a temporary dir: {error}"));
    for (name, text) in [("calc.fbs", CALCULATOR), ("broken.fbs", BROKEN)] {
        std::fs::write(dir.path().join(name), text)
            .unwrap_or_else(|error| panic!("cannot write {name}: {error}"));
    }
    dir
}

fn library_output(builder: Builder, dir: &Path) -> String {
    builder
        .compile_to_string(&[dir.join("calc.fbs")])
        .unwrap_or_else(|error| panic!("calc.fbs must generate: {error}"))
}

#[test]
fn prints_the_code_on_stdout_without_output_file() {
    let dir = schemas();
    let run = generate(dir.path(), &["calc.fbs"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.starts_with("// @generated"), "{run:?}");
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, library_output(Builder::new(), dir.path()));
}

#[test]
fn writes_the_output_file_only_when_it_changes() -> Result<(), Box<dyn std::error::Error>> {
    let dir = schemas();
    let output = dir.path().join("calc.rs");
    let run = generate(dir.path(), &["-o", "calc.rs", "calc.fbs"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""), "{run:?}");
    assert_eq!(
        std::fs::read_to_string(&output)?,
        library_output(Builder::new(), dir.path())
    );

    let written_at = std::fs::metadata(&output)?.modified()?;
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = generate(dir.path(), &["-o", "calc.rs", "calc.fbs"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        std::fs::metadata(&output)?.modified()?,
        written_at,
        "unchanged output is not rewritten"
    );
    Ok(())
}

#[test]
fn schema_errors_exit_1_with_diagnostics_and_leave_the_output_alone() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = schemas();
    std::fs::write(dir.path().join("api.rs"), "previous")?;
    let run = generate(dir.path(), &["-o", "api.rs", "broken.fbs"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), ""), "{run:?}");
    assert!(
        run.stderr.contains("broken.fbs:2:"),
        "diagnostics name the place: {run:?}"
    );
    assert!(run.stderr.contains("Missing"), "{run:?}");
    assert_eq!(std::fs::read_to_string(dir.path().join("api.rs"))?, "previous");
    let leftovers = std::fs::read_dir(dir.path())?.count();
    assert_eq!(leftovers, 3, "no temporary file is left behind");
    Ok(())
}

#[test]
fn missing_schema_exits_1_naming_it() {
    let dir = schemas();
    let run = generate(dir.path(), &["nowhere.fbs"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), ""), "{run:?}");
    assert!(run.stderr.contains("nowhere.fbs"), "{run:?}");
}

#[test]
fn caller_only_and_callee_only_generate_one_side() {
    let dir = schemas();
    for (flag, builder) in [
        ("--caller-only", Builder::new().callee(false)),
        ("--callee-only", Builder::new().caller(false)),
    ] {
        let run = generate(dir.path(), &[flag, "calc.fbs"]);
        assert_eq!(run.code, Some(0), "{flag}: {run:?}");
        assert_eq!(run.stdout, library_output(builder, dir.path()), "{flag}");
        assert_ne!(
            run.stdout,
            library_output(Builder::new(), dir.path()),
            "{flag} leaves out one side"
        );
    }
}

#[test]
fn caller_only_and_callee_only_exclude_each_other() {
    let dir = schemas();
    let run = generate(dir.path(), &["--caller-only", "--callee-only", "calc.fbs"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("cannot be used with"), "{run:?}");
}

#[test]
fn runtime_path_reaches_the_generated_code() {
    let dir = schemas();
    let run = generate(dir.path(), &["--runtime-path", "crate::wamp_runtime", "calc.fbs"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("crate::wamp_runtime"), "{run:?}");
    assert!(!run.stdout.contains("wamp_idl_runtime"), "{run:?}");
}

#[test]
fn include_dirs_resolve_includes() -> Result<(), Box<dyn std::error::Error>> {
    let dir = schemas();
    std::fs::create_dir(dir.path().join("common"))?;
    std::fs::write(
        dir.path().join("common/types.fbs"),
        "namespace demo;\ntable Point { x: int; }\n",
    )?;
    std::fs::write(
        dir.path().join("line.fbs"),
        "include \"types.fbs\";\nnamespace demo;\ntable Line { from: Point; }\n",
    )?;
    let without = generate(dir.path(), &["line.fbs"]);
    assert_eq!(without.code, Some(1), "{without:?}");
    assert!(without.stderr.contains("types.fbs"), "{without:?}");
    let with = generate(dir.path(), &["-I", "common", "line.fbs"]);
    assert_eq!(with.code, Some(0), "{with:?}");
    assert!(with.stdout.contains("pub struct Point"), "{with:?}");
    Ok(())
}

#[test]
fn warnings_go_to_stderr_and_fail_only_when_denied() -> Result<(), Box<dyn std::error::Error>> {
    let dir = schemas();
    let no_prefix = "attribute \"type\";\ntable Void {}\n\
                     rpc_service IQuiet (type: \"interface\") { ping (Void): Void (type: \"procedure\"); }\n";
    std::fs::write(dir.path().join("quiet.fbs"), no_prefix)?;
    let warned = generate(dir.path(), &["quiet.fbs"]);
    assert_eq!(warned.code, Some(0), "{warned:?}");
    assert!(
        warned.stderr.contains("quiet.fbs:3:") && warned.stderr.contains("warning:"),
        "{warned:?}"
    );
    assert!(warned.stdout.starts_with("// @generated"), "{warned:?}");
    let denied = generate(dir.path(), &["--deny-warnings", "quiet.fbs"]);
    assert_eq!((denied.code, denied.stdout.as_str()), (Some(1), ""), "{denied:?}");
    Ok(())
}

#[test]
fn invalid_runtime_path_exits_1_naming_it() {
    let dir = schemas();
    let run = generate(dir.path(), &["--runtime-path", "not a path", "calc.fbs"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), ""), "{run:?}");
    assert!(
        run.stderr.starts_with("error: runtime path `not a path`"),
        "{run:?}"
    );
}

#[test]
fn unwritable_output_names_the_directory_and_no_temporary_file() {
    let dir = schemas();
    let run = generate(dir.path(), &["-o", "missing/api.rs", "calc.fbs"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), ""), "{run:?}");
    assert_eq!(
        run.stderr, "error: missing: No such file or directory (os error 2)\n",
        "{run:?}"
    );
}

#[test]
fn a_reader_closing_stdout_early_ends_quietly() -> Result<(), Box<dyn std::error::Error>> {
    let dir = schemas();
    let (reader, writer) = std::io::pipe()?;
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_wamp-idl"))
        .args(["generate", "calc.fbs"])
        .current_dir(dir.path())
        .stdout(writer)
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!((output.status.code(), stderr.as_ref()), (Some(0), ""));
    Ok(())
}

/// Fields `self` and `Self`, which flatc accepts, both become `self_`: the second is
/// generated as `self_2`, with a warning at its place, and its key stays `Self`.
#[test]
fn names_that_collide_in_rust_are_numbered_with_a_warning_at_their_place()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = schemas();
    std::fs::write(
        dir.path().join("keywords.fbs"),
        "namespace demo;\ntable Keywords {\n    self: int;\n    Self: int;\n}\n",
    )?;
    let run = generate(dir.path(), &["keywords.fbs"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr.starts_with(
            "keywords.fbs:4:5: warning: `demo.Keywords.Self` is generated as `self_2` in Rust, \
             since `demo.Keywords.self` is `self_` there\n"
        ),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("#[wamp(name = \"Self\", default)]\n        pub self_2: i32,"),
        "{run:?}"
    );
    let denied = generate(dir.path(), &["--deny-warnings", "keywords.fbs"]);
    assert_eq!((denied.code, denied.stdout.as_str()), (Some(1), ""), "{denied:?}");
    assert!(
        denied
            .stderr
            .starts_with("keywords.fbs:4:5: error: `demo.Keywords.Self`"),
        "{denied:?}"
    );
    Ok(())
}
