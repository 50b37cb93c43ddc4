//! Fuzzes reading typed payloads from arbitrary values: any bytes, in any of the four
//! serializers (chosen by the first byte), must decode into one value or an error
//! (`Serializer::decode_value_with`); the value must read into generated types of the bundled
//! Meta API, both as a value and as a payload built of owned values (a list its args, a dict
//! its kwargs, anything else its one argument), or give a `PayloadError`. Nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wamp_idl_runtime::wire::{DecodeLimits, Serializer};
use wamp_idl_runtime::{Dict, FromPayload, FromValue, Payload, Value, ValueRef, meta};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let serializer = Serializer::ALL[usize::from(choice) % Serializer::ALL.len()];
    let Ok(value) = serializer.decode_value_with(bytes, &DecodeLimits::default()) else {
        return;
    };
    // Tables with defaults, options, nested tables, lists and maps of any value.
    let view = ValueRef::from(&value);
    let _ = meta::SessionDetails::from_value(view);
    let _ = meta::SessionStats::from_value(view);
    let _ = meta::EventRecord::from_value(view);
    let _ = meta::RegistrationDetails::from_value(view);
    let _ = Vec::<meta::SessionDetails>::from_value(view);
    let payload = match value {
        Value::List(args) => Payload::new(args, Dict::new()),
        Value::Dict(kwargs) => Payload::new(Vec::new(), kwargs),
        other => Payload::new(vec![other], Dict::new()),
    };
    let _ = meta::SessionDetailsResult::from_payload(&payload);
    let _ = meta::RegistrationCreated::from_payload(&payload);
    let _ = meta::KillSession::from_payload(&payload);
    let _ = meta::MatchPolicyListsResult::from_payload(&payload);
    let _ = meta::GetEvents::from_payload(&payload);
});
