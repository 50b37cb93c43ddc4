//! Support of the progressive call tests (`progressive_calls`, `interop_routers`): one
//! progressive call invocation, observed from both ends: a caller sends the items 1, 2
//! and 3, one CALL each, and asks for progressive results; the callee answers each item with
//! the number of items it has so far, then with every item it got. What a router makes of it
//! is then plain to compare.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::StreamExt as _;
use wamp_idl_runtime::{CallOptions, Dict, Invocation, Payload, RegisterOptions, Session, Value};

/// One invocation of the callee: its items in order, and whether they ended.
pub type Invoked = (Vec<i128>, bool);

/// What the callee got and the caller received.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// Each invocation of the callee's handler: its items in order, and whether they ended.
    /// Sorted: invocations run at once, in no set order.
    pub invocations: Vec<Invoked>,
    /// The caller's results, in order: `progress` and the args, or the error.
    pub results: Vec<Result<(bool, Vec<Value>), String>>,
}

/// What a router that takes every CALL for a call of its own makes of the scenario: four
/// invocations of one item each, the last one of none (the final CALL, empty).
pub fn each_call_apart() -> Vec<Invoked> {
    vec![
        (Vec::new(), true),
        (vec![1], true),
        (vec![2], true),
        (vec![3], true),
    ]
}

/// The results of the scenario when a router (or the memory session) routes the call as WAMP
/// says.
pub fn as_wamp_says() -> Observed {
    let counts = (1..=3).map(|count| Ok((true, vec![Value::Integer(count)])));
    let items = (1..=3)
        .map(|item| Value::List(vec![Value::Integer(item)]))
        .collect();
    Observed {
        invocations: vec![(vec![1, 2, 3], true)],
        results: counts.chain([Ok((false, items))]).collect(),
    }
}

/// Registers the counting callee at `procedure` on `callee`; what each invocation got is
/// recorded in `seen`.
pub async fn register_counter(callee: &Session, procedure: &str, seen: Arc<Mutex<Vec<Invoked>>>) {
    let handler = move |invocation: Invocation| {
        let seen = Arc::clone(&seen);
        async move {
            let index = {
                let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
                seen.push((Vec::new(), false));
                seen.len() - 1
            };
            let record = |change: &dyn Fn(&mut Invoked)| {
                if let Some(invocation) = seen.lock().unwrap_or_else(PoisonError::into_inner).get_mut(index) {
                    change(invocation);
                }
            };
            let mut items = invocation.items();
            let mut got = Vec::new();
            while let Some(item) = items.next().await {
                let number = match item.args().to_list().first() {
                    Some(Value::Integer(number)) => *number,
                    _ => -1,
                };
                record(&|(items, _)| items.push(number));
                got.push(Value::List(vec![Value::Integer(number)]));
                let count = Value::Integer(i128::try_from(got.len()).unwrap_or(i128::MAX));
                // The caller may be gone; what it no longer reads does not matter here.
                let _ = invocation
                    .context
                    .progress(Payload::new(vec![count], Dict::new()));
            }
            record(&|(_, ended)| *ended = true);
            Ok(Payload::new(got, Dict::new()))
        }
    };
    let registered = callee
        .register(procedure, RegisterOptions::default(), handler)
        .await;
    if let Err(error) = registered {
        panic!("registering {procedure}: {error}");
    }
}

/// Registers the callee at `procedure` on `callee`, calls it from `caller`, and waits `quiet`
/// after the caller's last result for the callee to see the rest.
pub async fn observe(callee: &Session, caller: &Session, procedure: &str, quiet: Duration) -> Observed {
    let seen: Arc<Mutex<Vec<Invoked>>> = Arc::default();
    register_counter(callee, procedure, Arc::clone(&seen)).await;
    let items =
        futures_util::stream::iter((1..=3).map(|item| Payload::new(vec![Value::Integer(item)], Dict::new())));
    let options = CallOptions {
        timeout: Some(Duration::from_secs(10)),
        ..CallOptions::default()
    };
    let mut results = Vec::new();
    match caller.call_streaming(procedure, items, options).await {
        Ok(mut call) => loop {
            match call.next_progress().await {
                Ok(Some(result)) => results.push(Ok((
                    matches!(result.details.get("progress"), Some(Value::Bool(true))),
                    result.payload.args().to_list(),
                ))),
                Ok(None) => {
                    results.push(
                        call.result()
                            .await
                            .map(|result| (false, result.payload.args().to_list()))
                            .map_err(|error| error.to_string()),
                    );
                    break;
                }
                Err(error) => {
                    results.push(Err(error.to_string()));
                    break;
                }
            }
        },
        Err(error) => results.push(Err(error.to_string())),
    }
    tokio::time::sleep(quiet).await;
    let mut invocations = seen.lock().unwrap_or_else(PoisonError::into_inner).clone();
    invocations.sort();
    Observed { invocations, results }
}
