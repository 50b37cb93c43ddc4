//! The error type of the code and docs generators.

use std::fmt;
use std::path::PathBuf;

/// An error of generating code or docs.
///
/// Its `Debug` form is its message on a line of its own, so that a build script's
/// `compile(..).unwrap()` shows the rendered diagnostics as they are.
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The schema did not load (the diagnostics are in the message).
    Schema(wamp_idl::Error),
    /// The schema breaks its baseline, or one of the two did not load (the rendered
    /// findings or diagnostics are in the message).
    Breaking(String),
    /// A docs template failed to load or render.
    Template(String),
    /// Reading or writing a file failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The generator was set up wrongly (no output directory, no input...).
    Config(String),
    /// A model that contradicts itself (only from hand-built or edited models, never from the
    /// loader): e.g. a payload naming a field its table lacks.
    InvalidModel(String),
}

impl Error {
    /// An error of the given kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error { kind }
    }

    /// What went wrong, for callers that handle some kinds differently.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Config(message.into()))
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::new(ErrorKind::Io {
            path: path.into(),
            source,
        })
    }
}

impl From<wamp_idl::Error> for Error {
    fn from(error: wamp_idl::Error) -> Error {
        Error::new(ErrorKind::Schema(error))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Schema(error) => error.fmt(f),
            ErrorKind::Breaking(findings) => f.write_str(findings.trim_end()),
            ErrorKind::Template(message) => write!(f, "docs template: {message}"),
            ErrorKind::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ErrorKind::Config(message) => f.write_str(message),
            ErrorKind::InvalidModel(message) => write!(f, "inconsistent model: {message}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{self}")
    }
}

/// The message already says everything (the diagnostics, the I/O cause), so there is
/// no separate source: error reporters that print chains would print it twice.
impl std::error::Error for Error {}
