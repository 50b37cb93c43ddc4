//! The client against a router that breaks the protocol (a scripted fake RawSocket router):
//! malformed and unknown messages, messages of the wrong role, oversized and invalid frames,
//! a dropped connection. The session must end with ABORT and fail every pending call, at once.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wamp_idl_runtime::client::ClientConfig;
use wamp_idl_runtime::wire::{Message, Serializer};
use wamp_idl_runtime::{CallOptions, Dict, ErrorKind, Payload, Session, Value};

const CLIENT_MAX_MESSAGE_SIZE: usize = 64 * 1024;

/// What the fake router does once the client's CALL arrived.
enum Misbehaviour {
    /// Sends these bytes as they are (frame headers included).
    Send(Vec<u8>),
    /// Closes the connection.
    Hang,
}

/// A RawSocket frame around a payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len()).unwrap_or(u32::MAX).to_be_bytes();
    let mut frame = vec![0, length[1], length[2], length[3]];
    frame.extend_from_slice(payload);
    frame
}

async fn read_frame(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0; 4];
    stream.read_exact(&mut header).await.ok()?;
    let [_, high, mid, low] = header;
    let mut payload = vec![0; usize::from(high) << 16 | usize::from(mid) << 8 | usize::from(low)];
    stream.read_exact(&mut payload).await.ok()?;
    Some(payload)
}

/// Accepts one client and lets it join: RawSocket handshake, HELLO, WELCOME. Returns the
/// connection and the request id of the client's first CALL.
async fn accept_call(listener: TcpListener) -> Result<(TcpStream, u64), String> {
    let (mut stream, _) = listener.accept().await.map_err(|error| error.to_string())?;
    let mut handshake = [0; 4];
    stream
        .read_exact(&mut handshake)
        .await
        .map_err(|error| error.to_string())?;
    if handshake[0] != 0x7F || handshake[1] & 0x0F != Serializer::Json.rawsocket_id() {
        return Err(format!("unexpected handshake {handshake:02x?}"));
    }
    stream
        .write_all(&[0x7F, 0xF1, 0, 0])
        .await
        .map_err(|error| error.to_string())?;
    let hello = read_frame(&mut stream).await.ok_or("no HELLO")?;
    if !matches!(Serializer::Json.decode(&hello), Ok(Message::Hello { .. })) {
        return Err(format!("expected HELLO, got {}", String::from_utf8_lossy(&hello)));
    }
    let welcome = Message::Welcome {
        session: 1,
        details: Dict::from([("authrole".to_owned(), Value::String("anonymous".to_owned()))]),
    };
    let welcome = Serializer::Json
        .encode(&welcome)
        .map_err(|error| error.to_string())?;
    stream
        .write_all(&frame(&welcome))
        .await
        .map_err(|error| error.to_string())?;
    let call = read_frame(&mut stream).await.ok_or("no CALL")?;
    match Serializer::Json.decode(&call) {
        Ok(Message::Call { request, .. }) => Ok((stream, request)),
        _ => Err(format!("expected CALL, got {}", String::from_utf8_lossy(&call))),
    }
}

/// Serves one client, misbehaving after its CALL. Returns what the client sent after that,
/// until it closed the connection.
async fn fake_router(listener: TcpListener, misbehaviour: Misbehaviour) -> Result<Vec<Message>, String> {
    let (mut stream, _) = accept_call(listener).await?;
    match misbehaviour {
        Misbehaviour::Send(bytes) => stream
            .write_all(&bytes)
            .await
            .map_err(|error| error.to_string())?,
        Misbehaviour::Hang => return Ok(Vec::new()),
    }
    let mut received = Vec::new();
    while let Some(payload) = read_frame(&mut stream).await {
        received.push(
            Serializer::Json
                .decode(&payload)
                .map_err(|error| error.to_string())?,
        );
    }
    Ok(received)
}

