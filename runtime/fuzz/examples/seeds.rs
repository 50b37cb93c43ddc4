//! Writes seed inputs for both fuzz targets: messages and values that read into the generated
//! types, in every serializer, so that libFuzzer starts from inputs that reach the round-trip
//! check instead of having to find a whole valid message by chance.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds -- fuzz/corpus` (from
//! `runtime/`) writes `decode/seed-*` and `values/seed-*` there.

use std::path::{Path, PathBuf};

use wamp_idl_runtime::wire::{Message, Serializer};
use wamp_idl_runtime::{IntoPayload, Payload, Value, meta};
use wamp_idl_runtime_fuzz::behaviour::behaviour as types;
use wamp_idl_runtime_fuzz::result_with;

fn payloads() -> Vec<(&'static str, Payload)> {
    let inner = types::types::Inner {
        name: Some("inner".into()),
        level: 3,
    };
    vec![
        (
            "scalars",
            types::Scalars {
                flag: true,
                tiny: -3,
                utiny: 200,
                small: -30_000,
                usmall: 60_000,
                medium: -2_000_000_000,
                umedium: 4_000_000_000,
                large: i64::MIN,
                ularge: u64::MAX,
                single: 1.5,
                double: -0.1,
            }
            .into_payload(),
        ),
        (
            "compound",
            types::Compound {
                text: "text".into(),
                data: vec![0, 1, 2, 255],
                numbers: vec![1, 2, 3],
                names: vec!["a".into(), "b".into()],
                inner: inner.clone(),
                inners: vec![inner.clone(), types::types::Inner::default()],
                tick: types::types::Tick {
                    point: types::types::Point { x: 1, y: -1 },
                    colour: types::types::Colour::Red,
                    samples: [1, 2, 3],
                },
                colour: types::types::Colour::Blue,
                permissions: types::types::Permission::all(),
                shape: types::types::Shape::Label(types::types::Label { text: "label".into() }),
            }
            .into_payload(),
        ),
        (
            "query",
            types::Query {
                text: "find".into(),
                limit: 3,
                scope: Some("all".into()),
                colour: types::types::Colour::Green,
                offset: Some(-4),
                inner: Some(inner),
            }
            .into_payload(),
        ),
        ("count", types::Count { value: 42 }.into_payload()),
        (
            "names",
            types::Names {
                value: vec!["x".into(), "y".into()],
            }
            .into_payload(),
        ),
        (
            "keywords",
            types::Keywords {
                r#type: "t".into(),
                r#match: 7,
                self_: true,
            }
            .into_payload(),
        ),
        (
            "reading",
            types::Reading {
                sensor: "s1".into(),
                value: 21.5,
            }
            .into_payload(),
        ),
        ("kill_session", meta::KillSession::default().into_payload()),
        ("get_events", meta::GetEvents::default().into_payload()),
        (
            "session_details",
            meta::SessionDetailsResult::default().into_payload(),
        ),
    ]
}

fn write(dir: &Path, name: String, serializer: Serializer, bytes: &[u8]) -> std::io::Result<()> {
    let choice = Serializer::ALL
        .iter()
        .position(|candidate| *candidate == serializer)
        .and_then(|index| u8::try_from(index).ok())
        .unwrap_or(0);
    let mut input = vec![choice];
    input.extend_from_slice(bytes);
    std::fs::write(dir.join(name), input)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let corpus = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: seeds <corpus directory>")?;
    let (decode, values) = (corpus.join("decode"), corpus.join("values"));
    std::fs::create_dir_all(&decode)?;
    std::fs::create_dir_all(&values)?;
    for (name, payload) in payloads() {
        let (args, kwargs) = payload.clone().into_parts();
        let message: Message = result_with(payload);
        for serializer in Serializer::ALL {
            write(
                &decode,
                format!("seed-{name}-{serializer}"),
                serializer,
                &serializer.encode(&message)?,
            )?;
            for (part, value) in [
                ("args", Value::List(args.clone())),
                ("kwargs", Value::Dict(kwargs.clone())),
            ] {
                let mut bytes = Vec::new();
                serializer.encode_value(&value, &mut bytes)?;
                write(
                    &values,
                    format!("seed-{name}-{part}-{serializer}"),
                    serializer,
                    &bytes,
                )?;
            }
        }
    }
    Ok(())
}
