//! The WAMP client: connects to a router over WebSocket or RawSocket, joins a realm
//! (authenticating if asked), and runs the [`Session`](crate::Session) handle on tokio as its
//! [`SessionBackend`](crate::SessionBackend).
//!
//! ```no_run
//! # async fn example() -> Result<(), wamp_idl_runtime::Error> {
//! use wamp_idl_runtime::client::ClientConfig;
//! use wamp_idl_runtime::wire::Serializer;
//! use wamp_idl_runtime::{CallOptions, Payload, Value};
//!
//! let client = ClientConfig::new("ws://127.0.0.1:8080/ws", "realm1")
//!     .serializer(Serializer::Cbor)
//!     .connect()
//!     .await?;
//! let payload = Payload::new(vec![Value::Integer(2), Value::Integer(3)], Default::default());
//! let session = client.session();
//! let sum = session.call("com.example.add2", payload, CallOptions::default()).await?;
//! client.close().await?;
//! # Ok(())
//! # }
//! ```

// The client's code handles a router's bytes and a user's ids: none of it indexes unchecked.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod api;
mod auth;
mod join;
mod joined;
mod link;
mod outbox;
mod progress;
mod reconnect;
mod scram;
mod transport;

use std::sync::Arc;
use std::time::Duration;

pub use api::Client;
pub use auth::{Credentials, CryptosignKey, derive_wampcra_key};
pub use link::SessionState;
pub use reconnect::{Reconnect, WhileDown};
pub use scram::{ScramKdf, ScramKeys};

use crate::error::{Error, ErrorKind};
use crate::wire::{DecodeLimits, Serializer};

/// How to reach a router and join a realm; [`connect`](ClientConfig::connect) does it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The routers to join, in the order they are tried.
    urls: Vec<String>,
    realm: String,
    serializer: Serializer,
    credentials: Credentials,
    call_timeout: Option<Duration>,
    connect_timeout: Duration,
    max_message_size: usize,
    decode_limits: DecodeLimits,
    tls: Option<Arc<rustls::ClientConfig>>,
    reconnect: Reconnect,
    while_down: WhileDown,
    keepalive: Option<Duration>,
    max_in_flight: usize,
}

impl ClientConfig {
    /// A router URL and a realm. URLs: WebSocket `ws://host:port/path` and `wss://` (TLS);
    /// RawSocket `rs://host:port` (or `tcp://`) and `rss://host:port` (TLS); over a unix domain
    /// socket, `unix:///path/to/socket` (or `unix+ws://`) for WebSocket and `unix+rs://` for
    /// RawSocket.
    ///
    /// Defaults: JSON, anonymous, 60 s call timeout, 10 s connect timeout, 16 MiB messages,
    /// reconnecting after a loss ([`Reconnect::default`]), operations waiting while the
    /// session is down, and a ping after 10 s of silence.
    pub fn new(url: impl Into<String>, realm: impl Into<String>) -> ClientConfig {
        ClientConfig {
            urls: vec![url.into()],
            realm: realm.into(),
            serializer: Serializer::Json,
            credentials: Credentials::Anonymous,
            call_timeout: Some(api::DEFAULT_CALL_TIMEOUT),
            connect_timeout: Duration::from_secs(10),
            max_message_size: 16 * 1024 * 1024,
            decode_limits: DecodeLimits::default(),
            tls: None,
            reconnect: Reconnect::default(),
            while_down: WhileDown::default(),
            keepalive: Some(Duration::from_secs(10)),
            max_in_flight: 512,
        }
    }

    /// Another router to join when the ones before it cannot be joined (failover): every
    /// join, the first one and each after a loss, tries the routers in the order given.
    pub fn fallback_url(mut self, url: impl Into<String>) -> ClientConfig {
        self.urls.push(url.into());
        self
    }

    /// Whether and when to join again after the session is lost (on by default).
    pub fn reconnect(mut self, reconnect: Reconnect) -> ClientConfig {
        self.reconnect = reconnect;
        self
    }

    /// What calls, publications, registrations and subscriptions do while the session is down:
    /// wait for it within their timeout (the default), or fail at once.
    pub fn while_down(mut self, while_down: WhileDown) -> ClientConfig {
        self.while_down = while_down;
        self
    }

    /// How long the router may stay silent before the client pings it; silent for as long
    /// again, the connection counts as lost (a router gone without closing it). `None` never
    /// pings. 10 s by default. Over RawSocket the kernel's TCP keepalive probes stand in for
    /// pings, after as long and within as long again: Crossbar.io drops a RawSocket
    /// connection that sends a ping.
    pub fn keepalive(mut self, interval: Option<Duration>) -> ClientConfig {
        self.keepalive = interval;
        self
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

    /// The TLS configuration of `wss://` and `rss://`; by default Mozilla's root certificates.
    pub fn tls(mut self, tls: Arc<rustls::ClientConfig>) -> ClientConfig {
        self.tls = Some(tls);
        self
    }

    /// How many invocations and events the client may have in hand at once, running or
    /// waiting for their handler (512 by default). With that many, it stops reading from the
    /// router until one is done: a flood then slows the router's sending down, as TCP does,
    /// instead of filling the client's memory. Results of the client's own calls wait behind
    /// them too, so keep the limit above the number of handlers that can wait for calls of
    /// their own at once.
    pub fn max_in_flight(mut self, max: usize) -> ClientConfig {
        self.max_in_flight = max;
        self
    }

    /// Connects, joins the realm, and starts the session's I/O on the current tokio runtime,
    /// trying each router in turn; fails when none can be joined.
    ///
    /// From then on the client keeps its session up as configured by
    /// [`reconnect`](Self::reconnect).
    pub async fn connect(self) -> Result<Client, Error> {
        self.reconnect.check()?;
        if self.max_in_flight == 0 {
            return Err(Error::new(ErrorKind::Config(
                "max_in_flight must be at least 1: with 0, no invocation or event could ever be handled"
                    .to_owned(),
            )));
        }
        if self.keepalive.is_some_and(|interval| interval.is_zero()) {
            return Err(Error::new(ErrorKind::Config(
                "the keepalive interval must be longer than zero".to_owned(),
            )));
        }
        let requests = Arc::default();
        let first = join::join_any(&self, &requests).await?;
        Ok(Client::new(link::Link::start(self, first, requests)))
    }
}
