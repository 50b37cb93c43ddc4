//! End-to-end benchmark through Crossbar.io: the Rust caller, a floor caller and an
//! Autobahn|Python caller call the same Rust callee on the same router, side by side, in every
//! serializer.
//!
//! The floor is the least a caller can do: a blocking loop that writes CALL frames encoded
//! before the measurement (WebSocket, same serializer) to its socket and reads one frame back
//! per call, checking only the first and last answers. Its CPU per call is what the kernel,
//! the socket and the wake-ups cost; the Rust caller's over it is what the client adds. The
//! floor and the two Rust callers run in turn, `WAMP_IDL_BENCH_ROUNDS` times (default 9), so
//! that each meets the conditions of the others.
//!
//! `cargo bench -p wamp-idl-runtime --bench e2e` (needs `scripts/setup-peers`). Set
//! `WAMP_IDL_BENCH_CALLS` to change the number of calls per measurement (default 2000),
//! `WAMP_IDL_BENCH_ROUNDS` the number of rounds of the floor and Rust callers (default 9), and
//! `WAMP_IDL_BENCH_RUST_WRAPPER` to a program to run the Rust caller under (say, a script
//! around `strace -c -f`, which then counts the caller's system calls).
//! Sequential calls give the latency percentiles; calls with 32 in flight give throughput.
//!
//! Every caller runs in a process of its own, so that the process's CPU time (user + system,
//! all threads) over the measured calls is the caller's alone: the callee stays in this
//! process, and the Rust caller is this binary run again with `WAMP_IDL_BENCH_RUST_CALLER` set
//! to the tokio runtime it should use. Both callers read the same clock
//! (`CLOCK_PROCESS_CPUTIME_ID`, which Python's `time.process_time()` reads too), from just before
//! the first measured call to just after the last, warm-up and connection excluded. The Rust
//! caller runs as a spawned task, as callers in a server do, on a multi-thread and on a
//! current-thread runtime (Autobahn's asyncio loop is one thread too).

use wamp_idl_test_support::router as support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::time::{ClockId, clock_gettime};
use wamp_idl_runtime::client::{Client, ClientConfig};
use wamp_idl_runtime::wire::{Message, Serializer};
use wamp_idl_runtime::{CallOptions, Dict, Invocation, Payload, RegisterOptions, SessionBackend as _, Value};

use support::{Router, Transport};

const PROCEDURE: &str = "bench.echo";
const CONCURRENCY: usize = 32;
const WARMUP_CALLS: usize = 100;
/// Set in the environment of the Rust caller process, to the name of its [`Flavor`], or to
/// [`FLOOR`] for the floor caller.
const CALLER_VARIABLE: &str = "WAMP_IDL_BENCH_RUST_CALLER";
/// The value of [`CALLER_VARIABLE`] that makes the process the floor caller.
const FLOOR: &str = "floor";
/// When set, a program the Rust caller process is run under, given the caller's command line
/// (for instance a script around `strace -c -f`, to count the caller's system calls).
const WRAPPER_VARIABLE: &str = "WAMP_IDL_BENCH_RUST_WRAPPER";

/// The tokio runtime the Rust caller runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// What `#[tokio::main]` gives: one worker thread per core.
    MultiThread,
    /// Everything on one thread, as Autobahn's asyncio loop.
    CurrentThread,
}

impl Flavor {
    const ALL: [Flavor; 2] = [Flavor::MultiThread, Flavor::CurrentThread];

    fn name(self) -> &'static str {
        match self {
            Flavor::MultiThread => "multi-thread",
            Flavor::CurrentThread => "current-thread",
        }
    }

    fn caller(self) -> &'static str {
        match self {
            Flavor::MultiThread => "Rust, tokio mt",
            Flavor::CurrentThread => "Rust, tokio 1 th",
        }
    }

    fn runtime(self) -> Result<tokio::runtime::Runtime, String> {
        let mut builder = match self {
            Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread(),
            Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        };
        builder
            .enable_all()
            .build()
            .map_err(|error| format!("cannot start tokio ({}): {error}", self.name()))
    }
}

