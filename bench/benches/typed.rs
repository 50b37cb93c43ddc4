//! Typed WAMP messages, wamp-idl against serde, side by side in one run: EVENT, CALL and RESULT
//! whose single positional argument is the vehicle telemetry of Autobahn's serialization
//! benchmark (`wamp_idl_bench::telemetry`) at its small, medium, large and xl sizes, encoded and
//! decoded in every format.
//!
//! `cargo bench -p wamp-idl-bench --bench typed` runs every cell and prints, at the end, the
//! table of ratios (the fastest serde peer's CPU time over ours: above 1 we are faster) and the
//! allocations per message. Filter cells with a regular expression, as criterion does:
//! `-- 'typed/msgpack/event/.*/small'`; `--measurement-time` and `--warm-up-time` override the
//! short defaults.
//!
//! - wamp-idl: a user's message goes through the public typed API, as a generated stub's does.
//!   Encoding writes a message whose payload is the typed value (`IntoPayload`, done once, before
//!   the measurement, as serde's side builds its tuple once) into a reused `Frame`
//!   (`Serializer::encode_frame_into`, which splices binary values of 512 bytes and more instead
//!   of copying them), by reference as serde serializes; decoding reads the `Message` from a
//!   shared buffer (`Serializer::decode_shared_with`) and the typed value from its payload
//!   (`FromPayload`).
//! - serde: the same struct's `Serialize` and `Deserialize` (derived beside our derives), the
//!   message as a tuple (`(36, subscription, publication, {}, (telemetry,))`), written by
//!   reference into a reused `Vec<u8>`: serde_json and simd-json (decode only: it parses a
//!   mutable copy of the input, which it makes for each message) for JSON, rmp-serde (structs
//!   as maps) for MessagePack, ciborium and minicbor (minicbor-serde) for CBOR. BJData has no
//!   serde peer: its cells compare with our own MessagePack.
//!
//! Every decoder of a cell reads the same bytes, the runtime's encoding, and the benchmark
//! checks first that each reads them into the value encoded. Times are CPU time of the
//! benchmark thread. Allocations are counted by a counting global allocator over 200 messages.

use std::alloc::System;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkGroup, Criterion};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use wamp_idl_bench::ThreadCpuTime;
use wamp_idl_bench::telemetry::{Telemetry, VehicleEvent, telemetry};
use wamp_idl_runtime::wire::{DecodeLimits, Frame, Message, Serializer};
use wamp_idl_runtime::{Bytes, Dict, FromPayload, IntoPayload};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SIZES: [&str; 4] = ["small", "medium", "large", "xl"];
const SUBSCRIPTION: u64 = 5_512_315_355_012_034;
const PUBLICATION: u64 = 4_429_313_566_823_941;
const REQUEST: u64 = 3_710_561_237_450_992;
const PROCEDURE: &str = "com.example.vehicle.report";
/// Messages over which allocations are counted.
const COUNTED: usize = 200;

/// The WAMP message a cell carries the telemetry in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Event,
    Call,
    Result,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Event, Kind::Call, Kind::Result];

    fn name(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Call => "call",
            Kind::Result => "result",
        }
    }

    /// The message of the typed API: the event's payload in this kind of message.
    fn message(self, event: VehicleEvent, procedure: String) -> Message {
        let payload = event.into_payload();
        match self {
            Kind::Event => Message::Event {
                subscription: SUBSCRIPTION,
                publication: PUBLICATION,
                details: Dict::new(),
                payload,
            },
            Kind::Call => Message::Call {
                request: REQUEST,
                options: Dict::new(),
                procedure,
                payload,
            },
            Kind::Result => Message::Result {
                request: REQUEST,
                details: Dict::new(),
                payload,
            },
        }
    }
}

/// Reads the typed value of a received message, as a subscriber, callee or caller stub does.
fn decode_typed(serializer: Serializer, bytes: &Bytes, limits: &DecodeLimits) -> Option<VehicleEvent> {
    match serializer.decode_shared_with(bytes, limits).ok()? {
        Message::Event { payload, .. } | Message::Call { payload, .. } | Message::Result { payload, .. } => {
            VehicleEvent::from_payload(&payload).ok()
        }
        _ => None,
    }
}

/// The details or options of a message: an empty dict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Empty {}

type SerdeEvent = (u8, u64, u64, Empty, (Telemetry,));
type SerdeCall = (u8, u64, Empty, String, (Telemetry,));
type SerdeResult = (u8, u64, Empty, (Telemetry,));

