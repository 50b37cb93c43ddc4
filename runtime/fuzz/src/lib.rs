//! What both runtime fuzz targets check on a payload: it reads into generated types of every
//! kind the IDL has, or gives a `PayloadError`; and a type that reads writes back, in every
//! serializer, into a message that decodes and reads again into the same value.
//!
//! The round trip is what a service relies on when it answers with what it was sent: a value
//! its peer's payload gave must travel back unchanged. Values are compared by their `Debug`
//! text, which also holds for a `NaN` float.

use wamp_idl_runtime::wire::{DecodeLimits, Message, Serializer};
use wamp_idl_runtime::{FromPayload, FromValue, IntoPayload, Payload, ValueRef, meta};

/// Generated from the behaviour tests' schema: scalars of every width, strings, bytes,
/// vectors, nested tables, structs with arrays, enums, bit flags, a union, keyword
/// arguments with defaults.
#[allow(dead_code)]
pub mod behaviour {
    wamp_idl_runtime::include_wamp_idl!(
        "../../tests/data/codegen/behaviour.fbs",
        caller = false,
        callee = false
    );
}

/// Generated from the recursion tests' schema: a table and a union that contain themselves.
#[allow(dead_code)]
pub mod recursion {
    wamp_idl_runtime::include_wamp_idl!(
        "../../tests/data/codegen/recursion.fbs",
        caller = false,
        callee = false
    );
}

use behaviour::behaviour as types;

/// Reads one value into tables, structs, enums, unions and vectors of them.
pub fn read_value(value: ValueRef<'_>) {
    let _ = meta::SessionDetails::from_value(value);
    let _ = meta::SessionStats::from_value(value);
    let _ = meta::EventRecord::from_value(value);
    let _ = meta::RegistrationDetails::from_value(value);
    let _ = Vec::<meta::SessionDetails>::from_value(value);
    let _ = types::types::Tick::from_value(value);
    let _ = types::types::Shape::from_value(value);
    let _ = types::types::Permission::from_value(value);
    let _ = Vec::<types::types::Colour>::from_value(value);
    let _ = recursion::recursion::Node::from_value(value);
    let _ = recursion::recursion::Tree::from_value(value);
}

/// Reads `message`'s payload, if it has one, into each request and response type; each type
/// that reads is written back into the message and checked by [`round_trip`].
pub fn read_payload(message: &Message) {
    // `Message` lends its payload mutably only; a clone shares the decoded bytes.
    let mut own = message.clone();
    let Some(payload) = own.payload_mut() else {
        return;
    };
    let payload = &*payload;
    round_trip::<meta::SessionDetailsResult>(message, payload);
    round_trip::<meta::RegistrationCreated>(message, payload);
    round_trip::<meta::KillSession>(message, payload);
    round_trip::<meta::MatchPolicyListsResult>(message, payload);
    round_trip::<meta::GetEvents>(message, payload);
    round_trip::<types::Scalars>(message, payload);
    round_trip::<types::Compound>(message, payload);
    round_trip::<types::Query>(message, payload);
    round_trip::<types::Count>(message, payload);
    round_trip::<types::Names>(message, payload);
    round_trip::<types::Keywords>(message, payload);
    round_trip::<types::Reading>(message, payload);
}

/// A message that carries `payload`, to read and write it as a peer would.
pub fn result_with(payload: Payload) -> Message {
    Message::Result {
        request: 1,
        details: Default::default(),
        payload,
    }
}

/// If `payload` reads as a `T`, the `T` written into `message` (typed, and as the values
/// `IntoPayload` gives) must encode to the same bytes both ways, in every serializer that
/// can carry it, and decode again into the same `T` (in JSON, unless a string of it starts
/// with NUL).
fn round_trip<T>(message: &Message, payload: &Payload)
where
    T: FromPayload + IntoPayload + Clone + std::fmt::Debug,
{
    let Ok(read) = T::from_payload(payload) else {
        return;
    };
    let expected = format!("{read:?}");
    let typed = with_payload(message, read.clone().into_payload());
    let (args, kwargs) = read.into_payload().into_parts();
    let as_values = with_payload(message, Payload::new(args, kwargs));
    for serializer in Serializer::ALL {
        let Ok(bytes) = serializer.encode(&typed) else {
            continue;
        };
        let bytes_of_values = serializer.encode(&as_values);
        assert_eq!(
            bytes_of_values.as_ref().ok(),
            Some(&bytes),
            "{serializer}: {expected} encodes differently typed and as values"
        );
        if serializer == Serializer::Json && may_read_as_binary(&bytes) {
            continue;
        }
        let mut decoded = serializer
            .decode_with(&bytes, &round_trip_limits())
            .unwrap_or_else(|error| panic!("{serializer}: {expected} encodes but does not decode: {error}"));
        let again = decoded
            .payload_mut()
            .map(|payload| T::from_payload(payload))
            .unwrap_or_else(|| panic!("{serializer}: {expected} lost its payload"))
            .unwrap_or_else(|error| panic!("{serializer}: {expected} does not read back: {error}"));
        assert_eq!(
            format!("{again:?}"),
            expected,
            "{serializer}: read back differently"
        );
    }
}

/// The limits the written message is decoded with: the default depth, plus the two levels
/// (the message's list, then its args) that a value the `values` target decoded on its own
/// gains once it travels in a message. Within the default limit on its own, it may be deeper
/// than that in a message: a limit refusing it is the limit's job, not a broken round trip.
fn round_trip_limits() -> DecodeLimits {
    DecodeLimits::new(DecodeLimits::default().max_depth + 2)
}

/// JSON carries a binary value as a string of `"\u0000"` and base64, so a text that starts with
/// NUL may arrive as binary, as Autobahn reads it too: WAMP's JSON cannot carry it as text.
fn may_read_as_binary(json: &[u8]) -> bool {
    json.windows(7).any(|window| window == br#""\u0000"#)
}

fn with_payload(message: &Message, payload: Payload) -> Message {
    let mut message = message.clone();
    if let Some(slot) = message.payload_mut() {
        *slot = payload;
    }
    message
}
