//! The client and the generated stubs through routers other than Crossbar.io: the router of
//! xconn 0.5.1 (PyPI) and fox-wamp 0.7.28 (npm), each started on loopback by this test binary.
//! Each router's row of [`ROUTERS`] says what it does with every transport and serializer, with
//! exact, prefix and wildcard registrations and subscriptions, and where it departs from WAMP;
//! one helper, [`check`], holds the router to its row, so that a router that starts or stops
//! routing something fails here. docs/compatibility.md's table of these routers is made from
//! the same rows, and kept so by `compatibility_table_is_current`.

use crate::progressive;
use crate::shop;
use wamp_idl_test_support::router as support;

use std::io::BufRead as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc as std_mpsc};
use std::time::Duration;

use tokio::sync::mpsc;
use wamp_idl_runtime::client::{Client, ClientConfig};
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{
    CallOptions, Dict, ErrorKind, Event, EventHandler, FromPayload, Invocation, InvocationHandler,
    MatchPolicy, Payload, PublishOptions, RegisterOptions, SessionBackend, SubscribeOptions, Value,
    WampError,
};

use shop::stubs::e2e::{Contents, Letter, Receipt, Search, Shipment, StockChange, i_shop};
use shop::{Delivered, SHOP_PROCEDURES, Shelves, Shop, order};

/// How long a router may take to start.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an event that the router routes may take to arrive.
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for an event that the router must not deliver, after one it does.
const QUIET: Duration = Duration::from_millis(500);

/// How a client reaches a router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    WebSocket,
    /// RawSocket, on the router's WebSocket port (none of these routers has a port of its own
    /// for it).
    RawSocket,
    /// WebSocket on a unix domain socket.
    Unix,
}

impl Link {
    fn describe(self) -> &'static str {
        match self {
            Link::WebSocket => "WebSocket",
            Link::RawSocket => "RawSocket (on the WebSocket port)",
            Link::Unix => "WebSocket on a unix socket",
        }
    }
}

/// What a router does with one kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Served as WAMP says.
    Works,
    /// Refused: the client cannot join.
    Refused,
    /// Acknowledged (REGISTERED, SUBSCRIBED), then never routed: calls fail with
    /// `wamp.error.no_such_procedure`, and events never arrive.
    AcceptedNeverRouted,
}

impl Outcome {
    fn describe(self) -> &'static str {
        match self {
            Outcome::Works => "yes",
            Outcome::Refused => "**refused**",
            Outcome::AcceptedNeverRouted => "**accepted, never routed**",
        }
    }
}

/// What a router does with the three match policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Patterns {
    exact: Outcome,
    prefix: Outcome,
    wildcard: Outcome,
}

/// A router that matches URIs exactly whatever the `match` option says: it acknowledges
/// prefix and wildcard patterns, which then never match.
const EXACT_ONLY: Patterns = Patterns {
    exact: Outcome::Works,
    prefix: Outcome::AcceptedNeverRouted,
    wildcard: Outcome::AcceptedNeverRouted,
};

/// How a router hands a callee's error to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CalleeErrors {
    /// With the callee's URI, args and kwargs.
    Kept,
    /// As an error of the router's URI, whose only arg is the callee's URI.
    Replaced(&'static str),
}

/// How a router passes on a payload whose only positional arg is a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SingleListArg {
    Kept,
    /// The list's items become the positional args.
    Spread,
}

/// How a router passes on integers beyond 2^53 in magnitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LargeIntegers {
    Exact,
    /// Rounded to the nearest float64, as JavaScript's `JSON.parse` reads them.
    Rounded,
}

/// What a router makes of progressive call invocations (a CALL with `progress: true`, further
/// CALLs of the same request id, then a final one without it; docs/wamp-idl.md §7.2), as
/// [`progressive::observe`] sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProgressiveCalls {
    /// The progressive CALLs reach one invocation, but the final CALL becomes an invocation of
    /// its own: the first one's items never end, and the caller gets the other one's answer.
    FinalCallApart,
    /// `progress` is ignored: every CALL is a call of its own.
    EachCallApart,
}

/// A router the tests start, and what it does.
struct RouterSpec {
    name: &'static str,
    /// The package and version, as its registry names them.
    package: &'static str,
    /// The command that starts it on `port`, and on the unix socket when it has one, printing
    /// READY when it listens.
    command: fn(port: u16, unix_socket: Option<&Path>) -> Result<Command, String>,
    /// The name of its unix socket, in a directory of its own, when it listens on one.
    unix_socket: Option<&'static str>,
    joins: &'static [(Link, Serializer, Outcome)],
    registrations: Patterns,
    subscriptions: Patterns,
    callee_errors: CalleeErrors,
    single_list_arg: SingleListArg,
    large_integers: LargeIntegers,
    progressive_calls: ProgressiveCalls,
    /// What else the docs say of the router, each backed by an assertion of [`check`].
    notes: &'static [&'static str],
}