/// Runs a call against a misbehaving router: the call must fail with an error whose text
/// starts with `expected`, and the client must send ABORT `wamp.error.protocol_violation`
/// when `aborts`.
async fn check(misbehaviour: Misbehaviour, expected: &str, aborts: bool) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|error| panic!("bind: {error}"));
    let port = listener
        .local_addr()
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("{error}"));
    let router = tokio::spawn(fake_router(listener, misbehaviour));
    let client = ClientConfig::new(format!("rs://127.0.0.1:{port}"), "realm1")
        .max_message_size(CLIENT_MAX_MESSAGE_SIZE)
        .call_timeout(Some(Duration::from_secs(30)))
        .connect()
        .await
        .unwrap_or_else(|error| panic!("{expected}: connect: {error}"));
    let call = client.call(
        "com.example.procedure",
        Payload::default(),
        CallOptions::default(),
    );
    let outcome = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .unwrap_or_else(|_| panic!("{expected}: the call hung"));
    let error = outcome
        .map(|result| result.payload)
        .err()
        .map(|error| error.to_string());
    assert!(
        error.as_deref().is_some_and(|error| error.starts_with(expected)),
        "the pending call's error: {error:?}, expected {expected:?}..."
    );
    assert!(client.is_closed(), "{expected}: the session ended");
    let later = client
        .call(
            "com.example.procedure",
            Payload::default(),
            CallOptions::default(),
        )
        .await;
    assert!(
        matches!(
            later.as_ref().map_err(|error| error.kind()),
            Err(ErrorKind::SessionClosed(_))
        ),
        "{expected}: a later call: {later:?}"
    );
    let received = tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("{expected}: the client did not close the connection"))
        .unwrap_or_else(|error| panic!("{expected}: the fake router failed: {error}"))
        .unwrap_or_else(|problem| panic!("{expected}: {problem}"));
    let abort_reasons: Vec<&str> = received
        .iter()
        .filter_map(|message| match message {
            Message::Abort { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    let expected_aborts: &[&str] = if aborts {
        &["wamp.error.protocol_violation"]
    } else {
        &[]
    };
    assert_eq!(
        abort_reasons, expected_aborts,
        "{expected}: what the client told the router"
    );
}

#[tokio::test]
async fn malformed_message() {
    check(
        Misbehaviour::Send(frame(b"[50, 1, {}")),
        "protocol error: the router sent a message that is not valid json: at byte 10: ",
        true,
    )
    .await;
}

#[tokio::test]
async fn unknown_message_type() {
    check(
        Misbehaviour::Send(frame(b"[99, 1, {}]")),
        "protocol error: the router sent a message that is not valid json: unknown WAMP message type 99",
        true,
    )
    .await;
}

#[tokio::test]
async fn message_of_another_role() {
    check(
        Misbehaviour::Send(frame(br#"[48, 7, {}, "com.example.reversed"]"#)),
        "protocol error: a router does not send CALL to a joined client",
        true,
    )
    .await;
}

#[tokio::test]
async fn oversized_frame() {
    let length = u32::try_from(CLIENT_MAX_MESSAGE_SIZE + 1)
        .unwrap_or(u32::MAX)
        .to_be_bytes();
    check(
        Misbehaviour::Send(vec![0, length[1], length[2], length[3]]),
        "protocol error: the router sent a RawSocket frame of 65537 bytes, more than the 65536 negotiated",
        true,
    )
    .await;
}

#[tokio::test]
async fn invalid_frame_type() {
    check(
        Misbehaviour::Send(vec![5, 0, 0, 0]),
        "protocol error: the router sent a RawSocket frame of unknown type 5",
        true,
    )
    .await;
}

#[tokio::test]
async fn dropped_connection() {
    check(
        Misbehaviour::Hang,
        "the session is closed: the router closed the connection",
        false,
    )
    .await;
}

#[tokio::test]
async fn refused_connection() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|error| panic!("bind: {error}"));
    let port = listener
        .local_addr()
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("{error}"));
    drop(listener);
    let joined = ClientConfig::new(format!("rs://127.0.0.1:{port}"), "realm1")
        .connect()
        .await;
    let error = joined.err().map(|error| error.into_kind());
    assert!(
        matches!(&error, Some(ErrorKind::Transport(message)) if message.starts_with(&format!("cannot connect to rs://127.0.0.1:{port}"))),
        "{error:?}"
    );
}

#[tokio::test]
async fn unsupported_url() {
    let joined = ClientConfig::new("http://127.0.0.1:1/", "realm1").connect().await;
    assert_eq!(
        joined.err().map(|error| error.to_string()),
        Some(
            "transport error: unsupported URL `http://127.0.0.1:1/`: expected ws://, wss://, rs:// or tcp://"
                .to_owned()
        )
    );
}

#[tokio::test]
async fn rawsocket_pings_are_answered() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|error| panic!("bind: {error}"));
    let port = listener
        .local_addr()
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("{error}"));
    let router = tokio::spawn(async move {
        let (mut stream, request) = accept_call(listener).await?;
        stream
            .write_all(&[1, 0, 0, 4, b'p', b'i', b'n', b'g'])
            .await
            .map_err(|error| error.to_string())?;
        let mut pong = [0; 8];
        stream
            .read_exact(&mut pong)
            .await
            .map_err(|error| error.to_string())?;
        let seen = if pong == [2, 0, 0, 4, b'p', b'i', b'n', b'g'] {
            "pong"
        } else {
            "not a pong"
        };
        let result = format!(r#"[50, {request}, {{}}, ["{seen}"]]"#);
        stream
            .write_all(&frame(result.as_bytes()))
            .await
            .map_err(|error| error.to_string())
    });
    let client = ClientConfig::new(format!("rs://127.0.0.1:{port}"), "realm1")
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let call = client.call(
        "com.example.procedure",
        Payload::default(),
        CallOptions::default(),
    );
    let result = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .unwrap_or_else(|_| panic!("the call hung"))
        .map(|result| result.payload.args);
    assert_eq!(
        result,
        Ok(vec![Value::String("pong".to_owned())]),
        "the call answered after the ping"
    );
    let router = tokio::time::timeout(Duration::from_secs(5), router).await;
    assert!(matches!(router, Ok(Ok(Ok(())))), "the fake router: {router:?}");
}
