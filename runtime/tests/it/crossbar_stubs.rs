//! The generated stubs end to end: a caller, callee and subscriber generated from
//! `tests/data/e2e/stubs.fbs` talk through Crossbar.io on real `Client` sessions, in every
//! serializer over WebSocket and RawSocket, and an Autobahn|Python caller's payloads that
//! break the schema, or hold what foreign peers send, are rejected by the generated callee,
//! naming the field, without costing its session.

use crate::shop;
use wamp_idl_test_support::router as support;

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::process::Command;
use tokio::sync::mpsc;
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{Dict, Payload, PayloadError, PublishOptions, SessionBackend, Value};

use support::{Router, Transport};

use shop::stubs::e2e::{Contents, Letter, Line, Priority, Receipt, Search, Shipment, StockChange, i_shop};
use shop::{Delivered, Shelves, Shop, closed_error, order};

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
    assert_eq!(registrations.len(), 4, "{context}: register");
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
    let python = support::python().unwrap_or_else(|problem| panic!("{problem}"));
    let script = support::peer_script(script);
    let peer = Command::new(&python)
        .arg(&script)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "cannot start {} with {}: {error}",
                script.display(),
                python.display()
            )
        });
    let output = tokio::time::timeout(PEER_TIMEOUT, peer.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{} did not finish within {PEER_TIMEOUT:?}", script.display()))
        .unwrap_or_else(|error| panic!("{}: {error}", script.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{} failed ({}):\n{stdout}\n{}\n{}",
        script.display(),
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
    assert_eq!(registered.map(|registrations| registrations.len()), Ok(4));

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
