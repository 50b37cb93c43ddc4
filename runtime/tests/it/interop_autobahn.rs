//! Interoperation with Autobahn|Python through Crossbar.io, in every serializer: a Rust caller
//! calling a Python callee, and a Python caller calling a Rust callee, with positional args,
//! kwargs, bytes and nested values, errors and progressive results.

use wamp_idl_test_support::router as support;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use wamp_idl_runtime::client::Client;
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{
    Bytes, CallOptions, Dict, Invocation, InvocationHandler, Payload, RegisterOptions, SessionBackend, Value,
    WampError,
};

use support::{Router, Transport};

const PEER_TIMEOUT: Duration = Duration::from_secs(60);

fn text(value: &str) -> Value {
    Value::String(value.into())
}

fn dict(entries: &[(&str, Value)]) -> Dict {
    entries
        .iter()
        .map(|(key, value)| ((*key).to_owned(), value.clone()))
        .collect()
}

/// `ARGS` and `KWARGS` of tests/peers/interop_data.py.
fn interop_payload() -> Payload {
    let args = vec![
        Value::Null,
        Value::Bool(true),
        Value::Integer(0),
        Value::Integer(-1),
        Value::Integer(1000),
        Value::Integer(1 << 53),
        Value::Integer(-(1 << 53)),
        Value::Integer(1 << 32),
        Value::Float(1.5),
        Value::Float(-0.25),
        text(""),
        text("ünïcödé ✓"),
        Value::Bytes(Bytes::new()),
        Value::Bytes((0..=255).collect()),
        Value::List(vec![
            Value::Integer(1),
            text("two"),
            Value::Null,
            Value::Bool(false),
            Value::List(vec![
                Value::Bytes(vec![7].into()),
                Value::Dict(dict(&[("deep", Value::Integer(-3))])),
            ]),
        ]),
        Value::Dict(dict(&[
            ("list", Value::List(vec![Value::Integer(1), text("two")])),
            ("bytes", Value::Bytes(vec![0, 1, 2, 0xfe, 0xff].into())),
            ("empty_list", Value::List(Vec::new())),
            ("empty_dict", Value::Dict(Dict::new())),
        ])),
    ];
    let kwargs = dict(&[
        ("name", text("rust")),
        ("count", Value::Integer(42)),
        ("blob", Value::Bytes(vec![0xde, 0xad, 0xbe, 0xef].into())),
        (
            "nested",
            Value::Dict(dict(&[
                (
                    "ids",
                    Value::List(vec![Value::Integer(1), Value::Integer(2), Value::Integer(3)]),
                ),
                (
                    "flags",
                    Value::Dict(dict(&[("on", Value::Bool(true)), ("off", Value::Bool(false))])),
                ),
            ])),
        ),
    ]);
    Payload::new(args, kwargs)
}

/// Runs the Python callee and checks what a Rust caller gets from it.
async fn check_rust_caller(router: &Router, serializer: Serializer) {
    let prefix = format!("interop.{serializer}.python_callee");
    let context = format!("Rust caller (WebSocket) -> Python callee (RawSocket), {serializer}");
    let url = router.url(Transport::RawSocket);
    let args = [url.as_str(), support::REALM, serializer.name(), &prefix];
    let mut callee = support::start_python_peer("callee.py", &args, PEER_TIMEOUT)
        .await
        .unwrap_or_else(|problem| panic!("{context}: {problem}\n{}", router.log_tail()));
    let caller = router.join(Transport::WebSocket, serializer).await;
    let call = |name: &str, payload: Payload| {
        let procedure = format!("{prefix}.{name}");
        let caller = caller.clone();
        async move {
            caller
                .call(&procedure, payload, CallOptions::default())
                .await
                .map(|result| result.payload)
        }
    };

    assert_eq!(
        call("echo", interop_payload()).await,
        Ok(interop_payload()),
        "{context}: echo"
    );

    let type_names = |names: &[&str]| Value::List(names.iter().map(|name| text(name)).collect());
    let expected_types = Payload::new(
        vec![type_names(&[
            "NoneType", "bool", "int", "int", "int", "int", "int", "int", "float", "float", "str", "str",
            "bytes", "bytes", "list", "dict",
        ])],
        dict(&[
            ("name", text("str")),
            ("count", text("int")),
            ("blob", text("bytes")),
            ("nested", text("dict")),
        ]),
    );
    assert_eq!(
        call("types", interop_payload()).await,
        Ok(expected_types),
        "{context}: the Python types of what Rust sent"
    );

    let failed = call(
        "fail",
        Payload::new(vec![Value::Integer(7)], dict(&[("why", text("test"))])),
    )
    .await;
    assert_eq!(
        failed.map_err(|error| error.as_wamp().cloned()),
        Err(Some(WampError {
            uri: "com.example.error.interop".to_owned(),
            args: vec![text("python says no"), Value::Integer(7)],
            kwargs: dict(&[("why", text("test"))]),
        })),
        "{context}: the Python callee's ApplicationError"
    );

    let mut pending = caller
        .call_progressive(
            &format!("{prefix}.count"),
            Payload::default(),
            CallOptions::default(),
        )
        .await
        .unwrap_or_else(|error| panic!("{context}: {error}"));
    let mut progress = Vec::new();
    while let Some(result) = pending
        .next_progress()
        .await
        .unwrap_or_else(|error| panic!("{context}: {error}"))
    {
        progress.push(result.payload);
    }
    let expected_progress: Vec<Payload> = (1..=3)
        .map(|step| {
            Payload::new(
                vec![Value::Integer(step)],
                dict(&[("step", Value::Integer(step))]),
            )
        })
        .collect();
    assert_eq!(progress, expected_progress, "{context}: progressive results");
    assert_eq!(
        pending.result().await.map(|result| result.payload),
        Ok(Payload::new(
            vec![text("done")],
            dict(&[("total", Value::Integer(3))])
        )),
        "{context}: final result"
    );

    caller
        .close()
        .await
        .unwrap_or_else(|error| panic!("{context}: close: {error}"));
    drop(callee.stdin.take());
    let status = tokio::time::timeout(PEER_TIMEOUT, callee.wait()).await;
    if !matches!(status, Ok(Ok(status)) if status.success()) {
        let _ = callee.kill().await;
        panic!(
            "{context}: the Python callee ended with {status:?}:\n{}",
            support::stderr_of(&mut callee).await
        );
    }
}

