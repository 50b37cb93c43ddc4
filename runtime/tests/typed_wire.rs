//! Generated types on the wire: written straight into the frame, they encode to the same bytes
//! as the values they stand for, in every serializer, and with no allocation at all into a
//! reused frame; read back from a received frame, they allocate only what they own.
//!
//! Allocations are counted by this binary's global allocator, for the whole process: the tests
//! of this binary run one at a time, so that none counts another's, and each count is the least
//! of a few runs (see [`TRIES`]).

use std::alloc::System;
use std::sync::{Mutex, MutexGuard, PoisonError};

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use wamp_idl_runtime::wire::{DecodeLimits, Frame, Message, Serializer};
use wamp_idl_runtime::{Bytes, Dict, FromPayload, IntoPayload, IntoValue, Payload, Value};
use wamp_idl_test_support::telemetry::{Report, telemetry};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Held by every test for its whole run.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How many times the allocations of a closure are counted: the least count is its own, since
/// the test harness's threads (starting a test, reporting one) allocate beside it now and then.
const TRIES: usize = 5;

/// How many allocations (and reallocations) `run` makes, the least of [`TRIES`] runs, and what
/// it returned the last time.
fn allocations<T>(mut run: impl FnMut() -> T) -> (usize, T) {
    let mut least = usize::MAX;
    let mut result = None;
    for _ in 0..TRIES {
        let region = Region::new(GLOBAL);
        let returned = run();
        let change = region.change();
        least = least.min(change.allocations + change.reallocations);
        result = Some(returned);
    }
    (least, result.expect("TRIES is not zero"))
}

#[derive(Debug, Clone, Copy, PartialEq, IntoValue)]
#[repr(i16)]
enum Mode {
    Slow = -300,
}

#[derive(Debug, Clone, Copy, PartialEq, IntoValue)]
struct Flags(u32);

#[derive(Debug, Clone, PartialEq, IntoValue)]
#[wamp(struct = "demo.Point")]
struct Point {
    x: i8,
    y: f32,
}

#[derive(Debug, Clone, PartialEq, IntoValue)]
#[wamp(union = "demo.Shape")]
enum Shape {
    Point(Point),
    #[wamp(name = "circle")]
    Circle(Box<Point>),
}

/// Every kind of field and every way a payload field travels.
#[derive(Debug, Clone, PartialEq, IntoPayload)]
#[wamp(table = "demo.Everything")]
struct Everything {
    id: u64,
    note: Option<String>,
    #[wamp(default = 3)]
    small: i64,
    mode: Mode,
    flags: Flags,
    shapes: Vec<Shape>,
    corners: [Point; 2],
    raw: Vec<u8>,
    #[wamp(kwarg)]
    zeta: Option<i32>,
    #[wamp(kwarg, default)]
    alpha: u16,
    #[wamp(kwarg)]
    any: Option<Value>,
    #[wamp(optional_arg)]
    tail: Option<f64>,
    #[wamp(optional_arg)]
    last: Option<Vec<u8>>,
}

fn everything(tail: Option<f64>, last: Option<Vec<u8>>, zeta: Option<i32>, any: Option<Value>) -> Everything {
    Everything {
        id: u64::MAX,
        note: None,
        small: i64::MIN,
        mode: Mode::Slow,
        flags: Flags(0b101),
        shapes: vec![
            Shape::Point(Point { x: -128, y: 0.5 }),
            Shape::Circle(Box::new(Point { x: 127, y: -0.0 })),
        ],
        corners: [
            Point { x: 0, y: 1e30 },
            Point {
                x: -1,
                y: f32::INFINITY,
            },
        ],
        raw: vec![0, 1, 2, 255],
        zeta,
        alpha: 65_535,
        any,
        tail,
        last,
    }
}

fn point(x: i128, y: f64) -> Value {
    Value::Dict(Dict::from([("x", Value::Integer(x)), ("y", Value::Float(y))]))
}

