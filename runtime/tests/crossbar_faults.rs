//! Faults injected into a real Crossbar.io router while Rust services use it: the router
//! killed (SIGKILL) with calls in flight and restarted on the same port, a connection cut in
//! the middle of a frame, a connection gone silent without closing (half-open). After each,
//! the clients join again by themselves, with their default configuration, and restore their
//! registrations and subscriptions; nothing in flight hangs.
//!
//! The tests share one router of their own, which they kill and restart, so they take turns;
//! the flood test, the longest, has a second router, so it runs beside them.
//! `WAMP_IDL_FAULT_RESTARTS=N` sets how many times the restart test kills the router (2 by
//! default); it prints the recovery times (router listening again -> first successful call).

use wamp_idl_test_support::router as support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, MutexGuard, mpsc, watch};
use wamp_idl_runtime::client::{Client, ClientConfig, SessionState, WhileDown};
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{
    CallOptions, ErrorKind, EventHandler, InvocationHandler, Payload, PublishOptions, RegisterOptions,
    SessionBackend, SubscribeOptions, Value,
};

use support::{REALM, RestartableRouter, Transport};

/// How long the calls of these tests may take, and how long a client may take to come back.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
const RECOVERY_LIMIT: Duration = Duration::from_secs(30);

/// The router of this binary, which one test at a time may kill and restart.
async fn router_turn(test: &str) -> Option<MutexGuard<'static, RestartableRouter>> {
    static ROUTER: OnceLock<Option<Mutex<RestartableRouter>>> = OnceLock::new();
    let router = ROUTER.get_or_init(|| RestartableRouter::start(test).map(Mutex::new));
    Some(router.as_ref()?.lock().await)
}

/// Runs blocking router control (kill, restart) without stalling the runtime's other tasks.
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(work)
}

async fn join(config: ClientConfig, who: &str) -> Client {
    config
        .connect()
        .await
        .unwrap_or_else(|error| panic!("{who} cannot join: {error}"))
}

/// Registers `com.faults.echo` (answers its args) and `com.faults.slow` (counts its
/// invocations, then waits long), through the client's `Session` methods, as stubs do.
async fn serve(callee: &Client, slow_started: Arc<AtomicUsize>) {
    let echo: InvocationHandler = Arc::new(|invocation| {
        Box::pin(async move {
            let args = invocation.payload.args().to_list();
            Ok(Payload::new(args, Default::default()))
        })
    });
    let slow: InvocationHandler = Arc::new(move |_| {
        let slow_started = Arc::clone(&slow_started);
        Box::pin(async move {
            slow_started.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(Payload::default())
        })
    });
    for (procedure, handler) in [("com.faults.echo", echo), ("com.faults.slow", slow)] {
        callee
            .register(procedure, RegisterOptions::default(), handler)
            .await
            .unwrap_or_else(|error| panic!("registering {procedure}: {error}"));
    }
}

