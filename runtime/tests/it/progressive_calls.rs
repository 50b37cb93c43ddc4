//! Progressive call invocations (a call whose arguments go as several CALLs) with progressive
//! results: through the in-memory session, which routes them as WAMP says, and through
//! Crossbar.io 26.10.1, whose dealer does not (docs/wamp-idl.md §7.2). The other routers are
//! held to what they do in `interop_routers`.

use crate::progressive::{as_wamp_says, each_call_apart, observe};
use wamp_idl_test_support::router as support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{CallOptions, Dict, MemorySession, Payload, Session, Value};

use support::Transport;

#[tokio::test]
async fn the_memory_session_routes_items_and_progressive_results_in_order() {
    let session = MemorySession::new().session();
    let observed = observe(&session, &session, "com.example.count", Duration::ZERO).await;
    assert_eq!(observed, as_wamp_says());
}

/// The final result of a call of `procedure` with `items`.
async fn final_args(session: &Session, procedure: &str, items: Vec<Payload>) -> Result<Vec<Value>, String> {
    let call = session
        .call_streaming(
            procedure,
            futures_util::stream::iter(items),
            CallOptions::default(),
        )
        .await
        .map_err(|error| error.to_string())?;
    call.result()
        .await
        .map(|result| result.payload.args().to_list())
        .map_err(|error| error.to_string())
}

#[tokio::test]
async fn a_call_without_items_ends_them_at_once_and_a_plain_call_is_one_item() {
    let session = MemorySession::new().session();
    crate::progressive::register_counter(&session, "com.example.count", Arc::new(Mutex::default())).await;
    assert_eq!(
        final_args(&session, "com.example.count", Vec::new()).await,
        Ok(Vec::new())
    );
    let one = Payload::new(vec![Value::Integer(7)], Dict::new());
    let seven = vec![Value::List(vec![Value::Integer(7)])];
    assert_eq!(
        final_args(&session, "com.example.count", vec![one.clone()]).await,
        Ok(seven.clone())
    );
    // A plain `call` reaches a streaming callee as a call of one item.
    let result = session
        .call("com.example.count", one, CallOptions::default())
        .await
        .map(|result| result.payload.args().to_list());
    assert_eq!(result.ok(), Some(seven));
}

/// Crossbar.io 26.10.1's dealer neither announces nor routes progressive call invocations: it
/// ignores `progress` on a CALL, so that every CALL is a call of its own, and the caller gets
/// the answer of one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossbar_takes_each_progressive_call_for_a_call_of_its_own() {
    let Some(router) = support::router("crossbar_takes_each_progressive_call_for_a_call_of_its_own") else {
        return;
    };
    let callee = router.join(Transport::WebSocket, Serializer::Json).await;
    let caller = router.join(Transport::WebSocket, Serializer::Json).await;
    let features = callee.welcome_details();
    let observed = observe(
        &callee.session(),
        &caller.session(),
        "com.example.progressive.count",
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(observed.invocations, each_call_apart(), "{}", router.log_tail());
    assert_ne!(observed.results, as_wamp_says().results);
    let dealer_features = format!("{:?}", features.get("roles"));
    assert!(
        !dealer_features.contains("progressive_call_invocations"),
        "Crossbar.io now announces progressive call invocations: {dealer_features}"
    );
}
