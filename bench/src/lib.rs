//! What the codec benchmarks share: the CPU-time measurement, the payloads of Autobahn|Python's
//! serialization benchmark, and the typed vehicle telemetry those payloads are (`telemetry`).

pub mod telemetry;

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use rustix::time::{ClockId, clock_gettime};
use wamp_idl_runtime::Value;
use wamp_idl_runtime::wire::{DecodeLimits, Serializer};

/// Measures the CPU time the benchmark thread spends (`CLOCK_THREAD_CPUTIME_ID`), in place of
/// wall time, so that other work on a shared machine does not count.
pub struct ThreadCpuTime {
    /// Formats durations as wall time does.
    wall_time: WallTime,
}

impl Default for ThreadCpuTime {
    fn default() -> ThreadCpuTime {
        ThreadCpuTime { wall_time: WallTime }
    }
}

impl std::fmt::Debug for ThreadCpuTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ThreadCpuTime")
    }
}

impl ThreadCpuTime {
    /// The CPU time this thread has spent so far.
    pub fn now() -> Duration {
        let time = clock_gettime(ClockId::ThreadCPUTime);
        Duration::new(time.tv_sec.unsigned_abs(), time.tv_nsec.unsigned_abs() as u32)
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        ThreadCpuTime::now()
    }

    fn end(&self, started: Duration) -> Duration {
        ThreadCpuTime::now().saturating_sub(started)
    }

    fn add(&self, first: &Duration, second: &Duration) -> Duration {
        *first + *second
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall_time.formatter()
    }
}

/// The telemetry of Autobahn's `VehicleEvent.marshal()` for the first row of its `dataset1.csv`.
/// The payload files are shared with the Autobahn|Python side, `tests/peers/codec_bench.py`.
pub const SMALL: &str = include_str!("../../tests/data/serialization/small.json");

/// Autobahn's `JSON_DATA1`, added for the medium and large sizes.
pub const DATA1: &str = include_str!("../../tests/data/serialization/data1.json");

/// Autobahn's `JSON_DATA2` and `JSON_DATA3`, added for the large size.
pub const DATA23: &str = include_str!("../../tests/data/serialization/data23.json");

/// The bytes the xl and xxl sizes add, in bytes.
pub fn frame_len(size: &str) -> Option<usize> {
    match size {
        "xl" => Some(16 * 1024),
        "xxl" => Some(128 * 1024),
        _ => None,
    }
}

/// The payload files a size merges into one telemetry dict, in order.
pub fn payload_files(size: &str) -> &'static [&'static str] {
    match size {
        "medium" => &[SMALL, DATA1],
        "large" => &[SMALL, DATA1, DATA23],
        _ => &[SMALL],
    }
}

/// A JSON payload file as a WAMP value.
///
/// # Panics
/// When the file is not JSON: the payloads are the benchmark's own.
pub fn json_value(text: &str) -> Value {
    match Serializer::Json.decode_value_with(text.as_bytes(), &DecodeLimits::default()) {
        Ok(value) => value,
        Err(error) => panic!("benchmark payload is not JSON: {error}"),
    }
}

/// Deterministic stand-in for `os.urandom`: a xorshift stream.
pub fn pseudo_random_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect()
}
