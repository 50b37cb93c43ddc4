//! Fuzzes reading typed payloads from arbitrary values: any bytes, in any of the four
//! serializers (chosen by the first byte), must decode into one value or an error
//! (`Serializer::decode_value_with`); the value must read into generated types of every kind,
//! both as a value and as a payload built of owned values (a list its args, a dict its kwargs,
//! anything else its one argument), or give a `PayloadError`; a type that reads must travel
//! back unchanged (`wamp_idl_runtime_fuzz::read_payload`). Nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wamp_idl_runtime::wire::{DecodeLimits, Serializer};
use wamp_idl_runtime::{Dict, Payload, Value, ValueRef};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let serializer = Serializer::ALL[usize::from(choice) % Serializer::ALL.len()];
    let Ok(value) = serializer.decode_value_with(bytes, &DecodeLimits::default()) else {
        return;
    };
    wamp_idl_runtime_fuzz::read_value(ValueRef::from(&value));
    let payload = match value {
        Value::List(args) => Payload::new(args, Dict::new()),
        Value::Dict(kwargs) => Payload::new(Vec::new(), kwargs),
        other => Payload::new(vec![other], Dict::new()),
    };
    wamp_idl_runtime_fuzz::read_payload(&wamp_idl_runtime_fuzz::result_with(payload));
});
