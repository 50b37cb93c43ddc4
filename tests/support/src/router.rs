//! Support of the router tests: one Crossbar.io node per test binary (and one more for tests
//! that watch the whole realm), clients joined to it, Autobahn|Python peers, all from the
//! virtualenv `scripts/setup-peers` creates, and JS peers (Autobahn|JS, wampy.js) on Node from
//! the packages `scripts/setup-js-peers` installs.
//!
//! Without the virtualenv, Node or the JS packages, or when Crossbar does not start, router
//! tests FAIL, saying why and how to fix it. They are skipped only when
//! `WAMP_IDL_SKIP_ROUTER_TESTS=1`.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use wamp_idl_runtime::client::{Client, ClientConfig, Credentials, CryptosignKey, ScramKdf, ScramKeys};
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{CallOptions, Payload, SessionBackend as _, Value};

pub use crate::repo_root;

/// The realm every transport of the test node serves.
pub const REALM: &str = "realm1";
/// The ticket of principal `joe` on the ticket transport.
pub const TICKET: &str = "joe-ticket-1f3e";
/// The secret of user `joe` on the WAMP-CRA transport.
pub const WAMPCRA_SECRET: &str = "joe-cra-secret";
/// The secret of user `peter` on the WAMP-CRA transport, salted: router and client both sign
/// with the PBKDF2 key derived from it.
pub const WAMPCRA_SALTED_SECRET: &str = "secret2";
/// The key Autobahn|Python 26.10.2 derives from `peter`'s secret
/// (`auth.derive_key("secret2", "salt123", 100, 16)`).
pub const WAMPCRA_SALTED_KEY: &str = "LG5/FwnS5WvgmlEyLPk/pQ==";
const WAMPCRA_SALT: &str = "salt123";
const WAMPCRA_ITERATIONS: u32 = 100;
const WAMPCRA_KEYLEN: u32 = 16;
/// The private seed of principal `alice` on the cryptosign transport.
pub const CRYPTOSIGN_SEED: [u8; 32] = *b"wamp-idl runtime cryptosign test";
/// The password of both principals on the WAMP-SCRAM transport.
pub const SCRAM_PASSWORD: &str = "carol-and-dave-scram";
/// The WAMP-SCRAM principal whose keys are derived with Argon2id.
pub const SCRAM_ARGON2ID_AUTHID: &str = "carol";
/// The WAMP-SCRAM principal whose keys are derived with PBKDF2. Its authid is written in
/// fullwidth letters, which SASLprep maps to `dave`: Crossbar.io puts the prepared authid
/// in the message it checks the client's proof against, so the client must prepare it too.
pub const SCRAM_PBKDF2_AUTHID: &str = "\u{FF44}\u{FF41}\u{FF56}\u{FF45}";
/// The WAMP-SCRAM principals: authid, KDF with its cost, and salt. The costs are low to keep
/// the tests fast; Crossbar.io never runs the KDF, only the client does.
const SCRAM_PRINCIPALS: [(&str, ScramKdf, &[u8]); 2] = [
    (
        SCRAM_ARGON2ID_AUTHID,
        ScramKdf::Argon2id {
            iterations: 8,
            memory: 1024,
        },
        b"salt of carol 16",
    ),
    (
        SCRAM_PBKDF2_AUTHID,
        ScramKdf::Pbkdf2 { iterations: 4096 },
        b"salt of dave, 16",
    ),
];

const SKIP_VARIABLE: &str = "WAMP_IDL_SKIP_ROUTER_TESTS";
const JS_PEERS_VARIABLE: &str = "WAMP_IDL_JS_PEERS";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// The transport a test client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    WebSocket,
    RawSocket,
}

/// The TCP ports of the node's transports: anonymous, TLS, and one per authentication method.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    pub websocket: u16,
    pub rawsocket: u16,
    /// WebSocket over TLS, with the certificate at [`Router::tls_certificate`].
    pub tls: u16,
    /// RawSocket over TLS, with the same certificate.
    pub rawsocket_tls: u16,
    pub ticket: u16,
    pub wampcra: u16,
    pub cryptosign: u16,
    pub scram: u16,
}

