//! [`Builder`]: code generation from build scripts, in the style of `prost-build` and `tonic-build`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), wamp_idl_codegen::Error> {
//!     wamp_idl_codegen::configure()
//!         .callee(false)
//!         .compile(&["schemas/clock.fbs"])
//! }
//! ```
//!
//! ```text
//! // src/main.rs: the output is `$OUT_DIR/<first schema's file stem>.rs`.
//! wamp_idl_runtime::include_generated!("clock");
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use wamp_idl::Severity;

use crate::{Error, ErrorKind, breaking, docs, output, rust};

/// Starts a [`Builder`] with the defaults.
pub fn configure() -> Builder {
    Builder::new()
}

/// Configures code generation, then [`Builder::compile`] runs it.
///
/// The CLI's `generate` command and the `include_wamp_idl!` macro use it too, through
/// [`Builder::generate`], so the three ways in produce the same code.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    out_dir: Option<PathBuf>,
    include_dirs: Vec<PathBuf>,
    options: rust::Options,
    deny_warnings: bool,
    file_name: Option<String>,
    docs: Option<DocsRequest>,
    baseline: Option<Baseline>,
}

/// An earlier version of the schemas to check the current one against.
#[derive(Debug, Clone)]
struct Baseline {
    path: PathBuf,
    config: breaking::Config,
}

/// API docs to write next to the code.
#[derive(Debug, Clone)]
struct DocsRequest {
    format: docs::Format,
    path: PathBuf,
}

/// The outcome of [`Builder::generate`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Generated {
    /// The Rust source.
    pub code: String,
    /// The API docs, when [`Builder::docs`] asked for them.
    pub docs: Option<String>,
    /// The schemas' warnings, rendered with their snippets; empty when there are none.
    pub warnings: String,
    /// Every schema file read, includes too.
    pub files_read: Vec<PathBuf>,
}