const XCONN: RouterSpec = RouterSpec {
    name: "xconn",
    package: "PyPI `xconn` 0.5.1",
    command: xconn_command,
    unix_socket: Some("xconn.sock"),
    joins: &[
        (Link::WebSocket, Serializer::Json, Outcome::Works),
        (Link::WebSocket, Serializer::MsgPack, Outcome::Works),
        (Link::WebSocket, Serializer::Cbor, Outcome::Works),
        (Link::WebSocket, Serializer::UbJson, Outcome::Refused),
        (Link::Unix, Serializer::Json, Outcome::Works),
        (Link::Unix, Serializer::MsgPack, Outcome::Works),
        (Link::Unix, Serializer::Cbor, Outcome::Works),
        (Link::RawSocket, Serializer::Json, Outcome::Refused),
    ],
    registrations: EXACT_ONLY,
    subscriptions: EXACT_ONLY,
    callee_errors: CalleeErrors::Kept,
    single_list_arg: SingleListArg::Kept,
    large_integers: LargeIntegers::Exact,
    progressive_calls: ProgressiveCalls::FinalCallApart,
    notes: &[
        "serves WebSocket only, at `/ws` on TCP and at `/` on a unix socket, with json, msgpack and \
         cbor (`xconn/server.py`): it offers no `wamp.2.ubjson`, and its port answers a RawSocket \
         handshake with HTTP",
        "its dealer and broker (`wampproto` 0.4.0) look procedures and topics up by their exact URI",
    ],
};

const FOX_WAMP: RouterSpec = RouterSpec {
    name: "fox-wamp",
    package: "npm `fox-wamp` 0.7.28",
    command: fox_wamp_command,
    unix_socket: None,
    joins: &[
        (Link::WebSocket, Serializer::Json, Outcome::Works),
        (Link::WebSocket, Serializer::MsgPack, Outcome::Refused),
        (Link::WebSocket, Serializer::Cbor, Outcome::Refused),
        (Link::WebSocket, Serializer::UbJson, Outcome::Refused),
        (Link::RawSocket, Serializer::Json, Outcome::Refused),
    ],
    registrations: EXACT_ONLY,
    subscriptions: EXACT_ONLY,
    callee_errors: CalleeErrors::Replaced("wamp.error.callee_failure"),
    single_list_arg: SingleListArg::Spread,
    large_integers: LargeIntegers::Rounded,
    progressive_calls: ProgressiveCalls::EachCallApart,
    notes: &[
        "serves WebSocket with json only (`lib/wamp/transport.js` accepts no other subprotocol), \
         and its port answers a RawSocket handshake with HTTP",
        "it splits URIs at their dots and matches its own patterns (parts `*` and `#`), whatever \
         the `match` option says",
        "sends `null` args and kwargs in INVOCATION, RESULT and EVENT when a payload has none; the \
         runtime reads them as empty (a call without args or kwargs is answered without either)",
    ],
};

/// Every router besides Crossbar.io that the tests run.
const ROUTERS: [&RouterSpec; 2] = [&XCONN, &FOX_WAMP];

fn xconn_command(port: u16, unix_socket: Option<&Path>) -> Result<Command, String> {
    let unix_socket = unix_socket.ok_or("xconn's router is started with a unix socket")?;
    let mut command = Command::new(support::python()?);
    command
        .arg(support::peer_script("xconn_router.py"))
        .arg(port.to_string())
        .arg(unix_socket);
    Ok(command)
}

fn fox_wamp_command(port: u16, _unix_socket: Option<&Path>) -> Result<Command, String> {
    let mut command = support::node_script("fox_router.cjs")?;
    command.arg(port.to_string());
    Ok(command)
}

/// A router this test started. Dropping it kills the router by its pid; should the test
/// process die first, the router stops at the end of its stdin, which only this process holds.
struct RunningRouter {
    process: Child,
    port: u16,
    unix_socket: Option<PathBuf>,
    /// What the router printed, for failure messages.
    output: Arc<Mutex<Vec<String>>>,
    /// Holds the unix socket, when the router has one.
    _directory: Option<tempfile::TempDir>,
}

