//! wamp-idl: reads WAMP IDL schemas (`.fbs` text and `.bfbs` binary) into one model.
//!
//! ```no_run
//! let loaded = wamp_idl::Loader::new().include_dir("schemas").load(&["schemas/api.fbs"]);
//! eprint!("{}", loaded.render_diagnostics());
//! let schema = loaded.into_result().expect("schema is valid");
//! for interface in &schema.interfaces {
//!     println!("{} at {}", interface.name, interface.prefix.text);
//! }
//! ```
//!
//! The pipeline is one-way: source → syntax (`fbs`) or reflection (`bfbs`) → model
//! (`model`) → WAMP layer (`wamp`). Diagnostics of every stage accumulate in one
//! [`Diagnostics`]; see ARCHITECTURE.md.

// Library code reports every failure as an error: what panics is a bug, and tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)
)]

pub mod bfbs;
pub mod breaking;
pub mod catalog;
pub mod diagnostic;
pub mod fbs;
pub mod locations;
mod merge;
pub mod model;
pub mod wamp;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Diagnostics, Severity, SourceMap, Span};
pub use locations::Locations;
pub use model::Schema;

/// Loads schemas: include directories and options, then [`Loader::load`].
#[derive(Debug, Clone, Default)]
pub struct Loader {
    include_dirs: Vec<PathBuf>,
    deny_warnings: bool,
}

impl Loader {
    /// A loader without include directories that keeps warnings as warnings.
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Adds a directory that `include` statements are resolved against (after the
    /// including file's own directory), like flatc's `-I`.
    pub fn include_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Loader {
        self.include_dirs.push(dir.into());
        self
    }

    /// Treats every warning as an error.
    pub fn deny_warnings(&mut self, deny: bool) -> &mut Loader {
        self.deny_warnings = deny;
        self
    }

    /// The include directories, in the order they are searched.
    pub fn include_dirs(&self) -> &[PathBuf] {
        &self.include_dirs
    }

    /// Loads every input (`.bfbs` by extension, else `.fbs`) into one schema.
    ///
    /// Never fails outright: problems are in [`Loaded::diagnostics`], and
    /// [`Loaded::schema`] is `None` when any of them is an error.
    pub fn load<P: AsRef<Path>>(&self, inputs: &[P]) -> Loaded {
        let sources = inputs
            .iter()
            .map(|path| Input::File(path.as_ref().to_path_buf()))
            .collect::<Vec<_>>();
        self.load_inputs(sources)
    }

    /// Loads one schema given as text (`.fbs`) under a display path; includes are
    /// resolved against the path's directory and the include directories.
    pub fn load_fbs_text(&self, path: impl Into<PathBuf>, text: impl Into<String>) -> Loaded {
        self.load_inputs(vec![Input::FbsText(path.into(), text.into())])
    }

    /// Loads one binary schema given as bytes, under a display path.
    pub fn load_bfbs_bytes(&self, path: impl Into<PathBuf>, bytes: &[u8]) -> Loaded {
        self.load_inputs(vec![Input::BfbsBytes(path.into(), bytes)])
    }

    fn load_inputs(&self, inputs: Vec<Input<'_>>) -> Loaded {
        let mut sources = SourceMap::default();
        let mut diagnostics = Diagnostics::default();
        // A mistyped `-I` would otherwise surface only as "include not found", far from
        // its cause.
        for dir in self.include_dirs.iter().filter(|dir| !dir.is_dir()) {
            diagnostics.error(
                None,
                format!(
                    "include directory `{}` does not exist or is not a directory",
                    dir.display()
                ),
            );
        }
        let mut parts = Vec::new();
        for input in inputs {
            let part = match input {
                Input::File(path) if is_bfbs(&path) => match std::fs::read(&path) {
                    Ok(bytes) => {
                        let file = sources.add(path, String::new());
                        bfbs::read(&bytes, file, &mut diagnostics)
                    }
                    Err(error) => {
                        diagnostics.error(None, format!("cannot read `{}`: {error}", path.display()));
                        None
                    }
                },
                Input::File(path) => fbs::load(self, &path, None, &mut sources, &mut diagnostics),
                Input::FbsText(path, text) => {
                    fbs::load(self, &path, Some(text), &mut sources, &mut diagnostics)
                }
                Input::BfbsBytes(path, bytes) => {
                    let file = sources.add(path, String::new());
                    bfbs::read(bytes, file, &mut diagnostics)
                }
            };
            parts.extend(part);
        }
        let (mut schema, locations) = merge::merge(parts, &sources, &mut diagnostics);
        if !diagnostics.has_errors() {
            schema.interfaces = wamp::analyze(&schema, &locations, &mut diagnostics);
        }
        if self.deny_warnings {
            diagnostics.deny_warnings();
        }
        let schema = (!diagnostics.has_errors()).then_some(schema);
        Loaded {
            schema,
            diagnostics,
            sources,
            locations,
        }
    }
}

/// What one input (a `.fbs` with its includes, or a `.bfbs`) contributes to a load.
#[derive(Debug, Default)]
pub struct Part {
    /// The declarations of the input (and its includes).
    pub schema: Schema,
    /// Where each declaration of `schema` is, for diagnostics of later stages.
    pub locations: Locations,
}

/// One input of a load; binary schemas given as bytes are borrowed, not copied.
enum Input<'bytes> {
    File(PathBuf),
    FbsText(PathBuf, String),
    BfbsBytes(PathBuf, &'bytes [u8]),
}

fn is_bfbs(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "bfbs")
}