/// A running Crossbar.io node.
#[derive(Debug)]
pub struct Router {
    pub ports: Ports,
    cbdir: PathBuf,
    /// Never written: when the test process exits, however it exits, the guard reads end of
    /// file and stops the node with SIGTERM (a static's `Drop` would never run).
    _guard_stdin: Option<ChildStdin>,
    guard: Mutex<Child>,
}

impl Router {
    /// The URL of the anonymous transport of a kind.
    pub fn url(&self, transport: Transport) -> String {
        match transport {
            Transport::WebSocket => format!("ws://127.0.0.1:{}/ws", self.ports.websocket),
            Transport::RawSocket => format!("rs://127.0.0.1:{}", self.ports.rawsocket),
        }
    }

    /// A client configuration for the anonymous transport of a kind.
    pub fn config(&self, transport: Transport, serializer: Serializer) -> ClientConfig {
        ClientConfig::new(self.url(transport), REALM)
            .serializer(serializer)
            .call_timeout(Some(Duration::from_secs(20)))
    }

    /// Joins anonymously; fails the test, with the node's log, if it cannot.
    pub async fn join(&self, transport: Transport, serializer: Serializer) -> Client {
        match self.config(transport, serializer).connect().await {
            Ok(client) => client,
            Err(error) => panic!(
                "cannot join {} with {serializer}: {error}\n{}",
                self.url(transport),
                self.log_tail()
            ),
        }
    }

    /// The URL of the anonymous transport of a kind on the node's unix domain socket.
    pub fn unix_url(&self, transport: Transport) -> String {
        let scheme = match transport {
            Transport::WebSocket => "unix",
            Transport::RawSocket => "unix+rs",
        };
        format!("{scheme}://{}", unix_socket(&self.cbdir, transport).display())
    }

    /// The self-signed certificate (PEM) of the TLS transport, for 127.0.0.1 and localhost.
    pub fn tls_certificate(&self) -> PathBuf {
        self.cbdir.join("server.crt")
    }

    /// The last lines of the node's log, to show when a test fails.
    pub fn log_tail(&self) -> String {
        log_tail(&self.cbdir)
    }
}

/// The test binary's router, started on first use and shared by all its tests; `None` (after
/// saying so loudly) when router tests are skipped. Fails the test when the router cannot run.
pub fn router(test: &str) -> Option<&'static Router> {
    static SHARED: LazyRouter = LazyRouter::new();
    SHARED.get(test)
}

/// A node started on first use, for the tests that hold it in a static of their own: those
/// that observe the whole realm (the Meta API counts and reports every session) cannot share
/// [`router`]'s node with the rest of the binary.
#[derive(Debug, Default)]
pub struct LazyRouter(OnceLock<Result<Router, String>>);

impl LazyRouter {
    pub const fn new() -> LazyRouter {
        LazyRouter(OnceLock::new())
    }

    /// The node, started on first use; `None` (after saying so loudly) when router tests are
    /// skipped. Fails the test when the router cannot run.
    pub fn get(&'static self, test: &str) -> Option<&'static Router> {
        if skipped(test) {
            return None;
        }
        match self.0.get_or_init(start_router) {
            Ok(router) => Some(router),
            Err(problem) => panic!("{problem}"),
        }
    }
}

/// Whether router tests are skipped, saying so loudly when they are.
pub fn skipped(test: &str) -> bool {
    let skipped = std::env::var_os(SKIP_VARIABLE).is_some_and(|value| value == "1");
    if skipped {
        // Written past libtest's output capture, so the skip shows in every run.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED {test}: {SKIP_VARIABLE}=1, so no Crossbar.io router test runs ***\n"
        );
    }
    skipped
}

/// The peers' virtualenv.
pub fn venv() -> PathBuf {
    std::env::var_os("WAMP_IDL_PEERS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/peers-venv"))
}

/// The virtualenv's Python, which has Autobahn.
pub fn python() -> Result<PathBuf, String> {
    let python = venv().join("bin/python");
    if python.is_file() {
        Ok(python)
    } else {
        Err(missing_venv(&python))
    }
}

/// A script of `tests/peers`.
pub fn peer_script(name: &str) -> PathBuf {
    repo_root().join("tests/peers").join(name)
}