impl RunningRouter {
    fn start(spec: &RouterSpec) -> Result<RunningRouter, String> {
        let directory = spec
            .unix_socket
            .map(|_| tempfile::Builder::new().prefix("wamp-idl-router-").tempdir())
            .transpose()
            .map_err(|error| format!("cannot create the directory of the router's socket: {error}"))?;
        let unix_socket = directory
            .as_ref()
            .zip(spec.unix_socket)
            .map(|(directory, name)| directory.path().join(name));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| format!("cannot find a free loopback port: {error}"))?
            .port();
        let mut process = (spec.command)(port, unix_socket.as_deref())?
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", spec.name))?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let (ready, started) = std_mpsc::channel();
        let streams: [Box<dyn std::io::Read + Send>; 2] = match (process.stdout.take(), process.stderr.take())
        {
            (Some(stdout), Some(stderr)) => [Box::new(stdout), Box::new(stderr)],
            _ => return Err(format!("{} has no output pipes", spec.name)),
        };
        // Read to the end, so that a router that prints as it routes never blocks on a full pipe.
        for stream in streams {
            let (output, ready) = (Arc::clone(&output), ready.clone());
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stream).lines().map_while(Result::ok) {
                    if line == "READY" {
                        let _ = ready.send(());
                    }
                    output
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(line);
                }
            });
        }
        drop(ready);
        let router = RunningRouter {
            process,
            port,
            unix_socket,
            output,
            _directory: directory,
        };
        match started.recv_timeout(STARTUP_TIMEOUT) {
            Ok(()) => Ok(router),
            Err(_) => Err(format!(
                "{} did not start within {STARTUP_TIMEOUT:?}.\n{}\n\
                 Fix: rerun `scripts/setup-peers`, which installs it.",
                spec.name,
                router.output()
            )),
        }
    }

    fn url(&self, link: Link) -> String {
        match (link, &self.unix_socket) {
            (Link::WebSocket, _) => format!("ws://127.0.0.1:{}/ws", self.port),
            (Link::RawSocket, _) => format!("rs://127.0.0.1:{}", self.port),
            (Link::Unix, Some(socket)) => format!("unix://{}", socket.display()),
            (Link::Unix, None) => panic!("the router has no unix socket"),
        }
    }

    fn config(&self, link: Link, serializer: Serializer) -> ClientConfig {
        ClientConfig::new(self.url(link), support::REALM)
            .serializer(serializer)
            .call_timeout(Some(Duration::from_secs(20)))
            .connect_timeout(Duration::from_secs(10))
    }

    async fn join(&self, link: Link, serializer: Serializer) -> Client {
        match self.config(link, serializer).connect().await {
            Ok(client) => client,
            Err(error) => panic!(
                "cannot join {} with {serializer}: {error}\n{}",
                self.url(link),
                self.output()
            ),
        }
    }

    /// The router's output so far.
    fn output(&self) -> String {
        let lines = self
            .output
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        format!("--- the router's output ---\n{}\n---", lines.join("\n"))
    }
}

impl Drop for RunningRouter {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn text(value: &str) -> Value {
    Value::String(value.into())
}

fn payload(args: Vec<Value>, kwargs: &[(&str, Value)]) -> Payload {
    let kwargs: Dict = kwargs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), value.clone()))
        .collect();
    Payload::new(args, kwargs)
}

