//! Types wider than the derive matches key by key (64 fields: `tests/data/fbs/valid/wide.fbs`)
//! find their fields by a binary search over their sorted keys: they read back what they
//! write, and read a received dict whatever order its keys arrive in.

use crate::fixture_tests_data_fbs_valid_wide::{Wide, WideHolder};
use ::core::clone::Clone;
use ::core::convert::From;
use ::core::default::Default;
use ::core::iter::Iterator;
use ::std::string::ToString;
use ::wamp_idl_runtime::wire::{DecodeLimits, Serializer};
use ::wamp_idl_runtime::{FromPayload, FromValue, IntoValue, ValueRef};

#[::core::prelude::v1::test]
fn a_table_of_seventy_fields_makes_a_round_trip() {
    let wide = Wide {
        field_00: -7,
        field_01: "one".to_string(),
        field_34: 34,
        field_67: -67,
        field_69: 69,
        ..::core::default::Default::default()
    };
    let value = wide.clone().into_value();
    let read = Wide::from_value(ValueRef::from(&value));
    ::std::assert_eq!(read, ::core::result::Result::Ok(wide));
}

#[::core::prelude::v1::test]
fn a_struct_of_sixty_six_fields_reads_its_keys_in_any_order() {
    // A RESULT whose one argument is the struct, its keys from `s65` down to `s00`, each the
    // field's number: decoded onto a tape, so the dict is read in the order it arrived.
    let entries = (0..66)
        .rev()
        .map(|number| ::std::format!("\"s{number:02}\": {number}"))
        .collect::<::std::vec::Vec<_>>()
        .join(", ");
    let json = ::std::format!("[50, 1, {{}}, [{{{entries}}}]]");
    let mut message = Serializer::Json
        .decode_with(json.as_bytes(), &DecodeLimits::default())
        .unwrap_or_else(|error| ::std::panic!("{json} does not decode: {error}"));
    let payload = message
        .payload_mut()
        .unwrap_or_else(|| ::std::panic!("a RESULT carries a payload"));
    let holder = WideHolder::from_payload(payload)
        .unwrap_or_else(|error| ::std::panic!("the struct does not read: {error}"));
    // Every field holds its own number: the struct written again equals the dict read whole.
    let object = ::std::format!("{{{entries}}}");
    let expected = Serializer::Json
        .decode_value_with(object.as_bytes(), &DecodeLimits::default())
        .unwrap_or_else(|error| ::std::panic!("{object} does not decode: {error}"));
    ::std::assert_eq!(holder.inner.into_value(), expected);
}
