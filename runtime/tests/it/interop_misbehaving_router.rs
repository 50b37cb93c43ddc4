//! The client against a router that breaks the protocol (a scripted fake RawSocket router):
//! malformed and unknown messages, messages of the wrong role, oversized and invalid frames,
//! a dropped connection. The session must end with ABORT and fail every pending call, at once.
//! Also what a hostile or careless router must not achieve: taking the reader down through a
//! callee's panic, orphaning invocations, keeping abandoned subscriptions, holding a call past
//! its timeout by not answering, growing the write queue with pings, keeping a closed
//! session's connection open by not reading, or posing as the router of a WAMP-SCRAM user.
//! And what a router does on purpose: interrupting an invocation, revoking a registration,
//! shutting down while registrations are undone. And, played by hand as no router installable
//! here routes them, progressive call invocations.

use crate::scripted;

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wamp_idl_runtime::client::{ClientConfig, Credentials, Reconnect, SessionState};
use wamp_idl_runtime::wire::{Message, Serializer};
use wamp_idl_runtime::{
    BoxFuture, CallOptions, Dict, ErrorKind, Event, EventHandler, Invocation, InvocationHandler, Payload,
    RegisterOptions, SessionBackend, SubscribeOptions, Value, WampError,
};

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

/// Accepts one client and lets it join: RawSocket handshake, HELLO, WELCOME.
async fn accept_join(listener: &TcpListener) -> Result<TcpStream, String> {
    let (mut stream, hello) = accept_hello(listener).await?;
    if !matches!(hello, Message::Hello { .. }) {
        return Err(format!("expected HELLO, got {hello:?}"));
    }
    let welcome = scripted::welcome()?;
    stream
        .write_all(&frame(&welcome))
        .await
        .map_err(|error| error.to_string())?;
    Ok(stream)
}

/// Accepts one client, answers its RawSocket handshake and returns its first message.
async fn accept_hello(listener: &TcpListener) -> Result<(TcpStream, Message), String> {
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
    let hello = receive(&mut stream).await?;
    Ok((stream, hello))
}

/// Accepts one client, lets it join, and returns the connection and the request id of the
/// client's first CALL.
async fn accept_call(listener: TcpListener) -> Result<(TcpStream, u64), String> {
    let mut stream = accept_join(&listener).await?;
    match receive(&mut stream).await? {
        Message::Call { request, .. } => Ok((stream, request)),
        other => Err(format!("expected CALL, got {other:?}")),
    }
}

/// The next message from the client.
async fn receive(stream: &mut TcpStream) -> Result<Message, String> {
    let payload = read_frame(stream)
        .await
        .ok_or("the client closed the connection")?;
    scripted::decode(&payload)
}

async fn send(stream: &mut TcpStream, message: &Message) -> Result<(), String> {
    let bytes = Serializer::Json
        .encode(message)
        .map_err(|error| error.to_string())?;
    stream
        .write_all(&frame(&bytes))
        .await
        .map_err(|error| error.to_string())
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
        received.push(scripted::decode(&payload)?);
    }
    Ok(received)
}

/// Runs a call against a misbehaving router: the call must fail with an error whose text
/// starts with `expected`, and the client must send ABORT `wamp.error.protocol_violation`
/// when `aborts`.
async fn check(misbehaviour: Misbehaviour, expected: &str, aborts: bool) {
    let (listener, port) = scripted::loopback_listener().await;
    let router = tokio::spawn(fake_router(listener, misbehaviour));
    // One session's end is what is tested here: the client does not join again.
    let client = ClientConfig::new(format!("rs://127.0.0.1:{port}"), "realm1")
        .reconnect(Reconnect::never())
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
        "transport error: the router closed the connection without GOODBYE",
        false,
    )
    .await;
}

#[tokio::test]
async fn refused_connection() {
    let (listener, port) = scripted::loopback_listener().await;
    drop(listener);
    let joined = ClientConfig::new(format!("rs://127.0.0.1:{port}"), "realm1")
        .connect()
        .await;
    let Err(error) = joined else {
        panic!("joined a router that is not there");
    };
    // The I/O error is the cause, for a caller that tells a refusal from a timeout, and stays
    // it in a clone.
    let cause = std::error::Error::source(&error.clone())
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    assert_eq!(cause, Some(std::io::ErrorKind::ConnectionRefused), "{error:?}");
    let error = error.into_kind();
    assert!(
        matches!(&error, ErrorKind::Transport(message) if message.starts_with(&format!("cannot connect to rs://127.0.0.1:{port}"))),
        "{error:?}"
    );
}

#[tokio::test]
async fn unsupported_url() {
    let joined = ClientConfig::new("http://127.0.0.1:1/", "realm1").connect().await;
    assert_eq!(
        joined.err().map(|error| error.to_string()),
        Some(
            "transport error: unsupported URL `http://127.0.0.1:1/`: expected ws://, wss://, rs://, rss://, tcp://, unix://, unix+ws:// or unix+rs://"
                .to_owned()
        )
    );
}

#[tokio::test]
async fn rawsocket_pings_are_answered() {
    let (listener, port) = scripted::loopback_listener().await;
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
        .map(|result| result.payload.args().to_list());
    assert_eq!(
        result,
        Ok(vec![Value::String("pong".into())]),
        "the call answered after the ping"
    );
    let router = tokio::time::timeout(Duration::from_secs(5), router).await;
    assert!(matches!(router, Ok(Ok(Ok(())))), "the fake router: {router:?}");
}

/// A fake router on a free port, serving one client with `script`; returns the client's URL.
async fn scripted_router<F>(
    script: impl FnOnce(TcpListener) -> F,
) -> (String, tokio::task::JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (listener, port) = scripted::loopback_listener().await;
    (format!("rs://127.0.0.1:{port}"), tokio::spawn(script(listener)))
}

/// The registration id the fake router gives.
const REGISTRATION: u64 = 9;

/// Accepts one client, lets it join, and answers its first message, a REGISTER, with
/// registration [`REGISTRATION`].
async fn accept_registration(listener: TcpListener) -> Result<TcpStream, String> {
    let mut stream = accept_join(&listener).await?;
    let request = match receive(&mut stream).await? {
        Message::Register { request, .. } => request,
        other => return Err(format!("expected REGISTER, got {other:?}")),
    };
    let registered = Message::Registered {
        request,
        registration: REGISTRATION,
    };
    send(&mut stream, &registered).await?;
    Ok(stream)
}

