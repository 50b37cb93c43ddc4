//! Joining a realm: HELLO, the optional CHALLENGE/AUTHENTICATE exchange, then WELCOME or ABORT.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::client::ClientConfig;
use crate::client::joined::{JoinedParts, JoinedSession};
use crate::client::transport::{self, Connection, FrameKind, Incoming, TransportConfig, write_error};
use crate::data::value::{Dict, List, Value};
use crate::error::{Error, ErrorKind, WampError};
use crate::wire::{self, Message};

/// Joins at the configured routers in turn, each within the connect timeout, until one
/// welcomes the client; the error names every router's failure.
pub(crate) async fn join_any(
    config: &ClientConfig,
    requests: &Arc<AtomicU64>,
) -> Result<Arc<JoinedSession>, Error> {
    let mut failures = Vec::new();
    for url in &config.urls {
        let timeout = config.connect_timeout;
        let joined = tokio::time::timeout(timeout, join(config, url, requests))
            .await
            .unwrap_or_else(|_| {
                Err(Error::new(ErrorKind::Transport(format!(
                    "joining at {url} took longer than {timeout:?}"
                ))))
            });
        match joined {
            Ok(shared) => return Ok(shared),
            Err(error) if config.urls.len() == 1 => return Err(error),
            Err(error) => {
                tracing::debug!(%url, %error, "cannot join; trying the next router");
                failures.push(format!("{url}: {error}"));
            }
        }
    }
    Err(Error::new(ErrorKind::Transport(format!(
        "no router could be joined: {}",
        failures.join("; ")
    ))))
}

/// Connects and joins; the session's I/O tasks start once the router said WELCOME.
async fn join(
    config: &ClientConfig,
    url: &str,
    requests: &Arc<AtomicU64>,
) -> Result<Arc<JoinedSession>, Error> {
    let transport_config = TransportConfig {
        url: url.to_owned(),
        serializer: config.serializer,
        max_message_size: config.max_message_size,
        tls: config.tls.clone(),
        keepalive: config.keepalive,
    };
    let mut connection = transport::connect(&transport_config).await?;
    let mut authenticator = config.credentials.begin()?;
    send(&mut connection, config, &hello(config, authenticator.authextra())).await?;
    loop {
        match receive(&mut connection, config).await? {
            Message::Welcome { session, details } => {
                if let Err(error) = authenticator.check_welcome(&details) {
                    hang_up(connection).await;
                    return Err(error);
                }
                tracing::debug!(session, %url, realm = %config.realm, "joined");
                return Ok(JoinedSession::start(JoinedParts {
                    serializer: config.serializer,
                    session_id: session,
                    welcome_details: details,
                    default_timeout: config.call_timeout,
                    max_outgoing_size: connection.max_outgoing_size,
                    decode_limits: config.decode_limits.clone(),
                    keepalive: config.keepalive.filter(|_| connection.answers_pings),
                    max_in_flight: config.max_in_flight,
                    requests: Arc::clone(requests),
                    reader: connection.reader,
                    writer: connection.writer,
                    framing: connection.framing,
                }));
            }
            Message::Challenge { auth_method, extra } => {
                let signature = match authenticator.respond(&auth_method, &extra).await {
                    Ok(signature) => signature,
                    Err(error) => {
                        // A client that cannot answer says so, as the spec asks of WAMP-SCRAM.
                        let abort = Message::Abort {
                            details: dict([("message", Value::String(error.to_string().into()))]),
                            reason: "wamp.error.cannot_authenticate".to_owned(),
                        };
                        let _ = send(&mut connection, config, &abort).await;
                        hang_up(connection).await;
                        return Err(error);
                    }
                };
                let authenticate = Message::Authenticate {
                    signature,
                    extra: Dict::new(),
                };
                send(&mut connection, config, &authenticate).await?;
            }
            Message::Abort { details, reason } => {
                hang_up(connection).await;
                return Err(Error::from(WampError {
                    uri: reason,
                    args: List::new(),
                    kwargs: details,
                }));
            }
            other => {
                return Err(Error::new(ErrorKind::Protocol(format!(
                    "while joining, the router sent {} instead of WELCOME, CHALLENGE or ABORT",
                    other.message_type()
                ))));
            }
        }
    }
}

/// Ends the connection of a join that failed.
async fn hang_up(mut connection: Connection) {
    // The connection ends anyway; a failure to say goodbye changes nothing.
    let _ = write_frame(&mut connection, FrameKind::Close, &wire::Frame::new()).await;
    let _ = connection.writer.shutdown().await;
}

/// HELLO, announcing the roles and advanced features the client implements, and the
/// authentication's `authextra`.
fn hello(config: &ClientConfig, authextra: Option<Dict>) -> Message {
    let features = |names: &[&str]| {
        let features = names
            .iter()
            .map(|name| ((*name).to_owned(), Value::Bool(true)))
            .collect();
        Value::Dict(dict([("features", Value::Dict(features))]))
    };
    let roles = dict([
        (
            "caller",
            features(&[
                "progressive_call_results",
                "progressive_call_invocations",
                "call_canceling",
            ]),
        ),
        (
            "callee",
            features(&[
                "progressive_call_results",
                "progressive_call_invocations",
                "call_canceling",
                "pattern_based_registration",
                "shared_registration",
                "caller_identification",
            ]),
        ),
        (
            "publisher",
            features(&["publisher_exclusion", "publisher_identification"]),
        ),
        (
            "subscriber",
            features(&["pattern_based_subscription", "publisher_identification"]),
        ),
    ]);
    let credentials = &config.credentials;
    let mut details = dict([
        ("roles", Value::Dict(roles)),
        (
            "authmethods",
            Value::List(vec![Value::String(credentials.method().into())]),
        ),
    ]);
    if let Some(authid) = credentials.authid() {
        details.insert("authid".to_owned(), Value::String(authid.into()));
    }
    if let Some(authextra) = authextra {
        details.insert("authextra".to_owned(), Value::Dict(authextra));
    }
    Message::Hello {
        realm: config.realm.clone(),
        details,
    }
}

fn dict<const N: usize>(entries: [(&str, Value); N]) -> Dict {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

async fn send(connection: &mut Connection, config: &ClientConfig, message: &Message) -> Result<(), Error> {
    let frame = config.serializer.encode_frame(message).map_err(|error| {
        Error::new(ErrorKind::Protocol(format!(
            "cannot encode {}: {error}",
            message.message_type()
        )))
    })?;
    write_frame(connection, FrameKind::Message, &frame).await
}

async fn write_frame(
    connection: &mut Connection,
    kind: FrameKind,
    payload: &wire::Frame,
) -> Result<(), Error> {
    let mut frame = Vec::new();
    connection.framing.append(kind, payload, &mut frame)?;
    connection.writer.write_all(&frame).await.map_err(write_error)
}

async fn receive(connection: &mut Connection, config: &ClientConfig) -> Result<Message, Error> {
    loop {
        let frame = connection.reader.next().await.unwrap_or_else(|| {
            Err(Error::new(ErrorKind::SessionClosed(
                "the router closed the connection while joining".to_owned(),
            )))
        })?;
        match frame {
            Incoming::Message(bytes) => {
                return config
                    .serializer
                    .decode_with(&bytes, &config.decode_limits)
                    .map_err(|error| {
                        Error::new(ErrorKind::Protocol(format!(
                            "while joining, the router sent a message that is not valid {}: {error}",
                            config.serializer
                        )))
                    });
            }
            Incoming::Ping(payload) => write_frame(connection, FrameKind::Pong, &payload.into()).await?,
        }
    }
}
