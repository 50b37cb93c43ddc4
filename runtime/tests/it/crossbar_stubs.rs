//! The generated stubs end to end: a caller, callee and subscriber generated from
//! `tests/data/e2e/stubs.fbs` talk through Crossbar.io on real `Client` sessions, in every
//! serializer over WebSocket and RawSocket, and an Autobahn|Python caller's payloads that
//! break the schema, or hold what foreign peers send, are rejected by the generated callee,
//! naming the field, without costing its session. A declared error reaches a generated caller
//! as its variant and a stream of results as typed items, from a generated callee and from an
//! Autobahn|Python one; an Autobahn|Python caller reads a generated callee's stream with
//! `on_progress` and its declared error; dropping a stream interrupts the callee's handler.

use crate::shop;
use wamp_idl_test_support::router as support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{CallContext, Dict, Payload, PayloadError, PublishOptions, SessionBackend, Value};

use support::{Router, Transport};

use shop::stubs::e2e::{Contents, Letter, Line, Priority, Receipt, Search, Shipment, StockChange, i_shop};
use shop::{
    Delivered, SHOP_PROCEDURES, Shelves, Shop, check_declared_errors_and_streams, closed_error, lines, order,
    order_of,
};

/// How long an event may take from publisher to subscriber.
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the Python caller may take, its start included.
const PEER_TIMEOUT: Duration = Duration::from_secs(60);

fn stock_change() -> StockChange {
    StockChange {
        sku: "tea".to_owned(),
        delta: -12,
        tag: vec![0, 0xff, 0x10],
    }
}

fn other(transport: Transport) -> Transport {
    match transport {
        Transport::WebSocket => Transport::RawSocket,
        Transport::RawSocket => Transport::WebSocket,
    }
}