impl Builder {
    /// Caller and callee stubs, the runtime at `::wamp_idl_runtime`, output into `$OUT_DIR`.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The directory [`Builder::compile`] writes into; defaults to the `OUT_DIR` Cargo
    /// gives build scripts.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Adds a directory that `include` statements are resolved against, like flatc's `-I`.
    pub fn include_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.include_dirs.push(dir.into());
        self
    }

    /// Whether to generate the caller and publisher side (default: yes).
    pub fn caller(mut self, enable: bool) -> Builder {
        self.options.caller = enable;
        self
    }

    /// Whether to generate the callee and subscriber side (default: yes).
    pub fn callee(mut self, enable: bool) -> Builder {
        self.options.callee = enable;
        self
    }

    /// Whether the methods of generated `Callee` traits have defaults that answer
    /// `wamp.error.no_such_procedure` (default: no), so that an implementation writes only
    /// the procedures it serves; like tonic-build's `generate_default_stubs`. Every procedure
    /// is registered all the same: a `CalleeBuilder` registers only those given to it.
    pub fn default_stubs(mut self, enable: bool) -> Builder {
        self.options.default_stubs = enable;
        self
    }

    /// The path generated code reaches the runtime crate by (default: `::wamp_idl_runtime`),
    /// for crates that rename or re-export it.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Builder {
        self.options.runtime_path = path.into();
        self
    }

    /// Adds an attribute, such as `#[derive(Hash)]`, to the generated type of a schema
    /// type; `path` is its qualified name (`wamp.meta.SessionInfo`) or `.` for every type.
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Builder {
        self.options.type_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Whether generated types implement serde's `Serialize` and `Deserialize` (default: no),
    /// so that they can be logged as JSON or stored. They keep the schema's names: fields,
    /// enum values (an enum is its value's name) and union members (a one-key map) as the
    /// schema spells them; an absent optional field is left out, a `[ubyte]` is bytes and a
    /// `bit_flags` enum its integer. The crate must then enable the feature `serde` of
    /// wamp-idl-runtime, through which the derives reach serde, so it needs no serde
    /// dependency of its own.
    pub fn serde(mut self, enable: bool) -> Builder {
        self.options.serde = enable;
        self
    }

    /// Treats the schemas' warnings as errors (default: warnings are only reported).
    pub fn deny_warnings(mut self, deny: bool) -> Builder {
        self.deny_warnings = deny;
        self
    }

    /// The stem of the output file (`<stem>.rs`); defaults to the first schema's file stem.
    pub fn file_name(mut self, stem: impl Into<String>) -> Builder {
        self.file_name = Some(stem.into());
        self
    }

    /// Also renders the schemas' API docs in `format` and writes them to `path`,
    /// relative to the output directory.
    pub fn docs(mut self, format: docs::Format, path: impl Into<PathBuf>) -> Builder {
        self.docs = Some(DocsRequest {
            format,
            path: path.into(),
        });
        self
    }

    /// Checks the schemas against a baseline before generating: an earlier version of
    /// them, typically a `.bfbs` committed beside the schema (`flatc -b --schema`; a
    /// `.fbs` works too). Findings of the categories that `config` enforces fail
    /// [`Builder::compile`] with the rendered findings; the others become Cargo warnings.
    /// The rules are in docs/breaking.md.
    pub fn breaking_baseline(mut self, path: impl Into<PathBuf>, config: breaking::Config) -> Builder {
        self.baseline = Some(Baseline {
            path: path.into(),
            config,
        });
        self
    }

    /// Generates the code of `inputs` (`.fbs` or `.bfbs`, loaded together) into
    /// `<out_dir>/<file_name>.rs`, speaking Cargo's build-script protocol: a
    /// `cargo:rerun-if-changed` line for every file read and a `cargo:warning` line for
    /// every line of the rendered warnings.
    ///
    /// On error nothing is printed: the error carries the rendered diagnostics, and
    /// returning it from `main` (or unwrapping it) shows them once.
    ///
    /// Files whose content did not change are not rewritten.
    pub fn compile<P: AsRef<Path>>(&self, inputs: &[P]) -> Result<(), Error> {
        self.compile_with_directives(inputs, &mut std::io::stdout().lock())
    }

    /// [`Builder::compile`], writing Cargo's directives to `directives`.
    fn compile_with_directives<P: AsRef<Path>>(
        &self,
        inputs: &[P],
        directives: &mut dyn Write,
    ) -> Result<(), Error> {
        let mut directive = |line: std::fmt::Arguments| {
            writeln!(directives, "cargo:{line}").map_err(|error| Error::io("<cargo directives>", error))
        };
        let loaded = self.load(inputs);
        let inputs: Vec<PathBuf> = inputs.iter().map(|input| input.as_ref().to_path_buf()).collect();
        let files_read = loaded.files_read();
        let input_files = inputs
            .iter()
            .filter(|input| wamp_idl::catalog::name_of(input).is_none());
        for path in dedup(input_files.chain(&files_read)) {
            directive(format_args!("rerun-if-changed={}", path.display()))?;
        }
        if let Some(baseline) = &self.baseline {
            directive(format_args!("rerun-if-changed={}", baseline.path.display()))?;
            let report = breaking::check(&self.load(&[&baseline.path]), &loaded, &baseline.config)?;
            let rendered = report.render(breaking::Format::Text);
            if report.has_errors() {
                return Err(Error::new(ErrorKind::Breaking(rendered)));
            }
            for line in rendered.lines() {
                directive(format_args!("warning={line}"))?;
            }
        }
        let (code_path, docs_path) = self.output_paths(inputs.first())?;
        let generated = self.generate_loaded(loaded)?;
        for line in generated.warnings.lines() {
            directive(format_args!("warning={line}"))?;
        }
        output::write_if_changed(&code_path, &generated.code)?;
        if let (Some(docs), Some(docs_path)) = (&generated.docs, docs_path) {
            output::write_if_changed(&docs_path, docs)?;
        }
        Ok(())
    }

    /// Generates the code of `inputs` and returns it with the warnings and files read,
    /// writing and printing nothing.
    pub fn generate<P: AsRef<Path>>(&self, inputs: &[P]) -> Result<Generated, Error> {
        self.generate_loaded(self.load(inputs))
    }

    /// The generated code of `inputs` (see [`Builder::generate`]).
    pub fn compile_to_string<P: AsRef<Path>>(&self, inputs: &[P]) -> Result<String, Error> {
        self.generate(inputs).map(|generated| generated.code)
    }

    fn load<P: AsRef<Path>>(&self, inputs: &[P]) -> wamp_idl::Loaded {
        let mut loader = wamp_idl::Loader::new();
        for dir in &self.include_dirs {
            loader.include_dir(dir);
        }
        loader.deny_warnings(self.deny_warnings).load(inputs)
    }

    fn generate_loaded(&self, mut loaded: wamp_idl::Loaded) -> Result<Generated, Error> {
        let files_read = loaded.files_read();
        let generated = match &loaded.schema {
            Some(schema) => Some(rust::generate_reporting(schema, &self.options)?),
            None => None,
        };
        let mut code = String::new();
        if let Some((generated_code, renamed)) = generated {
            code = generated_code;
            let severity = if self.deny_warnings {
                Severity::Error
            } else {
                Severity::Warning
            };
            for renaming in renamed {
                loaded.report(severity, &renaming.item, renaming.message);
            }
        }
        let warnings = loaded.render_diagnostics();
        let schema = loaded.into_result()?;
        let docs = self
            .docs
            .as_ref()
            .map(|request| {
                let options = docs::Options {
                    format: request.format,
                    ..docs::Options::default()
                };
                docs::render(&schema, &options)
            })
            .transpose()?;
        Ok(Generated {
            code,
            docs,
            warnings,
            files_read,
        })
    }

    /// Where the code and the docs go.
    fn output_paths(&self, first_input: Option<&PathBuf>) -> Result<(PathBuf, Option<PathBuf>), Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                Error::config("OUT_DIR is not set: run from a build script, or call `Builder::out_dir`")
            })?,
        };
        let stem = match (&self.file_name, first_input) {
            (Some(stem), _) => plain_stem(stem)?,
            (None, Some(input)) => wamp_idl::catalog::name_of(input)
                .map_or(input.as_path(), Path::new)
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .ok_or_else(|| Error::config(format!("`{}` has no file name", input.display())))?,
            (None, None) => {
                return Err(Error::config(
                    "no schema to compile: `compile` needs at least one",
                ));
            }
        };
        let docs_path = self.docs.as_ref().map(|request| out_dir.join(&request.path));
        Ok((out_dir.join(format!("{stem}.rs")), docs_path))
    }
}

