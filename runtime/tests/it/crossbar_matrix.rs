//! The client against a real Crossbar.io router, in every transport and serializer: calls,
//! registrations, errors, progressive results, cancellation, publish and subscribe.

use wamp_idl_test_support::router as support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use wamp_idl_runtime::client::Client;
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{
    Bytes, CallOptions, CancelMode, Dict, ErrorKind, Event, EventHandler, Invocation, InvocationHandler,
    MatchPolicy, Payload, PublishOptions, RegisterOptions, SessionBackend, SubscribeOptions, Value,
    WampError,
};

use support::Transport;

fn text(value: &str) -> Value {
    Value::String(value.into())
}

fn dict(entries: &[(&str, Value)]) -> Dict {
    entries
        .iter()
        .map(|(key, value)| ((*key).to_owned(), value.clone()))
        .collect()
}

fn payload(args: Vec<Value>, kwargs: &[(&str, Value)]) -> Payload {
    Payload::new(args, dict(kwargs))
}

/// A value of every kind the wire carries, nested, with the integer extremes WAMP allows.
fn every_kind() -> Payload {
    let nested = Value::Dict(dict(&[
        (
            "list",
            Value::List(vec![
                Value::Integer(1),
                text("two"),
                Value::Null,
                Value::Bool(false),
            ]),
        ),
        ("bytes", Value::Bytes(vec![0, 1, 2, 254, 255].into())),
        // Long enough for a 32-bit length, and for the client to send it uncopied (spliced).
        (
            "long_bytes",
            Value::Bytes((0..70_000u32).map(|i| (i % 251) as u8).collect()),
        ),
        ("empty_list", Value::List(Vec::new())),
        ("empty_dict", Value::Dict(Dict::new())),
    ]));
    payload(
        vec![
            Value::Null,
            Value::Bool(true),
            Value::Integer(0),
            Value::Integer(-1),
            Value::Integer(1000),
            Value::Integer(1 << 53),
            Value::Integer(-(1 << 53)),
            Value::Integer(i128::from(u32::MAX) + 1),
            Value::Float(1.5),
            Value::Float(-0.25),
            text(""),
            text("ünïcödé ✓"),
            Value::Bytes(Bytes::new()),
            Value::Bytes((0..=255).collect()),
            nested,
        ],
        &[("key", text("value")), ("number", Value::Integer(42))],
    )
}

fn handler<F>(function: F) -> InvocationHandler
where
    F: Fn(Invocation) -> Result<Payload, WampError> + Send + Sync + 'static,
{
    Arc::new(move |invocation| {
        let outcome = function(invocation);
        Box::pin(async move { outcome })
    })
}

/// An event handler that forwards every event to a channel.
fn event_sink() -> (EventHandler, mpsc::UnboundedReceiver<Event>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let handler: EventHandler = Arc::new(move |event| {
        let _ = sender.send(event);
        Box::pin(async {})
    });
    (handler, receiver)
}

async fn next_event(events: &mut mpsc::UnboundedReceiver<Event>, what: &str) -> Event {
    match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
        Ok(Some(event)) => event,
        Ok(None) => panic!("{what}: the subscription ended"),
        Err(_) => panic!("{what}: no event within 10 s"),
    }
}

async fn call(
    client: &Client,
    procedure: &str,
    payload: Payload,
) -> Result<Payload, wamp_idl_runtime::Error> {
    client
        .call(procedure, payload, CallOptions::default())
        .await
        .map(|result| result.payload)
}