/// What one caller achieved, as it prints it in one JSON line.
#[derive(Debug, Clone)]
struct Figures {
    sequential_calls_per_s: f64,
    p50_us: f64,
    p99_us: f64,
    concurrent_calls_per_s: f64,
    /// The caller process's CPU time over the sequential calls, divided by their number.
    sequential_cpu_us_per_call: f64,
    /// The same over the calls with many in flight.
    concurrent_cpu_us_per_call: f64,
}

impl Figures {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "sequential_calls_per_s": self.sequential_calls_per_s,
            "p50_us": self.p50_us,
            "p99_us": self.p99_us,
            "concurrent_calls_per_s": self.concurrent_calls_per_s,
            "sequential_cpu_us_per_call": self.sequential_cpu_us_per_call,
            "concurrent_cpu_us_per_call": self.concurrent_cpu_us_per_call,
        })
    }

    /// The figures of `calls` sequential calls with their latencies, and as many with many in
    /// flight, from the wall and CPU time of each phase.
    fn measured(
        calls: usize,
        mut latencies: Vec<Duration>,
        [sequential, sequential_cpu]: [Duration; 2],
        [concurrent, concurrent_cpu]: [Duration; 2],
    ) -> Figures {
        latencies.sort();
        let per_call = |cpu: Duration| cpu.as_secs_f64() * 1e6 / calls as f64;
        Figures {
            sequential_calls_per_s: calls as f64 / sequential.as_secs_f64(),
            p50_us: percentile(&latencies, 0.50),
            p99_us: percentile(&latencies, 0.99),
            concurrent_calls_per_s: calls as f64 / concurrent.as_secs_f64(),
            sequential_cpu_us_per_call: per_call(sequential_cpu),
            concurrent_cpu_us_per_call: per_call(concurrent_cpu),
        }
    }

    /// The mean of several measurements of the same caller.
    fn mean(all: &[Figures]) -> Figures {
        let mean = |figure: fn(&Figures) -> f64| all.iter().map(figure).sum::<f64>() / all.len() as f64;
        Figures {
            sequential_calls_per_s: mean(|figures| figures.sequential_calls_per_s),
            p50_us: mean(|figures| figures.p50_us),
            p99_us: mean(|figures| figures.p99_us),
            concurrent_calls_per_s: mean(|figures| figures.concurrent_calls_per_s),
            sequential_cpu_us_per_call: mean(|figures| figures.sequential_cpu_us_per_call),
            concurrent_cpu_us_per_call: mean(|figures| figures.concurrent_cpu_us_per_call),
        }
    }

    /// The CPU time per call over all measured calls (as many sequential as concurrent).
    fn cpu_us_per_call(&self) -> f64 {
        (self.sequential_cpu_us_per_call + self.concurrent_cpu_us_per_call) / 2.0
    }

    fn from_json(line: &str) -> Result<Figures, String> {
        let figures: serde_json::Value =
            serde_json::from_str(line).map_err(|error| format!("unreadable figures {line:?}: {error}"))?;
        let figure = |key: &str| {
            figures
                .get(key)
                .and_then(serde_json::Value::as_f64)
                .ok_or_else(|| format!("no {key} in {line}"))
        };
        Ok(Figures {
            sequential_calls_per_s: figure("sequential_calls_per_s")?,
            p50_us: figure("p50_us")?,
            p99_us: figure("p99_us")?,
            concurrent_calls_per_s: figure("concurrent_calls_per_s")?,
            sequential_cpu_us_per_call: figure("sequential_cpu_us_per_call")?,
            concurrent_cpu_us_per_call: figure("concurrent_cpu_us_per_call")?,
        })
    }
}

