//! The runtime's error type: WAMP errors from the other side, payload errors, session failures.

use std::fmt;
use std::sync::Arc;

use crate::data::value::{Dict, List};

/// An error of a WAMP operation.
///
/// It keeps its cause: [`source`](std::error::Error::source) gives the WAMP or payload error
/// it is, or the I/O or TLS error that failed a transport. It stays `Clone` (the cause is
/// shared), since one lost session fails every call in flight with the same error. Errors
/// compare by [`kind`](Error::kind), not by cause.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The other side answered with a WAMP ERROR (or a callee's handler failed).
    Wamp(WampError),
    /// A payload did not match the schema.
    Payload(PayloadError),
    /// The call did not complete in time.
    Timeout,
    /// The call was cancelled.
    Canceled,
    /// The session is closed or was never established.
    SessionClosed(String),
    /// The other side broke the protocol, or the transport failed.
    Protocol(String),
    /// The transport could not be used (connect, TLS, I/O).
    Transport(String),
    /// A URI or URI template is malformed, or a placeholder value is not a URI component.
    InvalidUri(String),
    /// A client configuration is inconsistent (a setting out of range, no router URL).
    Config(String),
}

impl Error {
    /// An error of this kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error { kind, source: None }
    }

    /// An error of this kind caused by `source`.
    pub fn with_source(kind: ErrorKind, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error {
            kind,
            source: Some(Arc::new(source)),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The WAMP error, if this is one.
    pub fn as_wamp(&self) -> Option<&WampError> {
        match &self.kind {
            ErrorKind::Wamp(error) => Some(error),
            _ => None,
        }
    }

    /// The error URI, if this is a WAMP error.
    pub fn uri(&self) -> Option<&str> {
        self.as_wamp().map(|error| error.uri.as_str())
    }
}

impl From<WampError> for Error {
    fn from(error: WampError) -> Error {
        Error::new(ErrorKind::Wamp(error))
    }
}

impl From<PayloadError> for Error {
    fn from(error: PayloadError) -> Error {
        Error::new(ErrorKind::Payload(error))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Wamp(error) => error.fmt(f),
            ErrorKind::Payload(error) => error.fmt(f),
            ErrorKind::Timeout => f.write_str("the call timed out"),
            ErrorKind::Canceled => f.write_str("the call was cancelled"),
            ErrorKind::SessionClosed(reason) => write!(f, "the session is closed: {reason}"),
            ErrorKind::Protocol(message) => write!(f, "protocol error: {message}"),
            ErrorKind::Transport(message) => write!(f, "transport error: {message}"),
            ErrorKind::InvalidUri(message) => write!(f, "invalid URI: {message}"),
            ErrorKind::Config(message) => write!(f, "invalid configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Wamp(error) => Some(error),
            ErrorKind::Payload(error) => Some(error),
            _ => self
                .source
                .as_deref()
                .map(|source| source as &(dyn std::error::Error + 'static)),
        }
    }
}

/// A WAMP ERROR: an error URI with its args and kwargs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WampError {
    /// The error URI, such as `wamp.error.no_such_procedure`.
    pub uri: String,
    /// Positional details of the error.
    pub args: List,
    /// Keyword details of the error.
    pub kwargs: Dict,
}

impl WampError {
    /// An error with this URI and no details.
    pub fn new(uri: impl Into<String>) -> WampError {
        WampError {
            uri: uri.into(),
            ..WampError::default()
        }
    }

    /// An error whose single positional arg is a message, as routers send them.
    pub fn with_message(uri: impl Into<String>, message: impl Into<String>) -> WampError {
        let message: String = message.into();
        WampError {
            uri: uri.into(),
            args: vec![crate::Value::String(message.into())],
            kwargs: Dict::new(),
        }
    }

    /// The human-readable message: the first positional arg, or kwarg `message`, if a string.
    pub fn message(&self) -> Option<&str> {
        let candidate = self.args.first().or_else(|| self.kwargs.get("message"));
        match candidate {
            Some(crate::Value::String(message)) => Some(message),
            _ => None,
        }
    }
}

impl fmt::Display for WampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message() {
            Some(message) => write!(f, "{}: {message}", self.uri),
            None => f.write_str(&self.uri),
        }
    }
}

impl std::error::Error for WampError {}

/// A payload that does not fit the schema: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError {
    /// Where in the payload, such as `args[1] (limit)`, `kwargs.scope` or `args[0] (sample).tick.mode`.
    pub path: String,
    /// What is wrong, such as `expected uint32, got string`.
    pub message: String,
}

