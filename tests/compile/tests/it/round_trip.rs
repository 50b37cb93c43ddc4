//! The round trip of one generated type with serde support, from its docs example.

use ::std::prelude::rust_2024::*;

/// Reads `example` (JSON) as a `T`, then checks that `T`'s own JSON comes back equal, keyed by
/// the schema's field names; what fails is added to `failures`, named by `name`.
pub(crate) fn check<T>(name: &str, example: &str, failures: &mut Vec<String>)
where
    T: ::wamp_idl_runtime::FromValue
        + ::serde::Serialize
        + ::serde::de::DeserializeOwned
        + PartialEq
        + ::std::fmt::Debug,
{
    let limits = ::wamp_idl_runtime::wire::DecodeLimits::default();
    let value =
        match ::wamp_idl_runtime::wire::Serializer::Json.decode_value_with(example.as_bytes(), &limits) {
            Ok(value) => value,
            Err(error) => {
                return failures.push(format!("{name}: its example {example} does not decode: {error}"));
            }
        };
    let typed = match T::from_value(::wamp_idl_runtime::ValueRef::from(&value)) {
        Ok(typed) => typed,
        Err(error) => return failures.push(format!("{name}: its example {example} does not read: {error}")),
    };
    let json = match ::serde_json::to_string(&typed) {
        Ok(json) => json,
        Err(error) => return failures.push(format!("{name}: {typed:?} does not serialize: {error}")),
    };
    match ::serde_json::from_str::<T>(&json) {
        Ok(back) if back == typed => {}
        Ok(back) => return failures.push(format!("{name}: {json} came back as {back:?}, not {typed:?}")),
        Err(error) => return failures.push(format!("{name}: {json} does not deserialize: {error}")),
    }
    keys_are_the_wires(name, &json, example, failures);
}

/// A table or struct keeps the wire's field names: every key its JSON has is one of the
/// example's. Not generic, so that it is compiled once rather than once per type.
fn keys_are_the_wires(name: &str, json: &str, example: &str, failures: &mut Vec<String>) {
    if let (Ok(::serde_json::Value::Object(written)), Ok(::serde_json::Value::Object(wire))) = (
        ::serde_json::from_str::<::serde_json::Value>(json),
        ::serde_json::from_str::<::serde_json::Value>(example),
    ) {
        for key in written.keys() {
            if !wire.contains_key(key) {
                failures.push(format!(
                    "{name}: {json} has the key {key:?}, which the wire has not: {example}"
                ));
            }
        }
    }
}