/// Where `scripts/setup-js-peers` installs the JS peers' packages.
pub fn js_peers() -> PathBuf {
    std::env::var_os(JS_PEERS_VARIABLE)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/js-peers"))
}

/// A `node` command that runs the JS peer script `name` of `tests/peers/js`, finding the
/// installed packages; says how to fix it when Node or the packages are missing.
pub fn node_script(name: &str) -> Result<Command, String> {
    let fix = format!(
        "Fix: install Node.js >= 18 and npm (Debian's `nodejs` and `npm`; scripts/test does), then run \
         `scripts/setup-peers` (set {JS_PEERS_VARIABLE} to install elsewhere),\n\
         or set {SKIP_VARIABLE}=1 to skip the router tests."
    );
    if let Err(error) = Command::new("node").arg("--version").output() {
        return Err(format!(
            "the JS peer tests need Node.js, but `node` cannot be run: {error}.\n{fix}"
        ));
    }
    let modules = js_peers().join("node_modules");
    if !modules.is_dir() {
        return Err(format!(
            "the JS peer tests need Autobahn|JS and wampy.js, but {} does not exist.\n{fix}",
            modules.display()
        ));
    }
    let mut command = Command::new("node");
    command
        .arg(repo_root().join("tests/peers/js").join(name))
        .env("NODE_PATH", modules);
    Ok(command)
}

/// Starts the Autobahn|Python peer `script` of `tests/peers` with `args`, its stdin, stdout and
/// stderr piped; it is killed when dropped.
pub fn spawn_python_peer(script: &str, args: &[&str]) -> Result<tokio::process::Child, String> {
    let python = python()?;
    tokio::process::Command::new(&python)
        .arg(peer_script(script))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| format!("cannot start {script} with {}: {error}", python.display()))
}

/// Starts a Python peer that serves until its stdin ends (`callee.py`, `shop_callee.py`) and
/// waits, up to `timeout`, for its READY; if it does not come, kills it and says why, with the
/// peer's error output.
pub async fn start_python_peer(
    script: &str,
    args: &[&str],
    timeout: Duration,
) -> Result<tokio::process::Child, String> {
    let mut peer = spawn_python_peer(script, args)?;
    let stdout = peer.stdout.take().ok_or_else(|| format!("{script}: no stdout"))?;
    let ready = tokio::time::timeout(timeout, wait_for_ready(stdout))
        .await
        .unwrap_or_else(|_| Err(format!("no READY within {timeout:?}")));
    if let Err(problem) = ready {
        // Killed first: its error output ends only when it does.
        let _ = peer.kill().await;
        return Err(format!(
            "{script} did not get ready: {problem}\n{}",
            stderr_of(&mut peer).await
        ));
    }
    Ok(peer)
}

/// The lines of a Python caller's checks in its output, `ok <what>` and `FAILED <what>: <why>`
/// (`Checks` of `tests/peers/interop_data.py`): Autobahn logs to stdout too.
pub fn python_checks(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|line| line.starts_with("ok ") || line.starts_with("FAILED "))
        .collect()
}

/// A peer's error output; only once the peer ended or was killed, or this waits for it.
pub async fn stderr_of(peer: &mut tokio::process::Child) -> String {
    let mut stderr = String::new();
    if let Some(pipe) = peer.stderr.as_mut() {
        let _ = tokio::io::AsyncReadExt::read_to_string(pipe, &mut stderr).await;
    }
    stderr
}

/// Reads a peer's output up to its READY line.
pub async fn wait_for_ready(stdout: impl tokio::io::AsyncRead + Unpin) -> Result<(), String> {
    use tokio::io::AsyncBufReadExt as _;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let mut before = Vec::new();
    loop {
        match lines.next_line().await {
            Ok(Some(line)) if line == "READY" => return Ok(()),
            Ok(Some(line)) => before.push(line),
            Ok(None) => return Err(format!("its output ended after {before:?}")),
            Err(error) => return Err(format!("cannot read its output: {error}")),
        }
    }
}

