//! End-to-end benchmark through Crossbar.io: the Rust caller and an Autobahn|Python caller
//! call the same Rust callee on the same router, side by side, in every serializer.
//!
//! `cargo bench -p wamp-idl-runtime --bench e2e` (needs `scripts/setup-peers`). Set
//! `WAMP_IDL_BENCH_CALLS` to change the number of calls per measurement (default 2000), and
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
use wamp_idl_runtime::wire::Serializer;
use wamp_idl_runtime::{CallOptions, Dict, Invocation, Payload, RegisterOptions, SessionBackend as _, Value};

use support::{Router, Transport};

const PROCEDURE: &str = "bench.echo";
const CONCURRENCY: usize = 32;
const WARMUP_CALLS: usize = 100;
/// Set in the environment of the Rust caller process, to the name of its [`Flavor`].
const CALLER_VARIABLE: &str = "WAMP_IDL_BENCH_RUST_CALLER";
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
#[derive(Debug)]
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
    latencies.sort();
    Ok(Figures {
        sequential_calls_per_s: calls as f64 / sequential.as_secs_f64(),
        p50_us: percentile(&latencies, 0.50),
        p99_us: percentile(&latencies, 0.99),
        concurrent_calls_per_s: calls as f64 / concurrent.as_secs_f64(),
        sequential_cpu_us_per_call: sequential_cpu.as_secs_f64() * 1e6 / calls as f64,
        concurrent_cpu_us_per_call: concurrent_cpu.as_secs_f64() * 1e6 / calls as f64,
    })
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
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [url, realm, serializer, procedure, calls, concurrency] = arguments.as_slice() else {
        return Err(format!(
            "the Rust caller takes URL REALM SERIALIZER PROCEDURE CALLS CONCURRENCY, not {arguments:?}"
        ));
    };
    let serializer = Serializer::ALL
        .into_iter()
        .find(|known| known.name() == serializer)
        .ok_or_else(|| format!("{serializer}: not a serializer"))?;
    let count = |name: &str, value: &str| {
        value
            .parse::<usize>()
            .ok()
            .filter(|count| *count > 0)
            .ok_or_else(|| format!("{name} {value}: not a positive number"))
    };
    let calls = count("CALLS", calls)?;
    let concurrency = count("CONCURRENCY", concurrency)?;
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

fn measure_rust_process(
    router: &Router,
    flavor: Flavor,
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
        .env(CALLER_VARIABLE, flavor.name())
        .args(caller_arguments(router, serializer, calls));
    run_caller(command)
}

fn row(caller: &str, serializer: Serializer, figures: &Figures, python: &Figures) {
    println!(
        "| {caller:<16} | {:<8} | {:>10.0} | {:>8.0} | {:>8.0} | {:>13.0} | {:>7.1} | {:>7.1} | {:>11.1} | {:>12.3} |",
        serializer.name(),
        figures.sequential_calls_per_s,
        figures.p50_us,
        figures.p99_us,
        figures.concurrent_calls_per_s,
        figures.sequential_cpu_us_per_call,
        figures.concurrent_cpu_us_per_call,
        figures.cpu_us_per_call(),
        figures.cpu_us_per_call() / python.cpu_us_per_call(),
    );
}

async fn run(router: &Router, calls: usize) -> Result<(), String> {
    println!("{calls} calls per measurement; callee: Rust over RawSocket/msgpack; callers over WebSocket,");
    println!("each in its own process; CPU: the caller process's user + system time per measured call,");
    println!("sequential, {CONCURRENCY} in flight, and over both; CPU / Python: the last against Autobahn's");
    println!(
        "| caller           | serial.  | seq call/s | p50 µs   | p99 µs   | {CONCURRENCY} in flight/s \
         | CPU seq | CPU {CONCURRENCY}  | CPU µs/call | CPU / Python |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
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
        for flavor in Flavor::ALL {
            let rust =
                tokio::task::block_in_place(|| measure_rust_process(router, flavor, serializer, calls))?;
            row(flavor.caller(), serializer, &rust, &python);
        }
        row("Autobahn|Python", serializer, &python, &python);
    }
    callee.close().await.map_err(|error| error.to_string())
}

fn main() -> Result<(), String> {
    if let Ok(flavor) = std::env::var(CALLER_VARIABLE) {
        return rust_caller(&flavor);
    }
    let calls = match std::env::var("WAMP_IDL_BENCH_CALLS") {
        Ok(calls) => calls
            .parse()
            .map_err(|error| format!("WAMP_IDL_BENCH_CALLS={calls}: {error}"))?,
        Err(_) => 2000,
    };
    let Some(router) = support::router("e2e benchmark") else {
        return Ok(());
    };
    Flavor::MultiThread.runtime()?.block_on(run(router, calls))
}
