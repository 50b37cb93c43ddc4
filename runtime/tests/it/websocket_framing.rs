//! The client's own WebSocket framing against a scripted WebSocket router: the upgrade, the
//! masking of the client's frames, fragmented messages, pings answered with pongs, the close
//! handshake, and frames that break RFC 6455, which end the session with an error to the
//! pending call.

use crate::scripted;

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tungstenite::handshake::derive_accept_key;
use wamp_idl_runtime::client::{Client, ClientConfig, Reconnect};
use wamp_idl_runtime::wire::Message;
use wamp_idl_runtime::{CallOptions, Payload, SessionBackend, Value};

const CLIENT_MAX_MESSAGE_SIZE: usize = 4096;
const TEXT: u8 = 0x1;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xA;
const FINAL: u8 = 0x80;

/// A server frame (unmasked) around `payload`.
fn frame(first_byte: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![first_byte];
    match u16::try_from(payload.len()) {
        Ok(length @ 0..=125) => frame.push(length as u8),
        Ok(length) => {
            frame.push(126);
            frame.extend_from_slice(&length.to_be_bytes());
        }
        Err(_) => {
            frame.push(127);
            frame.extend_from_slice(&(payload.len() as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    frame
}

/// The next frame from the client, unmasked: its opcode and payload. Fails on an unmasked one.
async fn read_frame(stream: &mut TcpStream) -> Result<(u8, Vec<u8>), String> {
    let mut header = [0; 2];
    stream
        .read_exact(&mut header)
        .await
        .map_err(|error| format!("reading a frame: {error}"))?;
    let [first, second] = header;
    if second & 0x80 == 0 {
        return Err(format!("an unmasked frame from the client: {header:02x?}"));
    }
    let length = match second & 0x7F {
        126 => usize::from(stream.read_u16().await.map_err(|error| error.to_string())?),
        127 => usize::try_from(stream.read_u64().await.map_err(|error| error.to_string())?)
            .map_err(|error| error.to_string())?,
        length => usize::from(length),
    };
    let mut mask = [0; 4];
    stream
        .read_exact(&mut mask)
        .await
        .map_err(|error| error.to_string())?;
    let mut payload = vec![0; length];
    stream
        .read_exact(&mut payload)
        .await
        .map_err(|error| error.to_string())?;
    for (byte, mask) in payload.iter_mut().zip(mask.iter().cycle()) {
        *byte ^= mask;
    }
    Ok((first, payload))
}

/// The next WAMP message from the client, from a final text frame.
async fn receive(stream: &mut TcpStream) -> Result<Message, String> {
    match read_frame(stream).await? {
        (first, payload) if first == FINAL | TEXT => scripted::decode(&payload),
        (first, payload) => Err(format!(
            "expected a message, got frame {first:#04x} {payload:02x?}"
        )),
    }
}

async fn send_bytes(stream: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    stream.write_all(bytes).await.map_err(|error| error.to_string())
}

/// Accepts one client and answers its upgrade request with `response`, where `{accept}`
/// stands for the right `Sec-WebSocket-Accept`.
async fn accept_upgrade(listener: &TcpListener, response: &str) -> Result<TcpStream, String> {
    let (mut stream, _) = listener.accept().await.map_err(|error| error.to_string())?;
    let mut request = Vec::new();
    while !request.ends_with(b"\r\n\r\n") {
        let byte = stream
            .read_u8()
            .await
            .map_err(|error| format!("the upgrade request: {error}"))?;
        request.push(byte);
    }
    let request = String::from_utf8_lossy(&request).into_owned();
    if !request.contains("Sec-WebSocket-Protocol: wamp.2.json\r\n") {
        return Err(format!(
            "an upgrade request without the JSON subprotocol: {request}"
        ));
    }
    let key = request
        .lines()
        .find_map(|line| line.strip_prefix("Sec-WebSocket-Key: "))
        .ok_or_else(|| format!("an upgrade request without a key: {request}"))?;
    let response = response.replace("{accept}", &derive_accept_key(key.as_bytes()));
    send_bytes(&mut stream, response.as_bytes()).await?;
    Ok(stream)
}

const UPGRADED: &str = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                        Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: wamp.2.json\r\n\r\n";

/// Accepts one client, lets it join, and returns the connection and its first CALL's id.
async fn accept_call(listener: TcpListener) -> Result<(TcpStream, u64), String> {
    let mut stream = accept_upgrade(&listener, UPGRADED).await?;
    match receive(&mut stream).await? {
        Message::Hello { .. } => {}
        other => return Err(format!("expected HELLO, got {other:?}")),
    }
    send_bytes(&mut stream, &frame(FINAL | TEXT, &scripted::welcome()?)).await?;
    match receive(&mut stream).await? {
        Message::Call { request, .. } => Ok((stream, request)),
        other => Err(format!("expected CALL, got {other:?}")),
    }
}

/// A listener for one client, and the WebSocket URL it serves.
async fn listen() -> (TcpListener, String) {
    let (listener, port) = scripted::loopback_listener().await;
    (listener, format!("ws://127.0.0.1:{port}/ws"))
}

async fn connect(url: &str) -> Result<Client, String> {
    // One session's end is what these tests check: the client does not join again.
    ClientConfig::new(url, "realm1")
        .reconnect(Reconnect::never())
        .max_message_size(CLIENT_MAX_MESSAGE_SIZE)
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .map_err(|error| error.to_string())
}

async fn call(client: &Client) -> Result<Vec<Value>, String> {
    let call = client.call(
        "com.example.procedure",
        Payload::default(),
        CallOptions::default(),
    );
    tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .map_err(|_| "the call hung".to_owned())?
        .map(|result| result.payload.args().to_list())
        .map_err(|error| error.to_string())
}

#[tokio::test]
async fn fragments_pings_and_the_close_handshake() {
    let (listener, url) = listen().await;
    let router = tokio::spawn(async move {
        let mut stream = accept_upgrade(&listener, UPGRADED).await?;
        match receive(&mut stream).await? {
            Message::Hello { .. } => {}
            other => return Err(format!("expected HELLO, got {other:?}")),
        }
        // WELCOME in two fragments, a ping between them.
        let welcome = scripted::welcome()?;
        let (head, tail) = welcome.split_at(welcome.len() / 2);
        send_bytes(&mut stream, &frame(TEXT, head)).await?;
        send_bytes(&mut stream, &frame(FINAL | PING, b"are you there")).await?;
        send_bytes(&mut stream, &frame(FINAL, tail)).await?;
        let pong = read_frame(&mut stream).await?;
        let request = match receive(&mut stream).await? {
            Message::Call { request, .. } => request,
            other => return Err(format!("expected CALL, got {other:?}")),
        };
        let result = format!(r#"[50, {request}, {{}}, ["fine"]]"#);
        send_bytes(&mut stream, &frame(FINAL | TEXT, result.as_bytes())).await?;
        send_bytes(&mut stream, &frame(FINAL | CLOSE, &1000u16.to_be_bytes())).await?;
        let close = read_frame(&mut stream).await?;
        Ok::<_, String>((pong, close))
    });
    let client = connect(&url)
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    assert_eq!(
        call(&client).await,
        Ok(vec![Value::String("fine".into())]),
        "the call"
    );
    let router = tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("the fake router hung"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
    assert_eq!(
        router,
        Ok((
            (FINAL | PONG, b"are you there".to_vec()),
            (FINAL | CLOSE, 1000u16.to_be_bytes().to_vec())
        )),
        "the pong, and the client's answer to the close frame"
    );
    assert!(client.is_closed(), "the router's close frame ends the session");
}

/// Sends `bytes` after the client's CALL: the call must fail with an error starting with
/// `expected`, and the session must end.
async fn check_violation(bytes: Vec<u8>, expected: &str) {
    let (listener, url) = listen().await;
    let router = tokio::spawn(async move {
        let (mut stream, _) = accept_call(listener).await?;
        send_bytes(&mut stream, &bytes).await?;
        // Whatever the client says last (ABORT, close), it then closes the connection.
        while read_frame(&mut stream).await.is_ok() {}
        Ok::<_, String>(())
    });
    let client = connect(&url)
        .await
        .unwrap_or_else(|error| panic!("{expected}: connect: {error}"));
    let error = call(&client).await.err();
    assert!(
        error.as_deref().is_some_and(|error| error.starts_with(expected)),
        "the pending call's error: {error:?}, expected {expected:?}..."
    );
    assert!(client.is_closed(), "{expected}: the session ended");
    let router = tokio::time::timeout(Duration::from_secs(5), router).await;
    assert!(
        matches!(router, Ok(Ok(Ok(())))),
        "{expected}: the fake router: {router:?}"
    );
}

#[tokio::test]
async fn frames_breaking_rfc_6455_end_the_session() {
    let violation = "protocol error: WebSocket protocol violation";
    check_violation(
        vec![FINAL | TEXT, 0x82, 1, 2, 3, 4, b'[' ^ 1, b']' ^ 2],
        &format!("{violation}: a frame from the router is masked"),
    )
    .await;
    check_violation(
        frame(FINAL | 0x40 | TEXT, b"[]"),
        &format!("{violation}: reserved bits set (0xc1)"),
    )
    .await;
    check_violation(
        frame(FINAL | 0x3, b"[]"),
        &format!("{violation}: unknown opcode 0x3"),
    )
    .await;
    check_violation(
        frame(FINAL, b"[]"),
        &format!("{violation}: a continuation frame starts no message"),
    )
    .await;
    check_violation(
        frame(PING, b"unfinished"),
        &format!("{violation}: control frame 0x9 is fragmented"),
    )
    .await;
    check_violation(
        frame(FINAL | TEXT, &vec![b' '; CLIENT_MAX_MESSAGE_SIZE + 1]),
        "protocol error: the router sent an oversized message",
    )
    .await;
    check_violation(
        [frame(TEXT, &vec![b' '; 3000]), frame(FINAL, &vec![b' '; 3000])].concat(),
        "protocol error: the router sent an oversized message",
    )
    .await;
}

/// Answers the upgrade with `response`: joining must fail with an error containing `expected`.
async fn check_upgrade(response: &'static str, expected: &str) {
    let (listener, url) = listen().await;
    let router = tokio::spawn(async move {
        let _stream = accept_upgrade(&listener, response).await?;
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<_, String>(())
    });
    let joined = connect(&url).await.err();
    assert!(
        joined.as_deref().is_some_and(|error| error.contains(expected)),
        "joining after the upgrade answer {response:?}: {joined:?}, expected ...{expected:?}..."
    );
    let router = tokio::time::timeout(Duration::from_secs(5), router).await;
    assert!(matches!(router, Ok(Ok(Ok(())))), "the fake router: {router:?}");
}

#[tokio::test]
async fn a_refused_or_wrong_upgrade_fails_the_join() {
    check_upgrade(
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        "the router answered the WebSocket upgrade with HTTP 404 Not Found",
    )
    .await;
    check_upgrade(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: wrong\r\nSec-WebSocket-Protocol: wamp.2.json\r\n\r\n",
        "the router's answer is no valid WebSocket upgrade",
    )
    .await;
    check_upgrade(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\n\r\n",
        "did not accept the subprotocol wamp.2.json (it answered None)",
    )
    .await;
    check_upgrade(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade",
        "closed the connection during the WebSocket upgrade",
    )
    .await;
}