fn missing_venv(what: &Path) -> String {
    format!(
        "router tests need Crossbar.io and Autobahn|Python, but {} does not exist.\n\
         Fix: run `scripts/setup-peers` (about a minute; set WAMP_IDL_PEERS_VENV to use another venv),\n\
         or set {SKIP_VARIABLE}=1 to skip the router tests.",
        what.display()
    )
}

fn start_router() -> Result<Router, String> {
    let (ports, mut guard) = spawn_node(Stdio::null())?;
    let guard_stdin = guard.child.stdin.take();
    let router = Router {
        ports,
        cbdir: guard.cbdir.clone(),
        _guard_stdin: guard_stdin,
        guard: Mutex::new(guard.child),
    };
    wait_until_listening(&router)?;
    Ok(router)
}

/// A node's guard process, and the node's directory.
struct Guard {
    child: Child,
    cbdir: PathBuf,
}

/// Prepares a node directory (configuration on free ports, TLS certificate) and starts the
/// node under `router_guard.py`, whose stdout goes to `guard_stdout`.
fn spawn_node(guard_stdout: Stdio) -> Result<(Ports, Guard), String> {
    let crossbar = venv().join("bin/crossbar");
    if !crossbar.is_file() {
        return Err(missing_venv(&crossbar));
    }
    let python = python()?;
    let ports = free_ports()?;
    // Removed on every error until the guard owns it.
    let node_dir = tempfile::Builder::new()
        .prefix("wamp-idl-crossbar-")
        .tempdir()
        .map_err(|error| format!("cannot create the node directory: {error}"))?;
    let config = node_config(ports, node_dir.path())?;
    let config_path = node_dir.path().join("config.json");
    std::fs::write(&config_path, config)
        .map_err(|error| format!("cannot write {}: {error}", config_path.display()))?;
    let certificate = Command::new(&python)
        .arg(peer_script("make_tls_cert.py"))
        .arg(node_dir.path())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", python.display()))?;
    if !certificate.status.success() {
        return Err(format!(
            "cannot make the router's TLS certificate ({}):\n{}",
            certificate.status,
            String::from_utf8_lossy(&certificate.stderr)
        ));
    }
    let child = Command::new(&python)
        .arg(peer_script("router_guard.py"))
        .arg(&crossbar)
        .arg(node_dir.path())
        .stdin(Stdio::piped())
        .stdout(guard_stdout)
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|error| format!("cannot start {}: {error}", python.display()))?;
    let cbdir = node_dir.keep();
    Ok((ports, Guard { child, cbdir }))
}

/// A Crossbar.io node of a test binary's own, which its tests kill (SIGKILL, as a crash
/// would) and start again on the same ports. It stops when the test process exits.
#[derive(Debug)]
pub struct RestartableRouter {
    pub router: Router,
    commands: ChildStdin,
    answers: std::io::BufReader<std::process::ChildStdout>,
}

impl RestartableRouter {
    /// Starts the node; `None` (after saying so loudly) when router tests are skipped.
    pub fn start(test: &str) -> Option<RestartableRouter> {
        if skipped(test) {
            return None;
        }
        let started = spawn_node(Stdio::piped()).and_then(|(ports, mut guard)| {
            let commands = guard.child.stdin.take().ok_or("the guard has no stdin pipe")?;
            let answers = guard.child.stdout.take().ok_or("the guard has no stdout pipe")?;
            let router = Router {
                ports,
                cbdir: guard.cbdir,
                _guard_stdin: None,
                guard: Mutex::new(guard.child),
            };
            wait_until_listening(&router)?;
            Ok(RestartableRouter {
                router,
                commands,
                answers: std::io::BufReader::new(answers),
            })
        });
        Some(started.unwrap_or_else(|problem| panic!("{problem}")))
    }

    /// Kills every process of the node at once (SIGKILL), and waits until they are gone.
    pub fn kill(&mut self) {
        self.command("kill", "killed");
    }

    /// Starts the node again, and waits until it listens.
    pub fn restart(&mut self) {
        self.command("start", "started");
        if let Err(problem) = wait_until_listening(&self.router) {
            panic!("the restarted node: {problem}");
        }
    }