impl PayloadError {
    /// An error at `path` saying `message`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> PayloadError {
        PayloadError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for PayloadError {}

/// A payload error answered to the peer: `wamp.error.invalid_argument`, whose message
/// names the offending place (`args[1] (limit): expected uint32, got string`).
impl From<PayloadError> for WampError {
    fn from(error: PayloadError) -> WampError {
        WampError::with_message(INVALID_ARGUMENT, error.to_string())
    }
}

/// A runtime error answered to the peer, so that a handler can use `?` on what it calls:
///
/// - a WAMP error (the answer of a call the handler made) passes on as it is, URI, args and
///   kwargs;
/// - a timeout becomes `wamp.error.timeout`, a cancelled call `wamp.error.canceled`, the
///   predefined URIs of the Advanced Profile;
/// - anything else (a payload that did not fit, a session lost, a transport failure, a bad
///   URI) is the handler's failure, `wamp.error.runtime_error`, the URI Autobahn answers an
///   unhandled exception with; its single positional arg is the error's message.
impl From<Error> for WampError {
    fn from(error: Error) -> WampError {
        match error.kind {
            ErrorKind::Wamp(error) => error,
            ErrorKind::Timeout => WampError::with_message(TIMEOUT, error.to_string()),
            ErrorKind::Canceled => WampError::with_message(CANCELED, error.to_string()),
            _ => WampError::with_message(RUNTIME_ERROR, error.to_string()),
        }
    }
}

/// The error URI of a call that timed out.
const TIMEOUT: &str = "wamp.error.timeout";
/// The error URI of a cancelled call.
const CANCELED: &str = "wamp.error.canceled";
/// The error URI of a handler that failed.
pub(crate) const RUNTIME_ERROR: &str = "wamp.error.runtime_error";

/// The error URI of a payload that does not fit what the procedure takes.
const INVALID_ARGUMENT: &str = "wamp.error.invalid_argument";

/// A value the serializer cannot represent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// A pointer, so that the writers' `Result<usize, EncodeError>` is returned in two registers
    /// (a `Box<str>` takes two words, and the result then goes through memory).
    #[expect(
        clippy::box_collection,
        reason = "one word instead of three, for the error path only"
    )]
    message: Box<String>,
}

impl EncodeError {
    #[cold]
    pub(crate) fn new(message: impl Into<String>) -> EncodeError {
        EncodeError {
            message: Box::new(message.into()),
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EncodeError {}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn the_cause_is_the_source_and_survives_a_clone() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "pipe gone");
        let error = Error::with_source(ErrorKind::Transport("write failed: pipe gone".to_owned()), io);
        let cause = error
            .clone()
            .source()
            .and_then(|source| source.downcast_ref::<std::io::Error>())
            .map(std::io::Error::kind);
        assert_eq!(cause, Some(std::io::ErrorKind::BrokenPipe));
        let wamp = Error::from(WampError::new("com.example.error"));
        let source = wamp
            .source()
            .and_then(|source| source.downcast_ref::<WampError>());
        assert_eq!(source, Some(&WampError::new("com.example.error")));
    }

    #[test]
    fn runtime_errors_become_the_wamp_errors_a_handler_answers() {
        let answered = |error: Error| {
            let error = WampError::from(error);
            (error.uri.clone(), error.message().map(str::to_owned))
        };
        let remote = WampError::with_message("com.example.error.full", "no room");
        assert_eq!(WampError::from(Error::from(remote.clone())), remote);
        assert_eq!(
            answered(Error::new(ErrorKind::Timeout)),
            (
                "wamp.error.timeout".to_owned(),
                Some("the call timed out".to_owned())
            )
        );
        assert_eq!(
            answered(Error::new(ErrorKind::Canceled)),
            (
                "wamp.error.canceled".to_owned(),
                Some("the call was cancelled".to_owned())
            )
        );
        assert_eq!(
            answered(Error::new(ErrorKind::SessionClosed("gone".to_owned()))),
            (
                "wamp.error.runtime_error".to_owned(),
                Some("the session is closed: gone".to_owned())
            )
        );
        assert_eq!(
            answered(Error::from(PayloadError::new(
                "args[0]",
                "expected string, got bool"
            ))),
            (
                "wamp.error.runtime_error".to_owned(),
                Some("args[0]: expected string, got bool".to_owned())
            )
        );
    }
}
