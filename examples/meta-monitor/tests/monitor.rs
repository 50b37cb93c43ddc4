//! The `meta-monitor` binary against a real Crossbar.io router: it shows what the realm holds,
//! reports a second client's join, registration, subscription and leave as they happen, and
//! stops cleanly on Ctrl-C (SIGINT); bad options and unreachable routers get clear errors.

use wamp_idl_test_support::router as support;

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process};
use tokio::io::{AsyncBufReadExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{
    Dict, EventHandler, InvocationHandler, MatchPolicy, RegisterOptions, SubscribeOptions,
};

use support::Transport;

const WAIT: Duration = Duration::from_secs(15);

/// The monitor shows the whole realm, and the tests of this binary share one router: they
/// take turns so that each sees only its own sessions.
static ROUTER_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The monitor, running, with the lines it has printed.
struct Monitor {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    /// Every line printed so far.
    seen: Vec<String>,
    /// The printed lines no [`Monitor::expect`] has found yet.
    unclaimed: Vec<String>,
}

impl Monitor {
    fn start(arguments: &[&str]) -> Monitor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_meta-monitor"))
            .args(arguments)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start meta-monitor: {error}"));
        let Some(stdout) = child.stdout.take() else {
            panic!("meta-monitor has no stdout pipe");
        };
        Monitor {
            child,
            stdout: BufReader::new(stdout).lines(),
            seen: Vec::new(),
            unclaimed: Vec::new(),
        }
    }

    /// Finds a printed line, received or to come, that contains every part of `parts` and
    /// was not found before; fails after [`WAIT`]. Events of different topics may come in
    /// any order, so the search is not bound to the order of the lines.
    async fn expect(&mut self, parts: &[&str]) -> String {
        let wanted = |line: &str| parts.iter().all(|part| line.contains(part));
        let reading = async {
            loop {
                if let Some(position) = self.unclaimed.iter().position(|line| wanted(line)) {
                    return Some(self.unclaimed.remove(position));
                }
                match self.stdout.next_line().await {
                    Ok(Some(line)) => {
                        self.seen.push(line.clone());
                        self.unclaimed.push(line);
                    }
                    Ok(None) | Err(_) => return None,
                }
            }
        };
        match tokio::time::timeout(WAIT, reading).await {
            Ok(Some(line)) => line,
            Ok(None) => panic!(
                "meta-monitor ended before printing {parts:?}; it printed:\n{}",
                self.seen.join("\n")
            ),
            Err(_) => panic!(
                "meta-monitor did not print {parts:?} within {WAIT:?}; it printed:\n{}",
                self.seen.join("\n")
            ),
        }
    }

    /// Sends SIGINT, as Ctrl-C does, and asserts that the monitor leaves and exits with success.
    async fn interrupt(mut self) {
        let pid = self
            .child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .and_then(Pid::from_raw)
            .unwrap_or_else(|| panic!("meta-monitor has no process id"));
        kill_process(pid, Signal::INT).unwrap_or_else(|error| panic!("cannot send SIGINT: {error}"));
        self.expect(&["left realm realm1"]).await;
        match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(Ok(status)) => assert!(status.success(), "meta-monitor exited with {status} after SIGINT"),
            Ok(Err(error)) => panic!("cannot wait for meta-monitor: {error}"),
            Err(_) => panic!("meta-monitor did not exit within {WAIT:?} after SIGINT"),
        }
    }
}

fn echo() -> InvocationHandler {
    Arc::new(|invocation| Box::pin(async move { Ok(invocation.payload) }))
}

