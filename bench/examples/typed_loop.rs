//! One typed cell of the `typed` benchmark in a plain loop, for instruction counts that do not
//! depend on the machine's load: an EVENT carrying the telemetry of a size, encoded or decoded
//! `count` times by wamp-idl, or by the format's serde peer (serde_json, rmp-serde).
//!
//! ```sh
//! cargo build --release -p wamp-idl-bench --example typed_loop
//! valgrind --tool=callgrind target/release/examples/typed_loop msgpack small decode 2000
//! ```
//!
//! The instructions of one message are those of a run of `count` messages less those of a run
//! of none (the setup).

use std::collections::BTreeMap;
use std::hint::black_box;

use wamp_idl_bench::telemetry::{Telemetry, VehicleEvent, telemetry};
use wamp_idl_runtime::wire::{DecodeLimits, Frame, Message, Serializer};
use wamp_idl_runtime::{Bytes, Dict, FromPayload, IntoPayload};

const SUBSCRIPTION: u64 = 5_512_315_355_012_034;
const PUBLICATION: u64 = 4_429_313_566_823_941;

/// The EVENT as serde's peers write it; the empty details as an empty map.
type SerdeEvent = (u8, u64, u64, BTreeMap<String, u8>, (Telemetry,));

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [format, size, operation, count] = arguments.as_slice() else {
        panic!(
            "usage: typed_loop <json|msgpack|cbor|ubjson> <small|medium|large|xl> <encode|decode|serde-encode|serde-decode> <count>"
        );
    };
    let Some(serializer) = Serializer::ALL
        .into_iter()
        .find(|serializer| serializer.name() == format)
    else {
        panic!("{format} is not a serializer");
    };
    let Ok(count) = count.parse::<usize>() else {
        panic!("{count} is not a count");
    };
    let event = VehicleEvent {
        telemetry: telemetry(size),
    };
    let message = Message::Event {
        subscription: SUBSCRIPTION,
        publication: PUBLICATION,
        details: Dict::new(),
        payload: event.clone().into_payload(),
    };
    let bytes = match serializer.encode(&message) {
        Ok(bytes) => Bytes::from(bytes),
        Err(error) => panic!("{serializer} cannot encode the event: {error}"),
    };
    let serde_event: SerdeEvent = (36, SUBSCRIPTION, PUBLICATION, BTreeMap::new(), (event.telemetry,));
    let limits = DecodeLimits::default();
    let mut frame = Frame::new();
    let mut out = Vec::new();
    for _ in 0..count {
        let done = match operation.as_str() {
            "encode" => {
                frame.clear();
                let encoded = serializer.encode_frame_into(black_box(&message), &mut frame);
                black_box(&frame);
                encoded.is_ok()
            }
            "decode" => match serializer.decode_shared_with(black_box(&bytes), &limits) {
                Ok(Message::Event { payload, .. }) => black_box(VehicleEvent::from_payload(&payload)).is_ok(),
                _ => false,
            },
            "serde-encode" => {
                out.clear();
                let encoded = match serializer {
                    Serializer::Json => serde_json::to_writer(&mut out, black_box(&serde_event)).is_ok(),
                    Serializer::MsgPack => serde::Serialize::serialize(
                        black_box(&serde_event),
                        &mut rmp_serde::Serializer::new(&mut out).with_struct_map(),
                    )
                    .is_ok(),
                    _ => panic!("the loop has serde peers for json and msgpack only"),
                };
                black_box(&out);
                encoded
            }
            "serde-decode" => match serializer {
                Serializer::Json => {
                    black_box(serde_json::from_slice::<SerdeEvent>(black_box(&bytes))).is_ok()
                }
                Serializer::MsgPack => {
                    black_box(rmp_serde::from_slice::<SerdeEvent>(black_box(&bytes))).is_ok()
                }
                _ => panic!("the loop has serde peers for json and msgpack only"),
            },
            other => panic!("{other} is not an operation"),
        };
        assert!(done, "{operation} of {serializer}/{size} failed");
    }
}