/// The payload of every call, as tests/peers/bench_caller.py sends it.
fn bench_payload() -> Payload {
    let tags = Value::List(vec![Value::String("a".into()), Value::String("b".into())]);
    let details = Dict::from([("x".to_owned(), Value::Float(1.5)), ("tags".to_owned(), tags)]);
    Payload::new(
        vec![
            Value::Integer(1),
            Value::String("hello".into()),
            Value::Dict(details),
        ],
        Dict::new(),
    )
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    let index = ((sorted.len() as f64 * fraction) as usize).min(sorted.len().saturating_sub(1));
    sorted
        .get(index)
        .map_or(f64::NAN, |latency| latency.as_secs_f64() * 1e6)
}

/// User + system CPU time of this process, all threads.
fn process_cpu_time() -> Duration {
    let time = clock_gettime(ClockId::ProcessCPUTime);
    Duration::new(time.tv_sec.unsigned_abs(), time.tv_nsec.unsigned_abs() as u32)
}

async fn measure_rust(
    caller: &Client,
    procedure: &str,
    calls: usize,
    concurrency: usize,
) -> Result<Figures, String> {
    let procedure: Arc<str> = Arc::from(procedure);
    let call = |caller: Client, procedure: Arc<str>| async move {
        caller
            .call(&procedure, bench_payload(), CallOptions::default())
            .await
            .map_err(|error| error.to_string())
    };
    for _ in 0..WARMUP_CALLS {
        call(caller.clone(), procedure.clone()).await?;
    }
    let cpu_started = process_cpu_time();
    let mut latencies = Vec::with_capacity(calls);
    let started = Instant::now();
    for _ in 0..calls {
        let before = Instant::now();
        call(caller.clone(), procedure.clone()).await?;
        latencies.push(before.elapsed());
    }
    let sequential = started.elapsed();
    let sequential_cpu = process_cpu_time().saturating_sub(cpu_started);

    let cpu_started = process_cpu_time();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let caller = caller.clone();
            let procedure = procedure.clone();
            let share = calls / concurrency + usize::from(worker < calls % concurrency);
            tokio::spawn(async move {
                for _ in 0..share {
                    call(caller.clone(), procedure.clone()).await?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for worker in workers {
        worker.await.map_err(|error| error.to_string())??;
    }
    let concurrent = started.elapsed();
    let concurrent_cpu = process_cpu_time().saturating_sub(cpu_started);
    Ok(Figures::measured(
        calls,
        latencies,
        [sequential, sequential_cpu],
        [concurrent, concurrent_cpu],
    ))
}

/// The arguments both caller processes take: URL REALM SERIALIZER PROCEDURE CALLS CONCURRENCY.
fn caller_arguments(router: &Router, serializer: Serializer, calls: usize) -> [String; 6] {
    [
        router.url(Transport::WebSocket),
        support::REALM.to_owned(),
        serializer.name().to_owned(),
        PROCEDURE.to_owned(),
        calls.to_string(),
        CONCURRENCY.to_string(),
    ]
}

/// The main of the Rust caller process: joins, measures, prints the figures.
fn rust_caller(flavor: &str) -> Result<(), String> {
    let flavor = Flavor::ALL
        .into_iter()
        .find(|known| known.name() == flavor)
        .ok_or_else(|| format!("{CALLER_VARIABLE}={flavor}: not a tokio runtime flavor"))?;
    let CallerArguments {
        url,
        realm,
        serializer,
        procedure,
        calls,
        concurrency,
    } = CallerArguments::from_command_line("Rust")?;
    let config = ClientConfig::new(url.as_str(), realm.as_str())
        .serializer(serializer)
        .call_timeout(Some(Duration::from_secs(20)));
    let (url, procedure) = (url.clone(), procedure.clone());
    flavor.runtime()?.block_on(async move {
        // A spawned task, as callers in a server are, rather than the thread blocked in
        // `block_on`, which is no worker of the multi-thread runtime.
        let measured = tokio::spawn(async move {
            let caller = config
                .connect()
                .await
                .map_err(|error| format!("cannot join {url} with {serializer}: {error}"))?;
            let figures = measure_rust(&caller, &procedure, calls, concurrency).await?;
            caller.close().await.map_err(|error| error.to_string())?;
            Ok::<Figures, String>(figures)
        });
        let figures = measured.await.map_err(|error| error.to_string())??;
        println!("{}", figures.to_json());
        Ok(())
    })
}

/// A WebSocket connection as the floor caller uses it: blocking, one frame at a time.
struct FloorSocket {
    stream: std::net::TcpStream,
    /// The opcode of the frames it writes: text for JSON, binary otherwise.
    opcode: u8,
}

impl FloorSocket {
    /// Connects to `ws://HOST:PORT/PATH` and upgrades to WebSocket with `serializer`'s subprotocol.
    fn connect(url: &str, serializer: Serializer) -> Result<FloorSocket, String> {
        use std::io::{Read, Write};
        let rest = url
            .strip_prefix("ws://")
            .ok_or_else(|| format!("the floor caller speaks ws:// only, not {url}"))?;
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let mut stream = std::net::TcpStream::connect(authority)
            .map_err(|error| format!("cannot connect to {url}: {error}"))?;
        stream
            .set_nodelay(true)
            .map_err(|error| format!("TCP_NODELAY: {error}"))?;
        let request = format!(
            "GET /{path} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: {}\r\n\r\n",
            serializer.subprotocol()
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|error| format!("cannot write the upgrade: {error}"))?;
        let mut answer = Vec::new();
        let mut byte = [0u8];
        while !answer.ends_with(b"\r\n\r\n") {
            stream
                .read_exact(&mut byte)
                .map_err(|error| format!("no upgrade answer: {error}"))?;
            answer.extend_from_slice(&byte);
        }
        if !answer.starts_with(b"HTTP/1.1 101") {
            return Err(format!("upgrade refused: {}", String::from_utf8_lossy(&answer)));
        }
        let opcode = if serializer == Serializer::Json { 0x1 } else { 0x2 };
        Ok(FloorSocket { stream, opcode })
    }

    /// A client frame of `payload`, masked with the zero key, which leaves the payload as it is.
    fn frame(&self, payload: &[u8]) -> Vec<u8> {
        let mut frame = vec![0x80 | self.opcode];
        match payload.len() {
            len @ 0..=125 => frame.push(0x80 | len as u8),
            len @ 126..=0xffff => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(len as u16).to_be_bytes());
            }
            len => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(len as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&[0; 4]);
        frame.extend_from_slice(payload);
        frame
    }

    fn write(&mut self, frame: &[u8]) -> Result<(), String> {
        use std::io::Write;
        self.stream
            .write_all(frame)
            .map_err(|error| format!("cannot write a frame: {error}"))
    }

    /// Reads the next data frame's payload into `payload`, skipping control frames.
    fn read(&mut self, payload: &mut Vec<u8>) -> Result<(), String> {
        use std::io::Read;
        let mut read = |buffer: &mut [u8]| {
            self.stream
                .read_exact(buffer)
                .map_err(|error| format!("cannot read a frame: {error}"))
        };
        loop {
            let mut header = [0u8; 2];
            read(&mut header)?;
            let len = match header[1] & 0x7f {
                126 => {
                    let mut len = [0u8; 2];
                    read(&mut len)?;
                    u64::from(u16::from_be_bytes(len))
                }
                127 => {
                    let mut len = [0u8; 8];
                    read(&mut len)?;
                    u64::from_be_bytes(len)
                }
                len => u64::from(len),
            };
            let len = usize::try_from(len).map_err(|_| format!("a frame of {len} bytes"))?;
            payload.resize(len, 0);
            read(payload)?;
            if header[0] & 0x08 == 0 {
                return Ok(());
            }
        }
    }
}

/// Reads the next message and checks it is one of `expected`.
fn floor_expect(
    socket: &mut FloorSocket,
    serializer: Serializer,
    payload: &mut Vec<u8>,
    expected: &str,
) -> Result<Message, String> {
    socket.read(payload)?;
    let message = serializer
        .decode(payload)
        .map_err(|error| format!("the router sent what {serializer} cannot read: {error}"))?;
    if matches!(
        (&message, expected),
        (Message::Welcome { .. }, "WELCOME") | (Message::Result { .. }, "RESULT")
    ) {
        Ok(message)
    } else {
        Err(format!("expected {expected}, got {message:?}"))
    }
}

/// The main of the floor caller process: joins, measures, prints the figures, as the Rust
/// caller does, with nothing but a socket and frames encoded beforehand.
fn floor_caller() -> Result<(), String> {
    let CallerArguments {
        url,
        realm,
        serializer,
        procedure,
        calls,
        concurrency,
    } = CallerArguments::from_command_line("floor")?;
    let encode = |message: &Message| {
        serializer
            .encode(message)
            .map_err(|error| format!("cannot encode {message:?}: {error}"))
    };
    let mut socket = FloorSocket::connect(&url, serializer)?;
    let roles = Dict::from([("caller".to_owned(), Value::Dict(Dict::new()))]);
    let hello = Message::Hello {
        realm: realm.clone(),
        details: Dict::from([("roles".to_owned(), Value::Dict(roles))]),
    };
    let mut payload = Vec::new();
    socket.write(&socket.frame(&encode(&hello)?))?;
    floor_expect(&mut socket, serializer, &mut payload, "WELCOME")?;
    let total = WARMUP_CALLS + 2 * calls;
    let frames = (1..=total as u64)
        .map(|request| {
            let call = Message::Call {
                request,
                options: Dict::new(),
                procedure: procedure.clone(),
                payload: bench_payload(),
            };
            encode(&call).map(|call| socket.frame(&call))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut frames = frames.iter();
    let mut next_frame = || frames.next().ok_or_else(|| "out of frames".to_owned());
    for _ in 0..WARMUP_CALLS {
        socket.write(next_frame()?)?;
        floor_expect(&mut socket, serializer, &mut payload, "RESULT")?;
    }

    let cpu_started = process_cpu_time();
    let mut latencies = Vec::with_capacity(calls);
    let started = Instant::now();
    for _ in 0..calls {
        let before = Instant::now();
        socket.write(next_frame()?)?;
        socket.read(&mut payload)?;
        latencies.push(before.elapsed());
    }
    let sequential = started.elapsed();
    let sequential_cpu = process_cpu_time().saturating_sub(cpu_started);
    // The last answer is checked after the measurement, which it does not need.
    match serializer.decode(&payload) {
        Ok(Message::Result { .. }) => {}
        other => return Err(format!("expected RESULT, got {other:?}")),
    }

    let cpu_started = process_cpu_time();
    let started = Instant::now();
    let in_flight = concurrency.min(calls);
    for _ in 0..in_flight {
        socket.write(next_frame()?)?;
    }
    for answered in 0..calls {
        socket.read(&mut payload)?;
        if answered + in_flight < calls {
            socket.write(next_frame()?)?;
        }
    }
    let concurrent = started.elapsed();
    let concurrent_cpu = process_cpu_time().saturating_sub(cpu_started);
    let figures = Figures::measured(
        calls,
        latencies,
        [sequential, sequential_cpu],
        [concurrent, concurrent_cpu],
    );
    println!("{}", figures.to_json());
    Ok(())
}

/// What a caller process is given on its command line:
/// URL REALM SERIALIZER PROCEDURE CALLS CONCURRENCY.
struct CallerArguments {
    url: String,
    realm: String,
    serializer: Serializer,
    procedure: String,
    calls: usize,
    concurrency: usize,
}

impl CallerArguments {
    fn from_command_line(caller: &str) -> Result<CallerArguments, String> {
        let arguments: Vec<String> = std::env::args().skip(1).collect();
        let [url, realm, serializer, procedure, calls, concurrency] = arguments.as_slice() else {
            return Err(format!(
                "the {caller} caller takes URL REALM SERIALIZER PROCEDURE CALLS CONCURRENCY, not {arguments:?}"
            ));
        };
        Ok(CallerArguments {
            url: url.clone(),
            realm: realm.clone(),
            serializer: find_serializer(serializer)?,
            procedure: procedure.clone(),
            calls: positive("CALLS", calls)?,
            concurrency: positive("CONCURRENCY", concurrency)?,
        })
    }
}

fn find_serializer(name: &str) -> Result<Serializer, String> {
    Serializer::ALL
        .into_iter()
        .find(|known| known.name() == name)
        .ok_or_else(|| format!("{name}: not a serializer"))
}

fn positive(name: &str, value: &str) -> Result<usize, String> {
    value
        .parse::<usize>()
        .ok()
        .filter(|count| *count > 0)
        .ok_or_else(|| format!("{name} {value}: not a positive number"))
}

/// Runs a caller process and reads the figures from the last JSON line it prints.
fn run_caller(mut command: Command) -> Result<Figures, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .map_err(|error| format!("cannot run {program}: {error}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().rfind(|line| line.starts_with('{')) {
        Some(line) if output.status.success() => Figures::from_json(line),
        _ => Err(format!(
            "the caller {program} printed no figures ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

fn measure_python(router: &Router, serializer: Serializer, calls: usize) -> Result<Figures, String> {
    let mut command = Command::new(support::python()?);
    command
        .arg(support::peer_script("bench_caller.py"))
        .args(caller_arguments(router, serializer, calls));
    run_caller(command)
}

/// Runs this benchmark's executable as the caller `caller` (a [`Flavor`]'s name or [`FLOOR`]).
fn measure_own_process(
    router: &Router,
    caller: &str,
    serializer: Serializer,
    calls: usize,
) -> Result<Figures, String> {
    let executable = std::env::current_exe()
        .map_err(|error| format!("cannot find the benchmark's executable: {error}"))?;
    let mut command = match std::env::var(WRAPPER_VARIABLE) {
        Ok(wrapper) => {
            let mut command = Command::new(wrapper);
            command.arg(executable);
            command
        }
        Err(_) => Command::new(executable),
    };
    command
        .env(CALLER_VARIABLE, caller)
        .args(caller_arguments(router, serializer, calls));
    run_caller(command)
}

/// A row of the table; `rounds` holds the caller's and the floor's figures of each round.
fn row(caller: &str, serializer: Serializer, rounds: &[(Figures, Figures)], python: &Figures) {
    let own: Vec<Figures> = rounds.iter().map(|(own, _)| own.clone()).collect();
    let figures = Figures::mean(&own);
    // Each round's ratio sets the caller against the floor measured just before it, in the
    // nearest conditions; their median, not a ratio of means, so that a round the machine
    // disturbed (one of 8x among rounds near 1x) does not move the figure.
    let mut ratios: Vec<f64> = rounds
        .iter()
        .map(|(own, floor)| own.sequential_cpu_us_per_call / floor.sequential_cpu_us_per_call)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let ranked = |rank: usize| ratios.get(rank).copied().unwrap_or(f64::NAN);
    let last = ratios.len().saturating_sub(1);
    // The two middle ranks are one when the count is odd.
    let median = (ranked(last / 2) + ranked(ratios.len() / 2)) / 2.0;
    let (lowest, highest) = (ranked(0), ranked(last));
    println!(
        "| {caller:<16} | {:<8} | {:>10.0} | {:>8.0} | {:>8.0} | {:>13.0} | {:>7.1} | {:>7.1} | {:>11.1} | {:>12.3} | {:>5.2} ({lowest:.2} to {highest:.2}) |",
        serializer.name(),
        figures.sequential_calls_per_s,
        figures.p50_us,
        figures.p99_us,
        figures.concurrent_calls_per_s,
        figures.sequential_cpu_us_per_call,
        figures.concurrent_cpu_us_per_call,
        figures.cpu_us_per_call(),
        figures.cpu_us_per_call() / python.cpu_us_per_call(),
        median,
    );
}

async fn run(router: &Router, calls: usize, rounds: usize) -> Result<(), String> {
    println!("{calls} calls per measurement; callee: Rust over RawSocket/msgpack; callers over WebSocket,");
    println!("each in its own process; CPU: the caller process's user + system time per measured call,");
    println!(
        "sequential, {CONCURRENCY} in flight, and over both; CPU / Python: the last against Autobahn's;"
    );
    println!("seq / floor: sequential CPU against the floor caller's, measured in turn {rounds} times");
    println!("(the median of the rounds' ratios, and the lowest and highest; the other columns: means)");
    println!(
        "| caller           | serial.  | seq call/s | p50 µs   | p99 µs   | {CONCURRENCY} in flight/s \
         | CPU seq | CPU {CONCURRENCY}  | CPU µs/call | CPU / Python | seq / floor |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let callee = router.join(Transport::RawSocket, Serializer::MsgPack).await;
    let echo = |invocation: Invocation| async move { Ok(invocation.payload) };
    callee
        .session()
        .register(PROCEDURE, RegisterOptions::default(), echo)
        .await
        .map_err(|error| format!("register: {error}"))?;
    for serializer in Serializer::ALL {
        // The callers run one after another, each a blocking child process; the callee answers
        // on this runtime's worker threads meanwhile.
        let python = tokio::task::block_in_place(|| measure_python(router, serializer, calls))?;
        let mut measured: Vec<Vec<(Figures, Figures)>> = vec![Vec::new(); Flavor::ALL.len() + 1];
        for _ in 0..rounds {
            let measure = |caller: &str| {
                tokio::task::block_in_place(|| measure_own_process(router, caller, serializer, calls))
            };
            let floor = measure(FLOOR)?;
            for (flavor, rounds) in Flavor::ALL.iter().zip(measured.iter_mut()) {
                rounds.push((measure(flavor.name())?, floor.clone()));
            }
            if let Some(floors) = measured.last_mut() {
                floors.push((floor.clone(), floor));
            }
        }
        for (flavor, rounds) in Flavor::ALL.iter().zip(&measured) {
            row(flavor.caller(), serializer, rounds, &python);
        }
        if let Some(floors) = measured.last() {
            row("floor", serializer, floors, &python);
        }
        row(
            "Autobahn|Python",
            serializer,
            &[(python.clone(), python.clone())],
            &python,
        );
    }
    callee.close().await.map_err(|error| error.to_string())
}

fn main() -> Result<(), String> {
    match std::env::var(CALLER_VARIABLE) {
        Ok(caller) if caller == FLOOR => return floor_caller(),
        Ok(flavor) => return rust_caller(&flavor),
        Err(_) => {}
    }
    let calls = match std::env::var("WAMP_IDL_BENCH_CALLS") {
        Ok(calls) => calls
            .parse()
            .map_err(|error| format!("WAMP_IDL_BENCH_CALLS={calls}: {error}"))?,
        Err(_) => 2000,
    };
    let rounds = match std::env::var("WAMP_IDL_BENCH_ROUNDS") {
        Ok(rounds) => positive("WAMP_IDL_BENCH_ROUNDS", &rounds)?,
        Err(_) => 9,
    };
    let Some(router) = support::router("e2e benchmark") else {
        return Ok(());
    };
    Flavor::MultiThread
        .runtime()?
        .block_on(run(router, calls, rounds))
}