/// What `everything` makes, as values built by hand.
fn everything_values(
    tail: Option<f64>,
    last: Option<Vec<u8>>,
    zeta: Option<i32>,
    any: Option<Value>,
) -> (Vec<Value>, Dict) {
    let mut args = vec![
        Value::Integer(u64::MAX.into()),
        Value::Null,
        Value::Integer(i64::MIN.into()),
        Value::Integer(-300),
        Value::Integer(0b101),
        Value::List(vec![
            Value::Dict(Dict::from([("Point", point(-128, 0.5))])),
            Value::Dict(Dict::from([("circle", point(127, -0.0))])),
        ]),
        Value::List(vec![point(0, f64::from(1e30_f32)), point(-1, f64::INFINITY)]),
        Value::Bytes(Bytes::from_static(&[0, 1, 2, 255])),
    ];
    match (tail, last) {
        (tail, Some(last)) => {
            args.push(tail.map_or(Value::Null, Value::Float));
            args.push(Value::Bytes(last.into()));
        }
        (Some(tail), None) => args.push(Value::Float(tail)),
        (None, None) => {}
    }
    let mut kwargs = Dict::from([("alpha", Value::Integer(65_535))]);
    if let Some(zeta) = zeta {
        kwargs.insert("zeta", Value::Integer(zeta.into()));
    }
    if let Some(any) = any {
        kwargs.insert("any", any);
    }
    (args, kwargs)
}

fn event(payload: Payload) -> Message {
    Message::Event {
        subscription: 5_512_315_355_012_034,
        publication: 4_429_313_566_823_941,
        details: Dict::new(),
        payload,
    }
}

fn encode_frame(serializer: Serializer, message: &Message) -> Vec<u8> {
    serializer
        .encode_frame(message)
        .map(|frame| frame.to_vec())
        .unwrap_or_else(|error| panic!("{serializer}: {error}"))
}

/// A typed payload is the payload built of its values, and an EVENT of it encodes to the same
/// bytes in every serializer.
fn assert_same_bytes(typed: &Payload, built: &Payload, case: &str) {
    assert_eq!(typed, built, "as values, {case}");
    for serializer in Serializer::ALL {
        assert_eq!(
            encode_frame(serializer, &event(typed.clone())),
            encode_frame(serializer, &event(built.clone())),
            "{serializer}, {case}"
        );
    }
}

#[test]
fn typed_payloads_encode_to_the_bytes_of_their_values_in_every_serializer() {
    let _turn = one_at_a_time();
    let long = || (0..600).map(|i| i as u8).collect::<Vec<u8>>();
    let any = Value::List(vec![Value::Bytes(long().into()), Value::String("x".into())]);
    let cases = [
        (None, None, None, None),
        (Some(2.5), None, Some(-7), None),
        (None, Some(long()), None, Some(any.clone())),
        (Some(-1.0), Some(vec![9]), Some(i32::MIN), Some(Value::Null)),
    ];
    for (tail, last, zeta, any) in cases {
        let typed = everything(tail, last.clone(), zeta, any.clone()).into_payload();
        let (args, kwargs) = everything_values(tail, last, zeta, any);
        let built = Payload::new(args, kwargs);
        assert_eq!(typed, built, "as values");
        for serializer in Serializer::ALL {
            let expected = encode_frame(serializer, &event(built.clone()));
            assert_eq!(
                encode_frame(serializer, &event(typed.clone())),
                expected,
                "{serializer}, tail {tail:?}, zeta {zeta:?}"
            );
            let copied = serializer
                .encode(&event(typed.clone()))
                .map_err(|error| error.to_string());
            assert_eq!(copied, Ok(expected), "{serializer}, into a vector");
        }
    }
}

/// A union member under a name too long for a BJData key's short form.
#[derive(Debug, Clone, PartialEq, IntoValue)]
#[wamp(union = "demo.Named")]
enum Named {
    #[wamp(name = "thirty-three bytes: past BJData's")]
    Long(Point),
}

/// Keys at each length where a serializer's header for them grows, and keys JSON escapes or
/// that are not ASCII.
#[derive(Debug, Clone, PartialEq, IntoValue)]
#[wamp(table = "demo.Keys")]
struct Keys {
    #[wamp(name = "")]
    empty: u8,
    #[wamp(name = "twenty-three bytes long")]
    fix_everywhere: u8,
    #[wamp(name = "twenty-four bytes long!!")]
    cbor_one_byte: u8,
    #[wamp(name = "thirty-one bytes, MessagePack's")]
    msgpack_fixstr: u8,
    #[wamp(name = "exactly thirty-two bytes long!!!")]
    msgpack_str8: u8,
    #[wamp(name = "thirty-three bytes: past BJData's")]
    bjdata_unsigned: u8,
    #[wamp(
        name = "a key whose length takes two bytes in every serializer: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
    )]
    sixteen_bit: u8,
    #[wamp(name = "a \"quoted\" back\\slash, \t\n\r\u{8}\u{c}\u{1}\u{1f}\u{7f} and Zürich 東京")]
    escaped: u8,
    #[wamp(name = "é")]
    one_letter: u8,
    named: Named,
}

