//! Interoperation with the JS WAMP libraries through Crossbar.io, in every serializer and
//! transport each supports (Autobahn|JS: JSON, MessagePack and CBOR over WebSocket, JSON over
//! RawSocket; wampy.js: JSON, MessagePack and CBOR over WebSocket), with stubs generated from
//! `tests/data/e2e/stubs.fbs`: JS callers calling a Rust callee with payloads that fit the schema
//! and payloads that break it, and reading its stream of results and declared error, a Rust caller
//! calling a JS callee, its stream of results and declared error included, and a JS publisher
//! publishing to a Rust subscriber. Each test runs all JS peers at once; their scripts are in `tests/peers/js`.

use crate::shop;
use wamp_idl_test_support::router as support;

use std::future::Future;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value as Json, json};
use tokio::io::AsyncWriteExt as _;
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{CallOptions, Payload, PayloadError, SessionBackend};

use support::{Router, Transport};

use shop::stubs::e2e::{
    Contents, Letter, Line, Parcel, Priority, Receipt, Search, Shipment, StockChange, i_shop,
};
use shop::{
    Delivered, SHOP_PROCEDURES, SLOW_CARRIER, Shelves, Shop, check_declared_errors_and_streams, closed_error,
    order,
};

/// How long a JS peer may take, Node's start included.
const PEER_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an event may take from publisher to subscriber.
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);
/// The node placeholder's value in the URIs JS callers call.
const NODE: &str = "front";

/// A JS WAMP library.
#[derive(Debug, Clone, Copy)]
enum Library {
    AutobahnJs,
    Wampy,
}

/// A JS library joined with one of its serializers over one of its transports.
#[derive(Debug, Clone, Copy)]
struct JsPeer {
    library: Library,
    serializer: Serializer,
    transport: Transport,
}

impl JsPeer {
    const fn new(library: Library, serializer: Serializer, transport: Transport) -> Self {
        Self {
            library,
            serializer,
            transport,
        }
    }

    /// The library's name for the scripts.
    fn library_name(self) -> &'static str {
        match self.library {
            Library::AutobahnJs => "autobahn",
            Library::Wampy => "wampy",
        }
    }

    /// A name for URIs and messages, such as `wampy_msgpack_websocket`.
    fn name(self) -> String {
        format!("{}_{}_{:?}", self.library_name(), self.serializer, self.transport).to_lowercase()
    }

    /// Starts the JS peer script `script` with the peer's library, serializer and router URL,
    /// then `extra` arguments.
    fn spawn(self, router: &Router, script: &str, extra: &[&str]) -> Child {
        let mut command: Command = support::node_script(script)
            .unwrap_or_else(|problem| panic!("{problem}"))
            .into();
        command
            .args([
                self.library_name(),
                self.serializer.name(),
                &router.url(self.transport),
                support::REALM,
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("{}: cannot start node {script}: {error}", self.name()))
    }
}

/// Every library with every serializer and transport it supports.
const JS_PEERS: [JsPeer; 7] = [
    JsPeer::new(Library::AutobahnJs, Serializer::Json, Transport::WebSocket),
    JsPeer::new(Library::AutobahnJs, Serializer::MsgPack, Transport::WebSocket),
    JsPeer::new(Library::AutobahnJs, Serializer::Cbor, Transport::WebSocket),
    JsPeer::new(Library::AutobahnJs, Serializer::Json, Transport::RawSocket),
    JsPeer::new(Library::Wampy, Serializer::Json, Transport::WebSocket),
    JsPeer::new(Library::Wampy, Serializer::MsgPack, Transport::WebSocket),
    JsPeer::new(Library::Wampy, Serializer::Cbor, Transport::WebSocket),
];

/// One call of a JS caller, and what its user gets back.
struct Case {
    name: &'static str,
    method: &'static str,
    args: Json,
    kwargs: Json,
    /// Not awaited before the next case starts.
    background: bool,
    /// Asks for progressive results, which the answer lists under `progress`.
    progress: bool,
    /// `{"result": {"args", "kwargs"}}` or `{"error": {"uri", "args", "kwargs"}}`, values as
    /// `tests/peers/js/peer.cjs` writes them (`{"$bytes": "<hex>"}`, `{"$undefined": null}`).
    answer: Json,
}

