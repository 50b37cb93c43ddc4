//! What the tests that play a router by hand share: a listener on a free loopback port, the
//! router's WELCOME, and reading what the client sent, all in JSON.

use tokio::net::TcpListener;
use wamp_idl_runtime::wire::{Message, Serializer};
use wamp_idl_runtime::{Dict, Value};

/// A listener on a free loopback port, and that port.
pub async fn loopback_listener() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|error| panic!("binding a loopback port: {error}"));
    let port = listener
        .local_addr()
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("the loopback listener's port: {error}"));
    (listener, port)
}

/// The router's WELCOME to session 1, with the role `anonymous`.
pub fn welcome() -> Result<Vec<u8>, String> {
    let welcome = Message::Welcome {
        session: 1,
        details: Dict::from([("authrole".to_owned(), Value::String("anonymous".into()))]),
    };
    Serializer::Json
        .encode(&welcome)
        .map_err(|error| error.to_string())
}

/// A message from the client; a failure shows what it sent.
pub fn decode(payload: &[u8]) -> Result<Message, String> {
    Serializer::Json
        .decode(payload)
        .map_err(|error| format!("{error}: {}", String::from_utf8_lossy(payload)))
}