/// Lets the client register, then sends it INVOCATION `invocation` (twice when `repeat`),
/// and returns what the client answered.
async fn invoke(listener: TcpListener, invocation: u64, repeat: bool) -> Result<Message, String> {
    let mut stream = accept_registration(listener).await?;
    let message = Message::Invocation {
        request: invocation,
        registration: REGISTRATION,
        details: Dict::new(),
        payload: Payload::new(Vec::new(), Dict::new()),
    };
    send(&mut stream, &message).await?;
    if repeat {
        send(&mut stream, &message).await?;
    }
    receive(&mut stream).await
}

#[tokio::test]
async fn a_handler_panicking_before_its_future_fails_only_its_invocation() {
    let (url, router) = scripted_router(|listener| invoke(listener, 5, false)).await;
    let client = ClientConfig::new(url, "realm1")
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let handler: InvocationHandler =
        Arc::new(|_: Invocation| -> BoxFuture<'static, Result<Payload, WampError>> { panic!("no future") });
    let answer = register_then_wait(
        &client,
        handler,
        router,
        "the client never answered the INVOCATION",
    )
    .await;
    let error = match answer {
        Ok(Message::Error {
            request_type,
            request,
            error,
            ..
        }) => Ok((request_type.to_string(), request, error)),
        other => Err(other),
    };
    assert_eq!(
        error,
        Ok(("INVOCATION".to_owned(), 5, "wamp.error.runtime_error".to_owned())),
        "the client's answer to the INVOCATION"
    );
    assert!(!client.is_closed(), "the session survives the panic");
}

#[tokio::test]
async fn an_invocation_repeating_a_running_request_id_is_a_protocol_violation() {
    let (url, router) = scripted_router(|listener| invoke(listener, 5, true)).await;
    let client = ClientConfig::new(url, "realm1")
        .reconnect(Reconnect::never())
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let handler: InvocationHandler = Arc::new(
        |_: Invocation| -> BoxFuture<'static, Result<Payload, WampError>> {
            Box::pin(std::future::pending())
        },
    );
    let answer = register_then_wait(
        &client,
        handler,
        router,
        "the client never reacted to the repeated INVOCATION",
    )
    .await;
    let abort = match answer {
        Ok(Message::Abort { reason, details }) => Ok((reason, details.get("message").cloned())),
        other => Err(other),
    };
    assert_eq!(
        abort,
        Ok((
            "wamp.error.protocol_violation".to_owned(),
            Some(Value::String(
                "INVOCATION 5 reuses the request id of an invocation still running".into()
            ))
        )),
        "what the client told the router"
    );
    assert!(client.is_closed(), "the session ended");
}

#[tokio::test]
async fn calls_a_router_leaves_unanswered_time_out_each_at_its_own_deadline() {
    let (url, router) = scripted_router(|listener| async move {
        let (mut stream, _) = accept_call(listener).await?;
        let short = match receive(&mut stream).await? {
            Message::Call { request, .. } => request,
            other => return Err(format!("expected a second CALL, got {other:?}")),
        };
        Ok((short, receive(&mut stream).await?))
    })
    .await;
    let client = ClientConfig::new(url, "realm1")
        .call_timeout(Some(Duration::from_secs(30)))
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let long = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .call(
                    "com.example.procedure",
                    Payload::default(),
                    CallOptions::default(),
                )
                .await
        }
    });
    // Time for the first call to go out and set the session's timer to its deadline.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let short = client.call(
        "com.example.procedure",
        Payload::default(),
        CallOptions {
            timeout: Some(Duration::from_millis(100)),
            ..CallOptions::default()
        },
    );
    // The second call's deadline comes before the first's: it must not wait for that one.
    let short = tokio::time::timeout(Duration::from_secs(5), short).await;
    assert!(!long.is_finished(), "the call with the default timeout ended");
    let kind = short.map(|outcome| outcome.map_err(|error| error.kind().clone()));
    assert!(
        matches!(kind, Ok(Err(ErrorKind::Timeout))),
        "the call with the short timeout: {kind:?}"
    );
    let router = tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("the client did not cancel the call that timed out"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
    let (short_request, cancel) = router.unwrap_or_else(|error| panic!("the fake router: {error}"));
    let killnowait = Dict::from([("mode".to_owned(), Value::String("killnowait".into()))]);
    assert_eq!(
        cancel,
        Message::Cancel {
            request: short_request,
            options: killnowait
        },
        "what the client sent when the call timed out"
    );
}

#[tokio::test]
async fn an_abandoned_subscribe_is_undone_when_answered_late() {
    let (url, router) = scripted_router(|listener| async move {
        let mut stream = accept_join(&listener).await?;
        let request = match receive(&mut stream).await? {
            Message::Subscribe { request, .. } => request,
            other => return Err(format!("expected SUBSCRIBE, got {other:?}")),
        };
        let call = match receive(&mut stream).await? {
            Message::Call { request, .. } => request,
            other => return Err(format!("expected CALL, got {other:?}")),
        };
        send(
            &mut stream,
            &Message::Subscribed {
                request,
                subscription: 4,
            },
        )
        .await?;
        let event = Message::Event {
            subscription: 4,
            publication: 1,
            details: Dict::new(),
            payload: Payload::new(Vec::new(), Dict::new()),
        };
        send(&mut stream, &event).await?;
        let result = Message::Result {
            request: call,
            details: Dict::new(),
            payload: Payload::new(Vec::new(), Dict::new()),
        };
        send(&mut stream, &result).await?;
        receive(&mut stream).await
    })
    .await;
    let client = ClientConfig::new(url, "realm1")
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let (events, mut delivered) = tokio::sync::mpsc::unbounded_channel();
    let handler: EventHandler = Arc::new(move |event: Event| -> BoxFuture<'static, ()> {
        let _ = events.send(event);
        Box::pin(async {})
    });
    let subscribe = client.subscribe("com.example.topic", SubscribeOptions::default(), handler);
    let abandoned = tokio::time::timeout(Duration::from_millis(200), subscribe).await;
    assert!(
        abandoned.is_err(),
        "the SUBSCRIBE was not answered: {abandoned:?}"
    );
    let call = client
        .call(
            "com.example.procedure",
            Payload::default(),
            CallOptions::default(),
        )
        .await;
    assert!(call.is_ok(), "the call after the late SUBSCRIBED: {call:?}");
    let event = tokio::time::timeout(Duration::from_millis(200), delivered.recv()).await;
    assert!(
        matches!(event, Ok(None)),
        "the abandoned subscription's handler is gone, not handed the event: {event:?}"
    );
    let router = tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("the client left the late subscription in place"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
    assert!(
        matches!(router, Ok(Message::Unsubscribe { subscription: 4, .. })),
        "what the client sent after the late SUBSCRIBED: {router:?}"
    );
}