/// A [`Builder::file_name`] checked to name a file directly in the output directory:
/// `clock.rs` would give `clock.rs.rs`, and `../clock` a file outside it.
fn plain_stem(stem: &str) -> Result<String, Error> {
    let plain = !stem.is_empty()
        && !stem.ends_with(".rs")
        && Path::new(stem).file_name().is_some_and(|name| name == stem);
    if plain {
        Ok(stem.to_owned())
    } else {
        Err(Error::config(format!(
            "`file_name(\"{stem}\")`: expected a file stem without directory or `.rs`, such as \"clock\""
        )))
    }
}

/// The paths in first-seen order, each once.
fn dedup<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> Vec<&'a PathBuf> {
    let mut seen = Vec::new();
    for path in paths {
        if !seen.contains(&path) {
            seen.push(path);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "include \"types.fbs\";\nnamespace app;\ntable Line { from: Point; }\n";
    const BROKEN_API: &str = "include \"types.fbs\";\nnamespace app;\ntable Line { from: Missing; }\n";
    const TYPES: &str = "namespace app;\nstruct Point { x: int; }\n";
    const WARNS: &str = "attribute \"type\";\ntable Void {}\n\
                         rpc_service I (type: \"interface\") { f (Void): Void (type: \"procedure\"); }\n";

    /// Compiles `api.fbs` next to `types.fbs`; returns whether it succeeded and Cargo's
    /// directives, with the directory shown as `$DIR`.
    fn compile(api: &str) -> std::io::Result<(bool, Vec<String>)> {
        let directory = tempfile::tempdir()?;
        std::fs::write(directory.path().join("api.fbs"), api)?;
        std::fs::write(directory.path().join("types.fbs"), TYPES)?;
        let mut directives = Vec::new();
        let succeeded = Builder::new()
            .out_dir(directory.path())
            .compile_with_directives(&[directory.path().join("api.fbs")], &mut directives)
            .is_ok();
        let root = directory.path().display().to_string();
        let directives = String::from_utf8_lossy(&directives).replace(&root, "$DIR");
        Ok((succeeded, directives.lines().map(str::to_owned).collect()))
    }

    fn check(api: &str, expected_success: bool, expected_directives: &[&str]) -> std::io::Result<()> {
        let (succeeded, directives) = compile(api)?;
        assert_eq!(succeeded, expected_success, "{directives:#?}");
        assert_eq!(directives, expected_directives);
        Ok(())
    }

    #[test]
    fn reruns_when_any_file_read_changes() -> std::io::Result<()> {
        let rerun = [
            "cargo:rerun-if-changed=$DIR/api.fbs",
            "cargo:rerun-if-changed=$DIR/types.fbs",
        ];
        check(API, true, &rerun)?;
        check(BROKEN_API, false, &rerun)
    }

    #[test]
    fn bundled_catalog_schemas_are_named_after_their_file_and_not_tracked() -> Result<(), Error> {
        let directory = tempfile::tempdir().map_err(|error| Error::io("temporary directory", error))?;
        let mut directives = Vec::new();
        Builder::new()
            .out_dir(directory.path())
            .compile_with_directives(&["catalog:wamp.fbs"], &mut directives)?;
        assert_eq!(String::from_utf8_lossy(&directives), "");
        assert!(directory.path().join("wamp.rs").is_file());
        Ok(())
    }

    /// Compiles `api` against the baseline `old`; returns the error message, if any, and
    /// the Cargo warnings.
    fn compile_against(old: &str, api: &str) -> std::io::Result<(Option<String>, Vec<String>)> {
        let directory = tempfile::tempdir()?;
        std::fs::write(directory.path().join("baseline.fbs"), old)?;
        std::fs::write(directory.path().join("api.fbs"), api)?;
        std::fs::write(directory.path().join("types.fbs"), TYPES)?;
        let mut directives = Vec::new();
        let outcome = Builder::new()
            .out_dir(directory.path())
            .breaking_baseline(directory.path().join("baseline.fbs"), breaking::Config::default())
            .compile_with_directives(&[directory.path().join("api.fbs")], &mut directives);
        let root = directory.path().display().to_string();
        let warnings = String::from_utf8_lossy(&directives)
            .lines()
            .filter_map(|line| line.strip_prefix("cargo:warning="))
            .map(|line| line.replace(&root, "$DIR"))
            .collect();
        Ok((
            outcome
                .err()
                .map(|error| error.to_string().replace(&root, "$DIR")),
            warnings,
        ))
    }

    #[test]
    fn a_baseline_fails_the_build_on_enforced_findings_and_warns_on_others() -> std::io::Result<()> {
        let widened = API.replace("from: Point;", "from: Point;\n  to: Point;");
        let (error, warnings) = compile_against(&widened, API)?;
        let error = error.unwrap_or_default();
        assert!(
            error.starts_with("$DIR/api.fbs:3:7: error: field `app.Line.to` was removed"),
            "{error}"
        );
        assert!(warnings.is_empty(), "{warnings:#?}");
        let (error, warnings) = compile_against(API, &widened)?;
        assert_eq!(error, None);
        assert!(
            warnings.first().is_some_and(
                |line| line.contains("gained the field `to`") && line.contains("[rust/field-added]")
            ),
            "{warnings:#?}"
        );
        Ok(())
    }

    #[test]
    fn warnings_become_cargo_warnings_line_by_line() -> std::io::Result<()> {
        let (succeeded, directives) = compile(WARNS)?;
        assert!(succeeded);
        let warnings: Vec<&String> = directives
            .iter()
            .filter(|line| line.starts_with("cargo:warning="))
            .collect();
        assert!(
            warnings.len() > 1,
            "a rendered warning has a snippet: {directives:#?}"
        );
        assert!(
            warnings.iter().any(|line| line.contains("api.fbs:3:")),
            "{directives:#?}"
        );
        Ok(())
    }
}