async fn echo(caller: &Client, value: i64) -> Result<Value, wamp_idl_runtime::Error> {
    let payload = Payload::new(vec![Value::Integer(value.into())], Default::default());
    let result = caller
        .call("com.faults.echo", payload, CallOptions::default())
        .await?;
    Ok(result
        .payload
        .args()
        .to_list()
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}

/// Calls `com.faults.echo` until it answers, and returns how long that took.
async fn first_successful_call(caller: &Client, context: &str) -> Duration {
    let started = Instant::now();
    loop {
        match echo(caller, 7).await {
            Ok(Value::Integer(7)) => return started.elapsed(),
            Ok(other) => panic!("{context}: echo answered {other:?}"),
            Err(error) => {
                assert!(
                    started.elapsed() < RECOVERY_LIMIT,
                    "{context}: no successful call within {RECOVERY_LIMIT:?}; the last failed with: {error}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// Waits until a client's state satisfies `wanted`; fails the test after [`RECOVERY_LIMIT`].
async fn wait_for_state(
    client: &Client,
    context: &str,
    wanted: impl Fn(&SessionState) -> bool,
) -> SessionState {
    let mut state = client.state();
    let reached = tokio::time::timeout(RECOVERY_LIMIT, state.wait_for(|state| wanted(state)))
        .await
        .map(|reached| reached.map(|state| state.clone()));
    match reached {
        Ok(Ok(state)) => state,
        Ok(Err(_)) => panic!("{context}: the client is gone"),
        Err(_) => panic!(
            "{context}: still {:?} after {RECOVERY_LIMIT:?}",
            *client.state().borrow()
        ),
    }
}

fn is_up(state: &SessionState) -> bool {
    matches!(state, SessionState::Up { .. })
}

fn is_down(state: &SessionState) -> bool {
    matches!(state, SessionState::Down { .. } | SessionState::Connecting { .. })
}

/// Subscribes to `com.faults.tick`; the events' first args arrive on the returned queue.
async fn listen(subscriber: &Client) -> mpsc::UnboundedReceiver<Value> {
    let (ticks, received) = mpsc::unbounded_channel();
    let handler: EventHandler = Arc::new(move |event| {
        let first = event.payload.args().to_list().into_iter().next();
        // The test holds the receiver while it waits for ticks.
        let _ = ticks.send(first.unwrap_or(Value::Null));
        Box::pin(async {})
    });
    subscriber
        .subscribe("com.faults.tick", SubscribeOptions::default(), handler)
        .await
        .unwrap_or_else(|error| panic!("subscribing: {error}"));
    received
}

/// Publishes ticks until one arrives (a publication the router took before the subscriber
/// was back is lost, as WAMP says), and checks it is the one just published.
async fn tick_arrives(publisher: &Client, ticks: &mut mpsc::UnboundedReceiver<Value>, context: &str) {
    let started = Instant::now();
    for tick in 1_i64.. {
        let payload = Payload::new(vec![Value::Integer(tick.into())], Default::default());
        let options = PublishOptions {
            acknowledge: true,
            exclude_me: Some(false),
            ..PublishOptions::default()
        };
        if let Err(error) = publisher.publish("com.faults.tick", payload, options).await {
            panic!("{context}: publishing tick {tick}: {error}");
        }
        if let Ok(Some(received)) = tokio::time::timeout(Duration::from_millis(500), ticks.recv()).await {
            assert_eq!(
                received,
                Value::Integer(tick.into()),
                "{context}: the tick received"
            );
            return;
        }
        assert!(
            started.elapsed() < RECOVERY_LIMIT,
            "{context}: no tick reached the subscriber within {RECOVERY_LIMIT:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_survives_its_router_killed_and_restarted_with_calls_in_flight() {
    let Some(mut router) = router_turn("a_service_survives_its_router_killed_and_restarted").await else {
        return;
    };
    let restarts: usize = std::env::var("WAMP_IDL_FAULT_RESTARTS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(2);
    let url = router.router.url(Transport::WebSocket);
    // The service under test: the default configuration, nothing added for reconnecting.
    let callee = join(
        ClientConfig::new(&url, REALM).serializer(Serializer::MsgPack),
        "the callee",
    )
    .await;
    let slow_started = Arc::new(AtomicUsize::new(0));
    serve(&callee, Arc::clone(&slow_started)).await;
    // The subscriber authenticates (WAMP-Ticket): it must again after each restart.
    let ticket_url = format!("ws://127.0.0.1:{}/ws", router.router.ports.ticket);
    let subscriber_config = ClientConfig::new(&ticket_url, REALM)
        .serializer(Serializer::Cbor)
        .credentials(support::ticket_credentials(support::TICKET));
    let subscriber = join(subscriber_config, "the subscriber").await;
    let mut ticks = listen(&subscriber).await;
    let caller_config = ClientConfig::new(&url, REALM).call_timeout(Some(CALL_TIMEOUT));
    let caller = join(caller_config.clone(), "the caller").await;
    let impatient = join(caller_config.while_down(WhileDown::Fail), "the impatient caller").await;
    assert_eq!(echo(&caller, 1).await, Ok(Value::Integer(1)), "before any fault");

    let mut recoveries = Vec::new();
    for round in 1..=restarts {
        let context = format!("restart {round}");
        // 32 calls in flight from 4 tasks when the router dies.
        slow_started.store(0, Ordering::SeqCst);
        let in_flight: Vec<_> = (0..4)
            .map(|_| {
                let caller = caller.clone();
                tokio::spawn(async move {
                    let calls = (0..8)
                        .map(|_| caller.call("com.faults.slow", Payload::default(), CallOptions::default()));
                    futures_util::future::join_all(calls).await
                })
            })
            .collect();
        let all_started = tokio::time::timeout(CALL_TIMEOUT, async {
            while slow_started.load(Ordering::SeqCst) < 32 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        assert!(
            all_started.await.is_ok(),
            "{context}: the 32 calls did not all reach the callee"
        );
        let session_before = callee.session_id();
        blocking(|| router.kill());
        let killed = Instant::now();
        for task in in_flight {
            let outcomes = tokio::time::timeout(CALL_TIMEOUT, task)
                .await
                .unwrap_or_else(|_| panic!("{context}: a call in flight hung past its timeout"))
                .unwrap_or_else(|error| panic!("{context}: a calling task failed: {error}"));
            for outcome in outcomes {
                let kind = outcome.as_ref().map_err(|error| error.kind().clone());
                assert!(
                    matches!(kind, Err(ErrorKind::Transport(_))),
                    "{context}: a call in flight at the router's death: {outcome:?}"
                );
            }
        }
        let ended_after = killed.elapsed();
        assert!(
            ended_after < Duration::from_secs(2),
            "{context}: the calls in flight took {ended_after:?} to fail"
        );

        // While the router is down: an impatient caller fails at once, a patient one waits.
        wait_for_state(&impatient, &context, is_down).await;
        let started = Instant::now();
        let refused = echo(&impatient, 2).await;
        assert!(
            matches!(
                refused.as_ref().map_err(|error| error.kind()),
                Err(ErrorKind::Transport(_))
            ),
            "{context}: an impatient call while down: {refused:?}"
        );
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{context}: the impatient call waited"
        );
        wait_for_state(&caller, &context, is_down).await;
        let patient = tokio::spawn({
            let caller = caller.clone();
            async move {
                let payload = Payload::new(vec![Value::Integer(3)], Default::default());
                // Long enough to wait out the router's restart.
                let options = CallOptions {
                    timeout: Some(RECOVERY_LIMIT * 2),
                    ..CallOptions::default()
                };
                caller.call("com.faults.echo", payload, options).await
            }
        });

        blocking(|| router.restart());
        let listening = Instant::now();
        recoveries.push(first_successful_call(&caller, &context).await);
        for (client, who) in [
            (&callee, "callee"),
            (&subscriber, "subscriber"),
            (&caller, "caller"),
            (&impatient, "impatient caller"),
        ] {
            let state = wait_for_state(client, &format!("{context}: the {who}"), is_up).await;
            assert!(
                matches!(state, SessionState::Up { session_id } if session_id != 0),
                "{state:?}"
            );
        }
        assert_ne!(
            callee.session_id(),
            session_before,
            "{context}: the callee's session is a new one"
        );
        assert!(!callee.is_closed(), "{context}: the callee is not closed");
        // The patient call either met the callee back (it waited for the caller's session) or
        // came before the callee's registration did.
        let patient = tokio::time::timeout(CALL_TIMEOUT, patient)
            .await
            .unwrap_or_else(|_| panic!("{context}: the patient call hung"))
            .unwrap_or_else(|error| panic!("{context}: the patient task failed: {error}"));
        match patient {
            Ok(result) => assert_eq!(result.payload.args().to_list(), vec![Value::Integer(3)]),
            Err(error) => assert_eq!(
                error.uri(),
                Some("wamp.error.no_such_procedure"),
                "{context}: the patient call: {error}"
            ),
        }
        tick_arrives(&caller, &mut ticks, &context).await;
        assert_eq!(
            echo(&impatient, 4).await,
            Ok(Value::Integer(4)),
            "{context}: the impatient caller is back"
        );
        eprintln!(
            "{context}: router listening again -> first successful call: {:?} (router down for {:?})",
            recoveries[round - 1],
            listening.duration_since(killed)
        );
    }
    recoveries.sort();
    if let (Some(median), Some(max)) = (
        recoveries.get(recoveries.len().saturating_sub(1) / 2),
        recoveries.last(),
    ) {
        eprintln!("recovery over {restarts} restarts: p50 {median:?}, max {max:?}");
    }
    assert_eq!(
        subscriber.authid().as_deref(),
        Some("joe"),
        "the subscriber authenticated again"
    );
    for client in [callee, subscriber, caller, impatient] {
        client
            .close()
            .await
            .unwrap_or_else(|error| panic!("closing: {error}"));
        assert!(matches!(*client.state().borrow(), SessionState::Closed { .. }));
        // Final: nothing joins again, and nothing more is sent.
        let after = echo(&client, 5).await;
        assert!(
            matches!(
                after.as_ref().map_err(|error| error.kind()),
                Err(ErrorKind::SessionClosed(_))
            ),
            "a call after close: {after:?}"
        );
    }
}

/// What the proxy between the clients and the router does to the next bytes it sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Passes everything on.
    None,
    /// Passes on part of the next bytes from the router, then closes both connections.
    CutMidFrame,
    /// Passes nothing on, in either direction, and closes nothing (a half-open connection);
    /// back to [`Fault::None`], it closes the connections it froze.
    Freeze,
}

/// A TCP proxy on loopback in front of the router, which injects [`Fault`]s.
struct FaultProxy {
    port: u16,
    fault: watch::Sender<Fault>,
}

impl FaultProxy {
    async fn start(upstream_port: u16) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|error| panic!("binding the proxy: {error}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|error| panic!("the proxy's port: {error}"))
            .port();
        let fault = watch::Sender::new(Fault::None);
        let faults = fault.subscribe();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(router) = TcpStream::connect(("127.0.0.1", upstream_port)).await else {
                    continue;
                };
                tokio::spawn(relay(client, router, faults.clone()));
            }
        });
        FaultProxy { port, fault }
    }

    fn inject(&self, fault: Fault) {
        self.fault.send_replace(fault);
    }
}

/// Relays one connection both ways, applying the faults as they come.
async fn relay(client: TcpStream, router: TcpStream, mut faults: watch::Receiver<Fault>) {
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_router, mut to_router) = router.into_split();
    let mut from_client_buffer = vec![0; 64 * 1024];
    let mut from_router_buffer = vec![0; 64 * 1024];
    loop {
        if *faults.borrow_and_update() == Fault::Freeze {
            // Frozen until the fault is lifted; then the connections close, as a router that
            // noticed the dead peer at last would close its end.
            let _ = faults.wait_for(|fault| *fault != Fault::Freeze).await;
            return;
        }
        tokio::select! {
            read = from_client.read(&mut from_client_buffer) => match read {
                Ok(0) | Err(_) => return,
                Ok(count) => if to_router.write_all(&from_client_buffer[..count]).await.is_err() { return },
            },
            read = from_router.read(&mut from_router_buffer) => match read {
                Ok(0) | Err(_) => return,
                Ok(count) if *faults.borrow() == Fault::CutMidFrame && count > 1 => {
                    let _ = to_client.write_all(&from_router_buffer[..count / 2]).await;
                    return;
                }
                Ok(count) => if to_client.write_all(&from_router_buffer[..count]).await.is_err() { return },
            },
            _ = faults.changed() => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_cut_mid_frame_or_gone_silent_is_noticed_and_joined_again() {
    let Some(router) = router_turn("a_connection_cut_mid_frame_or_gone_silent").await else {
        return;
    };
    let proxy = FaultProxy::start(router.router.ports.websocket).await;
    let url = format!("ws://127.0.0.1:{}/ws", proxy.port);
    let keepalive = Duration::from_millis(500);
    let callee_config = ClientConfig::new(&url, REALM).keepalive(Some(keepalive));
    let callee = join(callee_config, "the callee").await;
    serve(&callee, Arc::new(AtomicUsize::new(0))).await;
    // The caller joins the router directly: the faults are the callee's.
    let direct = router.router.url(Transport::WebSocket);
    let caller = join(
        ClientConfig::new(&direct, REALM).call_timeout(Some(CALL_TIMEOUT)),
        "the caller",
    )
    .await;
    assert_eq!(echo(&caller, 1).await, Ok(Value::Integer(1)), "through the proxy");

    // Cut in the middle of a frame: the callee's next message from the router, an
    // INVOCATION, arrives cut in half, and the connection closes.
    proxy.inject(Fault::CutMidFrame);
    let cut = echo(&caller, 2).await;
    assert!(cut.is_err(), "a call whose invocation was cut in half: {cut:?}");
    let down = wait_for_state(&callee, "after the cut", is_down).await;
    proxy.inject(Fault::None);
    if let SessionState::Down { reason, .. } = &down {
        assert!(
            reason.to_string().contains("in the middle of a frame"),
            "why the callee's session was lost: {reason}"
        );
    }
    wait_for_state(&callee, "after the cut", is_up).await;
    first_successful_call(&caller, "after the cut").await;

    // Half-open: the proxy passes nothing and closes nothing; the keepalive notices.
    proxy.inject(Fault::Freeze);
    let frozen = Instant::now();
    let down = wait_for_state(&callee, "half-open", |state| {
        matches!(state, SessionState::Down { .. })
    })
    .await;
    let noticed = frozen.elapsed();
    assert!(
        noticed <= keepalive * 3,
        "the half-open connection was noticed after {noticed:?}, keepalive {keepalive:?}"
    );
    if let SessionState::Down { reason, .. } = &down {
        assert!(
            reason.to_string().contains("silent"),
            "why the callee's session was lost: {reason}"
        );
    }
    // The router learns of the dead connection (here: the proxy closes it), and lets the callee
    // register again; until then it still holds the lost session's registrations.
    proxy.inject(Fault::None);
    wait_for_state(&callee, "after half-open", is_up).await;
    first_successful_call(&caller, "after half-open").await;
    callee
        .close()
        .await
        .unwrap_or_else(|error| panic!("closing: {error}"));
    caller
        .close()
        .await
        .unwrap_or_else(|error| panic!("closing: {error}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_fails_over_to_the_next_router_url() {
    let Some(router) = router_turn("a_client_fails_over_to_the_next_router_url").await else {
        return;
    };
    // Nothing listens on the first URL: a port just bound and released.
    let unused = TcpListener::bind("127.0.0.1:0")
        .await
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|error| panic!("finding a free port: {error}"))
        .port();
    let config = ClientConfig::new(format!("ws://127.0.0.1:{unused}/ws"), REALM)
        .fallback_url(router.router.url(Transport::RawSocket));
    let client = join(config, "the client with a fallback").await;
    assert!(is_up(&client.state().borrow()), "{:?}", *client.state().borrow());

    let nowhere = ClientConfig::new(format!("ws://127.0.0.1:{unused}/ws"), REALM)
        .fallback_url(format!("rs://127.0.0.1:{unused}"))
        .connect()
        .await
        .map(|client| client.session_id())
        .map_err(|error| error.to_string());
    let Err(error) = nowhere else {
        panic!("joined nowhere: {nowhere:?}");
    };
    assert!(
        error.starts_with("transport error: no router could be joined: ws://127.0.0.1:")
            && error.contains(&format!("; rs://127.0.0.1:{unused}: ")),
        "{error}"
    );
    client
        .close()
        .await
        .unwrap_or_else(|error| panic!("closing: {error}"));
}

/// The resident memory of this process, in KiB.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_else(|error| panic!("reading /proc/self/status: {error}"));
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in /proc/self/status"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooded_slow_subscriber_keeps_its_memory_bounded_and_its_events_in_order() {
    // A node of its own, not the one the other tests kill: the flood runs beside them.
    let Some(router) = support::router("a_flooded_slow_subscriber_keeps_its_memory_bounded") else {
        return;
    };
    let seconds: u64 = std::env::var("WAMP_IDL_FLOOD_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(60);
    let url = router.url(Transport::WebSocket);
    let subscriber = join(
        ClientConfig::new(&url, REALM)
            .serializer(Serializer::MsgPack)
            .max_in_flight(64),
        "the subscriber",
    )
    .await;
    // Takes a millisecond or more per event: far slower than the router sends them.
    let (sequence, mut received) = mpsc::unbounded_channel();
    let handler: EventHandler = Arc::new(move |event| {
        let sequence = sequence.clone();
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            let first = event.payload.args().to_list().into_iter().next();
            // The test drains the receiver until it stops listening.
            let _ = sequence.send(first);
        })
    });
    subscriber
        .subscribe("com.faults.flood", SubscribeOptions::default(), handler)
        .await
        .unwrap_or_else(|error| panic!("subscribing: {error}"));

    let python = support::python().unwrap_or_else(|problem| panic!("{problem}"));
    let script = support::peer_script("flood_publisher.py");
    let publisher = tokio::process::Command::new(&python)
        .arg(&script)
        .args([
            router.url(Transport::RawSocket).as_str(),
            REALM,
            "msgpack",
            "com.faults.flood",
            &seconds.to_string(),
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", script.display()));
    let mut finished = Box::pin(publisher.wait_with_output());

    // The first second's growth is the runtime warming up, not the flood.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let baseline = resident_kib();
    let mut peak = baseline;
    let mut next = 0_i128;
    let mut samples = tokio::time::interval(Duration::from_millis(250));
    let output = loop {
        tokio::select! {
            output = &mut finished => break output,
            Some(first) = received.recv() => {
                assert_eq!(first, Some(Value::Integer(next)), "the events in order, none missing");
                next += 1;
            }
            _ = samples.tick() => peak = peak.max(resident_kib()),
        }
    };
    let output = output.unwrap_or_else(|error| panic!("the publisher: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the publisher failed ({}): {stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let published: i128 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("published "))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("the publisher did not say how many it published: {stdout}"));
    let growth_mib = (peak - baseline) / 1024;
    eprintln!(
        "flood for {seconds} s: {published} published, {next} handled in order; resident memory grew by {growth_mib} MiB"
    );
    assert!(
        next > 0 && next < published,
        "{next} of {published} handled: no flood to speak of"
    );
    // Unbounded, the queue would hold every event the router sent: tens of thousands a second.
    assert!(
        growth_mib < 32,
        "resident memory grew by {growth_mib} MiB under the flood"
    );
    subscriber
        .close()
        .await
        .unwrap_or_else(|error| panic!("closing under the flood: {error}"));
}