/// A serde format crate, as a user would call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Peer {
    SerdeJson,
    SimdJson,
    RmpSerde,
    Ciborium,
    Minicbor,
}

impl Peer {
    const ALL: [Peer; 5] = [
        Peer::SerdeJson,
        Peer::SimdJson,
        Peer::RmpSerde,
        Peer::Ciborium,
        Peer::Minicbor,
    ];

    fn name(self) -> &'static str {
        match self {
            Peer::SerdeJson => "serde_json",
            Peer::SimdJson => "simd-json",
            Peer::RmpSerde => "rmp-serde",
            Peer::Ciborium => "ciborium",
            Peer::Minicbor => "minicbor",
        }
    }

    fn format(self) -> Serializer {
        match self {
            Peer::SerdeJson | Peer::SimdJson => Serializer::Json,
            Peer::RmpSerde => Serializer::MsgPack,
            Peer::Ciborium | Peer::Minicbor => Serializer::Cbor,
        }
    }

    /// Whether the benchmark encodes with it: simd-json's serializer is not what it is for.
    fn encodes(self) -> bool {
        self != Peer::SimdJson
    }

    fn encode<T: Serialize>(self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        match self {
            Peer::SerdeJson | Peer::SimdJson => {
                serde_json::to_writer(out, value).map_err(|error| error.to_string())
            }
            Peer::RmpSerde => value
                .serialize(&mut rmp_serde::Serializer::new(out).with_struct_map())
                .map_err(|error| error.to_string()),
            Peer::Ciborium => ciborium::into_writer(value, out).map_err(|error| error.to_string()),
            Peer::Minicbor => value
                .serialize(&mut minicbor_serde::Serializer::new(out))
                .map_err(|error| error.to_string()),
        }
    }

    /// Reads `bytes`; simd-json parses a copy in `scratch`.
    fn decode<T: DeserializeOwned>(self, bytes: &[u8], scratch: &mut Vec<u8>) -> Result<T, String> {
        match self {
            Peer::SerdeJson => serde_json::from_slice(bytes).map_err(|error| error.to_string()),
            Peer::SimdJson => {
                scratch.clear();
                scratch.extend_from_slice(bytes);
                simd_json::serde::from_slice(scratch).map_err(|error| error.to_string())
            }
            Peer::RmpSerde => rmp_serde::from_slice(bytes).map_err(|error| error.to_string()),
            Peer::Ciborium => ciborium::from_reader(bytes).map_err(|error| error.to_string()),
            Peer::Minicbor => minicbor_serde::from_slice(bytes).map_err(|error| error.to_string()),
        }
    }
}

/// Who a measurement is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Operation {
    Encode,
    Decode,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Encode => "encode",
            Operation::Decode => "decode",
        }
    }
}

