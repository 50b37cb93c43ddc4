//! The WAMP client: connects to a router over WebSocket or RawSocket, joins a realm
//! (authenticating if asked), and serves the [`Session`](crate::Session) contract on tokio.
//!
//! ```no_run
//! # async fn example() -> Result<(), wamp_idl_runtime::Error> {
//! use wamp_idl_runtime::client::ClientConfig;
//! use wamp_idl_runtime::wire::Serializer;
//! use wamp_idl_runtime::{CallOptions, Payload, Session, Value};
//!
//! let client = ClientConfig::new("ws://127.0.0.1:8080/ws", "realm1")
//!     .serializer(Serializer::Cbor)
//!     .connect()
//!     .await?;
//! let payload = Payload::new(vec![Value::Integer(2), Value::Integer(3)], Default::default());
//! let sum = client.call("com.example.add2", payload, CallOptions::default()).await?;
//! client.close().await?;
//! # Ok(())
//! # }
//! ```

mod auth;
mod join;
mod outbox;
mod session;
mod state;
mod transport;

use std::sync::Arc;
use std::time::Duration;

pub use auth::{Credentials, CryptosignKey, derive_wampcra_key};
pub use session::{CancelMode, Client, PendingCall};
pub use state::{InvocationProgress, ProgressiveInvocationHandler};

use crate::error::{Error, ErrorKind};
use crate::wire::{DecodeLimits, Serializer};

/// How to reach a router and join a realm; [`connect`](ClientConfig::connect) does it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    url: String,
    realm: String,
    serializer: Serializer,
    credentials: Credentials,
    call_timeout: Option<Duration>,
    connect_timeout: Duration,
    max_message_size: usize,
    decode_limits: DecodeLimits,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl ClientConfig {
    /// A router URL (`ws://`, `wss://`, `rs://host:port` or `tcp://host:port`) and a realm.
    ///
    /// Defaults: JSON, anonymous, 60 s call timeout, 10 s connect timeout, 16 MiB messages.
    pub fn new(url: impl Into<String>, realm: impl Into<String>) -> ClientConfig {
        ClientConfig {
            url: url.into(),
            realm: realm.into(),
            serializer: Serializer::Json,
            credentials: Credentials::Anonymous,
            call_timeout: Some(session::DEFAULT_CALL_TIMEOUT),
            connect_timeout: Duration::from_secs(10),
            max_message_size: 16 * 1024 * 1024,
            decode_limits: DecodeLimits::default(),
            tls: None,
        }
    }

    /// How messages are encoded (JSON by default); the router must support it.
    pub fn serializer(mut self, serializer: Serializer) -> ClientConfig {
        self.serializer = serializer;
        self
    }

    /// How to authenticate when joining (anonymous by default).
    pub fn credentials(mut self, credentials: Credentials) -> ClientConfig {
        self.credentials = credentials;
        self
    }

    /// How long calls (unless they set their own timeout), registrations, subscriptions
    /// and acknowledged publications may wait for the router; `None` waits forever.
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> ClientConfig {
        self.call_timeout = timeout;
        self
    }

    /// How long connecting and joining may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientConfig {
        self.connect_timeout = timeout;
        self
    }

    /// The largest message accepted from the router; a larger one ends the session.
    pub fn max_message_size(mut self, bytes: usize) -> ClientConfig {
        self.max_message_size = bytes;
        self
    }

    /// Bounds on decoding the router's messages (nesting depth).
    pub fn decode_limits(mut self, limits: DecodeLimits) -> ClientConfig {
        self.decode_limits = limits;
        self
    }

    /// The TLS configuration of `wss://`; by default Mozilla's root certificates.
    pub fn tls(mut self, tls: Arc<rustls::ClientConfig>) -> ClientConfig {
        self.tls = Some(tls);
        self
    }

    /// Connects, joins the realm, and starts the session's I/O on the current tokio runtime.
    pub async fn connect(self) -> Result<Client, Error> {
        let timeout = self.connect_timeout;
        let url = self.url.clone();
        tokio::time::timeout(timeout, join::join(self))
            .await
            .unwrap_or_else(|_| {
                Err(Error::new(ErrorKind::Transport(format!(
                    "joining at {url} took longer than {timeout:?}"
                ))))
            })
    }
}