fn ignore_events() -> EventHandler {
    Arc::new(|_| Box::pin(async {}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_shows_the_realm_and_follows_a_second_client() {
    let Some(router) = support::router("monitor_shows_the_realm_and_follows_a_second_client") else {
        return;
    };
    let _turn = ROUTER_TURN.lock().await;
    let resident = router.join(Transport::WebSocket, Serializer::Json).await;
    let registration = resident
        .session()
        .register_handler("monitor.resident.proc", RegisterOptions::default(), echo())
        .await
        .unwrap_or_else(|error| panic!("register: {error}"));
    let wildcard = SubscribeOptions {
        match_policy: MatchPolicy::Wildcard,
        extra: Dict::new(),
    };
    let subscription = resident
        .session()
        .subscribe_handler("monitor..topic", wildcard, ignore_events())
        .await
        .unwrap_or_else(|error| panic!("subscribe: {error}"));

    let url = router.url(Transport::RawSocket);
    let mut monitor = Monitor::start(&["--url", &url, "--realm", support::REALM, "--serializer", "cbor"]);
    monitor.expect(&["joined realm realm1 at", &url]).await;
    monitor.expect(&["sessions (2):"]).await;
    let resident_id = resident.session_id().to_string();
    monitor
        .expect(&[
            "  session ",
            &resident_id,
            "authrole=anonymous",
            "channel_framing=websocket",
        ])
        .await;
    monitor.expect(&["registrations (1):"]).await;
    let callees = format!("callees=[{resident_id}]");
    let registration_id = router_id(resident.router_registration_id(&registration));
    monitor
        .expect(&[
            "  registration ",
            &registration_id,
            "monitor.resident.proc match=exact invoke=single",
            &callees,
        ])
        .await;
    // The realm-wide list of Crossbar leaves out wildcard subscriptions: the monitor finds them
    // through the sessions' lists.
    monitor.expect(&["subscriptions (1):"]).await;
    let subscribers = format!("subscribers=[{resident_id}]");
    let subscription_id = router_id(resident.router_subscription_id(&subscription));
    monitor
        .expect(&[
            "  subscription ",
            &subscription_id,
            "monitor..topic match=wildcard",
            &subscribers,
        ])
        .await;
    monitor.expect(&["watching realm realm1"]).await;

    let visitor = router.join(Transport::RawSocket, Serializer::MsgPack).await;
    let visitor_id = visitor.session_id().to_string();
    let by_visitor = format!("by session {visitor_id}");
    monitor
        .expect(&[
            "join ",
            &visitor_id,
            "authrole=anonymous",
            "serializer=msgpack",
            "channel_framing=rawsocket",
        ])
        .await;
    let procedure = visitor
        .session()
        .register_handler("monitor.visitor.proc", RegisterOptions::default(), echo())
        .await
        .unwrap_or_else(|error| panic!("register: {error}"));
    let procedure_id = router_id(visitor.router_registration_id(&procedure));
    monitor
        .expect(&[
            "create ",
            &procedure_id,
            "monitor.visitor.proc match=exact",
            &by_visitor,
        ])
        .await;
    monitor.expect(&["register ", &procedure_id, &by_visitor]).await;
    visitor
        .session()
        .subscribe_handler(
            "monitor..topic",
            SubscribeOptions {
                match_policy: MatchPolicy::Wildcard,
                extra: Dict::new(),
            },
            ignore_events(),
        )
        .await
        .unwrap_or_else(|error| panic!("subscribe: {error}"));
    monitor
        .expect(&["subscribe ", &subscription_id, &by_visitor])
        .await;
    visitor
        .close()
        .await
        .unwrap_or_else(|error| panic!("the visitor leaves: {error}"));
    monitor.expect(&["leave ", &visitor_id]).await;
    monitor.expect(&["delete ", "registration", &procedure_id]).await;
    monitor
        .expect(&["unsubscribe ", &subscription_id, "by the router"])
        .await;

    monitor.interrupt().await;
    resident
        .close()
        .await
        .unwrap_or_else(|error| panic!("the resident leaves: {error}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_authenticates_with_ticket_wampcra_and_cryptosign() {
    let Some(router) = support::router("monitor_authenticates_with_ticket_wampcra_and_cryptosign") else {
        return;
    };
    let _turn = ROUTER_TURN.lock().await;
    let ports = router.ports;
    let seed = hex::encode(support::CRYPTOSIGN_SEED);
    let cases = [
        (
            format!("ws://127.0.0.1:{}/ws", ports.ticket),
            vec!["--authid", "joe", "--ticket", support::TICKET],
            "joe",
        ),
        (
            format!("ws://127.0.0.1:{}/ws", ports.wampcra),
            vec!["--authid", "joe", "--secret", support::WAMPCRA_SECRET],
            "joe",
        ),
        (
            format!("rs://127.0.0.1:{}", ports.cryptosign),
            vec!["--private-key", &seed],
            "alice",
        ),
    ];
    for (url, credentials, authid) in cases {
        let mut arguments = vec!["--url", &url, "--serializer", "msgpack"];
        arguments.extend(credentials);
        let mut monitor = Monitor::start(&arguments);
        let joined = format!("(authid {authid}, authrole authenticated)");
        monitor.expect(&["joined realm realm1 at", &url, &joined]).await;
        monitor.expect(&["watching realm realm1"]).await;
        monitor.interrupt().await;
    }
}

/// Runs the monitor to its end and checks its exit code and what it said on stderr.
async fn check_failure(arguments: &[&str], code: i32, message: &str) {
    let run = Command::new(env!("CARGO_BIN_EXE_meta-monitor"))
        .args(arguments)
        .env("RUST_BACKTRACE", "0")
        .output();
    let output = match tokio::time::timeout(WAIT, run).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) => panic!("cannot run meta-monitor {arguments:?}: {error}"),
        Err(_) => panic!("meta-monitor {arguments:?} did not end within {WAIT:?}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "meta-monitor {arguments:?}: {stderr}"
    );
    assert!(
        stderr.contains(message),
        "meta-monitor {arguments:?} should say {message:?}: {stderr}"
    );
}

#[tokio::test]
async fn bad_options_and_unreachable_routers_are_explained() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|error| panic!("cannot find a free port: {error}"))
        .port();
    let unreachable = format!("ws://127.0.0.1:{closed_port}/ws");
    let cases: [(&[&str], i32, &str); 5] = [
        (&["--ticket", "t"], 2, "--authid <AUTHID>"),
        (
            &["--ticket", "t", "--secret", "s", "--authid", "joe"],
            2,
            "cannot be used with",
        ),
        (
            &["--serializer", "flatbuffers"],
            2,
            "possible values: json, msgpack, cbor, ubjson",
        ),
        (
            &["--authid", "joe", "--private-key", "not-hex"],
            1,
            "--private-key",
        ),
        (
            &["--url", &unreachable],
            1,
            "cannot join realm realm1 at ws://127.0.0.1:",
        ),
    ];
    for (arguments, code, message) in cases {
        check_failure(arguments, code, message).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_survives_a_router_restart_and_follows_the_realm_after_it() {
    let Some(mut router) = support::RestartableRouter::start("monitor_survives_a_router_restart") else {
        return;
    };
    let url = router.router.url(Transport::WebSocket);
    let mut monitor = Monitor::start(&["--url", &url, "--realm", support::REALM]);
    monitor.expect(&["watching realm realm1"]).await;

    tokio::task::block_in_place(|| router.kill());
    monitor.expect(&["session lost (", "joining again in"]).await;
    tokio::task::block_in_place(|| router.restart());
    monitor
        .expect(&["joined again as session", "meta events subscribed again"])
        .await;
    monitor.expect(&["sessions (1):"]).await;

    // Events after the restart reach the monitor: its subscriptions were made again.
    let visitor = router
        .router
        .join(Transport::RawSocket, Serializer::MsgPack)
        .await;
    let visitor_id = visitor.session_id().to_string();
    monitor
        .expect(&["join ", &visitor_id, "serializer=msgpack"])
        .await;
    visitor
        .close()
        .await
        .unwrap_or_else(|error| panic!("close: {error}"));
    monitor.expect(&["leave ", &visitor_id]).await;
    monitor.interrupt().await;
}

/// The router's id of a registration or subscription, as the monitor prints it.
fn router_id(id: Option<u64>) -> String {
    id.map(|id| id.to_string())
        .unwrap_or_else(|| panic!("the client does not know the router's id"))
}