/// Runs every scenario over one transport and serializer, with a callee and a caller session.
async fn check(transport: Transport, serializer: Serializer) {
    let Some(router) = support::router(&format!("{transport:?} x {serializer}")) else {
        return;
    };
    let callee = router.join(transport, serializer).await;
    let caller = router.join(transport, serializer).await;
    let prefix = format!("matrix.{}.{serializer}", format!("{transport:?}").to_lowercase());
    let uri = |name: &str| format!("{prefix}.{name}");
    let context = format!("{transport:?} with {serializer}");

    // Exact registration, payload round trip of every kind of value.
    let echo = callee
        .register(
            &uri("echo"),
            RegisterOptions::default(),
            handler(|invocation| Ok(invocation.payload)),
        )
        .await
        .unwrap_or_else(|error| panic!("{context}: register echo: {error}"));
    let echoed = call(&caller, &uri("echo"), every_kind()).await;
    assert_eq!(echoed, Ok(every_kind()), "{context}: echo of every kind of value");
    assert_eq!(
        call(&caller, &uri("echo"), Payload::default()).await,
        Ok(Payload::default()),
        "{context}: echo of an empty payload"
    );

    // The callee learns the caller (disclosed by the role: id, authid, authrole) and the
    // procedure.
    let seen = callee
        .register(
            &uri("who"),
            RegisterOptions::default(),
            handler(|invocation| {
                let context = &invocation.context;
                let caller = context
                    .caller()
                    .map_or(Value::Null, |id| Value::Integer(id.into()));
                let text_or_null =
                    |text: Option<&str>| text.map_or(Value::Null, |text| Value::String(text.into()));
                Ok(payload(
                    vec![
                        caller,
                        text(context.procedure()),
                        text_or_null(context.caller_authid()),
                        text_or_null(context.caller_authrole()),
                    ],
                    &[],
                ))
            }),
        )
        .await
        .unwrap_or_else(|error| panic!("{context}: register who: {error}"));
    let who = call(&caller, &uri("who"), Payload::default()).await;
    let caller_id = Value::Integer(caller.session_id().into());
    let disclosed = |text: Option<String>| text.map_or(Value::Null, |text| Value::String(text.into()));
    assert_eq!(
        who.map(|payload| payload.args().to_list()),
        Ok(vec![
            caller_id,
            Value::String(uri("who").into()),
            disclosed(caller.authid()),
            disclosed(caller.authrole()),
        ]),
        "{context}: the invocation's caller and procedure"
    );
    assert_eq!(
        caller.authrole().as_deref(),
        Some("anonymous"),
        "{context}: the caller's role"
    );

    // A callee's error reaches the caller with its URI, args and kwargs.
    callee
        .register(
            &uri("fail"),
            RegisterOptions::default(),
            handler(|invocation| {
                Err(WampError {
                    uri: "com.example.error.too_big".to_owned(),
                    args: vec![text("too big")],
                    kwargs: dict(&[(
                        "got",
                        invocation
                            .payload
                            .args()
                            .to_list()
                            .first()
                            .cloned()
                            .unwrap_or_default(),
                    )]),
                })
            }),
        )
        .await
        .unwrap_or_else(|error| panic!("{context}: register fail: {error}"));
    let failed = call(&caller, &uri("fail"), payload(vec![Value::Integer(7)], &[])).await;
    assert_eq!(
        failed.map_err(|error| error.as_wamp().cloned()),
        Err(Some(WampError {
            uri: "com.example.error.too_big".to_owned(),
            args: vec![text("too big")],
            kwargs: dict(&[("got", Value::Integer(7))]),
        })),
        "{context}: the callee's error"
    );
    let missing = call(&caller, &uri("missing"), Payload::default()).await;
    assert_eq!(
        missing.map_err(|error| error.uri().map(str::to_owned)),
        Err(Some("wamp.error.no_such_procedure".to_owned())),
        "{context}: calling a procedure nobody registered"
    );

    // Prefix and wildcard registrations get the concrete procedure.
    let procedure_of = handler(|invocation| {
        Ok(payload(
            vec![Value::String(invocation.context.procedure().into())],
            &[],
        ))
    });
    let prefix_options = RegisterOptions {
        match_policy: MatchPolicy::Prefix,
        ..RegisterOptions::default()
    };
    callee
        .register(&uri("tree."), prefix_options, Arc::clone(&procedure_of))
        .await
        .unwrap_or_else(|error| panic!("{context}: register prefix: {error}"));
    let wildcard_options = RegisterOptions {
        match_policy: MatchPolicy::Wildcard,
        ..RegisterOptions::default()
    };
    callee
        .register(&uri("star..leaf"), wildcard_options, procedure_of)
        .await
        .unwrap_or_else(|error| panic!("{context}: register wildcard: {error}"));
    for concrete in [uri("tree.a.b"), uri("star.any.leaf")] {
        assert_eq!(
            call(&caller, &concrete, Payload::default()).await,
            Ok(payload(vec![Value::String(concrete.as_str().into())], &[])),
            "{context}: pattern registration called as {concrete}"
        );
    }

    // Progressive results arrive in order, then the final result.
    let count: InvocationHandler = Arc::new(|invocation: Invocation| {
        Box::pin(async move {
            let progress = invocation.context;
            let wanted = progress.wants_progress();
            for step in 1..=3 {
                progress
                    .progress(payload(vec![Value::Integer(step)], &[]))
                    .map_err(|error| {
                        WampError::with_message("com.example.error.progress", error.to_string())
                    })?;
            }
            Ok(payload(
                vec![text("done"), Value::Bool(wanted)],
                &[("total", Value::Integer(3))],
            ))
        })
    });
    callee
        .register(&uri("count"), RegisterOptions::default(), count)
        .await
        .unwrap_or_else(|error| panic!("{context}: register count: {error}"));
    let mut pending = caller
        .call_progressive(&uri("count"), Payload::default(), CallOptions::default())
        .await
        .unwrap_or_else(|error| panic!("{context}: call count: {error}"));
    let mut progress = Vec::new();
    while let Some(result) = pending
        .next_progress()
        .await
        .unwrap_or_else(|error| panic!("{context}: {error}"))
    {
        progress.push(result.payload);
    }
    let expected_progress: Vec<Payload> = (1..=3)
        .map(|step| payload(vec![Value::Integer(step)], &[]))
        .collect();
    assert_eq!(progress, expected_progress, "{context}: progressive results");
    assert_eq!(
        pending.result().await.map(|result| result.payload),
        Ok(payload(
            vec![text("done"), Value::Bool(true)],
            &[("total", Value::Integer(3))]
        )),
        "{context}: final result after progress"
    );
    // A plain call of the same procedure gets only the final result.
    assert_eq!(
        call(&caller, &uri("count"), Payload::default()).await,
        Ok(payload(
            vec![text("done"), Value::Bool(false)],
            &[("total", Value::Integer(3))]
        )),
        "{context}: final result without progress"
    );

    // Cancelling interrupts the callee; a timeout gives up and cancels too.
    let interrupted = Arc::new(AtomicBool::new(false));
    let (contexts, mut slow_contexts) = mpsc::unbounded_channel();
    let slow: InvocationHandler = {
        let interrupted = Arc::clone(&interrupted);
        Arc::new(move |invocation: Invocation| {
            let _ = contexts.send(invocation.context);
            let flag = SetOnDrop(Arc::clone(&interrupted));
            Box::pin(async move {
                let _flag = flag;
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(Payload::default())
            })
        })
    };
    callee
        .register(&uri("slow"), RegisterOptions::default(), slow)
        .await
        .unwrap_or_else(|error| panic!("{context}: register slow: {error}"));
    let mut pending = caller
        .call_progressive(&uri("slow"), Payload::default(), CallOptions::default())
        .await
        .unwrap_or_else(|error| panic!("{context}: call slow: {error}"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    pending
        .cancel(CancelMode::Kill)
        .unwrap_or_else(|error| panic!("{context}: cancel: {error}"));
    assert_eq!(
        pending.result().await.map_err(|error| error.into_kind()),
        Err(ErrorKind::Canceled),
        "{context}: cancelled call"
    );
    wait_until(
        || interrupted.load(Ordering::SeqCst),
        &format!("{context}: callee interrupted"),
    )
    .await;
    let told = slow_contexts.try_recv().map(|slow| slow.is_cancelled());
    assert_eq!(
        told,
        Ok(true),
        "{context}: the interrupted handler's context was told"
    );
    let short = CallOptions {
        timeout: Some(Duration::from_millis(300)),
        ..CallOptions::default()
    };
    let timed_out = caller.call(&uri("slow"), Payload::default(), short).await;
    assert_eq!(
        timed_out.map_err(|error| error.into_kind()),
        Err(ErrorKind::Timeout),
        "{context}: timeout"
    );

    // Unregistering removes the procedure.
    callee
        .unregister(echo)
        .await
        .unwrap_or_else(|error| panic!("{context}: unregister: {error}"));
    callee
        .unregister(seen)
        .await
        .unwrap_or_else(|error| panic!("{context}: unregister: {error}"));
    assert_eq!(
        call(&caller, &uri("echo"), Payload::default())
            .await
            .map_err(|error| error.uri().map(str::to_owned)),
        Err(Some("wamp.error.no_such_procedure".to_owned())),
        "{context}: calling an unregistered procedure"
    );

    // Publish and subscribe: exact, prefix and wildcard, with topic and publisher disclosed.
    let (exact_handler, mut exact_events) = event_sink();
    let exact = callee
        .subscribe(&uri("news"), SubscribeOptions::default(), exact_handler)
        .await
        .unwrap_or_else(|error| panic!("{context}: subscribe: {error}"));
    let (prefix_handler, mut prefix_events) = event_sink();
    let prefix_subscription = SubscribeOptions {
        match_policy: MatchPolicy::Prefix,
        ..SubscribeOptions::default()
    };
    callee
        .subscribe(&uri("feed."), prefix_subscription, prefix_handler)
        .await
        .unwrap_or_else(|error| panic!("{context}: subscribe prefix: {error}"));
    let (wildcard_handler, mut wildcard_events) = event_sink();
    let wildcard_subscription = SubscribeOptions {
        match_policy: MatchPolicy::Wildcard,
        ..SubscribeOptions::default()
    };
    callee
        .subscribe(&uri("room..temperature"), wildcard_subscription, wildcard_handler)
        .await
        .unwrap_or_else(|error| panic!("{context}: subscribe wildcard: {error}"));
    let acknowledged = PublishOptions {
        acknowledge: true,
        ..PublishOptions::default()
    };
    for (topic, events) in [
        (uri("news"), &mut exact_events),
        (uri("feed.sports.results"), &mut prefix_events),
        (uri("room.kitchen.temperature"), &mut wildcard_events),
    ] {
        caller
            .publish(&topic, every_kind(), acknowledged.clone())
            .await
            .unwrap_or_else(|error| panic!("{context}: publish to {topic}: {error}"));
        let event = next_event(events, &format!("{context}: event on {topic}")).await;
        assert_eq!(event.payload, every_kind(), "{context}: event payload on {topic}");
        assert_eq!(
            event.context.publisher(),
            Some(caller.session_id()),
            "{context}: publisher of {topic}"
        );
        assert_eq!(
            event.context.publisher_authrole(),
            caller.authrole().as_deref(),
            "{context}: publisher's role on {topic}"
        );
        // Routers disclose the concrete topic for pattern-based subscriptions.
        if topic != uri("news") {
            assert_eq!(
                event.context.topic(),
                topic,
                "{context}: concrete topic of {topic}"
            );
        }
    }

    // A publisher receives its own events only when it asks with exclude_me = false; events
    // arrive in publication order.
    let (own_handler, mut own_events) = event_sink();
    caller
        .subscribe(&uri("news"), SubscribeOptions::default(), own_handler)
        .await
        .unwrap_or_else(|error| panic!("{context}: subscribe own: {error}"));
    caller
        .publish(
            &uri("news"),
            payload(vec![Value::Integer(1)], &[]),
            acknowledged.clone(),
        )
        .await
        .unwrap_or_else(|error| panic!("{context}: publish: {error}"));
    let included = PublishOptions {
        exclude_me: Some(false),
        ..PublishOptions::default()
    };
    caller
        .publish(&uri("news"), payload(vec![Value::Integer(2)], &[]), included)
        .await
        .unwrap_or_else(|error| panic!("{context}: publish: {error}"));
    let first = next_event(&mut own_events, &format!("{context}: own event")).await;
    assert_eq!(
        first.payload.args().to_list(),
        vec![Value::Integer(2)],
        "{context}: only the event not excluding me"
    );
    for expected in 1..=2 {
        let event = next_event(&mut exact_events, &format!("{context}: event {expected}")).await;
        assert_eq!(
            event.payload.args().to_list(),
            vec![Value::Integer(expected)],
            "{context}: event order"
        );
    }

    // Unsubscribing stops events.
    callee
        .unsubscribe(exact)
        .await
        .unwrap_or_else(|error| panic!("{context}: unsubscribe: {error}"));
    caller
        .publish(&uri("news"), payload(vec![Value::Integer(3)], &[]), acknowledged)
        .await
        .unwrap_or_else(|error| panic!("{context}: publish: {error}"));
    let late = tokio::time::timeout(Duration::from_millis(300), exact_events.recv()).await;
    assert!(
        matches!(late, Ok(None) | Err(_)),
        "{context}: event after unsubscribe: {late:?}"
    );

    // Closing says GOODBYE; later operations fail without waiting.
    caller
        .close()
        .await
        .unwrap_or_else(|error| panic!("{context}: close: {error}"));
    assert!(caller.is_closed(), "{context}: closed after close()");
    let after = call(&caller, &uri("count"), Payload::default()).await;
    assert!(
        matches!(
            after.as_ref().map_err(|error| error.kind()),
            Err(ErrorKind::SessionClosed(_))
        ),
        "{context}: call after close: {after:?}"
    );
    callee
        .close()
        .await
        .unwrap_or_else(|error| panic!("{context}: close: {error}"));
}

/// Sets its flag when dropped: a handler's future is dropped when its invocation is interrupted.
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn wait_until(condition: impl Fn() -> bool, what: &str) {
    for _ in 0..100 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: did not happen within 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_json() {
    check(Transport::WebSocket, Serializer::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_msgpack() {
    check(Transport::WebSocket, Serializer::MsgPack).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_cbor() {
    check(Transport::WebSocket, Serializer::Cbor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_ubjson() {
    check(Transport::WebSocket, Serializer::UbJson).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rawsocket_json() {
    check(Transport::RawSocket, Serializer::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rawsocket_msgpack() {
    check(Transport::RawSocket, Serializer::MsgPack).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rawsocket_cbor() {
    check(Transport::RawSocket, Serializer::Cbor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rawsocket_ubjson() {
    check(Transport::RawSocket, Serializer::UbJson).await;
}