/// Values of every kind JSON carries, nested, within JavaScript's safe integers.
fn every_kind() -> Payload {
    let nested = Value::Dict(
        [
            (
                "list",
                Value::List(vec![Value::Integer(1), text("two"), Value::Null]),
            ),
            ("bytes", Value::Bytes(vec![0, 1, 2, 254, 255].into())),
            ("empty", Value::Dict(Dict::new())),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect(),
    );
    payload(
        vec![
            Value::Null,
            Value::Bool(true),
            Value::Integer(-1),
            Value::Integer(1 << 53),
            Value::Integer(i128::from(u32::MAX) + 1),
            Value::Float(-0.25),
            text("ünïcödé ✓"),
            Value::Bytes((0..=255).collect()),
            nested,
        ],
        &[("key", text("value"))],
    )
}

fn handler(function: fn(Invocation) -> Result<Payload, WampError>) -> InvocationHandler {
    Arc::new(move |invocation| Box::pin(async move { function(invocation) }))
}

fn echo() -> InvocationHandler {
    handler(|invocation| Ok(invocation.payload))
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

/// Calls `procedure`; an error is its URI, or what went wrong when it has none.
async fn call(client: &Client, procedure: &str, payload: Payload) -> Result<Payload, String> {
    client
        .call(procedure, payload, CallOptions::default())
        .await
        .map(|result| result.payload)
        .map_err(|error| error.uri().map_or_else(|| error.to_string(), str::to_owned))
}

fn no_such_procedure() -> Result<Payload, String> {
    Err("wamp.error.no_such_procedure".to_owned())
}

/// Starts the router of `spec`, and holds it to its row: every join, then, on every link and
/// serializer it serves, the Session API and the generated stubs.
async fn check(spec: &RouterSpec) {
    if support::skipped(spec.name) {
        return;
    }
    let router = RunningRouter::start(spec).unwrap_or_else(|problem| panic!("{problem}"));
    check_progressive_calls(spec, &router).await;
    for &(link, serializer, outcome) in spec.joins {
        let context = format!("{} over {} with {serializer}", spec.name, link.describe());
        let joined = router.config(link, serializer).connect().await;
        match (outcome, joined) {
            (Outcome::Works, Ok(client)) => {
                client
                    .close()
                    .await
                    .unwrap_or_else(|error| panic!("{context}: leaving: {error}"));
                check_session_api(spec, &router, link, serializer, &context).await;
                check_stubs(spec, &router, link, serializer, &context).await;
            }
            (Outcome::Refused, Err(error)) => {
                // Refused before any WAMP, for what the router lacks.
                let refusal = match link {
                    Link::RawSocket => "not a WAMP RawSocket router".to_owned(),
                    Link::WebSocket | Link::Unix => {
                        format!("did not accept the subprotocol wamp.2.{}", serializer.name())
                    }
                };
                assert!(
                    matches!(error.kind(), ErrorKind::Transport(message) if message.contains(&refusal)),
                    "{context}: expected a refusal saying {refusal:?}, got {error}"
                );
            }
            (expected, joined) => panic!(
                "{context}: expected the join to be {expected:?}, got {:?}\n{}",
                joined.map(|client| client.session_id()),
                router.output()
            ),
        }
    }
}

/// Holds the router to what it makes of progressive call invocations: none routes them as WAMP
/// says.
async fn check_progressive_calls(spec: &RouterSpec, router: &RunningRouter) {
    let callee = router.join(Link::WebSocket, Serializer::Json).await.session();
    let caller = router.join(Link::WebSocket, Serializer::Json).await.session();
    let observed = progressive::observe(&callee, &caller, "com.example.progressive.count", QUIET).await;
    let expected = match spec.progressive_calls {
        ProgressiveCalls::FinalCallApart => vec![(Vec::new(), true), (vec![1, 2, 3], false)],
        ProgressiveCalls::EachCallApart => progressive::each_call_apart(),
    };
    assert_eq!(
        observed.invocations,
        expected,
        "{}: progressive call invocations\n{}",
        spec.name,
        router.output()
    );
    assert_ne!(
        observed.results,
        progressive::as_wamp_says().results,
        "{}",
        spec.name
    );
}

/// Registrations, calls, errors and subscriptions of each match policy through the Session API.
async fn check_session_api(
    spec: &RouterSpec,
    router: &RunningRouter,
    link: Link,
    serializer: Serializer,
    context: &str,
) {
    let callee = router.join(link, serializer).await;
    let caller = router.join(link, serializer).await;
    let prefix = format!("routers.{}.{link:?}.{serializer}", spec.name)
        .to_lowercase()
        .replace('-', "_");
    let uri = |name: &str| format!("{prefix}.{name}");

    callee
        .register(&uri("echo"), RegisterOptions::default(), echo())
        .await
        .unwrap_or_else(|error| panic!("{context}: register echo: {error}"));
    assert_eq!(
        call(&caller, &uri("echo"), every_kind()).await,
        Ok(every_kind()),
        "{context}: echo of every kind of value"
    );
    // fox-wamp sends `null` for the args and kwargs of such a call's INVOCATION and RESULT.
    assert_eq!(
        call(&caller, &uri("echo"), Payload::default()).await,
        Ok(Payload::default()),
        "{context}: a call without args or kwargs, answered without either"
    );
    assert_eq!(
        call(&caller, &uri("missing"), Payload::default()).await,
        no_such_procedure(),
        "{context}: calling a procedure nobody registered"
    );

    let one_list = payload(vec![Value::List(vec![text("a"), text("b")])], &[]);
    let expected = match spec.single_list_arg {
        SingleListArg::Kept => one_list.clone(),
        SingleListArg::Spread => payload(vec![text("a"), text("b")], &[]),
    };
    assert_eq!(
        call(&caller, &uri("echo"), one_list).await,
        Ok(expected),
        "{context}: echo of a single positional list ({:?})",
        spec.single_list_arg
    );

    let large = payload(
        vec![
            Value::Integer((1 << 53) + 1),
            Value::Integer(i128::from(u64::MAX)),
        ],
        &[],
    );
    let expected = match spec.large_integers {
        LargeIntegers::Exact => large.clone(),
        LargeIntegers::Rounded => payload(
            vec![
                Value::Integer(1 << 53),
                Value::Integer(18_446_744_073_709_552_000),
            ],
            &[],
        ),
    };
    assert_eq!(
        call(&caller, &uri("echo"), large).await,
        Ok(expected),
        "{context}: echo of integers beyond 2^53 ({:?})",
        spec.large_integers
    );

    callee
        .register(
            &uri("fail"),
            RegisterOptions::default(),
            handler(|_invocation| {
                Err(WampError {
                    uri: "com.example.error.too_big".to_owned(),
                    args: vec![text("too big")],
                    kwargs: [("got".to_owned(), Value::Integer(7))].into_iter().collect(),
                })
            }),
        )
        .await
        .unwrap_or_else(|error| panic!("{context}: register fail: {error}"));
    let failed = caller
        .call(
            &uri("fail"),
            payload(vec![Value::Integer(7)], &[]),
            CallOptions::default(),
        )
        .await
        .map_err(|error| error.as_wamp().cloned());
    let expected = match spec.callee_errors {
        CalleeErrors::Kept => WampError {
            uri: "com.example.error.too_big".to_owned(),
            args: vec![text("too big")],
            kwargs: [("got".to_owned(), Value::Integer(7))].into_iter().collect(),
        },
        CalleeErrors::Replaced(router_uri) => WampError {
            uri: router_uri.to_owned(),
            args: vec![text("com.example.error.too_big")],
            kwargs: Dict::new(),
        },
    };
    assert_eq!(
        failed.map(|result| result.payload),
        Err(Some(expected)),
        "{context}: the callee's error ({:?})",
        spec.callee_errors
    );

    let patterns = [
        (
            MatchPolicy::Exact,
            spec.registrations.exact,
            "exact.one",
            "exact.one",
        ),
        (
            MatchPolicy::Prefix,
            spec.registrations.prefix,
            "tree.",
            "tree.a.b",
        ),
        (
            MatchPolicy::Wildcard,
            spec.registrations.wildcard,
            "star..leaf",
            "star.any.leaf",
        ),
    ];
    for (match_policy, outcome, pattern, concrete) in patterns {
        let options = RegisterOptions {
            match_policy,
            ..RegisterOptions::default()
        };
        let registered = callee.register(&uri(pattern), options, echo()).await;
        let called = call(&caller, &uri(concrete), payload(vec![text(concrete)], &[])).await;
        let what = format!("{context}: {match_policy:?} registration of {pattern} called as {concrete}");
        match outcome {
            Outcome::Works => {
                assert!(registered.is_ok(), "{what}: {registered:?}");
                assert_eq!(called, Ok(payload(vec![text(concrete)], &[])), "{what}");
            }
            Outcome::AcceptedNeverRouted => {
                assert!(registered.is_ok(), "{what}: {registered:?}");
                assert_eq!(called, no_such_procedure(), "{what}: accepted, never routed");
            }
            Outcome::Refused => assert!(registered.is_err(), "{what}: {registered:?}"),
        }
    }

    let patterns = [
        (MatchPolicy::Exact, spec.subscriptions.exact, "news", "news"),
        (
            MatchPolicy::Prefix,
            spec.subscriptions.prefix,
            "feed.",
            "feed.sports.results",
        ),
        (
            MatchPolicy::Wildcard,
            spec.subscriptions.wildcard,
            "room..temperature",
            "room.kitchen.temperature",
        ),
    ];
    let mut never_routed = Vec::new();
    for (match_policy, outcome, pattern, concrete) in patterns {
        let what = format!("{context}: {match_policy:?} subscription to {pattern}, published to {concrete}");
        let (sink, mut events) = event_sink();
        let options = SubscribeOptions {
            match_policy,
            ..SubscribeOptions::default()
        };
        let subscribed = callee.subscribe(&uri(pattern), options, sink).await;
        if outcome == Outcome::Refused {
            assert!(subscribed.is_err(), "{what}: {subscribed:?}");
            continue;
        }
        assert!(subscribed.is_ok(), "{what}: {subscribed:?}");
        let acknowledged = PublishOptions {
            acknowledge: true,
            ..PublishOptions::default()
        };
        caller
            .publish(&uri(concrete), every_kind(), acknowledged)
            .await
            .unwrap_or_else(|error| panic!("{what}: publish: {error}"));
        if outcome == Outcome::Works {
            let event = tokio::time::timeout(EVENT_TIMEOUT, events.recv()).await;
            assert_eq!(
                event.ok().flatten().map(|event| event.payload),
                Some(every_kind()),
                "{what}"
            );
        } else {
            never_routed.push((what, events));
        }
    }
    tokio::time::sleep(QUIET).await;
    for (what, mut events) in never_routed {
        let event = events.try_recv().ok().map(|event| event.payload);
        assert_eq!(event, None, "{what}: accepted, never routed");
    }

    for client in [caller, callee] {
        client
            .close()
            .await
            .unwrap_or_else(|error| panic!("{context}: leaving: {error}\n{}", router.output()));
    }
}

fn shipments() -> [Shipment; 2] {
    [
        Shipment {
            id: 1 << 40,
            weight: -(1 << 33),
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
    ]
}

/// The generated stubs of the shop: its callee and subscriber, which register and subscribe
/// wildcard patterns (its URIs have placeholders), and its caller and publisher, against exact
/// registrations and subscriptions made through the Session API.
async fn check_stubs(
    spec: &RouterSpec,
    router: &RunningRouter,
    link: Link,
    serializer: Serializer,
    context: &str,
) {
    let callee = router.join(link, serializer).await;
    let caller_session = router.join(link, serializer).await;
    let node = format!("{}_{link:?}_{serializer}", spec.name)
        .to_lowercase()
        .replace('-', "_");
    let caller = i_shop::Caller::new(&caller_session, &node);
    let (delivered, mut deliveries) = mpsc::unbounded_channel();

    // Its URIs have a placeholder: the generated callee and subscriber use wildcard patterns.
    let registrations = i_shop::register(&callee, Arc::new(Shop)).await;
    let subscriptions = i_shop::subscribe(&callee, Arc::new(Shelves { delivered })).await;
    let accepted = |outcome: Outcome, count: usize| match outcome {
        Outcome::Refused => Err(()),
        Outcome::Works | Outcome::AcceptedNeverRouted => Ok(count),
    };
    assert_eq!(
        registrations
            .map(|registrations| registrations.len())
            .map_err(drop),
        accepted(spec.registrations.wildcard, SHOP_PROCEDURES),
        "{context}: the generated callee registers"
    );
    assert_eq!(
        subscriptions
            .map(|subscriptions| subscriptions.len())
            .map_err(drop),
        accepted(spec.subscriptions.wildcard, 1),
        "{context}: the generated subscriber subscribes"
    );
    let placed = caller
        .place(order(-3))
        .await
        .map_err(|error| error.uri().map_or_else(|| error.to_string(), str::to_owned));
    let expected = match spec.registrations.wildcard {
        Outcome::Works => Ok(Receipt {
            reference: format!("{node}/Ada Lövelace/-3"),
            order: order(-3),
        }),
        Outcome::AcceptedNeverRouted | Outcome::Refused => Err("wamp.error.no_such_procedure".to_owned()),
    };
    assert_eq!(placed, expected, "{context}: the generated callee");
    let change = StockChange {
        sku: "tea".to_owned(),
        delta: -12,
        tag: vec![0, 0xff],
    };
    assert_eq!(
        caller.publish_on_stock(7, change.clone()).await,
        Ok(()),
        "{context}: publish"
    );
    let event = tokio::time::timeout(
        match spec.subscriptions.wildcard {
            Outcome::Works => EVENT_TIMEOUT,
            Outcome::AcceptedNeverRouted | Outcome::Refused => QUIET,
        },
        deliveries.recv(),
    )
    .await
    .ok()
    .flatten();
    let expected = (spec.subscriptions.wildcard == Outcome::Works).then(|| Delivered::Stock {
        node: node.clone(),
        shelf: 7,
        change: change.clone(),
    });
    assert_eq!(
        event, expected,
        "{context}: the generated subscriber's wildcard subscription"
    );

    // The generated caller and publisher, against exact URIs.
    let shop_uri = |name: &str| format!("com.example.e2e.{node}.shop.{name}");
    callee
        .register(&shop_uri("ship"), RegisterOptions::default(), echo())
        .await
        .unwrap_or_else(|error| panic!("{context}: register ship: {error}"));
    for shipment in shipments() {
        assert_eq!(
            caller.ship(shipment.clone()).await,
            Ok(shipment),
            "{context}: the generated caller"
        );
    }
    callee
        .register(
            &shop_uri("search"),
            RegisterOptions::default(),
            handler(|invocation| {
                Ok(payload(
                    vec![Value::List(invocation.payload.args().to_list())],
                    &[],
                ))
            }),
        )
        .await
        .unwrap_or_else(|error| panic!("{context}: register search: {error}"));
    let searched = caller
        .search(Search {
            text: "tea".to_owned(),
            ..Search::default()
        })
        .await
        .map_err(|error| match error.into_kind() {
            ErrorKind::Payload(error) => Ok(error.message),
            other => Err(other),
        });
    // Spread, the answer's one list is its first arg, a string.
    let expected = match spec.single_list_arg {
        SingleListArg::Kept => Ok(vec!["tea".to_owned()]),
        SingleListArg::Spread => Err(Ok("expected list, got string".to_owned())),
    };
    assert_eq!(
        searched, expected,
        "{context}: the generated caller reads one positional list"
    );

    let (sink, mut events) = event_sink();
    callee
        .subscribe(&shop_uri("shelf.7.stock"), SubscribeOptions::default(), sink)
        .await
        .unwrap_or_else(|error| panic!("{context}: subscribe: {error}"));
    assert_eq!(
        caller.publish_on_stock(7, change.clone()).await,
        Ok(()),
        "{context}: publish"
    );
    let event = tokio::time::timeout(EVENT_TIMEOUT, events.recv())
        .await
        .ok()
        .flatten();
    assert_eq!(
        event.map(|event| StockChange::from_payload(&event.payload)),
        Some(Ok(change)),
        "{context}: the generated publisher"
    );

    for client in [caller_session, callee] {
        client
            .close()
            .await
            .unwrap_or_else(|error| panic!("{context}: leaving: {error}\n{}", router.output()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xconn() {
    check(&XCONN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fox_wamp() {
    check(&FOX_WAMP).await;
}

/// The row of docs/compatibility.md's table of other routers for one join of `spec`.
fn table_row(spec: &RouterSpec, link: Link, serializer: Serializer, joins: Outcome) -> String {
    let test = format!("`interop_routers::{}`", spec.name.replace('-', "_"));
    let router = format!("{} ({})", spec.name, spec.package);
    if joins != Outcome::Works {
        let cells = [
            router,
            link.describe().to_owned(),
            serializer.to_string(),
            joins.describe().to_owned(),
        ];
        return format!("| {} | — | — | — | — | {test} |", cells.join(" | "));
    }
    let patterns = |patterns: Patterns| {
        [patterns.exact, patterns.prefix, patterns.wildcard]
            .map(Outcome::describe)
            .join(", ")
    };
    let stubs = match (spec.registrations.wildcard, spec.subscriptions.wildcard) {
        (callee, subscriber) if callee == subscriber => callee.describe().to_owned(),
        (callee, subscriber) => format!(
            "callee {}, subscriber {}",
            callee.describe(),
            subscriber.describe()
        ),
    };
    let caller = match spec.single_list_arg {
        SingleListArg::Kept => "yes",
        SingleListArg::Spread => "yes, but for answers of one positional list (below)",
    };
    let cells = [
        router,
        link.describe().to_owned(),
        serializer.to_string(),
        joins.describe().to_owned(),
        patterns(spec.registrations),
        patterns(spec.subscriptions),
        stubs,
        caller.to_owned(),
        test,
    ];
    format!("| {} |", cells.join(" | "))
}

/// What docs/compatibility.md says of one router besides its rows.
fn router_notes(spec: &RouterSpec) -> Vec<String> {
    let mut notes: Vec<String> = spec.notes.iter().map(|note| (*note).to_owned()).collect();
    if spec.registrations == EXACT_ONLY && spec.subscriptions == EXACT_ONLY {
        notes.push(
            "matches URIs exactly and ignores the `match` option: prefix and wildcard registrations \
             and subscriptions are acknowledged, then never routed"
                .to_owned(),
        );
    }
    if let CalleeErrors::Replaced(uri) = spec.callee_errors {
        notes.push(format!(
            "a callee's error reaches the caller as `{uri}`, whose only arg is the callee's error URI: \
             the error's own args and kwargs are lost"
        ));
    }
    if spec.single_list_arg == SingleListArg::Spread {
        notes.push(
            "a call or result whose only positional arg is a list arrives with the list's items as its \
             args: a generated caller of a procedure that answers one list (the shop's `search`) gets \
             a payload error"
                .to_owned(),
        );
    }
    notes.push(
        match spec.progressive_calls {
            ProgressiveCalls::FinalCallApart => {
                "progressive call invocations: the CALLs with `progress: true` reach one invocation, but \
                 the final CALL becomes an invocation of its own (`wampproto` 0.4.0's dealer gives a CALL \
                 without `progress` a new invocation id), so the items never end and the caller gets the \
                 other invocation's answer: procedures with `stream: \"in\"` cannot be used through it"
            }
            ProgressiveCalls::EachCallApart => {
                "progressive call invocations are not routed: `progress` on a CALL is ignored and every \
                 CALL is a call of its own, so procedures with `stream: \"in\"` cannot be used through it"
            }
        }
        .to_owned(),
    );
    if spec.large_integers == LargeIntegers::Rounded {
        notes.push(
            "integers beyond 2^53 in magnitude arrive rounded to the nearest float64, as JavaScript's \
             `JSON.parse` reads them: 2^53 + 1 arrives as 2^53"
                .to_owned(),
        );
    }
    notes
}

/// docs/compatibility.md's table of other routers and its notes, as [`ROUTERS`] say.
fn routers_table() -> String {
    let mut lines = vec![
        "| router | transport | serializer | joins | registrations (exact, prefix, wildcard) | \
         subscriptions (exact, prefix, wildcard) | generated callee and subscriber | \
         generated caller and publisher | tests |"
            .to_owned(),
        "|---|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for spec in ROUTERS {
        for &(link, serializer, joins) in spec.joins {
            lines.push(table_row(spec, link, serializer, joins));
        }
    }
    for spec in ROUTERS {
        lines.push(String::new());
        lines.push(format!("{} ({}):", spec.name, spec.package));
        lines.extend(router_notes(spec).iter().map(|note| format!("- {note}")));
    }
    lines.join("\n") + "\n"
}

const TABLE_START: &str =
    "<!-- generated by interop_routers::compatibility_table_is_current (UPDATE_GOLDEN=1 rewrites it) -->\n";
const TABLE_END: &str = "<!-- end of the generated table -->\n";

/// The tests a document names as `file::test`, each with its line.
fn named_tests(document: &str) -> Vec<(usize, &str, &str)> {
    let mut named = Vec::new();
    for (number, line) in document.lines().enumerate() {
        for quoted in line.split('`').skip(1).step_by(2) {
            if let Some((file, test)) = quoted.split_once("::")
                && [file, test].iter().all(|part| {
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                })
            {
                named.push((number + 1, file, test));
            }
        }
    }
    named
}

/// The compatibility table's rows of other routers are what [`ROUTERS`] say, and every test a
/// row names exists; every row of the hand-written tables names one.
#[test]
fn compatibility_table_is_current() {
    let path = support::repo_root().join("docs/compatibility.md");
    let document =
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let (before, rest) = document
        .split_once(TABLE_START)
        .unwrap_or_else(|| panic!("{} lacks the line {TABLE_START:?}", path.display()));
    let (table, after) = rest
        .split_once(TABLE_END)
        .unwrap_or_else(|| panic!("{} lacks the line {TABLE_END:?}", path.display()));
    let expected = routers_table();
    if table != expected {
        if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
            let updated = format!("{before}{TABLE_START}{expected}{TABLE_END}{after}");
            std::fs::write(&path, updated).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        } else {
            panic!(
                "{}'s table of other routers differs from what interop_routers.rs asserts; \
                 rerun with UPDATE_GOLDEN=1 to rewrite it.\n--- expected ---\n{expected}--- found ---\n{table}",
                path.display()
            );
        }
    }

    for (number, line) in document.lines().enumerate() {
        let row = line.starts_with('|')
            && !line.starts_with("|---")
            && !line.starts_with("| peer |")
            && !line.starts_with("| router |");
        assert!(
            !row || !named_tests(line).is_empty(),
            "{}:{}: the row names no test: {line}",
            path.display(),
            number + 1
        );
    }
    for (number, file, test) in named_tests(&document) {
        let source_path = support::repo_root()
            .join("runtime/tests/it")
            .join(format!("{file}.rs"));
        let source = std::fs::read_to_string(&source_path).unwrap_or_default();
        assert!(
            source.contains(&format!("fn {test}()")),
            "{}:{number}: names the test `{file}::{test}`, but {} has no `fn {test}()`",
            path.display(),
            source_path.display()
        );
    }
}
