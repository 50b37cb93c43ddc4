//! The client against Crossbar.io beyond the basics: shared registrations and their invoke
//! policy, concurrent invocations, and message size limits in both directions.

use wamp_idl_test_support::router as support;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Barrier;
use wamp_idl_runtime::client::{Reconnect, SessionState};
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{
    CallOptions, ErrorKind, InvocationHandler, InvokePolicy, Payload, RegisterOptions, SessionBackend, Value,
};

use support::Transport;

fn answer(name: &'static str) -> InvocationHandler {
    Arc::new(move |_invocation| {
        Box::pin(async move { Ok(Payload::new(vec![Value::String(name.into())], Default::default())) })
    })
}

fn echo() -> InvocationHandler {
    Arc::new(|invocation| Box::pin(async move { Ok(invocation.payload) }))
}

fn blob(length: usize) -> Payload {
    Payload::new(vec![Value::Bytes(vec![0xAB; length].into())], Default::default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_robin_shares_calls_between_callees() {
    let Some(router) = support::router("round_robin_shares_calls_between_callees") else {
        return;
    };
    let first = router.join(Transport::WebSocket, Serializer::MsgPack).await;
    let second = router.join(Transport::RawSocket, Serializer::Cbor).await;
    let caller = router.join(Transport::WebSocket, Serializer::Json).await;
    let shared = RegisterOptions {
        invoke: InvokePolicy::RoundRobin,
        ..RegisterOptions::default()
    };
    for (callee, name) in [(&first, "first"), (&second, "second")] {
        callee
            .register("policies.shared", shared.clone(), answer(name))
            .await
            .unwrap_or_else(|error| panic!("register {name}: {error}"));
    }
    let mut answers = Vec::new();
    for _ in 0..4 {
        let result = caller
            .call("policies.shared", Payload::default(), CallOptions::default())
            .await
            .unwrap_or_else(|error| panic!("call: {error}"));
        answers.push(result.payload.args().to_list());
    }
    let first_answer = vec![Value::String("first".into())];
    let second_answer = vec![Value::String("second".into())];
    let alternating = [
        first_answer.clone(),
        second_answer.clone(),
        first_answer.clone(),
        second_answer.clone(),
    ];
    let alternating_the_other_way = [
        second_answer.clone(),
        first_answer.clone(),
        second_answer,
        first_answer,
    ];
    assert!(
        answers == alternating || answers == alternating_the_other_way,
        "round robin answers: {answers:?}"
    );
    let single = first
        .register("policies.shared", RegisterOptions::default(), answer("again"))
        .await;
    assert_eq!(
        single.map_err(|error| error.uri().map(str::to_owned)),
        Err(Some(
            "wamp.error.procedure_exists_with_different_invocation_policy".to_owned()
        )),
        "a single registration of a shared procedure"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invocations_run_concurrently() {
    let Some(router) = support::router("invocations_run_concurrently") else {
        return;
    };
    let callee = router.join(Transport::RawSocket, Serializer::MsgPack).await;
    let caller = router.join(Transport::RawSocket, Serializer::MsgPack).await;
    const CONCURRENT: usize = 4;
    // Every invocation waits for all the others: this completes only if they run at once.
    let barrier = Arc::new(Barrier::new(CONCURRENT));
    let handler: InvocationHandler = Arc::new(move |invocation| {
        let barrier = Arc::clone(&barrier);
        Box::pin(async move {
            barrier.wait().await;
            Ok(invocation.payload)
        })
    });
    callee
        .register("policies.together", RegisterOptions::default(), handler)
        .await
        .unwrap_or_else(|error| panic!("register: {error}"));
    let calls: Vec<_> = (0..CONCURRENT)
        .map(|index| {
            let caller = caller.clone();
            tokio::spawn(async move {
                let payload = Payload::new(vec![Value::Integer(index as i128)], Default::default());
                caller
                    .call("policies.together", payload, CallOptions::default())
                    .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for call in calls {
        let result = tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .unwrap_or_else(|_| panic!("the invocations did not run concurrently"))
            .unwrap_or_else(|error| panic!("a call task failed: {error}"));
        results.push(result);
    }
    for (index, result) in results.into_iter().enumerate() {
        assert_eq!(
            result.map(|result| result.payload.args().to_list()),
            Ok(vec![Value::Integer(index as i128)]),
            "call {index}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_too_big_for_the_router_fails_alone() {
    let Some(router) = support::router("a_message_too_big_for_the_router_fails_alone") else {
        return;
    };
    // The RawSocket transport accepts messages of up to 1 MiB (its handshake says so).
    let callee = router.join(Transport::RawSocket, Serializer::MsgPack).await;
    let caller = router.join(Transport::RawSocket, Serializer::MsgPack).await;
    callee
        .register("policies.echo", RegisterOptions::default(), echo())
        .await
        .unwrap_or_else(|error| panic!("register: {error}"));
    let too_big = caller
        .call("policies.echo", blob(2 << 20), CallOptions::default())
        .await;
    let error = too_big.err().map(|error| error.to_string());
    assert!(
        error
            .as_deref()
            .is_some_and(|error| error.contains("exceeds the router's maximum message size")),
        "an oversized CALL: {error:?}"
    );
    let fits = caller
        .call("policies.echo", blob(512 << 10), CallOptions::default())
        .await;
    assert_eq!(
        fits.map(|result| result.payload),
        Ok(blob(512 << 10)),
        "the session still works"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_too_big_for_the_client_are_refused() {
    let Some(router) = support::router("messages_too_big_for_the_client_are_refused") else {
        return;
    };
    let callee = router.join(Transport::WebSocket, Serializer::Cbor).await;
    callee
        .register("policies.big", RegisterOptions::default(), echo())
        .await
        .unwrap_or_else(|error| panic!("register: {error}"));
    // Over WebSocket the router sends the RESULT anyway: the client ends the session.
    let small = router
        .config(Transport::WebSocket, Serializer::Cbor)
        .max_message_size(4096)
        // The end of this one session is what is checked: it is not joined again.
        .reconnect(Reconnect::never())
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        small.call("policies.big", blob(16 << 10), CallOptions::default()),
    )
    .await
    .unwrap_or_else(|_| panic!("WebSocket: the call hung"));
    assert!(
        matches!(
            answer.as_ref().map_err(|error| error.kind()),
            Err(ErrorKind::Protocol(_))
        ),
        "WebSocket: a RESULT larger than the client accepts: {answer:?}"
    );
    // The call fails as the client ends the session, and the session is marked closed just
    // after: wait for that rather than race it.
    let mut state = small.state();
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        state.wait_for(|state| matches!(state, SessionState::Closed { .. })),
    )
    .await;
    assert!(matches!(ended, Ok(Ok(_))), "WebSocket: the session ended");
    assert!(small.is_closed(), "WebSocket: the session ended");

    // Over RawSocket the handshake told the router the limit: it refuses the RESULT itself.
    let small = router
        .config(Transport::RawSocket, Serializer::Cbor)
        .max_message_size(4096)
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    let answer = small
        .call("policies.big", blob(16 << 10), CallOptions::default())
        .await;
    assert_eq!(
        answer.map_err(|error| error.uri().map(str::to_owned)),
        Err(Some("wamp.error.invalid_argument".to_owned())),
        "RawSocket: a RESULT larger than the client accepts"
    );
    assert!(!small.is_closed(), "RawSocket: the session goes on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_timeout_and_dropped_calls_cancel_invocations() {
    let Some(router) = support::router("the_default_timeout_and_dropped_calls_cancel_invocations") else {
        return;
    };
    let callee = router.join(Transport::RawSocket, Serializer::Json).await;
    let (interrupted, mut interruptions) = tokio::sync::mpsc::unbounded_channel();
    let slow: InvocationHandler = Arc::new(move |invocation| {
        // Dropped with the handler's future, and so reporting, when the router interrupts the
        // invocation (even before the future first ran).
        let report = ReportOnDrop(interrupted.clone(), invocation.payload.args().to_list());
        Box::pin(async move {
            let _report = report;
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(Payload::default())
        })
    });
    callee
        .register("policies.slow", RegisterOptions::default(), slow)
        .await
        .unwrap_or_else(|error| panic!("register: {error}"));
    let caller = router
        .config(Transport::WebSocket, Serializer::Json)
        .call_timeout(Some(Duration::from_millis(300)))
        .connect()
        .await
        .unwrap_or_else(|error| panic!("connect: {error}"));
    // Generated stubs hold the session as a trait object.
    let session = caller.session();

    let first = Payload::new(vec![Value::Integer(1)], Default::default());
    let timed_out = session.call("policies.slow", first, CallOptions::default()).await;
    assert_eq!(
        timed_out.map_err(|error| error.into_kind()),
        Err(ErrorKind::Timeout),
        "default timeout"
    );
    let interrupted = tokio::time::timeout(Duration::from_secs(10), interruptions.recv()).await;
    assert_eq!(
        interrupted,
        Ok(Some(vec![Value::Integer(1)])),
        "the timed-out invocation was interrupted"
    );

    let second = Payload::new(vec![Value::Integer(2)], Default::default());
    let long_enough = CallOptions {
        timeout: Some(Duration::from_secs(60)),
        ..CallOptions::default()
    };
    let abandoned = tokio::time::timeout(
        Duration::from_millis(300),
        session.call("policies.slow", second, long_enough),
    )
    .await;
    assert!(abandoned.is_err(), "the call was still running: {abandoned:?}");
    let interrupted = tokio::time::timeout(Duration::from_secs(10), interruptions.recv()).await;
    assert_eq!(
        interrupted,
        Ok(Some(vec![Value::Integer(2)])),
        "the dropped call's invocation was interrupted"
    );
    assert!(!caller.is_closed(), "the session goes on");
}

/// Sends its args when dropped.
struct ReportOnDrop(tokio::sync::mpsc::UnboundedSender<Vec<Value>>, Vec<Value>);

impl Drop for ReportOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(std::mem::take(&mut self.1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_last_handle_leaves_the_realm() {
    let Some(router) = support::router("dropping_the_last_handle_leaves_the_realm") else {
        return;
    };
    let observer = router.join(Transport::WebSocket, Serializer::MsgPack).await;
    let (left, mut leaves) = tokio::sync::mpsc::unbounded_channel();
    let on_leave: wamp_idl_runtime::EventHandler = Arc::new(move |event| {
        let _ = left.send(event.payload.args().to_list());
        Box::pin(async {})
    });
    observer
        .subscribe("wamp.session.on_leave", Default::default(), on_leave)
        .await
        .unwrap_or_else(|error| panic!("subscribe: {error}"));
    let leaving = router.join(Transport::RawSocket, Serializer::UbJson).await;
    let leaving_id = Value::Integer(leaving.session_id().into());
    let clone = leaving.clone();
    drop(leaving);
    // Other tests' sessions come and go on the same router: watch for this one only.
    let left_within = async |leaves: &mut tokio::sync::mpsc::UnboundedReceiver<Vec<Value>>,
                             time: Duration| {
        let deadline = tokio::time::Instant::now() + time;
        while let Ok(Some(args)) = tokio::time::timeout_at(deadline, leaves.recv()).await {
            if args == [leaving_id.clone()] {
                return true;
            }
        }
        false
    };
    assert!(
        !left_within(&mut leaves, Duration::from_millis(300)).await,
        "left while a clone was alive"
    );
    drop(clone);
    assert!(
        left_within(&mut leaves, Duration::from_secs(10)).await,
        "no wamp.session.on_leave after the last handle dropped"
    );
}