    fn command(&mut self, command: &str, expected: &str) {
        use std::io::BufRead as _;
        if let Err(error) = writeln!(self.commands, "{command}") {
            panic!("cannot tell the router guard to {command}: {error}");
        }
        let mut answer = String::new();
        if let Err(error) = self.answers.read_line(&mut answer) {
            panic!("the router guard did not answer {command}: {error}");
        }
        assert_eq!(answer.trim(), expected, "the router guard's answer to {command}");
    }
}

/// Where the node listens on a unix domain socket for a kind of transport.
fn unix_socket(node_dir: &Path, transport: Transport) -> PathBuf {
    node_dir.join(match transport {
        Transport::WebSocket => "websocket.sock",
        Transport::RawSocket => "rawsocket.sock",
    })
}

/// Free loopback ports, found by binding port 0 (all at once, so they differ).
fn free_ports() -> Result<Ports, String> {
    let listeners = (0..8)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("cannot find free loopback ports: {error}"))?;
    let ports = listeners
        .iter()
        .map(|listener| listener.local_addr().map(|address| address.port()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("cannot find free loopback ports: {error}"))?;
    match ports.as_slice() {
        &[
            websocket,
            rawsocket,
            tls,
            rawsocket_tls,
            ticket,
            wampcra,
            cryptosign,
            scram,
        ] => Ok(Ports {
            websocket,
            rawsocket,
            tls,
            rawsocket_tls,
            ticket,
            wampcra,
            cryptosign,
            scram,
        }),
        _ => Err("cannot find eight free loopback ports".to_owned()),
    }
}

fn node_config(ports: Ports, node_dir: &Path) -> Result<String, String> {
    let template_path = peer_script("crossbar-config.json.in");
    let template = std::fs::read_to_string(&template_path)
        .map_err(|error| format!("cannot read {}: {error}", template_path.display()))?;
    let pubkey = CryptosignKey::from_seed(CRYPTOSIGN_SEED).public_key_hex();
    let replacements = [
        ("@WEBSOCKET_PORT@", ports.websocket.to_string()),
        ("@RAWSOCKET_PORT@", ports.rawsocket.to_string()),
        ("@TLS_PORT@", ports.tls.to_string()),
        ("@RAWSOCKET_TLS_PORT@", ports.rawsocket_tls.to_string()),
        (
            "@UNIX_WEBSOCKET_PATH@",
            unix_socket(node_dir, Transport::WebSocket).display().to_string(),
        ),
        (
            "@UNIX_RAWSOCKET_PATH@",
            unix_socket(node_dir, Transport::RawSocket).display().to_string(),
        ),
        ("@TICKET_PORT@", ports.ticket.to_string()),
        ("@WAMPCRA_PORT@", ports.wampcra.to_string()),
        ("@CRYPTOSIGN_PORT@", ports.cryptosign.to_string()),
        ("@SCRAM_PORT@", ports.scram.to_string()),
        ("@TICKET@", TICKET.to_owned()),
        ("@WAMPCRA_SECRET@", WAMPCRA_SECRET.to_owned()),
        ("@WAMPCRA_SALTED_SECRET@", WAMPCRA_SALTED_SECRET.to_owned()),
        ("@WAMPCRA_SALT@", WAMPCRA_SALT.to_owned()),
        ("@WAMPCRA_ITERATIONS@", WAMPCRA_ITERATIONS.to_string()),
        ("@WAMPCRA_KEYLEN@", WAMPCRA_KEYLEN.to_string()),
        ("@CRYPTOSIGN_PUBKEY@", pubkey),
        ("@SCRAM_PRINCIPALS@", scram_principals()?),
    ];
    let config = replacements
        .iter()
        .fold(template, |config, (placeholder, value)| {
            config.replace(placeholder, value)
        });
    match config.find('@') {
        Some(offset) => Err(format!(
            "{} has a placeholder the tests do not fill: {}",
            template_path.display(),
            config[offset..].chars().take(40).collect::<String>()
        )),
        None => Ok(config),
    }
}