impl Case {
    fn new(name: &'static str, method: &'static str, args: Json, kwargs: Json, answer: Json) -> Self {
        Self {
            name,
            method,
            args,
            kwargs,
            background: false,
            progress: false,
            answer,
        }
    }

    fn in_background(self) -> Self {
        Self {
            background: true,
            ..self
        }
    }

    fn with_progress(self) -> Self {
        Self {
            progress: true,
            ..self
        }
    }
}

/// What one JS peer's checks found different from what they expected, reported all at once
/// so that one failure does not hide the next.
struct Differences {
    peer: String,
    checked: usize,
    found: Vec<String>,
}

impl Differences {
    fn new(peer: JsPeer) -> Self {
        Self {
            peer: peer.name(),
            checked: 0,
            found: Vec::new(),
        }
    }

    fn check<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, expected: T) {
        self.checked += 1;
        if got != expected {
            self.found
                .push(format!("{what}:\n  got      {got:?}\n  expected {expected:?}"));
        }
    }

    fn assert_none(self) {
        assert!(
            self.found.is_empty(),
            "{}: {} of {} checks failed:\n{}",
            self.peer,
            self.found.len(),
            self.checked,
            self.found.join("\n")
        );
    }
}

/// A JSON value that failure messages show as JSON text.
#[derive(PartialEq)]
struct JsonText(Json);