#[tokio::test]
async fn a_router_flooding_pings_without_reading_gets_no_pong_per_ping() {
    const PINGS: usize = 400;
    const PING_SIZE: usize = 64 * 1024;
    let (url, router) = scripted_router(|listener| async move {
        let (mut stream, request) = accept_call(listener).await?;
        let mut ping = vec![1, 1, 0, 0];
        ping.resize(4 + PING_SIZE, b'p');
        // More pings than the socket buffers of both ends hold: the client's pongs pile up
        // while this router does not read.
        for _ in 0..PINGS {
            stream.write_all(&ping).await.map_err(|error| error.to_string())?;
        }
        let result = format!("[50, {request}, {{}}]");
        stream
            .write_all(&frame(result.as_bytes()))
            .await
            .map_err(|error| error.to_string())?;
        let mut pongs = 0;
        let mut header = [0; 4];
        while let Ok(Ok(_)) =
            tokio::time::timeout(Duration::from_secs(1), stream.read_exact(&mut header)).await
        {
            let [kind, high, mid, low] = header;
            let mut payload = vec![0; usize::from(high) << 16 | usize::from(mid) << 8 | usize::from(low)];
            stream
                .read_exact(&mut payload)
                .await
                .map_err(|error| error.to_string())?;
            if kind == 2 {
                pongs += 1;
            }
        }
        Ok::<usize, String>(pongs)
    })
    .await;
    let client = ClientConfig::new(url, "realm1")
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let call = client.call(
        "com.example.procedure",
        Payload::default(),
        CallOptions::default(),
    );
    let result = tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .unwrap_or_else(|_| panic!("the call hung behind the pings"));
    assert!(result.is_ok(), "the call after the pings: {result:?}");
    let pongs = tokio::time::timeout(Duration::from_secs(30), router)
        .await
        .unwrap_or_else(|_| panic!("the fake router hung"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
    assert!(
        matches!(pongs, Ok(pongs) if (1..PINGS).contains(&pongs)),
        "pongs for {PINGS} pings sent without reading: {pongs:?}"
    );
}

#[tokio::test]
async fn a_router_that_stops_reading_loses_the_connection_after_close() {
    const PUBLICATIONS: usize = 32;
    const PUBLICATION_SIZE: usize = 1024 * 1024;
    let (url, router) = scripted_router(|listener| async move {
        let mut stream = accept_join(&listener).await?;
        // Not reading: the client's publications fill the socket buffers and block its writer.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut ping = vec![1, 1, 0, 0];
        ping.resize(4 + 64 * 1024, b'p');
        let writing = async {
            loop {
                stream.write_all(&ping).await?;
            }
        };
        let outcome: Result<Result<(), std::io::Error>, _> =
            tokio::time::timeout(Duration::from_secs(20), writing).await;
        Ok::<_, String>(outcome.map(|written| written.map_err(|error| error.kind())))
    })
    .await;
    let client = ClientConfig::new(url, "realm1")
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let payload = Payload::new(
        vec![Value::String("x".repeat(PUBLICATION_SIZE).into())],
        Dict::new(),
    );
    for _ in 0..PUBLICATIONS {
        let published = client
            .publish("com.example.topic", payload.clone(), Default::default())
            .await;
        assert!(published.is_ok(), "an unacknowledged PUBLISH: {published:?}");
    }
    let closed = client.close().await;
    assert!(closed.is_err(), "the router never answers GOODBYE: {closed:?}");
    let router = tokio::time::timeout(Duration::from_secs(30), router)
        .await
        .unwrap_or_else(|_| panic!("the fake router hung"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
    assert!(
        matches!(router, Ok(Ok(Err(_)))),
        "the router's writes to the closed session must fail, not block: {router:?}"
    );
}

/// Lets the client register, sends it `count` INVOCATIONs at once, and returns the request ids
/// of the YIELDs it answers with, in the order they came, once it has answered them all.
async fn flood_invocations(listener: TcpListener, count: u64) -> Result<Vec<u64>, String> {
    let mut stream = accept_registration(listener).await?;
    for request in 1..=count {
        let invocation = Message::Invocation {
            request,
            registration: REGISTRATION,
            details: Dict::new(),
            payload: Payload::default(),
        };
        send(&mut stream, &invocation).await?;
    }
    let mut answered = Vec::new();
    while answered.len() < usize::try_from(count).unwrap_or(usize::MAX) {
        match receive(&mut stream).await? {
            Message::Yield { request, .. } => answered.push(request),
            other => return Err(format!("expected YIELD, got {other:?}")),
        }
    }
    Ok(answered)
}

#[tokio::test]
async fn a_flood_of_invocations_waits_in_the_transport_beyond_the_limit_in_flight() {
    const LIMIT: usize = 2;
    let (url, router) = scripted_router(|listener| flood_invocations(listener, 6)).await;
    let client = ClientConfig::new(url, "realm1")
        .max_in_flight(LIMIT)
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    // Each handler runs until the test lets it finish.
    let (started, mut starts) = tokio::sync::mpsc::unbounded_channel();
    let release = Arc::new(tokio::sync::Semaphore::new(0));
    let handler: InvocationHandler = {
        let release = Arc::clone(&release);
        Arc::new(
            move |invocation: Invocation| -> BoxFuture<'static, Result<Payload, WampError>> {
                let release = Arc::clone(&release);
                // The test holds the receiver until the end.
                let _ = started.send(invocation.context.details().len());
                Box::pin(async move {
                    // Each release lets one handler finish: its permit is used up, not given back.
                    if let Ok(finish) = release.acquire().await {
                        finish.forget();
                    }
                    Ok(Payload::default())
                })
            },
        )
    };
    let registered = client
        .register("com.example.procedure", RegisterOptions::default(), handler)
        .await;
    assert!(registered.is_ok(), "REGISTER: {registered:?}");
    let running = |starts: &mut tokio::sync::mpsc::UnboundedReceiver<usize>| {
        std::iter::from_fn(|| starts.try_recv().ok()).count()
    };
    for round in 0..3 {
        // What the reader would take next stays unread while the limit is reached.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(running(&mut starts), LIMIT, "round {round}: handlers started");
        release.add_permits(LIMIT);
    }
    let answered = tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("the client never answered every INVOCATION"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"))
        .unwrap_or_else(|problem| panic!("{problem}"));
    let mut sorted = answered.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [1, 2, 3, 4, 5, 6],
        "every invocation answered: {answered:?}"
    );
    assert!(!client.is_closed(), "the session survives the flood");
}

#[tokio::test]
async fn a_client_that_gives_up_joining_again_closes_and_says_why() {
    // The router welcomes the client once, then goes away for good.
    let (url, router) = scripted_router(|listener| async move {
        let stream = accept_join(&listener).await?;
        drop(stream);
        Ok::<(), String>(())
    })
    .await;
    let client = ClientConfig::new(url, "realm1")
        .reconnect(
            Reconnect::default()
                .initial_delay(Duration::from_millis(10))
                .max_delay(Duration::from_millis(20))
                .max_attempts(Some(2)),
        )
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let mut state = client.state();
    router
        .await
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"))
        .unwrap_or_else(|problem| panic!("{problem}"));
    let closed = tokio::time::timeout(
        Duration::from_secs(5),
        state.wait_for(|state| matches!(state, SessionState::Closed { .. })),
    )
    .await
    .map(|state| state.map(|state| state.clone()));
    let reason = match closed {
        Ok(Ok(SessionState::Closed { reason })) => reason.to_string(),
        other => panic!("the client did not close after two failed attempts: {other:?}"),
    };
    assert!(
        reason.starts_with("the session is closed: gave up joining again after 2 attempts; the last failed with: transport error: cannot connect to rs://127.0.0.1:"),
        "{reason}"
    );
    assert!(client.is_closed());
}

/// Plays a router that does not know the WAMP-SCRAM user's keys. It challenges the client,
/// with a nonce of its own instead of the client's unless `keeps_client_nonce`, then
/// welcomes any answer with a server signature that cannot verify. Returns what the client
/// sent after the challenge, until it closed the connection.
async fn impostor(listener: TcpListener, keeps_client_nonce: bool) -> Result<Vec<Message>, String> {
    let (mut stream, hello) = accept_hello(&listener).await?;
    let client_nonce = match &hello {
        Message::Hello { details, .. } => match details.get("authextra") {
            Some(Value::Dict(authextra)) => authextra.get("nonce").cloned(),
            _ => None,
        },
        _ => None,
    };
    let Some(Value::String(client_nonce)) = client_nonce else {
        return Err(format!("expected HELLO with a SCRAM nonce, got {hello:?}"));
    };
    let nonce = if keeps_client_nonce {
        format!("{client_nonce}c2VydmVyIG5vbmNl")
    } else {
        "c29tZW9uZSBlbHNlJ3Mgbm9uY2U=".to_owned()
    };
    let extra = [
        ("nonce", Value::String(nonce.into())),
        ("kdf", Value::String("pbkdf2".into())),
        ("salt", Value::String("c2FsdCBvZiBjYXJvbA==".into())),
        ("iterations", Value::Integer(4096)),
        ("memory", Value::Null),
    ];
    let challenge = Message::Challenge {
        auth_method: "scram".into(),
        extra: extra
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    };
    send(&mut stream, &challenge).await?;
    let mut received = Vec::new();
    while let Some(payload) = read_frame(&mut stream).await {
        let message = scripted::decode(&payload)?;
        if matches!(message, Message::Authenticate { .. }) {
            send(&mut stream, &forged_welcome()).await?;
        }
        received.push(message);
    }
    Ok(received)
}

/// WELCOME with a server signature made without the user's keys.
fn forged_welcome() -> Message {
    let forged = Dict::from([(
        "scram_server_signature".to_owned(),
        Value::String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into()),
    )]);
    Message::Welcome {
        session: 1,
        details: Dict::from([
            ("authid".to_owned(), Value::String("carol".into())),
            ("authextra".to_owned(), Value::Dict(forged)),
        ]),
    }
}

/// Joins an impostor as `carol`: joining must fail with an error that starts with `expected`
/// (the rest names the random nonce), and the client must have
/// sent the impostor the messages that `sent` names, in order, before hanging up.
async fn check_impostor(keeps_client_nonce: bool, expected: &str, sent: &[&str]) {
    let (url, router) = scripted_router(move |listener| impostor(listener, keeps_client_nonce)).await;
    let joined = ClientConfig::new(url, "realm1")
        .credentials(Credentials::Scram {
            authid: "carol".to_owned(),
            password: "carol's password".to_owned(),
        })
        .connect()
        .await
        .map(|_| ())
        .map_err(|error| error.to_string());
    assert!(
        matches!(&joined, Err(error) if error.starts_with(expected)),
        "{joined:?}"
    );
    let received = tokio::time::timeout(Duration::from_secs(5), router).await;
    let received: Vec<String> = match received {
        Ok(Ok(Ok(messages))) => messages
            .iter()
            .map(|message| match message {
                Message::Abort { reason, .. } => format!("ABORT {reason}"),
                other => other.message_type().to_string(),
            })
            .collect(),
        other => panic!("the impostor: {other:?}"),
    };
    assert_eq!(received, sent);
}

#[tokio::test]
async fn a_router_that_cannot_prove_the_scram_users_keys_is_refused() {
    // The client hangs up at once, without a word of the session the impostor offered.
    check_impostor(
        true,
        "protocol error: authentication: the router's WAMP-SCRAM signature in WELCOME does \
         not verify, so the router does not know the user's keys; the session is refused",
        &["AUTHENTICATE"],
    )
    .await;
}

#[tokio::test]
async fn a_scram_challenge_without_the_clients_nonce_is_refused_with_abort() {
    check_impostor(
        false,
        "protocol error: authentication: the WAMP-SCRAM challenge's nonce \
         `c29tZW9uZSBlbHNlJ3Mgbm9uY2U=` does not begin with the client's nonce",
        &["ABORT wamp.error.cannot_authenticate"],
    )
    .await;
}

/// Welcomes a client, then ends its session with GOODBYE `reason`; when the client joins
/// again, welcomes it once more. Returns whether it joined again within a few seconds.
async fn goodbye_then_welcome_again(listener: TcpListener, reason: &str) -> Result<bool, String> {
    let mut stream = accept_join(&listener).await?;
    let goodbye = Message::Goodbye {
        details: Dict::new(),
        reason: reason.to_owned(),
    };
    send(&mut stream, &goodbye).await?;
    match receive(&mut stream).await? {
        Message::Goodbye { .. } => {}
        other => return Err(format!("expected the client's GOODBYE, got {other:?}")),
    }
    drop(stream);
    let again = tokio::time::timeout(Duration::from_secs(3), accept_join(&listener)).await;
    Ok(matches!(again, Ok(Ok(_))))
}

#[tokio::test]
async fn a_router_shutting_down_is_joined_again_and_a_kill_is_final() {
    for (reason, joins_again) in [("wamp.close.system_shutdown", true), ("wamp.close.killed", false)] {
        let (url, router) =
            scripted_router(move |listener| goodbye_then_welcome_again(listener, reason)).await;
        let client = ClientConfig::new(url, "realm1")
            .reconnect(Reconnect::default().initial_delay(Duration::from_millis(10)))
            .connect()
            .await
            .unwrap_or_else(|error| panic!("{reason}: connect: {error}"));
        let joined_again = tokio::time::timeout(Duration::from_secs(5), router)
            .await
            .unwrap_or_else(|_| panic!("{reason}: the fake router hung"))
            .unwrap_or_else(|error| panic!("{reason}: the fake router failed: {error}"))
            .unwrap_or_else(|problem| panic!("{reason}: {problem}"));
        assert_eq!(
            joined_again, joins_again,
            "{reason}: whether the client joined again"
        );
        assert_eq!(
            client.is_closed(),
            !joins_again,
            "{reason}: whether the client is closed"
        );
    }
}

#[tokio::test]
async fn an_unreadable_value_in_the_envelope_still_ends_the_session() {
    check(
        Misbehaviour::Send(frame(b"[50, 1, {\"x\": \"\xff\"}]")),
        "protocol error: the router sent a message that is not valid json: at byte 15: a string is not valid UTF-8",
        true,
    )
    .await;
}

/// Registers `handler` as `com.example.procedure`, then waits for the fake router's script
/// to end; fails the test with `unanswered` when it does not within 5 s.
async fn register_then_wait<T>(
    client: &wamp_idl_runtime::Client,
    handler: InvocationHandler,
    router: tokio::task::JoinHandle<T>,
    unanswered: &str,
) -> T {
    let registered = client
        .register("com.example.procedure", RegisterOptions::default(), handler)
        .await;
    assert!(registered.is_ok(), "REGISTER: {registered:?}");
    tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("{unanswered}"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"))
}

/// A client joined to the fake router at `url`.
async fn joined(url: String) -> wamp_idl_runtime::Client {
    ClientConfig::new(url, "realm1")
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"))
}

/// Reads what the client sends until its GOODBYE, and answers it.
async fn until_goodbye(stream: &mut TcpStream) -> Result<(), String> {
    loop {
        if let Message::Goodbye { .. } = receive(stream).await? {
            let goodbye = Message::Goodbye {
                details: Dict::new(),
                reason: "wamp.close.goodbye_and_out".to_owned(),
            };
            return send(stream, &goodbye).await;
        }
    }
}

/// Sends the client these frames, each as it is, and returns the message it answers each with.
async fn answers(stream: &mut TcpStream, messages: &[&[u8]]) -> Result<Vec<Message>, String> {
    let mut answers = Vec::new();
    for message in messages {
        stream
            .write_all(&frame(message))
            .await
            .map_err(|error| error.to_string())?;
        answers.push(receive(stream).await?);
    }
    Ok(answers)
}

#[tokio::test]
async fn an_invocation_with_an_unreadable_payload_is_answered_and_the_next_one_served() {
    let (url, router) = scripted_router(|listener| async move {
        let mut stream = accept_registration(listener).await?;
        let invocations: [&[u8]; 3] = [
            b"[68, 5, 9, {}, [1, \"\xff\"]]",
            // As fox-wamp sends a call without args.
            b"[68, 6, 9, {}, null]",
            b"[68, 7, 9, {}, [41]]",
        ];
        answers(&mut stream, &invocations).await
    })
    .await;
    let client = joined(url).await;
    let echo: InvocationHandler = Arc::new(
        |invocation: Invocation| -> BoxFuture<'static, Result<Payload, WampError>> {
            Box::pin(async move { Ok(invocation.payload) })
        },
    );
    let answers = register_then_wait(&client, echo, router, "the client left an INVOCATION unanswered").await;
    let problem = WampError::with_message(
        "wamp.error.invalid_argument",
        "args[1]: a string is not valid UTF-8 (at byte 20)",
    );
    let expected = vec![
        Message::Error {
            request_type: wamp_idl_runtime::wire::MessageType::Invocation,
            request: 5,
            details: Dict::new(),
            error: problem.uri,
            payload: Payload::new(problem.args, problem.kwargs),
        },
        Message::Yield {
            request: 6,
            options: Dict::new(),
            payload: Payload::default(),
        },
        Message::Yield {
            request: 7,
            options: Dict::new(),
            payload: Payload::new(vec![Value::Integer(41)], Dict::new()),
        },
    ];
    assert_eq!(answers, Ok(expected), "the client's answers");
    assert!(!client.is_closed(), "the session survives the payload");
}

#[tokio::test]
async fn a_result_or_error_with_an_unreadable_payload_fails_only_its_call() {
    let (url, router) = scripted_router(|listener| async move {
        let (mut stream, first) = accept_call(listener).await?;
        let first = format!(r#"[50, {first}, {{}}, ["\ud800"]]"#);
        stream
            .write_all(&frame(first.as_bytes()))
            .await
            .map_err(|error| error.to_string())?;
        let second = match receive(&mut stream).await? {
            Message::Call { request, .. } => request,
            other => return Err(format!("expected a second CALL, got {other:?}")),
        };
        let mut error = format!(r#"[8, 48, {second}, {{}}, "com.example.error", [{{""#).into_bytes();
        error.extend_from_slice(b"\xff\": 1}]]");
        let third = answers(&mut stream, &[&error]).await?;
        match third.as_slice() {
            [Message::Call { request, .. }] => {
                let result = format!("[50, {request}, {{}}, [3]]");
                stream
                    .write_all(&frame(result.as_bytes()))
                    .await
                    .map_err(|error| error.to_string())?;
            }
            other => return Err(format!("expected a third CALL, got {other:?}")),
        }
        until_goodbye(&mut stream).await
    })
    .await;
    let client = joined(url).await;
    let mut outcomes = Vec::new();
    for _ in 0..3 {
        let call = client.call(
            "com.example.procedure",
            Payload::default(),
            CallOptions::default(),
        );
        let outcome = tokio::time::timeout(Duration::from_secs(5), call)
            .await
            .unwrap_or_else(|_| panic!("a call hung"));
        outcomes.push(
            outcome
                .map(|result| result.payload.args().to_list())
                .map_err(|error| (matches!(error.kind(), ErrorKind::Payload(_)), error.to_string())),
        );
    }
    // The byte offsets depend on the request ids' digits.
    let payload_error = |outcome: &Result<Vec<Value>, (bool, String)>, start: &str, end: &str| matches!(outcome, Err((true, message)) if message.starts_with(start) && message.ends_with(end));
    let lone_surrogate = r"args[0]: a lone UTF-16 surrogate in a \u escape (at byte ";
    let key = "args[0]: a key: a string is not valid UTF-8 (at byte ";
    assert!(
        payload_error(&outcomes[0], lone_surrogate, ")")
            && payload_error(&outcomes[1], key, "), in the payload of error com.example.error")
            && outcomes[2] == Ok(vec![Value::Integer(3)]),
        "the calls' outcomes: {outcomes:?}"
    );
    assert!(!client.is_closed(), "the session survives the payloads");
    let closed = client.close().await;
    assert!(closed.is_ok(), "closing: {closed:?}");
    let router = tokio::time::timeout(Duration::from_secs(5), router).await;
    assert!(matches!(router, Ok(Ok(Ok(())))), "the fake router: {router:?}");
}

#[tokio::test]
async fn an_event_with_an_unreadable_payload_goes_to_the_invalid_path() {
    let (url, router) = scripted_router(|listener| async move {
        let mut stream = accept_join(&listener).await?;
        for subscription in [4, 5] {
            let request = match receive(&mut stream).await? {
                Message::Subscribe { request, .. } => request,
                other => return Err(format!("expected SUBSCRIBE, got {other:?}")),
            };
            send(
                &mut stream,
                &Message::Subscribed {
                    request,
                    subscription,
                },
            )
            .await?;
        }
        let events: [&[u8]; 3] = [
            b"[36, 4, 1, {}, [], {\"when\": \"\xff\"}]",
            b"[36, 5, 2, {}, [], {\"when\": \"\xff\"}]",
            b"[36, 4, 3, {}, [7]]",
        ];
        for event in events {
            stream
                .write_all(&frame(event))
                .await
                .map_err(|error| error.to_string())?;
        }
        until_goodbye(&mut stream).await
    })
    .await;
    let client = joined(url).await;
    let (raw_events, mut raw) = tokio::sync::mpsc::unbounded_channel();
    let handler: EventHandler = Arc::new(move |event: Event| -> BoxFuture<'static, ()> {
        let checked = event.payload.check().map_err(|error| error.to_string());
        let _ = raw_events.send((checked, event.payload.args().to_list()));
        Box::pin(async {})
    });
    let subscribed = client
        .subscribe("com.example.raw", SubscribeOptions::default(), handler)
        .await;
    assert!(subscribed.is_ok(), "SUBSCRIBE: {subscribed:?}");
    let (invalid_events, mut invalid) = tokio::sync::mpsc::unbounded_channel();
    let on_invalid: Arc<
        dyn Fn(String, wamp_idl_runtime::PayloadError) -> BoxFuture<'static, ()> + Send + Sync,
    > = Arc::new(move |topic, error| {
        let _ = invalid_events.send((topic, error.to_string()));
        Box::pin(async {})
    });
    let typed = wamp_idl_runtime::__private::Topics::new("com.example", "com.example")
        .add("typed", |_, _, (): ()| async {})
        .subscribe(&client.session(), on_invalid)
        .await;
    assert!(typed.is_ok(), "the typed SUBSCRIBE: {typed:?}");
    let within = Duration::from_secs(5);
    let unreadable = "kwargs.when: a string is not valid UTF-8 (at byte 29)";
    let first = tokio::time::timeout(within, raw.recv()).await;
    assert_eq!(
        first,
        Ok(Some((Err(unreadable.to_owned()), Vec::new()))),
        "what the raw handler sees"
    );
    let typed = tokio::time::timeout(within, invalid.recv()).await;
    assert_eq!(
        typed,
        Ok(Some(("com.example.typed".to_owned(), unreadable.to_owned()))),
        "what the typed subscriber's invalid path gets"
    );
    let next = tokio::time::timeout(within, raw.recv()).await;
    assert_eq!(
        next,
        Ok(Some((Ok(()), vec![Value::Integer(7)]))),
        "the next event"
    );
    assert!(!client.is_closed(), "the session survives the events");
    let closed = client.close().await;
    assert!(closed.is_ok(), "closing: {closed:?}");
    let router = tokio::time::timeout(within, router).await;
    assert!(matches!(router, Ok(Ok(Ok(())))), "the fake router: {router:?}");
}

/// Answers the client's next REGISTER with `registration`; the procedure it registered.
async fn answer_register(stream: &mut TcpStream, registration: u64) -> Result<String, String> {
    match receive(stream).await? {
        Message::Register {
            request, procedure, ..
        } => {
            let registered = Message::Registered {
                request,
                registration,
            };
            send(stream, &registered).await?;
            Ok(procedure)
        }
        other => Err(format!("expected REGISTER, got {other:?}")),
    }
}

/// Registers a, b and c (router ids 11, 12, 13), revokes a, shuts down; on the next
/// connection, answers what the client registers again until its first UNREGISTER, and
/// returns the procedures registered again and the router id unregistered.
async fn revoke_then_restart(listener: TcpListener) -> Result<(Vec<String>, u64), String> {
    let mut stream = accept_join(&listener).await?;
    for registration in [11, 12, 13] {
        answer_register(&mut stream, registration).await?;
    }
    let revoked = Message::Unregistered {
        request: 0,
        details: Dict::from([("registration".to_owned(), Value::Integer(11))]),
    };
    send(&mut stream, &revoked).await?;
    let shutdown = Message::Goodbye {
        details: Dict::new(),
        reason: "wamp.close.system_shutdown".to_owned(),
    };
    send(&mut stream, &shutdown).await?;
    drop(stream);
    let mut stream = accept_join(&listener).await?;
    let mut registered_again = Vec::new();
    loop {
        match receive(&mut stream).await? {
            Message::Register {
                request, procedure, ..
            } => {
                let registration = 20 + registered_again.len() as u64;
                registered_again.push(procedure);
                send(
                    &mut stream,
                    &Message::Registered {
                        request,
                        registration,
                    },
                )
                .await?;
            }
            Message::Unregister {
                request,
                registration,
            } => {
                let unregistered = Message::Unregistered {
                    request,
                    details: Dict::new(),
                };
                send(&mut stream, &unregistered).await?;
                return Ok((registered_again, registration));
            }
            other => return Err(format!("expected REGISTER or UNREGISTER, got {other:?}")),
        }
    }
}

#[tokio::test]
async fn a_registration_keeps_its_handle_across_a_restart_unless_revoked_or_undone_while_down() {
    let (url, router) = scripted_router(revoke_then_restart).await;
    let client = ClientConfig::new(url, "realm1")
        .reconnect(Reconnect::default().initial_delay(Duration::from_millis(300)))
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let session = client.session();
    let mut handles = Vec::new();
    for procedure in ["com.example.a", "com.example.b", "com.example.c"] {
        let echo = |invocation: Invocation| async move { Ok(invocation.payload) };
        let registered = session
            .register(procedure, RegisterOptions::default(), echo)
            .await;
        handles.push(registered.unwrap_or_else(|error| panic!("register {procedure}: {error}")));
    }
    let [revoked, kept, undone] = <[_; 3]>::try_from(handles).unwrap_or_else(|_| panic!("three handles"));
    let mut state = client.state();
    let down = tokio::time::timeout(
        Duration::from_secs(5),
        state.wait_for(|state| matches!(state, SessionState::Down { .. })),
    )
    .await
    .map(|down| down.map(|state| state.clone()));
    assert!(matches!(down, Ok(Ok(_))), "the session went down: {down:?}");
    assert_eq!(undone.unregister().await, Ok(()), "unregistering while down");
    let up = tokio::time::timeout(
        Duration::from_secs(5),
        state.wait_for(|state| matches!(state, SessionState::Up { .. })),
    )
    .await
    .map(|up| up.map(|state| state.clone()));
    assert!(matches!(up, Ok(Ok(_))), "the session came back: {up:?}");
    assert_eq!(
        client.router_registration_id(&kept),
        Some(20),
        "the handle names the new registration"
    );
    assert_eq!(kept.unregister().await, Ok(()), "unregistering after the restart");
    let restored = tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("the fake router hung"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
    assert_eq!(
        restored,
        Ok((vec!["com.example.b".to_owned()], 20)),
        "what was registered again, and unregistered through the kept handle"
    );
    assert_eq!(
        revoked.unregister().await,
        Ok(()),
        "a revoked registration is gone already"
    );
}

/// Lets the client register, invokes it asking for progressive results, and interrupts the
/// invocation after its first progressive result with `mode`; returns the progressive result
/// and what the client answered the INTERRUPT with (nothing within 300 ms: `None`).
async fn interrupt(listener: TcpListener, mode: &'static str) -> Result<(Message, Option<Message>), String> {
    let mut stream = accept_registration(listener).await?;
    let invocation = Message::Invocation {
        request: 5,
        registration: REGISTRATION,
        details: Dict::from([("receive_progress".to_owned(), Value::Bool(true))]),
        payload: Payload::default(),
    };
    send(&mut stream, &invocation).await?;
    let progress = receive(&mut stream).await?;
    let interrupt = Message::Interrupt {
        request: 5,
        options: Dict::from([("mode".to_owned(), Value::String(mode.into()))]),
    };
    send(&mut stream, &interrupt).await?;
    let answer = tokio::time::timeout(Duration::from_millis(300), receive(&mut stream)).await;
    Ok((progress, answer.ok().transpose()?))
}

#[tokio::test]
async fn an_interrupted_invocation_is_dropped_its_context_told_and_answered_as_its_mode_says() {
    for (mode, answered) in [("kill", true), ("killnowait", false)] {
        let (url, router) = scripted_router(move |listener| interrupt(listener, mode)).await;
        let client = joined(url).await;
        let (contexts, mut context) = tokio::sync::mpsc::unbounded_channel();
        let (dropped, mut handler_dropped) = tokio::sync::oneshot::channel::<()>();
        let dropped = std::sync::Mutex::new(Some(dropped));
        let handler: InvocationHandler = Arc::new(move |invocation: Invocation| {
            let _ = contexts.send(invocation.context.clone());
            // Told when the handler's future is dropped, as it is on INTERRUPT.
            let on_drop = dropped.lock().ok().and_then(|mut dropped| dropped.take());
            Box::pin(async move {
                let _tell_on_drop = on_drop;
                invocation
                    .context
                    .progress(Payload::new(vec![Value::Integer(1)], Dict::new()))?;
                std::future::pending::<()>().await;
                Ok(Payload::default())
            })
        });
        let (progress, answer) = register_then_wait(&client, handler, router, "the router's script hung")
            .await
            .unwrap_or_else(|problem| panic!("{mode}: {problem}"));
        assert!(
            matches!(&progress, Message::Yield { request: 5, options, .. } if options.get("progress") == Some(&Value::Bool(true))),
            "{mode}: the progressive result: {progress:?}"
        );
        let canceled = answer.map(|answer| match answer {
            Message::Error { request, error, .. } => Ok((request, error)),
            other => Err(format!("{other:?}")),
        });
        let expected = answered.then(|| Ok((5, "wamp.error.canceled".to_owned())));
        assert_eq!(canceled, expected, "{mode}: the answer to INTERRUPT");
        let context = context
            .recv()
            .await
            .unwrap_or_else(|| panic!("{mode}: no invocation"));
        assert!(context.is_cancelled(), "{mode}: the context knows");
        let cancelled = tokio::time::timeout(Duration::from_secs(1), context.cancelled()).await;
        assert!(cancelled.is_ok(), "{mode}: cancelled() completes");
        assert_eq!(
            context
                .progress(Payload::default())
                .map_err(|error| error.into_kind()),
            Err(ErrorKind::Canceled),
            "{mode}: no progress after the interrupt"
        );
        let dropped = tokio::time::timeout(Duration::from_secs(1), &mut handler_dropped).await;
        assert!(
            matches!(dropped, Ok(Err(_))),
            "{mode}: the handler's future was dropped"
        );
        assert!(!client.is_closed(), "{mode}: the session goes on");
    }
}

fn number(value: i128) -> Payload {
    Payload::new(vec![Value::Integer(value)], Dict::new())
}

/// Lets the client register, sends it the INVOCATIONs of one progressive call invocation (the
/// final one with `final_payload`), and returns what the client answered, up to its last YIELD.
async fn invoke_progressively(listener: TcpListener, final_payload: Payload) -> Result<Vec<Message>, String> {
    let mut stream = accept_registration(listener).await?;
    let details = |progress: bool| {
        let mut details = Dict::from([("receive_progress".to_owned(), Value::Bool(true))]);
        if progress {
            details.insert("progress".to_owned(), Value::Bool(true));
        }
        details
    };
    for (payload, progress) in [(number(1), true), (number(2), true), (final_payload, false)] {
        let invocation = Message::Invocation {
            request: 5,
            registration: REGISTRATION,
            details: details(progress),
            payload,
        };
        send(&mut stream, &invocation).await?;
    }
    let mut answers = Vec::new();
    loop {
        let answer = receive(&mut stream).await?;
        let last = !matches!(&answer, Message::Yield { options, .. } if options.get("progress") == Some(&Value::Bool(true)));
        answers.push(answer);
        if last {
            return Ok(answers);
        }
    }
}

/// Answers each item with the number of items so far, then with every item.
fn counting_callee() -> InvocationHandler {
    use futures_util::StreamExt as _;
    Arc::new(|invocation: Invocation| {
        Box::pin(async move {
            let mut items = invocation.items();
            let mut got = Vec::new();
            while let Some(item) = items.next().await {
                got.push(Value::List(item.args().to_list()));
                let count = i128::try_from(got.len()).unwrap_or(i128::MAX);
                invocation
                    .context
                    .progress(number(count))
                    .map_err(|error| WampError::with_message("wamp.error.canceled", error.to_string()))?;
            }
            Ok(Payload::new(got, Dict::new()))
        })
    })
}

/// The YIELDs of the client, as (progress, args).
fn yields(answers: Result<Vec<Message>, String>) -> Result<Vec<(bool, Vec<Value>)>, String> {
    answers?
        .into_iter()
        .map(|answer| match answer {
            Message::Yield {
                request: 5,
                options,
                payload,
            } => Ok((
                options.get("progress") == Some(&Value::Bool(true)),
                payload.args().to_list(),
            )),
            other => Err(format!("expected YIELD 5, got {other:?}")),
        })
        .collect()
}

/// No router installable here routes progressive call invocations as WAMP says (docs/
/// compatibility.md), so this one plays them: the further INVOCATIONs of a call reach its
/// running handler as items, a final one that carries a payload as the last item, an empty
/// final one as only the end.
#[tokio::test]
async fn further_invocations_of_a_progressive_call_reach_the_running_handler_as_items() {
    for (final_payload, items) in [(number(3), vec![1, 2, 3]), (Payload::default(), vec![1, 2])] {
        let (url, router) = scripted_router(|listener| invoke_progressively(listener, final_payload)).await;
        let client = joined(url).await;
        let registered = client
            .register(
                "com.example.procedure",
                RegisterOptions::default(),
                counting_callee(),
            )
            .await;
        assert!(registered.is_ok(), "REGISTER: {registered:?}");
        let answers = tokio::time::timeout(Duration::from_secs(5), router)
            .await
            .unwrap_or_else(|_| panic!("the client never answered every item"))
            .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
        let counts = (1..=items.len()).map(|count| (true, vec![Value::Integer(count as i128)]));
        let all = items
            .iter()
            .map(|item| Value::List(vec![Value::Integer(*item)]))
            .collect();
        let expected: Vec<(bool, Vec<Value>)> = counts.chain([(false, all)]).collect();
        assert_eq!(yields(answers), Ok(expected));
    }
}

/// The client's side of a progressive call invocation: a CALL with `progress: true` per item,
/// the same request id, then a final empty CALL; the router's RESULT ends the call.
#[tokio::test]
async fn a_progressive_call_sends_each_item_in_a_call_and_ends_with_an_empty_final_one() {
    let (url, router) = scripted_router(|listener| async move {
        let mut stream = accept_join(&listener).await?;
        let mut calls = Vec::new();
        loop {
            match receive(&mut stream).await? {
                Message::Call {
                    request,
                    options,
                    procedure,
                    payload,
                } => {
                    let progress = options.get("progress") == Some(&Value::Bool(true));
                    calls.push((request, procedure, progress, payload.args().to_list()));
                    if !progress {
                        let result = Message::Result {
                            request,
                            details: Dict::new(),
                            payload: number(42),
                        };
                        send(&mut stream, &result).await?;
                        return Ok(calls);
                    }
                }
                other => return Err(format!("expected CALL, got {other:?}")),
            }
        }
    })
    .await;
    let client = joined(url).await;
    let items = futures_util::stream::iter([number(1), number(2)]);
    let result = client
        .session()
        .call_streaming("com.example.sum", items, CallOptions::default())
        .await
        .unwrap_or_else(|error| panic!("calling: {error}"))
        .result()
        .await
        .map(|result| result.payload.args().to_list())
        .map_err(|error| error.to_string());
    assert_eq!(result, Ok(vec![Value::Integer(42)]));
    let calls = tokio::time::timeout(Duration::from_secs(5), router)
        .await
        .unwrap_or_else(|_| panic!("the client never ended its CALLs"))
        .unwrap_or_else(|error| panic!("the fake router failed: {error}"));
    let request = calls
        .as_ref()
        .ok()
        .and_then(|calls| calls.first())
        .map(|call| call.0);
    let procedure = "com.example.sum".to_owned();
    assert_eq!(
        calls,
        Ok(request
            .map(|request| {
                vec![
                    (request, procedure.clone(), true, vec![Value::Integer(1)]),
                    (request, procedure.clone(), true, vec![Value::Integer(2)]),
                    (request, procedure.clone(), false, Vec::new()),
                ]
            })
            .unwrap_or_default())
    );
}