/// Registers [`Shop`] and subscribes [`Shelves`] on a session over `callee_transport`, then
/// calls and publishes through the generated `Caller` on a session over the other transport.
async fn check_round_trips(router: &Router, serializer: Serializer, callee_transport: Transport) {
    let caller_transport = other(callee_transport);
    let context = format!("{serializer}: callee on {callee_transport:?}, caller on {caller_transport:?}");
    let node = format!("{serializer}_{callee_transport:?}").to_lowercase();

    let callee = router.join(callee_transport, serializer).await;
    let registrations = match i_shop::register(&callee, Arc::new(Shop)).await {
        Ok(registrations) => registrations,
        Err(error) => panic!("{context}: register: {error}\n{}", router.log_tail()),
    };
    assert_eq!(registrations.len(), SHOP_PROCEDURES, "{context}: register");
    let (delivered, mut deliveries) = mpsc::unbounded_channel();
    let subscribed = i_shop::subscribe(&callee, Arc::new(Shelves { delivered })).await;
    assert_eq!(
        subscribed.map(|subscriptions| subscriptions.len()),
        Ok(1),
        "{context}: subscribe"
    );

    let caller_session = router.join(caller_transport, serializer).await;
    let session = caller_session.session();
    let caller = i_shop::Caller::new(session, &node);

    let expected_receipt = Receipt {
        reference: format!("{node}/Ada Lövelace/{}", i64::MIN),
        order: order(i64::MIN),
    };
    assert_eq!(
        caller.place(order(i64::MIN)).await,
        Ok(expected_receipt),
        "{context}: place"
    );

    let defaults = Search {
        text: "tea".to_owned(),
        ..Search::default()
    };
    let expected = [
        format!("{node}:tea"),
        "limit=10".to_owned(),
        "priority=Low".to_owned(),
        "line=None".to_owned(),
    ];
    assert_eq!(
        caller.search(defaults).await,
        Ok(expected.to_vec()),
        "{context}: search, defaults"
    );
    let given = Search {
        text: "tea".to_owned(),
        limit: u32::MAX,
        priority: Priority::Normal,
        line: Some(Line {
            sku: "cup".to_owned(),
            quantity: 0,
        }),
    };
    let expected = [
        format!("{node}:tea"),
        format!("limit={}", u32::MAX),
        "priority=Normal".to_owned(),
        "line=Some(Line { sku: \"cup\", quantity: 0 })".to_owned(),
    ];
    assert_eq!(
        caller.search(given).await,
        Ok(expected.to_vec()),
        "{context}: search, kwargs"
    );

    for shipment in [
        Shipment {
            id: u64::MAX,
            weight: i64::MIN,
            contents: Contents::Letter(Letter { pages: u32::MAX }),
            express: true,
            carrier: Some("post".to_owned()),
        },
        Shipment {
            id: 1 << 53,
            weight: 0,
            contents: Contents::Letter(Letter::default()),
            express: false,
            carrier: None,
        },
    ] {
        assert_eq!(
            caller.ship(shipment.clone()).await,
            Ok(shipment),
            "{context}: ship"
        );
    }

    let failed = caller.close().await.map_err(|error| error.as_wamp().cloned());
    assert_eq!(failed, Err(Some(closed_error(&node))), "{context}: close");

    check_declared_errors_and_streams(&caller, &context).await;

    let published = caller.publish_on_stock(-7, stock_change()).await;
    assert_eq!(published, Ok(()), "{context}: publish");
    let event = tokio::time::timeout(EVENT_TIMEOUT, deliveries.recv()).await;
    let expected_event = Delivered::Stock {
        node: node.clone(),
        shelf: -7,
        change: stock_change(),
    };
    assert_eq!(event, Ok(Some(expected_event)), "{context}: the event");

    let topic = format!("com.example.e2e.{node}.shop.shelf.3.stock");
    let short = Payload::new(vec![Value::String("tea".into())], Dict::new());
    let published = caller_session
        .publish(&topic, short, PublishOptions::default())
        .await;
    assert_eq!(published, Ok(()), "{context}: publish a short event");
    let event = tokio::time::timeout(EVENT_TIMEOUT, deliveries.recv()).await;
    let expected_event = Delivered::Invalid {
        topic,
        error: PayloadError::new("args[1] (delta)", "missing positional argument"),
    };
    assert_eq!(event, Ok(Some(expected_event)), "{context}: the short event");

    // The next combination registers the same wildcard URIs, which Crossbar allows once at a time.
    for registration in registrations {
        assert_eq!(registration.unregister().await, Ok(()), "{context}: unregister");
    }
    for client in [caller_session, callee] {
        if let Err(error) = client.close().await {
            panic!("{context}: leaving: {error}\n{}", router.log_tail());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_stubs_round_trip_in_every_serializer_and_transport() {
    let Some(router) = support::router("generated_stubs_round_trip_in_every_serializer_and_transport") else {
        return;
    };
    for serializer in Serializer::ALL {
        for callee_transport in [Transport::WebSocket, Transport::RawSocket] {
            check_round_trips(router, serializer, callee_transport).await;
        }
    }
}

/// Runs the Autobahn|Python peer `script` with `args` to its end; its output.
async fn run_peer(router: &Router, script: &str, args: &[&str]) -> String {
    let peer = support::spawn_python_peer(script, args).unwrap_or_else(|problem| panic!("{problem}"));
    let output = tokio::time::timeout(PEER_TIMEOUT, peer.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{script} did not finish within {PEER_TIMEOUT:?}"))
        .unwrap_or_else(|error| panic!("{script}: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{stdout}\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        router.log_tail()
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_breaking_the_schema_are_rejected_naming_the_field() {
    let Some(router) = support::router("payloads_breaking_the_schema_are_rejected_naming_the_field") else {
        return;
    };
    let callee = router.join(Transport::WebSocket, Serializer::Json).await;
    // Mounted elsewhere: the round-trip test registers the schema's wildcard URIs on the same router.
    let registered =
        i_shop::register_with_prefix(&callee, "org.example.strict.<str:node>.shop", Arc::new(Shop)).await;
    assert_eq!(
        registered.map(|registrations| registrations.len()),
        Ok(SHOP_PROCEDURES)
    );

    let url = router.url(Transport::RawSocket);
    let args = [
        url.as_str(),
        support::REALM,
        "cbor",
        "org.example.strict.python.shop",
    ];
    let stdout = run_peer(router, "bad_caller.py", &args).await;
    // Autobahn logs to stdout too; the answers are the lines `answer ...`.
    let answers: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("answer "))
        .collect();
    let rejected =
        |case: &str, message: &str| format!("answer {case}: wamp.error.invalid_argument ['{message}'] {{}}");
    let expected = [
        rejected(
            "missing positional",
            "args[4] (total): missing positional argument",
        ),
        rejected(
            "extra positional",
            "args[5]: unexpected positional argument: expected 5 arguments, got 6",
        ),
        rejected("unknown kwarg", "kwargs.limits: unknown keyword argument"),
        rejected("wrong type", "args[4] (total): expected int64, got string"),
        rejected(
            "wrong type in a nested table",
            "args[2] (lines)[0].sku: expected string, got integer",
        ),
        rejected(
            "wrong type of a kwarg",
            "kwargs.limit: expected uint32, got string",
        ),
        rejected(
            "unknown enum value",
            "kwargs.priority: 9 is not a value of enum e2e.Priority",
        ),
    ];
    assert_eq!(answers, expected, "the Python caller's answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_shop_streams_and_raises_to_a_generated_caller() {
    let Some(router) = support::router("a_python_shop_streams_and_raises_to_a_generated_caller") else {
        return;
    };
    for (serializer, callee_transport) in [
        (Serializer::Json, Transport::WebSocket),
        (Serializer::Cbor, Transport::RawSocket),
    ] {
        let context = format!("Python shop on {callee_transport:?}, {serializer}");
        let url = router.url(callee_transport);
        let registered = format!("org.example.python_shop_{serializer}.tea.shop");
        let args = [url.as_str(), support::REALM, serializer.name(), &registered];
        let mut callee = support::start_python_peer("shop_callee.py", &args, PEER_TIMEOUT)
            .await
            .unwrap_or_else(|problem| panic!("{context}: {problem}\n{}", router.log_tail()));

        let caller_session = router.join(other(callee_transport), serializer).await;
        let caller = i_shop::Caller::new(&caller_session, "tea")
            .with_prefix(&format!("org.example.python_shop_{serializer}.<str:node>.shop"))
            .unwrap_or_else(|error| panic!("{context}: {error}"));
        check_declared_errors_and_streams(&caller, &context).await;

        if let Err(error) = caller_session.close().await {
            panic!("{context}: leaving: {error}\n{}", router.log_tail());
        }
        drop(callee.stdin.take());
        let status = tokio::time::timeout(PEER_TIMEOUT, callee.wait()).await;
        assert!(
            matches!(status, Ok(Ok(status)) if status.success()),
            "{context}: the Python shop ended with {status:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_caller_reads_a_generated_callees_stream_and_declared_error() {
    let Some(router) = support::router("a_python_caller_reads_a_generated_callees_stream_and_declared_error")
    else {
        return;
    };
    for serializer in [Serializer::MsgPack, Serializer::UbJson] {
        let context = format!("Python caller, {serializer}");
        let callee = router.join(Transport::RawSocket, serializer).await;
        let prefix = format!("org.example.python_caller_{serializer}.<str:node>.shop");
        let registered = i_shop::register_with_prefix(&callee, &prefix, Arc::new(Shop)).await;
        let registrations = registered.unwrap_or_else(|error| panic!("{context}: register: {error}"));

        let url = router.url(Transport::WebSocket);
        let called = format!("org.example.python_caller_{serializer}.tea.shop");
        let args = [url.as_str(), support::REALM, serializer.name(), &called];
        let stdout = run_peer(router, "shop_caller.py", &args).await;
        let checks = support::python_checks(&stdout);
        assert_eq!(
            checks,
            [
                "ok every line a progressive result, in order",
                "ok an empty final result",
                "ok the lines before the one out of stock",
                "ok the declared error",
                "ok reserve",
                "ok reserve more than the shelf holds",
            ],
            "{context}: the Python caller's checks"
        );

        for registration in registrations {
            assert_eq!(registration.unregister().await, Ok(()), "{context}: unregister");
        }
        if let Err(error) = callee.close().await {
            panic!("{context}: leaving: {error}\n{}", router.log_tail());
        }
    }
}

/// How many times the foreign caller sends each of its calls.
const FOREIGN_ROUNDS: usize = 40;

/// What the generated callee answers each of the foreign caller's calls with: `accepted ...`,
/// or the start of its `wamp.error.invalid_argument` message.
fn foreign_answer(case: &str) -> Option<&'static str> {
    Some(match case {
        "good" => "accepted ",
        // `undefined` is null, an absent kwarg: the default limit.
        "undefined" => "accepted ['tea:tea', 'limit=10', 'priority=Low', 'line=None']",
        // `null` args are no args: the mandatory one is missing.
        "null args" => "wamp.error.invalid_argument ['args[0] (text): missing positional argument",
        "integer beyond 128 bits" => {
            "wamp.error.invalid_argument ['args[4]: an integer beyond 128 bits (at byte "
        }
        "bignum beyond 128 bits" => {
            "wamp.error.invalid_argument ['args[4]: bignums beyond 128 bits are not supported (at byte "
        }
        "timestamp" => {
            "wamp.error.invalid_argument ['kwargs.limit: MessagePack timestamps are not supported: WAMP values have no time type (at byte "
        }
        "extension" => {
            "wamp.error.invalid_argument ['args[2][0].sku: MessagePack extension type 5 is not supported (at byte "
        }
        "tag" => "wamp.error.invalid_argument ['args[2][0].sku: CBOR tag 258 is not supported (at byte ",
        "date" => "wamp.error.invalid_argument ['kwargs.limit: CBOR tag ",
        "simple value" => {
            "wamp.error.invalid_argument ['kwargs.limit: CBOR simple value 16 is not supported (at byte "
        }
        _ => return None,
    })
}

/// Runs the foreign caller against a callee over `serializer` (which Crossbar passes the
/// foreign values on in), and checks every answer and that the callee's session survived.
async fn check_foreign_caller(router: &Router, serializer: Serializer) {
    let callee = router.join(Transport::WebSocket, serializer).await;
    let prefix = format!("org.example.foreign_{serializer}.<str:node>.shop");
    let registered = i_shop::register_with_prefix(&callee, &prefix, Arc::new(Shop)).await;
    let registrations = registered.unwrap_or_else(|error| panic!("{serializer}: register: {error}"));

    let url = router.url(Transport::WebSocket);
    let node_prefix = format!("org.example.foreign_{serializer}.tea.shop");
    let rounds = FOREIGN_ROUNDS.to_string();
    let args = [
        url.as_str(),
        support::REALM,
        serializer.name(),
        &node_prefix,
        &rounds,
    ];
    let stdout = run_peer(router, "foreign_caller.py", &args).await;
    let answers: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("answer ")?.split_once(": "))
        .collect();
    let unexpected: Vec<&(&str, &str)> = answers
        .iter()
        .filter(|(case, answer)| !foreign_answer(case).is_some_and(|expected| answer.starts_with(expected)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{serializer}: unexpected answers: {unexpected:#?}"
    );
    let good = answers.iter().filter(|(case, _)| *case == "good").count();
    assert_eq!(good, FOREIGN_ROUNDS, "{serializer}: good calls answered");
    assert!(
        answers.len() > 2 * FOREIGN_ROUNDS,
        "{serializer}: {} answers",
        answers.len()
    );

    assert!(!callee.is_closed(), "{serializer}: the callee's session survived");
    let caller_session = router.join(Transport::RawSocket, serializer).await;
    let caller = i_shop::Caller::new(&caller_session, "tea")
        .with_prefix(&prefix)
        .unwrap_or_else(|error| panic!("{serializer}: {error}"));
    let placed = caller.place(order(3)).await;
    assert!(
        placed.is_ok(),
        "{serializer}: a call after the foreign caller: {placed:?}"
    );
    for registration in registrations {
        assert_eq!(
            registration.unregister().await,
            Ok(()),
            "{serializer}: unregister"
        );
    }
    for client in [caller_session, callee] {
        if let Err(error) = client.close().await {
            panic!("{serializer}: leaving: {error}\n{}", router.log_tail());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_caller_costs_its_calls_never_the_callee_session() {
    let Some(router) = support::router("a_foreign_caller_costs_its_calls_never_the_callee_session") else {
        return;
    };
    for serializer in [Serializer::Json, Serializer::MsgPack, Serializer::Cbor] {
        check_foreign_caller(router, serializer).await;
    }
}

/// How long the slow picker of the cancel test takes per line.
const PICK_PAUSE: Duration = Duration::from_millis(50);

/// Tells, when dropped with the handler's future (which the client drops when the router
/// interrupts its invocation), whether the handler's context learnt of the cancellation.
struct ToldOnDrop {
    context: CallContext,
    told: mpsc::UnboundedSender<bool>,
}

impl Drop for ToldOnDrop {
    fn drop(&mut self) {
        let _ = self.told.send(self.context.is_cancelled());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_stream_of_results_interrupts_the_generated_callee() {
    let Some(router) = support::router("dropping_a_stream_of_results_interrupts_the_generated_callee") else {
        return;
    };
    let callee = router.join(Transport::RawSocket, Serializer::MsgPack).await;
    let (told, mut tellings) = mpsc::unbounded_channel();
    let prefix = "org.example.cancel.<str:node>.shop";
    let registered = i_shop::CalleeBuilder::new()
        .with_prefix(prefix)
        .pick(move |ctx, _node, request, results| {
            let report = ToldOnDrop {
                context: ctx,
                told: told.clone(),
            };
            async move {
                for line in request.lines {
                    results.send(line)?;
                    tokio::time::sleep(PICK_PAUSE).await;
                }
                // Run to its end, the handler was not interrupted: the test is told so.
                drop(report);
                Ok(())
            }
        })
        .register(&callee)
        .await;
    assert_eq!(registered.map(|registrations| registrations.len()), Ok(1));

    let caller_session = router.join(Transport::WebSocket, Serializer::Json).await;
    let caller = i_shop::Caller::new(&caller_session, "slow")
        .with_prefix(prefix)
        .unwrap_or_else(|error| panic!("{error}"));
    let wanted = lines(&[("tea", 1); 1000]);
    let mut picked = caller.pick(order_of(wanted.clone()));
    for (index, expected) in wanted.iter().take(3).enumerate() {
        let item = tokio::time::timeout(EVENT_TIMEOUT, picked.next()).await;
        assert_eq!(item, Ok(Some(Ok(expected.clone()))), "item {index}");
    }
    drop(picked);
    let told = tokio::time::timeout(EVENT_TIMEOUT, tellings.recv()).await;
    assert_eq!(
        told,
        Ok(Some(true)),
        "the callee's handler was dropped, its context cancelled, before its last line\n{}",
        router.log_tail()
    );
    assert!(!callee.is_closed(), "the callee's session survived");
    for client in [caller_session, callee] {
        if let Err(error) = client.close().await {
            panic!("leaving: {error}\n{}", router.log_tail());
        }
    }
}