impl std::fmt::Debug for JsonText {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

fn result(args: Json) -> Json {
    json!({ "result": { "args": args, "kwargs": {} } })
}

fn invalid_argument(message: &str) -> Json {
    json!({ "error": { "uri": "wamp.error.invalid_argument", "args": [message], "kwargs": {} } })
}

/// JavaScript's `undefined` as `peer` can send it: Autobahn|JS's MessagePack serializer
/// (msgpack5) throws on `undefined` instead of sending it, so an application using it sends
/// `null`.
fn undefined(peer: JsPeer) -> Json {
    match (peer.library, peer.serializer) {
        (Library::AutobahnJs, Serializer::MsgPack) => Json::Null,
        _ => json!({ "$undefined": null }),
    }
}

fn bytes(hex: &str) -> Json {
    json!({ "$bytes": hex })
}

/// Has the JS `peer` call a Rust [`Shop`] mounted for it under `js.<mount>.<peer>` with each
/// case, checks what the JS caller got, and that the Rust callee's session outlived the calls.
async fn check(router: &Router, peer: JsPeer, mount: &str, cases: &[Case]) {
    let name = peer.name();
    let prefix = format!("js.{mount}.{name}");
    let callee = router.join(peer.transport, peer.serializer).await;
    let joined_as = callee.session_id();
    let registered =
        i_shop::register_with_prefix(&callee, &format!("{prefix}.<str:node>.shop"), Arc::new(Shop)).await;
    assert_eq!(
        registered.map(|registrations| registrations.len()),
        Ok(SHOP_PROCEDURES),
        "{name}: register the Rust shop"
    );
    let steps: Vec<Json> = cases
        .iter()
        .map(|case| {
            json!({
                "case": case.name,
                "call": format!("{prefix}.{NODE}.shop.{}", case.method),
                "args": case.args,
                "kwargs": case.kwargs,
                "background": case.background,
                "progress": case.progress,
            })
        })
        .collect();
    let answers = run_js_caller(router, peer, &steps).await;
    assert_eq!(answers.len(), cases.len(), "{name}: the number of answers");
    let mut differences = Differences::new(peer);
    for (case, answer) in cases.iter().zip(answers) {
        let mut expected = case.answer.clone();
        expected["case"] = json!(case.name);
        differences.check(case.name, JsonText(answer), JsonText(expected));
    }
    // A call of the router's own shows whether the session is still up, and if not, why.
    let alive = callee
        .call("wamp.session.count", Payload::default(), CallOptions::default())
        .await
        .map(|_| ())
        .map_err(|error| error.to_string());
    differences.check("the Rust callee's session after the calls", alive, Ok(()));
    // The client rejoins when its session is lost: a new id says the calls cost the session.
    differences.check(
        "the Rust callee's session id after the calls",
        callee.session_id(),
        joined_as,
    );
    differences.check(
        "the Rust callee leaves",
        callee.close().await.map_err(|error| error.to_string()),
        Ok(()),
    );
    differences.assert_none();
}

/// Runs `caller.cjs` as `peer` with `steps`, and returns its answers, one per step.
async fn run_js_caller(router: &Router, peer: JsPeer, steps: &[Json]) -> Vec<Json> {
    let name = peer.name();
    let mut caller = peer.spawn(router, "caller.cjs", &[]);
    let mut stdin = caller.stdin.take().unwrap_or_else(|| panic!("{name}: no stdin"));
    stdin
        .write_all(json!(steps).to_string().as_bytes())
        .await
        .unwrap_or_else(|error| panic!("{name}: cannot send the steps: {error}"));
    drop(stdin);
    let output = tokio::time::timeout(PEER_TIMEOUT, caller.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{name}: the JS caller did not finish within {PEER_TIMEOUT:?}"))
        .unwrap_or_else(|error| panic!("{name}: the JS caller: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{name}: the JS caller failed ({}):\n{stdout}\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        router.log_tail()
    );
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("answer "))
        .map(|answer| {
            serde_json::from_str(answer).unwrap_or_else(|error| panic!("{name}: answer {answer}: {error}"))
        })
        .collect()
}

/// Runs `check` for every JS peer at once, mounting the shops under `js.<mount>`.
async fn check_every_peer(test: &str, mount: &'static str, cases: fn(JsPeer) -> Vec<Case>) {
    let Some(router) = support::router(test) else {
        return;
    };
    for_every_peer(|peer| async move { check(router, peer, mount, &cases(peer)).await }).await;
}

/// Runs `check` for every JS peer at once, each in a task of its own, and fails naming every
/// peer whose check failed.
async fn for_every_peer<F, Checked>(check: F)
where
    F: Fn(JsPeer) -> Checked,
    Checked: Future<Output = ()> + Send + 'static,
{
    // Said once rather than once per peer.
    if let Err(problem) = support::node_script("peer.cjs") {
        panic!("{problem}");
    }
    let tasks: Vec<_> = JS_PEERS
        .iter()
        .map(|&peer| (peer, tokio::spawn(check(peer))))
        .collect();
    let mut failed = Vec::new();
    for (peer, task) in tasks {
        if let Err(error) = task.await {
            failed.push(peer.name());
            if !error.is_panic() {
                panic!("{}: the check did not run to its end: {error}", peer.name());
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} JS peers failed (their messages are above): {failed:?}",
        failed.len(),
        JS_PEERS.len()
    );
}

/// Payloads that fit the schema: positional args, kwargs with defaults, nested tables, a
/// vector of tables, an enum, a union, bytes, integers around 2^32 and 2^53 (as many as a
/// JavaScript number holds exactly), trailing optional args, URI placeholders.
fn fitting_calls(peer: JsPeer) -> Vec<Case> {
    let lines = json!([{ "sku": "tea", "quantity": 3 }, { "sku": "scone" }]);
    let lines_read = json!([{ "sku": "tea", "quantity": 3 }, { "sku": "scone", "quantity": 1 }]);
    let order = |total: i64| json!(["Ada Lövelace", 2, lines, bytes("00ff10"), total]);
    let receipt = |total: i64| {
        result(json!([
            format!("{NODE}/Ada Lövelace/{total}"),
            {
                "customer": "Ada Lövelace",
                "priority": 2,
                "lines": lines_read,
                "note": bytes("00ff10"),
                "total": total,
            },
        ]))
    };
    let place = |name, total: i64| Case::new(name, "place", order(total), json!({}), receipt(total));
    vec![
        place("place, a total of -2^53", -(1 << 53)),
        place("place, a total just below 2^32", (1 << 32) - 1),
        place("place, a total of 2^32", 1 << 32),
        place("place, a total of 2^53", 1 << 53),
        Case::new(
            "search, kwargs left to their defaults",
            "search",
            json!(["tea"]),
            json!({}),
            result(json!([[
                format!("{NODE}:tea"),
                "limit=10",
                "priority=Low",
                "line=None"
            ]])),
        ),
        Case::new(
            "search, every kwarg given",
            "search",
            json!(["tea"]),
            json!({ "limit": 4_294_967_295_u32, "priority": 1, "line": { "sku": "cup", "quantity": 0 } }),
            result(json!([[
                format!("{NODE}:tea"),
                "limit=4294967295",
                "priority=Normal",
                "line=Some(Line { sku: \"cup\", quantity: 0 })"
            ]])),
        ),
        Case::new(
            "ship, a letter, optional args left out",
            "ship",
            json!([1_u64 << 32, -(1_i64 << 32), { "Letter": { "pages": 2 } }]),
            json!({}),
            result(json!([1_u64 << 32, -(1_i64 << 32), { "Letter": { "pages": 2 } }, false])),
        ),
        Case::new(
            "ship, a parcel, every optional arg given",
            "ship",
            json!([(1_u64 << 53) + 2, (1_i64 << 53) + 2, { "Parcel": { "lines": [{ "sku": "tea" }] } }, true, "post"]),
            json!({}),
            result(json!([
                (1_u64 << 53) + 2,
                (1_i64 << 53) + 2,
                { "Parcel": { "lines": [{ "sku": "tea", "quantity": 1 }] } },
                true,
                "post"
            ])),
        ),
        Case::new(
            "ship, null for an optional arg before a given one",
            "ship",
            json!([(1_u64 << 32) - 1, 0, { "Letter": {} }, null, "post"]),
            json!({}),
            result(json!([(1_u64 << 32) - 1, 0, { "Letter": { "pages": 1 } }, false, "post"])),
        ),
        Case::new(
            "ship, undefined for an optional arg before a given one",
            "ship",
            json!([7, 8, { "Letter": {} }, undefined(peer), "post"]),
            json!({}),
            result(json!([7, 8, { "Letter": { "pages": 1 } }, false, "post"])),
        ),
        Case::new(
            "close, an application error",
            "close",
            json!([]),
            json!({}),
            json!({ "error": { "uri": "com.example.e2e.error.closed", "args": [format!("shop {NODE} is closed")], "kwargs": {} } }),
        ),
    ]
}

/// Payloads that break the schema, each answered with `wamp.error.invalid_argument` naming
/// the place and the problem.
fn breaking_calls(_peer: JsPeer) -> Vec<Case> {
    let order = |customer: Json, priority: Json, note: Json, total: Json| json!([customer, priority, [{ "sku": "tea" }], note, total]);
    vec![
        Case::new(
            "wrong type",
            "place",
            order(json!("ada"), json!(2), bytes("00"), json!("three")),
            json!({}),
            invalid_argument("args[4] (total): expected int64, got string"),
        ),
        Case::new(
            "wrong type in a nested table",
            "place",
            json!(["ada", 2, [{ "sku": 5 }], bytes("00"), 3]),
            json!({}),
            invalid_argument("args[2] (lines)[0].sku: expected string, got integer"),
        ),
        Case::new(
            "missing arg",
            "place",
            json!(["ada", 2, [{ "sku": "tea" }], bytes("00")]),
            json!({}),
            invalid_argument("args[4] (total): missing positional argument"),
        ),
        Case::new(
            "unknown kwarg",
            "search",
            json!(["tea"]),
            json!({ "limits": 3 }),
            invalid_argument("kwargs.limits: unknown keyword argument"),
        ),
        Case::new(
            "enum out of range, positional",
            "place",
            order(json!("ada"), json!(7), bytes("00"), json!(3)),
            json!({}),
            invalid_argument("args[1] (priority): 7 is not a value of enum e2e.Priority"),
        ),
        Case::new(
            "enum out of range, keyword",
            "search",
            json!(["tea"]),
            json!({ "priority": 9 }),
            invalid_argument("kwargs.priority: 9 is not a value of enum e2e.Priority"),
        ),
        Case::new(
            "bytes given as a number list",
            "place",
            order(json!("ada"), json!(2), json!([0, 255, 16]), json!(3)),
            json!({}),
            invalid_argument("args[3] (note): expected bytes, got list"),
        ),
        Case::new(
            "an integer beyond its type",
            "search",
            json!(["tea"]),
            json!({ "limit": 1_u64 << 32 }),
            invalid_argument("kwargs.limit: 4294967296 is out of range for uint32"),
        ),
        Case::new(
            "a union member the schema lacks",
            "ship",
            json!([1, 2, { "Crate": {} }]),
            json!({}),
            invalid_argument("args[2] (contents).Crate: unknown member of union e2e.Contents"),
        ),
    ]
}

/// A call with `undefined` among its args reaching the Rust callee while it runs a slow
/// invocation: the slow call, that call and the next one are all answered.
fn undefined_during_a_slow_call(peer: JsPeer) -> Vec<Case> {
    vec![
        Case::new(
            "a slow shipment",
            "ship",
            json!([1, 2, { "Letter": {} }, true, SLOW_CARRIER]),
            json!({}),
            result(json!([1, 2, { "Letter": { "pages": 1 } }, true, SLOW_CARRIER])),
        )
        .in_background(),
        Case::new(
            "undefined for an optional arg while the slow one runs",
            "ship",
            json!([3, 4, { "Letter": { "pages": 2 } }, undefined(peer), "post"]),
            json!({}),
            result(json!([3, 4, { "Letter": { "pages": 2 } }, false, "post"])),
        ),
        Case::new(
            "the next shipment",
            "ship",
            json!([5, 6, { "Parcel": { "lines": [] } }]),
            json!({}),
            result(json!([5, 6, { "Parcel": { "lines": [] } }, false])),
        ),
    ]
}

/// A line of goods as a generated callee answers it: positional args `[sku, quantity]`.
fn line(sku: &str, quantity: u32) -> Json {
    json!({ "args": [sku, quantity], "kwargs": {} })
}

/// The declared error `OutOfStock` of the shop's `reserve` and `pick`, as it travels.
fn out_of_stock(sku: &str, available: u32) -> Json {
    json!({ "error": { "uri": "com.example.e2e.error.out_of_stock", "args": [sku], "kwargs": { "available": available } } })
}

/// The stream of results of `pick` and the declared error of `pick` and `reserve`: a JS caller
/// gets each line as a progressive result (Autobahn|JS as progress notifications of its call's
/// promise, wampy.js through `progress_callback`), then the empty final result, or the lines up
/// to the one out of stock, then the error with its args and kwargs.
fn streams_and_declared_errors(_peer: JsPeer) -> Vec<Case> {
    let order = |lines: Json| json!(["Ada", 2, lines, bytes(""), 0]);
    let mut picked_up_to_the_error = out_of_stock("tea", 5);
    picked_up_to_the_error["progress"] = json!([line("tea", 2)]);
    vec![
        Case::new(
            "pick, every line",
            "pick",
            order(json!([{ "sku": "tea", "quantity": 1 }, { "sku": "scone", "quantity": 12 }, { "sku": "tea", "quantity": 5 }])),
            json!({}),
            json!({ "progress": [line("tea", 1), line("scone", 12), line("tea", 5)], "result": { "args": [], "kwargs": {} } }),
        )
        .with_progress(),
        Case::new(
            "pick up to a line out of stock",
            "pick",
            order(json!([{ "sku": "tea", "quantity": 2 }, { "sku": "tea", "quantity": 9 }, { "sku": "scone" }])),
            json!({}),
            picked_up_to_the_error,
        )
        .with_progress(),
        Case::new(
            "pick without asking for progressive results",
            "pick",
            order(json!([{ "sku": "tea" }])),
            json!({}),
            invalid_argument("this procedure streams its results: call it with receive_progress"),
        ),
        Case::new(
            "reserve more than the shelf holds",
            "reserve",
            json!(["tea", 6]),
            json!({}),
            out_of_stock("tea", 5),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn js_callers_call_a_rust_callee() {
    check_every_peer("js_callers_call_a_rust_callee", "fitting", fitting_calls).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn js_payloads_breaking_the_schema_are_invalid_arguments() {
    check_every_peer(
        "js_payloads_breaking_the_schema_are_invalid_arguments",
        "breaking",
        breaking_calls,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn js_undefined_during_a_slow_call_leaves_the_rust_callee_serving() {
    check_every_peer(
        "js_undefined_during_a_slow_call_leaves_the_rust_callee_serving",
        "slow",
        undefined_during_a_slow_call,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn js_callers_read_a_rust_callees_stream_and_declared_error() {
    check_every_peer(
        "js_callers_read_a_rust_callees_stream_and_declared_error",
        "streams",
        streams_and_declared_errors,
    )
    .await;
}

/// Has a generated Rust caller call the JS callee of `peer` (`tests/peers/js/callee.cjs`).
async fn check_rust_caller(router: &Router, peer: JsPeer) {
    let name = peer.name();
    let mut callee = peer.spawn(router, "callee.cjs", &[&name]);
    let stdout = callee
        .stdout
        .take()
        .unwrap_or_else(|| panic!("{name}: no stdout"));
    let ready = tokio::time::timeout(PEER_TIMEOUT, support::wait_for_ready(stdout))
        .await
        .unwrap_or_else(|_| Err(format!("no READY within {PEER_TIMEOUT:?}")));
    if let Err(problem) = ready {
        let _ = callee.kill().await;
        let output = callee.wait_with_output().await.map(|output| output.stderr);
        panic!(
            "{name}: the JS callee did not get ready: {problem}\n{}\n{}",
            String::from_utf8_lossy(&output.unwrap_or_default()),
            router.log_tail()
        );
    }
    let client = router.join(peer.transport, peer.serializer).await;
    let joined_as = client.session_id();
    let session = client.session();
    let caller = i_shop::Caller::new(session, &name);
    let mut differences = Differences::new(peer);

    for total in [-(1 << 53), 1 << 32] {
        let expected = Receipt {
            reference: format!("{name}/Ada Lövelace/{total}"),
            order: order(total),
        };
        differences.check(
            &format!("place, total {total}"),
            caller.place(order(total)).await,
            Ok(expected),
        );
    }

    // The JS callee answers which kwargs arrived, and as what.
    let defaults = Search {
        text: "tea".to_owned(),
        ..Search::default()
    };
    let expected = [
        format!("{name}:tea"),
        "limit=10".to_owned(),
        "priority=0".to_owned(),
    ];
    differences.check(
        "search, defaults",
        caller.search(defaults).await,
        Ok(expected.to_vec()),
    );
    let given = Search {
        text: "tea".to_owned(),
        limit: u32::MAX,
        priority: Priority::High,
        line: Some(Line {
            sku: "cup".to_owned(),
            quantity: 0,
        }),
    };
    let expected = [
        format!("{name}:tea"),
        "limit=4294967295".to_owned(),
        r#"line={"quantity":0,"sku":"cup"}"#.to_owned(),
        "priority=2".to_owned(),
    ];
    differences.check(
        "search, kwargs",
        caller.search(given).await,
        Ok(expected.to_vec()),
    );

    for shipment in [
        Shipment {
            id: (1 << 53) + 2,
            weight: -(1 << 32),
            contents: Contents::Parcel(Parcel {
                lines: Some(order(0).lines),
            }),
            express: true,
            carrier: Some("post".to_owned()),
        },
        Shipment {
            id: (1 << 32) - 1,
            weight: 1 << 53,
            contents: Contents::Letter(Letter { pages: 2 }),
            express: false,
            carrier: None,
        },
    ] {
        differences.check(
            &format!("ship {}", shipment.id),
            caller.ship(shipment.clone()).await,
            Ok(shipment),
        );
    }

    let failed = caller.close().await.map_err(|error| error.as_wamp().cloned());
    differences.check("close", failed, Err(Some(closed_error(&name))));
    check_declared_errors_and_streams(&caller, &name).await;

    differences.check(
        "the Rust caller's session id after the calls",
        client.session_id(),
        joined_as,
    );
    differences.check(
        "the Rust caller leaves",
        client.close().await.map_err(|error| error.to_string()),
        Ok(()),
    );
    differences.assert_none();
    drop(callee.stdin.take());
    let status = tokio::time::timeout(PEER_TIMEOUT, callee.wait()).await;
    assert!(
        matches!(status, Ok(Ok(status)) if status.success()),
        "{name}: the JS callee ended with {status:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rust_caller_calls_js_callees() {
    let Some(router) = support::router("a_rust_caller_calls_js_callees") else {
        return;
    };
    for_every_peer(|peer| check_rust_caller(router, peer)).await;
}

/// Has the JS `peer` publish to a generated Rust subscriber.
async fn check_js_publisher(router: &Router, peer: JsPeer) {
    let name = peer.name();
    let subscriber = router.join(peer.transport, peer.serializer).await;
    let (delivered, mut deliveries) = mpsc::unbounded_channel();
    let subscribed = i_shop::subscribe_with_prefix(
        &subscriber,
        &format!("js.{name}.<str:node>.shop"),
        Arc::new(Shelves { delivered }),
    )
    .await;
    assert_eq!(
        subscribed.map(|subscriptions| subscriptions.len()),
        Ok(1),
        "{name}: subscribe"
    );
    let topic = |shelf: i64| format!("js.{name}.{NODE}.shop.shelf.{shelf}.stock");
    let events = [
        (3, json!(["tea", -12, bytes("00ff10")])),
        (1 << 32, json!(["cup", i32::MAX, bytes("")])),
        (5, json!(["tea"])),
    ];
    let steps: Vec<Json> = events
        .iter()
        .map(|(shelf, args)| json!({ "case": format!("shelf {shelf}"), "publish": topic(*shelf), "args": args }))
        .collect();
    let answers = run_js_caller(router, peer, &steps).await;
    let published: Vec<Json> = events
        .iter()
        .map(|(shelf, _)| json!({ "case": format!("shelf {shelf}"), "published": true }))
        .collect();
    assert_eq!(answers, published, "{name}: the JS publisher's acknowledgements");

    let expected = [
        Delivered::Stock {
            node: NODE.to_owned(),
            shelf: 3,
            change: StockChange {
                sku: "tea".to_owned(),
                delta: -12,
                tag: vec![0, 0xff, 0x10],
            },
        },
        Delivered::Stock {
            node: NODE.to_owned(),
            shelf: 1 << 32,
            change: StockChange {
                sku: "cup".to_owned(),
                delta: i32::MAX,
                tag: Vec::new(),
            },
        },
        Delivered::Invalid {
            topic: topic(5),
            error: PayloadError::new("args[1] (delta)", "missing positional argument"),
        },
    ];
    let mut differences = Differences::new(peer);
    for (index, expected) in expected.into_iter().enumerate() {
        let event = tokio::time::timeout(EVENT_TIMEOUT, deliveries.recv()).await;
        differences.check(&format!("event {index}"), event, Ok(Some(expected)));
    }
    differences.check(
        "the Rust subscriber leaves",
        subscriber.close().await.map_err(|error| error.to_string()),
        Ok(()),
    );
    differences.assert_none();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn js_publishers_publish_to_a_rust_subscriber() {
    let Some(router) = support::router("js_publishers_publish_to_a_rust_subscriber") else {
        return;
    };
    for_every_peer(|peer| check_js_publisher(router, peer)).await;
}