/// The payload of [`Keys`], and a keyword argument under a long key.
#[derive(Debug, Clone, PartialEq, IntoPayload)]
#[wamp(table = "demo.KeysPayload")]
struct KeysPayload {
    keys: Keys,
    #[wamp(kwarg, name = "exactly thirty-two bytes long!!!")]
    long: Option<u8>,
}

/// The derives encode a field's key for every serializer when they expand: typed, the keys must
/// encode to exactly what the writers make of the same keys as values.
#[test]
fn keys_encoded_by_the_derives_are_the_bytes_the_writers_make_of_them() {
    let _turn = one_at_a_time();
    let typed = KeysPayload {
        keys: Keys {
            empty: 0,
            fix_everywhere: 1,
            cbor_one_byte: 2,
            msgpack_fixstr: 3,
            msgpack_str8: 4,
            bjdata_unsigned: 5,
            sixteen_bit: 6,
            escaped: 7,
            one_letter: 8,
            named: Named::Long(Point { x: 1, y: 2.0 }),
        },
        long: Some(9),
    }
    .into_payload();
    let keys = Dict::from([
        ("", Value::Integer(0)),
        ("twenty-three bytes long", Value::Integer(1)),
        ("twenty-four bytes long!!", Value::Integer(2)),
        ("thirty-one bytes, MessagePack's", Value::Integer(3)),
        ("exactly thirty-two bytes long!!!", Value::Integer(4)),
        ("thirty-three bytes: past BJData's", Value::Integer(5)),
        (
            "a key whose length takes two bytes in every serializer: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
            Value::Integer(6),
        ),
        (
            "a \"quoted\" back\\slash, \t\n\r\u{8}\u{c}\u{1}\u{1f}\u{7f} and Zürich 東京",
            Value::Integer(7),
        ),
        ("é", Value::Integer(8)),
        (
            "named",
            Value::Dict(Dict::from([("thirty-three bytes: past BJData's", point(1, 2.0))])),
        ),
    ]);
    let built = Payload::new(
        vec![Value::Dict(keys)],
        Dict::from([("exactly thirty-two bytes long!!!", Value::Integer(9))]),
    );
    assert_same_bytes(&typed, &built, "");
}

/// Fields in key order: an optional first, which may leave the dict's first entry to the next;
/// then, after the first that is always written, entries whose JSON keys carry their comma.
#[derive(Debug, Clone, PartialEq, IntoValue)]
#[wamp(table = "demo.Sparse")]
struct Sparse {
    a_maybe: Option<u8>,
    b_always: u8,
    c_maybe: Option<String>,
    d_always: u8,
}

#[derive(Debug, Clone, PartialEq, IntoPayload)]
#[wamp(table = "demo.SparsePayload")]
struct SparsePayload {
    sparse: Sparse,
    #[wamp(kwarg)]
    first: Option<u8>,
    #[wamp(kwarg)]
    second: Option<u8>,
}

/// Entries after the first are written with the comma in their key's encoding, whether the
/// optional fields before or among them are there or not.
#[test]
fn optional_fields_before_and_after_the_first_written_encode_as_their_values() {
    let _turn = one_at_a_time();
    for (a_maybe, c_maybe, first, second) in [
        (None, None, None, None),
        (Some(1), None, Some(3), None),
        (None, Some("c".to_owned()), None, Some(4)),
        (Some(1), Some("c".to_owned()), Some(3), Some(4)),
    ] {
        let typed = SparsePayload {
            sparse: Sparse {
                a_maybe,
                b_always: 2,
                c_maybe: c_maybe.clone(),
                d_always: 5,
            },
            first,
            second,
        }
        .into_payload();
        let mut sparse = Dict::from([("b_always", Value::Integer(2)), ("d_always", Value::Integer(5))]);
        if let Some(a) = a_maybe {
            sparse.insert("a_maybe", Value::Integer(a.into()));
        }
        if let Some(c) = &c_maybe {
            sparse.insert("c_maybe", Value::String(c.as_str().into()));
        }
        let mut kwargs = Dict::new();
        for (key, value) in [("first", first), ("second", second)] {
            if let Some(value) = value {
                kwargs.insert(key, Value::Integer(value.into()));
            }
        }
        let built = Payload::new(vec![Value::Dict(sparse)], kwargs);
        assert_same_bytes(
            &typed,
            &built,
            &format!("{a_maybe:?} {c_maybe:?} {first:?} {second:?}"),
        );
    }
}