/// One cell's place: format, message, size, operation.
type Place = (Serializer, Kind, &'static str, Operation);

/// What the run measured and counted, for the tables at the end.
#[derive(Default)]
struct Results {
    /// The criterion directory of each measured benchmark, by place and by whom (`wamp-idl`
    /// or a peer's name).
    measured: BTreeMap<(Place, &'static str), String>,
    /// Allocations per message, by place and by whom.
    allocations: BTreeMap<(Place, &'static str), f64>,
    /// What kept a peer out of a cell.
    notes: Vec<String>,
}

/// Allocations (and reallocations) per call of `run` over [`COUNTED`] calls.
fn allocations_per_message(mut run: impl FnMut(usize)) -> f64 {
    let region = Region::new(GLOBAL);
    for index in 0..COUNTED {
        run(index);
    }
    let change = region.change();
    (change.allocations + change.reallocations) as f64 / COUNTED as f64
}

/// Benchmarks one function of a group and records where criterion keeps its estimates.
fn measure(
    group: &mut BenchmarkGroup<'_, ThreadCpuTime>,
    results: &mut Results,
    place: Place,
    who: &'static str,
    run: impl FnMut(&mut criterion::Bencher<'_, ThreadCpuTime>),
) {
    let (serializer, kind, size, operation) = place;
    let function = format!("{who}-{}", operation.name());
    group.bench_function(criterion::BenchmarkId::new(&function, size), run);
    results.measured.insert(
        (place, who),
        format!("typed_{serializer}_{}/{function}/{size}", kind.name()),
    );
}

/// The cells of one format, message and size: ours, then each serde peer of the format.
fn cells<T>(
    criterion: &mut Criterion<ThreadCpuTime>,
    results: &mut Results,
    serializer: Serializer,
    kind: Kind,
    size: &'static str,
    serde_message: &T,
) where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let event = VehicleEvent {
        telemetry: telemetry(size),
    };
    let limits = DecodeLimits::default();
    let bytes = match serializer.encode(&kind.message(event.clone(), PROCEDURE.to_owned())) {
        Ok(bytes) => Bytes::from(bytes),
        Err(error) => panic!("{serializer} cannot encode the benchmark message: {error}"),
    };
    assert_eq!(
        decode_typed(serializer, &bytes, &limits).as_ref(),
        Some(&event),
        "{serializer} does not read back what it wrote"
    );
    let mut group = criterion.benchmark_group(format!("typed/{serializer}/{}", kind.name()));
    let encode = (serializer, kind, size, Operation::Encode);
    let decode = (serializer, kind, size, Operation::Decode);

    let mut frame = Frame::new();
    let message = kind.message(event.clone(), PROCEDURE.to_owned());
    let mut encode_typed = || {
        frame.clear();
        let encoded = serializer.encode_frame_into(black_box(&message), &mut frame);
        black_box(&frame);
        encoded
    };
    measure(&mut group, results, encode, "wamp-idl", |b| {
        b.iter(&mut encode_typed)
    });
    let counted = allocations_per_message(|_| {
        let _ = black_box(encode_typed());
    });
    results.allocations.insert((encode, "wamp-idl"), counted);

    measure(&mut group, results, decode, "wamp-idl", |b| {
        b.iter(|| decode_typed(serializer, black_box(&bytes), &limits))
    });
    let counted = allocations_per_message(|_| {
        black_box(decode_typed(serializer, &bytes, &limits));
    });
    results.allocations.insert((decode, "wamp-idl"), counted);

    let mut out = Vec::new();
    let mut scratch = Vec::new();
    for peer in Peer::ALL.into_iter().filter(|peer| peer.format() == serializer) {
        let who = peer.name();
        if peer.encodes() {
            out.clear();
            if let Err(error) = peer.encode(serde_message, &mut out) {
                panic!("{who} cannot encode the benchmark message: {error}");
            }
            if out != *bytes {
                let ours_reads_it =
                    decode_typed(serializer, &Bytes::from(out.clone()), &limits) == Some(event.clone());
                results.notes.push(format!(
                    "{who} writes other bytes than wamp-idl for {serializer}/{}/{size} ({} bytes against {}), \
                     which wamp-idl {}",
                    kind.name(),
                    out.len(),
                    bytes.len(),
                    if ours_reads_it { "reads as the same value" } else { "does NOT read as the same value" }
                ));
            }
            measure(&mut group, results, encode, who, |b| {
                b.iter(|| {
                    out.clear();
                    let encoded = peer.encode(black_box(serde_message), &mut out);
                    black_box(&out);
                    encoded
                })
            });
            let counted = allocations_per_message(|_| {
                out.clear();
                let _ = black_box(peer.encode(serde_message, &mut out));
            });
            results.allocations.insert((encode, who), counted);
        }
        match peer.decode::<T>(&bytes, &mut scratch) {
            Ok(decoded) if decoded == *serde_message => {}
            Ok(decoded) => {
                results.notes.push(format!(
                    "{who} reads wamp-idl's {serializer}/{}/{size} as another value: {decoded:?}",
                    kind.name()
                ));
                continue;
            }
            Err(error) => {
                results.notes.push(format!(
                    "{who} cannot read wamp-idl's {serializer}/{}/{size}: {error}",
                    kind.name()
                ));
                continue;
            }
        }
        measure(&mut group, results, decode, who, |b| {
            b.iter(|| peer.decode::<T>(black_box(&bytes), &mut scratch))
        });
        let counted = allocations_per_message(|_| {
            let _ = black_box(peer.decode::<T>(&bytes, &mut scratch));
        });
        results.allocations.insert((decode, who), counted);
    }
    group.finish();
}

/// The CPU time per message criterion estimated for a benchmark, in nanoseconds (the slope of
/// its linear sampling, else the mean, as criterion prints it), if it ran since `started`: a
/// filter leaves the estimates of earlier runs in place.
fn estimate(directory: &str, started: SystemTime) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        std::path::PathBuf::from,
    );
    let path = target
        .join("criterion")
        .join(directory)
        .join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < started {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    ["slope", "mean"]
        .iter()
        .find_map(|key| estimates.get(key)?.get("point_estimate")?.as_f64())
}

/// Prints the ratios: for each cell, the fastest serde peer's time over ours.
fn print_tables(results: &Results, started: SystemTime) {
    let times: BTreeMap<(Place, &'static str), f64> = results
        .measured
        .iter()
        .filter_map(|(key, directory)| Some((*key, estimate(directory, started)?)))
        .collect();
    table(
        "Typed messages, CPU time per message: ours, and the fastest serde peer's time over ours\n\
         (above 1: wamp-idl is faster; BJData: our MessagePack's time over our BJData's)",
        |place| {
            let (serializer, kind, size, operation) = place;
            let ours = times.get(&(place, "wamp-idl"))?;
            let fastest = if serializer == Serializer::UbJson {
                times
                    .get(&((Serializer::MsgPack, kind, size, operation), "wamp-idl"))
                    .map(|time| (*time, "our msgpack"))
            } else {
                Peer::ALL
                    .iter()
                    .filter_map(|peer| Some((*times.get(&(place, peer.name()))?, peer.name())))
                    .min_by(|a, b| a.0.total_cmp(&b.0))
            };
            Some(match fastest {
                Some((time, who)) => format!("{} ns, {:.2}x {who}", ns(*ours), time / ours),
                None => format!("{} ns", ns(*ours)),
            })
        },
    );
    table(
        &format!(
            "Allocations per message (allocations and reallocations, over {COUNTED} messages): ours; serde peers"
        ),
        |place| {
            let ours = results.allocations.get(&(place, "wamp-idl"))?;
            let peers: Vec<String> = Peer::ALL
                .iter()
                .filter_map(|peer| {
                    let count = results.allocations.get(&(place, peer.name()))?;
                    Some(format!("{} {}", peer.name(), count_text(*count)))
                })
                .collect();
            Some(if peers.is_empty() {
                count_text(*ours)
            } else {
                format!("{}; {}", count_text(*ours), peers.join(", "))
            })
        },
    );
    for note in &results.notes {
        println!("note: {note}");
    }
}

/// Prints a table with a row per message, size and operation and a column per format, of
/// the cells `cell` gives; rows without any are left out.
fn table(title: &str, cell: impl Fn(Place) -> Option<String>) {
    println!();
    println!("{title}");
    println!();
    println!("| message | size | op | json | msgpack | cbor | bjdata |");
    println!("|---|---|---|---|---|---|---|");
    for kind in Kind::ALL {
        for size in SIZES {
            for operation in [Operation::Encode, Operation::Decode] {
                let cells: Vec<Option<String>> = Serializer::ALL
                    .iter()
                    .map(|&serializer| cell((serializer, kind, size, operation)))
                    .collect();
                if cells.iter().any(Option::is_some) {
                    let cells: Vec<String> = cells
                        .into_iter()
                        .map(|cell| cell.unwrap_or_else(|| "-".to_owned()))
                        .collect();
                    println!(
                        "| {} | {size} | {} | {} |",
                        kind.name(),
                        operation.name(),
                        cells.join(" | ")
                    );
                }
            }
        }
    }
}

/// A count per message, to a tenth (a buffer that grows once in 200 messages is 0.005).
fn count_text(count: f64) -> String {
    format!("{count:.1}").replace(".0", "")
}

/// Nanoseconds, to three significant digits at most.
fn ns(nanoseconds: f64) -> String {
    if nanoseconds >= 100.0 {
        format!("{nanoseconds:.0}")
    } else {
        format!("{nanoseconds:.1}")
    }
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .with_measurement(ThreadCpuTime::default())
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .configure_from_args();
    let mut results = Results::default();
    for serializer in Serializer::ALL {
        for kind in Kind::ALL {
            for size in SIZES {
                let tuple = (telemetry(size),);
                match kind {
                    Kind::Event => {
                        let message: SerdeEvent = (36, SUBSCRIPTION, PUBLICATION, Empty {}, tuple);
                        cells(&mut criterion, &mut results, serializer, kind, size, &message);
                    }
                    Kind::Call => {
                        let message: SerdeCall = (48, REQUEST, Empty {}, PROCEDURE.to_owned(), tuple);
                        cells(&mut criterion, &mut results, serializer, kind, size, &message);
                    }
                    Kind::Result => {
                        let message: SerdeResult = (50, REQUEST, Empty {}, tuple);
                        cells(&mut criterion, &mut results, serializer, kind, size, &message);
                    }
                }
            }
        }
    }
    criterion.final_summary();
    print_tables(&results, started);
}