/// The `principals` of the WAMP-SCRAM transport (JSON), their keys derived by the client's
/// own code. Written by hand: this crate has no JSON dependency.
fn scram_principals() -> Result<String, String> {
    let mut principals = Vec::new();
    for (authid, kdf, salt) in SCRAM_PRINCIPALS {
        let keys = ScramKeys::derive(SCRAM_PASSWORD, salt, kdf)
            .map_err(|error| format!("cannot derive the SCRAM keys of {authid}: {error}"))?;
        let (name, iterations, memory) = match kdf {
            ScramKdf::Argon2id { iterations, memory } => ("argon2id-13", iterations, memory),
            // Crossbar.io asks for a memory cost whatever the KDF.
            ScramKdf::Pbkdf2 { iterations } => ("pbkdf2", iterations, 0),
            other => return Err(format!("no Crossbar.io name for {other:?}")),
        };
        principals.push(format!(
            r#""{authid}": {{"kdf": "{name}", "iterations": {iterations}, "memory": {memory}, "salt": "{}", "stored-key": "{}", "server-key": "{}", "role": "authenticated"}}"#,
            hex_encode(salt),
            hex_encode(&keys.stored_key),
            hex_encode(&keys.server_key),
        ));
    }
    Ok(format!("{{{}}}", principals.join(", ")))
}

pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn wait_until_listening(router: &Router) -> Result<(), String> {
    let started = Instant::now();
    let ports = router.ports;
    let all = [
        ports.websocket,
        ports.rawsocket,
        ports.rawsocket_tls,
        ports.ticket,
        ports.wampcra,
        ports.cryptosign,
        ports.scram,
    ];
    loop {
        let exited = router
            .guard
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .try_wait()
            .map_err(|error| format!("cannot watch the Crossbar.io node: {error}"))?;
        if let Some(status) = exited {
            let log = router.log_tail();
            let _ = std::fs::remove_dir_all(&router.cbdir);
            return Err(format!(
                "the Crossbar.io node exited during startup ({status}).\n{log}\n\
                 Fix: rerun `scripts/setup-peers`; if the log shows a configuration error, \
                 fix tests/peers/crossbar-config.json.in"
            ));
        }
        if all
            .iter()
            .all(|port| TcpStream::connect(("127.0.0.1", *port)).is_ok())
        {
            return Ok(());
        }
        if started.elapsed() > STARTUP_TIMEOUT {
            return Err(format!(
                "the Crossbar.io node did not listen on ports {all:?} within {STARTUP_TIMEOUT:?}.\n{}",
                router.log_tail()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn log_tail(cbdir: &Path) -> String {
    let path = cbdir.join("node.log");
    let mut log = String::new();
    if let Err(error) = std::fs::File::open(&path).and_then(|mut file| file.read_to_string(&mut log)) {
        return format!("(no Crossbar.io log at {}: {error})", path.display());
    }
    let lines: Vec<&str> = log.lines().collect();
    let tail = lines
        .get(lines.len().saturating_sub(40)..)
        .unwrap_or_default()
        .join("\n");
    format!("--- last lines of {} ---\n{tail}\n---", path.display())
}

/// Credentials for each authentication transport.
pub fn ticket_credentials(ticket: &str) -> Credentials {
    Credentials::Ticket {
        authid: "joe".to_owned(),
        ticket: ticket.to_owned(),
    }
}

pub fn scram_credentials(authid: &str, password: &str) -> Credentials {
    Credentials::Scram {
        authid: authid.to_owned(),
        password: password.to_owned(),
    }
}

pub fn cryptosign_credentials(seed: [u8; 32]) -> Credentials {
    Credentials::Cryptosign {
        authid: Some("alice".to_owned()),
        key: CryptosignKey::from_seed(seed),
    }
}

/// Asks the router how many sessions it has, which takes a round trip over the transport,
/// then closes the session.
pub async fn check_session(client: &Client, context: &str) {
    let count = client
        .call("wamp.session.count", Payload::default(), CallOptions::default())
        .await
        .map(|result| result.payload.args().to_list());
    assert!(
        matches!(count.as_deref(), Ok([Value::Integer(sessions)]) if *sessions >= 1),
        "{context}: wamp.session.count answered {count:?}"
    );
    client
        .close()
        .await
        .unwrap_or_else(|error| panic!("{context}: close: {error}"));
}
