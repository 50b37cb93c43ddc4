//! A table with every field mode, through a payload and a value round trip.

// The runtime re-exports each derive under its trait's name, as serde does.
use ::wamp_idl_runtime::{Dict, FromPayload, FromValue, IntoPayload, IntoValue, Payload, Value};

#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    FromValue,
    IntoValue,
    FromPayload,
    IntoPayload,
)]
#[wamp(table = "demo.Request")]
pub struct Request {
    pub id: u64,
    pub note: ::core::option::Option<::std::string::String>,
    pub r#type: u8,
    #[wamp(default = 3)]
    pub level: u8,
    #[wamp(kwarg)]
    pub scope: ::core::option::Option<::std::string::String>,
    #[wamp(kwarg, default = 5)]
    pub limit: u32,
    #[wamp(kwarg, default, name = "verbose")]
    pub is_verbose: bool,
    #[wamp(optional_arg, default = 1.5)]
    pub ratio: f64,
    #[wamp(optional_arg)]
    pub tag: ::core::option::Option<::std::string::String>,
    #[wamp(optional_arg, default)]
    pub count: u16,
}

#[derive(::core::fmt::Debug, ::core::cmp::PartialEq, FromValue, IntoValue, FromPayload, IntoPayload)]
#[wamp(table = "demo.Empty")]
pub struct Empty {}

fn string(text: &str) -> Value {
    Value::String(::core::convert::From::from(text))
}

fn text(text: &str) -> ::std::string::String {
    ::std::borrow::ToOwned::to_owned(text)
}

/// The view `from_value` reads (`From` is not in scope without the prelude).
fn view(value: &Value) -> ::wamp_idl_runtime::ValueRef<'_> {
    ::core::convert::From::from(value)
}

#[::core::prelude::v1::test]
fn every_field_mode_makes_a_round_trip() {
    let full = Request {
        id: 7,
        note: ::core::option::Option::None,
        r#type: 2,
        level: 4,
        scope: ::core::option::Option::Some(text("a")),
        limit: 10,
        is_verbose: true,
        ratio: 0.5,
        tag: ::core::option::Option::Some(text("t")),
        count: 9,
    };
    let payload = ::core::clone::Clone::clone(&full).into_payload();
    ::std::assert_eq!(
        payload.args().to_list(),
        ::std::vec![
            Value::Integer(7),
            Value::Null,
            Value::Integer(2),
            Value::Integer(4),
            Value::Float(0.5),
            string("t"),
            Value::Integer(9),
        ]
    );
    ::std::assert_eq!(
        payload.kwargs().to_dict(),
        <Dict as ::core::convert::From<[(&str, Value); 3]>>::from([
            ("scope", string("a")),
            ("limit", Value::Integer(10)),
            ("verbose", Value::Bool(true))
        ])
    );
    ::std::assert_eq!(
        Request::from_payload(&payload),
        ::core::result::Result::Ok(::core::clone::Clone::clone(&full))
    );

    // Optional args and kwargs left out take their defaults.
    let short = Payload::new(
        ::std::vec![
            Value::Integer(1),
            string("n"),
            Value::Integer(0),
            Value::Integer(4)
        ],
        Dict::new(),
    );
    let read = Request::from_payload(&short);
    let expected = Request {
        id: 1,
        note: ::core::option::Option::Some(text("n")),
        r#type: 0,
        level: 4,
        scope: ::core::option::Option::None,
        limit: 5,
        is_verbose: false,
        ratio: 1.5,
        tag: ::core::option::Option::None,
        count: 0,
    };
    ::std::assert_eq!(read, ::core::result::Result::Ok(expected));

    // The raw identifier's key has no `r#`; absent optional fields are left out of the dict.
    let value = ::core::clone::Clone::clone(&full).into_value();
    let ::wamp_idl_runtime::Value::Dict(dict) = &value else {
        ::std::panic!("a table is a dict");
    };
    ::std::assert_eq!(dict.get("type"), ::core::option::Option::Some(&Value::Integer(2)));
    ::std::assert!(!dict.contains_key("note"));
    ::std::assert_eq!(
        Request::from_value(view(&value)),
        ::core::result::Result::Ok(full)
    );

    ::std::assert_eq!(
        Empty {}.into_payload(),
        Payload::new(::std::vec::Vec::new(), Dict::new())
    );
    ::std::assert_eq!(
        Empty::from_payload(&Payload::new(::std::vec::Vec::new(), Dict::new())),
        ::core::result::Result::Ok(Empty {})
    );
    ::std::assert_eq!(
        Empty::from_value(view(&Empty {}.into_value())),
        ::core::result::Result::Ok(Empty {})
    );
}