fn plain(function: fn(Invocation) -> Result<Payload, WampError>) -> InvocationHandler {
    Arc::new(move |invocation| Box::pin(async move { function(invocation) }))
}

/// Registers the Rust callee the Python caller checks.
async fn register_rust_callee(callee: &Client, prefix: &str) -> mpsc::UnboundedReceiver<Payload> {
    let (received, receiver) = mpsc::unbounded_channel();
    let echo: InvocationHandler = Arc::new(move |invocation: Invocation| {
        let _ = received.send(invocation.payload.clone());
        Box::pin(async move { Ok(invocation.payload) })
    });
    let fail = plain(|invocation| {
        let mut args = vec![text("rust says no")];
        args.extend(invocation.payload.args().to_list());
        Err(WampError {
            uri: "com.example.error.rust".to_owned(),
            args,
            kwargs: dict(&[("blob", Value::Bytes(vec![1, 2].into()))]),
        })
    });
    let count: InvocationHandler = Arc::new(|invocation: Invocation| {
        Box::pin(async move {
            for step in 1..=3 {
                invocation
                    .context
                    .progress(Payload::new(vec![Value::Integer(step)], Dict::new()))
                    .map_err(|error| {
                        WampError::with_message("com.example.error.progress", error.to_string())
                    })?;
            }
            Ok(Payload::new(vec![text("done")], Dict::new()))
        })
    });
    for (name, handler) in [("echo", echo), ("fail", fail), ("count", count)] {
        callee
            .register(&format!("{prefix}.{name}"), RegisterOptions::default(), handler)
            .await
            .unwrap_or_else(|error| panic!("register {prefix}.{name}: {error}"));
    }
    receiver
}

/// Runs the Python caller against a Rust callee and checks both sides' view.
async fn check_python_caller(router: &Router, serializer: Serializer) {
    let prefix = format!("interop.{serializer}.rust_callee");
    let context = format!("Python caller (WebSocket) -> Rust callee (RawSocket), {serializer}");
    let callee = router.join(Transport::RawSocket, serializer).await;
    let mut received = register_rust_callee(&callee, &prefix).await;
    let url = router.url(Transport::WebSocket);
    let args = [url.as_str(), support::REALM, serializer.name(), &prefix];
    let caller = support::spawn_python_peer("caller.py", &args).unwrap_or_else(|problem| panic!("{problem}"));
    let output = tokio::time::timeout(PEER_TIMEOUT, caller.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{context}: the Python caller did not finish within {PEER_TIMEOUT:?}"))
        .unwrap_or_else(|error| panic!("{context}: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{context}: the Python caller failed ({}):\n{stdout}\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        router.log_tail()
    );
    let checks = support::python_checks(&stdout);
    assert_eq!(
        checks,
        [
            "ok echo args",
            "ok echo kwargs",
            "ok echo of one value",
            "ok fail error uri",
            "ok fail error args",
            "ok fail error kwargs",
            "ok progressive results",
            "ok final result after progress",
        ],
        "{context}: the Python caller's checks"
    );
    assert_eq!(
        received.recv().await,
        Some(interop_payload()),
        "{context}: what the Rust callee received"
    );
    assert_eq!(
        received.recv().await,
        Some(Payload::new(
            vec![Value::Bytes(Bytes::from_static(b"\0bytes"))],
            Dict::new()
        )),
        "{context}: bytes starting with NUL"
    );
    callee
        .close()
        .await
        .unwrap_or_else(|error| panic!("{context}: close: {error}"));
}

async fn check(serializer: Serializer) {
    let Some(router) = support::router(&format!("interop with {serializer}")) else {
        return;
    };
    check_rust_caller(router, serializer).await;
    check_python_caller(router, serializer).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json() {
    check(Serializer::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn msgpack() {
    check(Serializer::MsgPack).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cbor() {
    check(Serializer::Cbor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ubjson() {
    check(Serializer::UbJson).await;
}