/// The outcome of a load: the schema if valid, and every diagnostic with the sources
/// needed to render them.
#[derive(Debug)]
pub struct Loaded {
    /// The merged schema with its WAMP interfaces; `None` when any diagnostic is an error.
    pub schema: Option<Schema>,
    /// Every error and warning of the load, in the order found.
    pub diagnostics: Diagnostics,
    /// Every file read, which the diagnostics' spans point into.
    pub sources: SourceMap,
    /// Where each item of the schema is, for later stages' diagnostics ([`Loaded::report`])
    /// and checks such as `breaking`.
    pub locations: Locations,
}

impl Loaded {
    /// Adds a diagnostic of a later stage (a generator's) about an item of the schema,
    /// at the item's place; an error drops the schema, as one found while loading would.
    pub fn report(&mut self, severity: Severity, item: &locations::Item, message: impl Into<String>) {
        let span = self.locations.span(item);
        let diagnostic = match severity {
            Severity::Error => Diagnostic::error(span, message),
            Severity::Warning => Diagnostic::warning(span, message),
            Severity::Note => Diagnostic::note(span, message),
        };
        if severity == Severity::Error {
            self.schema = None;
        }
        self.diagnostics.push(diagnostic);
    }

    /// The diagnostics, rendered with their snippets: the first ones of each severity
    /// and a count of the rest ([`Diagnostics::render_bounded`]).
    pub fn render_diagnostics(&self) -> String {
        self.diagnostics.render_bounded(&self.sources)
    }

    /// Every file read from disk, includes too (for `rerun-if-changed`); bundled
    /// catalog files are not on disk and not listed.
    pub fn files_read(&self) -> Vec<PathBuf> {
        files_on_disk(&self.sources)
    }

    /// The schema, or an error that carries the rendered diagnostics (bounded, as
    /// [`Loaded::render_diagnostics`] renders them).
    pub fn into_result(self) -> Result<Schema, Error> {
        match self.schema {
            Some(schema) => Ok(schema),
            None => Err(Error {
                kind: ErrorKind::InvalidSchema,
                message: self.diagnostics.render_bounded(&self.sources),
                files: files_on_disk(&self.sources),
            }),
        }
    }
}

fn files_on_disk(sources: &SourceMap) -> Vec<PathBuf> {
    sources
        .paths()
        .filter(|path| catalog::name_of(path).is_none())
        .map(Path::to_path_buf)
        .collect()
}

/// The error of this crate: a schema that did not load.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    files: Vec<PathBuf>,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input has errors (syntax, types, WAMP rules, unreadable files...).
    InvalidSchema,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Every file that was read before the failure (for rebuild tracking).
    pub fn files_read(&self) -> &[PathBuf] {
        &self.files
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.trim_end())
    }
}

impl std::error::Error for Error {}
