//! Encode and decode throughput of the wire codecs, on the payloads of Autobahn|Python's
//! serialization benchmark (`examples/benchmarks/serialization`): EVENT, PUBLISH, CALL and
//! RESULT messages whose single positional arg is a vehicle-telemetry dict.
//!
//! Run with `cargo bench -p wamp-idl-bench --bench codec`; filter with e.g. `-- json/event/encode/small`.
//! Throughput is in elements: one element is one message. Times are the CPU time of the
//! benchmark thread, not wall time, so that other work on a shared machine does not count.
//! Encoding is what the client does, `Serializer::encode_frame_into` (into a reused frame), for
//! every serializer: the binary serializers splice binary values of 512 bytes and more into
//! the frame instead of copying them, leaving their one copy to the transport's framing.
//! Decoding reads from a shared buffer, as the client does: the message's fixed fields are read
//! into the `Message` and its payload, checked whole, stays on the tape over that buffer, from
//! which generated types read it. `decode_into_values` (EVENT only) adds turning the payload into
//! owned `Value`s, the closest match to Autobahn|Python's figure, which is for Python objects.
//!
//! The `typed` rows (EVENT, sizes `small` and `xl`) carry the telemetry as a generated type would
//! (`wamp_idl_bench::telemetry`), on the same bytes as the EVENT rows: `typed_encode` writes it
//! straight into the frame, `typed_into_payload_encode` first clones it into a new payload, as
//! a stub sends a value it is given, and `typed_via_values_encode` clones it into a tree of
//! `Value`s instead, as stubs sent before they wrote to the wire (side by side with the one
//! before); `typed_decode` decodes and reads the typed value (`FromPayload`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wamp_idl_bench::telemetry::{VehicleEvent, telemetry};
use wamp_idl_bench::{ThreadCpuTime, frame_len, json_value, payload_files, pseudo_random_bytes};
use wamp_idl_runtime::wire::{DecodeLimits, EncodeError, Frame, Message, Serializer};
use wamp_idl_runtime::{Bytes, Dict, FromPayload, IntoPayload, IntoValue, List, Payload, Value};

const SIZES: [&str; 6] = ["empty", "small", "medium", "large", "xl", "xxl"];

/// The positional args of a benchmark message: `[null]` or `[telemetry]`.
fn payload(size: &str) -> List {
    if size == "empty" {
        return vec![Value::Null];
    }
    let mut telemetry = Dict::new();
    for file in payload_files(size) {
        match json_value(file) {
            Value::Dict(entries) => telemetry.extend(entries),
            other => panic!("benchmark payload is not a JSON object: {other:?}"),
        }
    }
    if let Some(len) = frame_len(size) {
        telemetry.insert("frame", Value::Bytes(pseudo_random_bytes(len).into()));
    }
    vec![Value::Dict(telemetry)]
}

/// The benchmark's messages, with ids in the range of Autobahn's `util.id()`.
fn messages(args: List) -> [(&'static str, Message); 4] {
    [
        (
            "event",
            Message::Event {
                subscription: 5_512_315_355_012_034,
                publication: 4_429_313_566_823_941,
                details: Dict::new(),
                payload: Payload::new(args.clone(), Dict::new()),
            },
        ),
        (
            "publish",
            Message::Publish {
                request: 3_710_561_237_450_991,
                options: Dict::new(),
                topic: "com.example.vehicle.vehicle100.xtile.132098.ytile.95708".into(),
                payload: Payload::new(args.clone(), Dict::new()),
            },
        ),
        (
            "call",
            Message::Call {
                request: 3_710_561_237_450_992,
                options: Dict::new(),
                procedure: "com.example.vehicle.report".into(),
                payload: Payload::new(args.clone(), Dict::new()),
            },
        ),
        (
            "result",
            Message::Result {
                request: 3_710_561_237_450_992,
                details: Dict::new(),
                payload: Payload::new(args, Dict::new()),
            },
        ),
    ]
}

/// What the client does to send a message: encodes it into its reused frame.
fn encode(serializer: Serializer, message: &Message, frame: &mut Frame) -> Result<(), EncodeError> {
    frame.clear();
    let encoded = serializer.encode_frame_into(message, frame);
    black_box(&frame);
    encoded
}

fn codec(c: &mut Criterion<ThreadCpuTime>) {
    let limits = DecodeLimits::default();
    for serializer in Serializer::ALL {
        for size in SIZES {
            for (name, message) in messages(payload(size)) {
                let encoded = Bytes::from(serializer.encode(&message).expect("benchmark messages encode"));
                let mut group = c.benchmark_group(format!("{serializer}/{name}"));
                group.throughput(Throughput::Elements(1));
                let mut frame = Frame::new();
                group.bench_with_input(BenchmarkId::new("encode", size), &message, |b, message| {
                    b.iter(|| encode(serializer, black_box(message), &mut frame))
                });
                group.bench_with_input(BenchmarkId::new("decode", size), &encoded, |b, encoded| {
                    b.iter(|| serializer.decode_shared_with(black_box(encoded), &limits))
                });
                if name == "event" {
                    group.bench_with_input(
                        BenchmarkId::new("decode_into_values", size),
                        &encoded,
                        |b, encoded| {
                            b.iter(
                                || match serializer.decode_shared_with(black_box(encoded), &limits) {
                                    Ok(Message::Event { payload, .. }) => Some(payload.into_parts()),
                                    _ => None,
                                },
                            )
                        },
                    );
                }
                group.finish();
            }
        }
    }
}

fn typed(c: &mut Criterion<ThreadCpuTime>) {
    let limits = DecodeLimits::default();
    let event = |payload| Message::Event {
        subscription: 5_512_315_355_012_034,
        publication: 4_429_313_566_823_941,
        details: Dict::new(),
        payload,
    };
    for serializer in Serializer::ALL {
        for size in ["small", "xl"] {
            let report = VehicleEvent {
                telemetry: telemetry(size),
            };
            let message = event(report.clone().into_payload());
            let encoded = Bytes::from(serializer.encode(&message).expect("benchmark messages encode"));
            let mut group = c.benchmark_group(format!("{serializer}/event"));
            group.throughput(Throughput::Elements(1));
            let mut frame = Frame::new();
            group.bench_with_input(BenchmarkId::new("typed_encode", size), &message, |b, message| {
                b.iter(|| encode(serializer, black_box(message), &mut frame))
            });
            group.bench_with_input(
                BenchmarkId::new("typed_into_payload_encode", size),
                &report,
                |b, report| {
                    b.iter(|| {
                        let message = event(black_box(report).clone().into_payload());
                        encode(serializer, &message, &mut frame)
                    })
                },
            );
            group.bench_with_input(
                BenchmarkId::new("typed_via_values_encode", size),
                &report,
                |b, report| {
                    b.iter(|| {
                        let args = vec![black_box(report).telemetry.clone().into_value()];
                        encode(serializer, &event(Payload::new(args, Dict::new())), &mut frame)
                    })
                },
            );
            group.bench_with_input(BenchmarkId::new("typed_decode", size), &encoded, |b, encoded| {
                b.iter(
                    || match serializer.decode_shared_with(black_box(encoded), &limits) {
                        Ok(Message::Event { payload, .. }) => VehicleEvent::from_payload(&payload).ok(),
                        _ => None,
                    },
                )
            });
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime::default());
    targets = codec, typed
}
criterion_main!(benches);
