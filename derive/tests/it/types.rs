//! A struct, a union, an enum and a flags type, through value round trips.

use ::wamp_idl_runtime::{FromValue, IntoValue, UnknownEnumValue, Value};

#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    FromValue,
    IntoValue,
)]
#[wamp(struct = "demo.Pair")]
pub struct Pair {
    pub x: i32,
    #[wamp(name = "second")]
    pub y: i32,
}

#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    ::core::default::Default,
    FromValue,
    IntoValue,
)]
#[repr(u8)]
pub enum Color {
    #[default]
    Red = 0,
    Green = 1,
}

impl ::core::convert::TryFrom<u8> for Color {
    type Error = UnknownEnumValue;

    fn try_from(value: u8) -> ::core::result::Result<Self, UnknownEnumValue> {
        match value {
            0 => ::core::result::Result::Ok(Self::Red),
            1 => ::core::result::Result::Ok(Self::Green),
            _ => ::core::result::Result::Err(UnknownEnumValue {
                enum_name: "demo.Color",
                value: ::core::convert::From::from(value),
                flags: false,
            }),
        }
    }
}

#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    ::core::default::Default,
    FromValue,
    IntoValue,
)]
pub struct Flags(u16);

impl ::core::convert::TryFrom<u16> for Flags {
    type Error = UnknownEnumValue;

    fn try_from(bits: u16) -> ::core::result::Result<Self, UnknownEnumValue> {
        if bits & !3 == 0 {
            ::core::result::Result::Ok(Self(bits))
        } else {
            ::core::result::Result::Err(UnknownEnumValue {
                enum_name: "demo.Flags",
                value: ::core::convert::From::from(bits & !3),
                flags: true,
            })
        }
    }
}

#[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, FromValue, IntoValue)]
#[wamp(table = "demo.Point")]
pub struct Point {
    #[wamp(default = Color::Green)]
    pub color: Color,
    #[wamp(default = Flags(1))]
    pub flags: Flags,
    pub pair: ::core::option::Option<Pair>,
}

#[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, FromValue, IntoValue)]
#[wamp(union = "demo.Shape")]
pub enum Shape {
    Point(Point),
    #[wamp(name = "pair")]
    Pair(Pair),
}

#[derive(::core::fmt::Debug, ::core::cmp::PartialEq, FromValue, IntoValue)]
#[wamp(union = "demo.Nothing")]
pub enum Nothing {}

fn round_trip<T>(value: T)
where
    T: ::wamp_idl_runtime::FromValue
        + ::wamp_idl_runtime::IntoValue
        + ::core::fmt::Debug
        + ::core::cmp::PartialEq
        + ::core::clone::Clone,
{
    ::std::assert_eq!(
        T::from_value(view(&::core::clone::Clone::clone(&value).into_value())),
        ::core::result::Result::Ok(value)
    );
}

/// The view `from_value` reads (`From` is not in scope without the prelude).
fn view(value: &Value) -> ::wamp_idl_runtime::ValueRef<'_> {
    ::core::convert::From::from(value)
}

#[::core::prelude::v1::test]
fn structs_unions_enums_and_flags_make_round_trips() {
    let pair = Pair { x: 1, y: -2 };
    round_trip(pair);
    ::std::assert_eq!(
        Pair::from_value(view(&Value::List(::std::vec![
            Value::Integer(1),
            Value::Integer(-2)
        ]))),
        ::core::result::Result::Ok(pair)
    );
    round_trip(Color::Green);
    ::std::assert_eq!(Color::Green.into_value(), Value::Integer(1));
    ::std::assert!(Color::from_value(view(&Value::Integer(2))).is_err());
    round_trip(Flags(3));
    ::std::assert!(Flags::from_value(view(&Value::Integer(4))).is_err());
    let point = Point {
        color: Color::Red,
        flags: Flags(2),
        pair: ::core::option::Option::Some(pair),
    };
    round_trip(::core::clone::Clone::clone(&point));
    ::std::assert_eq!(
        Point::from_value(view(&Value::Dict(::wamp_idl_runtime::Dict::new()))),
        ::core::result::Result::Ok(Point {
            color: Color::Green,
            flags: Flags(1),
            pair: ::core::option::Option::None
        })
    );
    round_trip(Shape::Point(point));
    round_trip(Shape::Pair(pair));
    let ::wamp_idl_runtime::Value::Dict(dict) = Shape::Pair(pair).into_value() else {
        ::std::panic!("a union is a dict");
    };
    ::std::assert!(dict.contains_key("pair"));
    let unknown = <::wamp_idl_runtime::Dict as ::core::convert::From<[(&str, Value); 1]>>::from([(
        "Point",
        Value::Null,
    )]);
    ::std::assert!(Nothing::from_value(view(&Value::Dict(unknown))).is_err());
}