#[test]
fn a_payload_without_args_or_kwargs_sends_neither() {
    let _turn = one_at_a_time();
    #[derive(Debug, Clone, PartialEq, IntoPayload)]
    #[wamp(table = "demo.Maybe")]
    struct Maybe {
        #[wamp(optional_arg)]
        a: Option<u8>,
        #[wamp(kwarg)]
        b: Option<u8>,
    }
    let cases = [
        (Maybe { a: None, b: None }, vec![], Dict::new()),
        (
            Maybe { a: Some(1), b: None },
            vec![Value::Integer(1)],
            Dict::new(),
        ),
        (
            Maybe { a: None, b: Some(2) },
            vec![],
            Dict::from([("b", Value::Integer(2))]),
        ),
    ];
    for (typed, args, kwargs) in cases {
        let built = Payload::new(args, kwargs);
        for serializer in Serializer::ALL {
            assert_eq!(
                encode_frame(serializer, &event(typed.clone().into_payload())),
                encode_frame(serializer, &event(built.clone())),
                "{serializer}: {typed:?}"
            );
        }
    }
}

#[test]
fn typed_messages_encode_into_a_reused_frame_without_allocating() {
    let _turn = one_at_a_time();
    for frame_len in [None, Some(100), Some(16 * 1024)] {
        let report = Report {
            telemetry: telemetry(frame_len),
        };
        let mut reports = vec![report; TRIES];
        let (made, payload) = allocations(|| reports.pop().map(IntoPayload::into_payload));
        assert_eq!(
            made, 1,
            "a typed payload holds its value behind one reference count"
        );
        let message = event(payload.expect("one report per try"));
        let everything =
            event(everything(Some(1.0), Some(vec![1; 700]), Some(1), Some(Value::Null)).into_payload());
        for serializer in Serializer::ALL {
            let mut frame = Frame::new();
            let mut encode = |message: &Message| {
                frame.clear();
                serializer.encode_frame_into(message, &mut frame)
            };
            // The first encodings size the frame's buffers.
            for _ in 0..2 {
                encode(&message).expect("the message encodes");
                encode(&everything).expect("the message encodes");
            }
            let (made, result) = allocations(|| encode(&message).and_then(|()| encode(&everything)));
            assert_eq!(result.map_err(|error| error.to_string()), Ok(()));
            assert_eq!(made, 0, "{serializer}, frame of {frame_len:?} bytes");
        }
    }
}

#[test]
fn typed_messages_decode_allocating_only_what_they_own() {
    let _turn = one_at_a_time();
    let limits = DecodeLimits::default();
    for frame_len in [None, Some(16 * 1024)] {
        let report = Report {
            telemetry: telemetry(frame_len),
        };
        // The five non-empty strings, and the frame.
        let owned = 5 + usize::from(frame_len.is_some());
        for serializer in Serializer::ALL {
            let encoded = Bytes::from(encode_frame(serializer, &event(report.clone().into_payload())));
            let decode = || match serializer.decode_shared_with(&encoded, &limits) {
                Ok(Message::Event { payload, .. }) => {
                    Report::from_payload(&payload).map_err(|error| error.to_string())
                }
                other => Err(format!("not an EVENT: {other:?}")),
            };
            // The first decoding leaves a tape's nodes to reuse, and shares the buffer.
            assert_eq!(decode(), Ok(report.clone()), "{serializer}");
            let (made, decoded) = allocations(decode);
            assert_eq!(decoded, Ok(report.clone()), "{serializer}");
            // JSON carries a binary value in base64, decoded beside the tape: into a buffer of its
            // own, kept in a box with the tape.
            let side = 2 * usize::from(serializer == Serializer::Json && frame_len.is_some());
            assert_eq!(made, owned + side, "{serializer}, frame of {frame_len:?} bytes");
        }
    }
}
