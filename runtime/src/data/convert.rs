//! Conversions between generated types and WAMP values and payloads.
//!
//! Generated tables, structs, enums and unions implement [`FromValue`] and [`IntoValue`];
//! tables used as a method's request or response also implement [`FromPayload`] and
//! [`IntoPayload`]. Decoding is as strict as the reference validator (spec
//! `docs/wamp-idl.md` §4 and §5): missing or `null` mandatory positional arguments,
//! extra positional arguments, unknown keyword arguments or struct keys, values of the
//! wrong kind, integers out of range and undeclared enum values are all
//! [`PayloadError`]s whose path says where the bad value sits (`args[1] (limit)`,
//! `kwargs.scope`, `args[0] (sample).tick.mode`). Unknown keys of a nested table's dict are
//! ignored, since routers add keys to the dicts they send (spec §5).

use std::fmt;

use crate::data::derived::PayloadReader;
use crate::data::payload::Payload;
use crate::data::value::Value;
use crate::data::view::ValueRef;
use crate::data::write::ValueWriter;
use crate::error::EncodeError;
use crate::error::PayloadError;

/// The result of reading a value or payload.
pub type Result<T, E = PayloadError> = std::result::Result<T, E>;

/// A type that can be read from a WAMP value.
pub trait FromValue: Sized {
    /// Reads `value`; errors carry a path relative to `value` (empty for the value itself).
    fn from_value(value: ValueRef<'_>) -> Result<Self, PayloadError>;

    /// Reads a vector of this type, which travels as a list; `u8` overrides it, since a
    /// `[ubyte]` travels as bytes (spec §5).
    #[doc(hidden)]
    fn vec_from_value(value: ValueRef<'_>) -> Result<Vec<Self>, PayloadError> {
        list_from_value(value)
    }
}

/// A type that can be written as a WAMP value: turned into a [`Value`], or written straight to
/// the wire, as [`IntoValue::into_value`] would write it, without a [`Value`] in between.
pub trait IntoValue: Sized {
    fn into_value(self) -> Value;

    /// Writes a vector of this type as a list; `u8` overrides it to write bytes.
    #[doc(hidden)]
    fn vec_into_value(items: Vec<Self>) -> Value {
        Value::List(items.into_iter().map(IntoValue::into_value).collect())
    }

    /// Writes the value as [`IntoValue::into_value`] makes it; dicts in key order, as a
    /// [`Dict`](crate::Dict) keeps them, so that both encode to the same bytes.
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError>;

    /// Writes a vector of this type as [`IntoValue::vec_into_value`] makes it.
    #[doc(hidden)]
    fn write_vec<W: ValueWriter>(items: &[Self], writer: &mut W) -> Result<(), EncodeError> {
        writer.begin_list(items.len())?;
        for item in items {
            item.write_value(writer)?;
        }
        writer.end_list()
    }
}

/// A table that can be read from a WAMP payload (positional and keyword arguments).
pub trait FromPayload: Sized {
    fn from_payload(payload: &Payload) -> Result<Self, PayloadError>;
}

/// A table that can be written as a WAMP payload.
pub trait IntoPayload {
    fn into_payload(self) -> Payload;
}

/// A table written straight to the wire as a payload ([`Payload::typed`]), as
/// [`PayloadWriter`](crate::data::derived::PayloadWriter) would make it.
pub trait WritePayload {
    /// How many positional arguments and keyword arguments are sent (trailing absent optional
    /// arguments and absent keyword arguments are left out).
    fn payload_len(&self) -> (usize, usize);

    /// Writes the positional arguments, a list.
    fn write_args<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError>;

    /// Writes the keyword arguments, a dict, in key order.
    fn write_kwargs<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError>;
}

/// `Void`, a request or response without arguments, as signatures show it.
impl FromPayload for () {
    fn from_payload(payload: &Payload) -> Result<(), PayloadError> {
        PayloadReader::new(payload, &[], 0, &[]).map(drop)
    }
}

impl IntoPayload for () {
    fn into_payload(self) -> Payload {
        Payload::default()
    }
}

impl PayloadError {
    /// The same error, seen from the dict or table holding the value under key `name`.
    pub fn in_field(self, name: &str) -> PayloadError {
        self.nested(name.to_owned())
    }

    /// The same error, seen from the list holding the value at `index`.
    pub fn in_element(self, index: usize) -> PayloadError {
        self.nested(format!("[{index}]"))
    }

    pub(crate) fn nested(self, outer: String) -> PayloadError {
        let path = if self.path.is_empty() {
            outer
        } else if self.path.starts_with('[') {
            outer + &self.path
        } else {
            format!("{outer}.{}", self.path)
        };
        PayloadError {
            path,
            message: self.message,
        }
    }
}

/// The error for a value of the wrong kind: `expected uint32, got string`.
pub fn unexpected(expected: &str, value: ValueRef<'_>) -> PayloadError {
    PayloadError::new("", format!("expected {expected}, got {}", value.kind_name()))
}

/// An integer that is not a declared value of an enum, or has bits no flag declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnumValue {
    /// The qualified schema name of the enum.
    pub enum_name: &'static str,
    /// The rejected integer (for flags: the undeclared bits).
    pub value: i128,
    /// Whether the enum is `bit_flags`.
    pub flags: bool,
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.flags {
            write!(f, "bits {:#x} are not flags of {}", self.value, self.enum_name)
        } else {
            write!(f, "{} is not a value of enum {}", self.value, self.enum_name)
        }
    }
}

impl std::error::Error for UnknownEnumValue {}

impl From<UnknownEnumValue> for PayloadError {
    fn from(error: UnknownEnumValue) -> PayloadError {
        PayloadError::new("", error.to_string())
    }
}

impl FromValue for bool {
    fn from_value(value: ValueRef<'_>) -> Result<bool, PayloadError> {
        value.as_bool().ok_or_else(|| unexpected("bool", value))
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }

    #[inline]
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.bool(*self)
    }
}

/// Reads an integer that fits `T`, named `name` (`uint32`) in errors.
///
/// A float with an integral value is that integer: JavaScript has only doubles, and its
/// MessagePack and CBOR encoders write every number from 2^32 on as a float64 (spec §5).
fn integer_from_value<T: TryFrom<i128>>(value: ValueRef<'_>, name: &str) -> Result<T, PayloadError> {
    let integer = match (value.as_integer(), value.as_float()) {
        (Some(integer), _) => integer,
        (None, Some(float)) => {
            integral(float).ok_or_else(|| PayloadError::new("", format!("expected {name}, got {float:?}")))?
        }
        (None, None) => return Err(unexpected(name, value)),
    };
    T::try_from(integer).map_err(|_| PayloadError::new("", format!("{integer} is out of range for {name}")))
}

/// The integer a float is exactly, if it is one (within the 128 bits every integer type fits in).
fn integral(float: f64) -> Option<i128> {
    // 2^127 is the first float beyond `i128`; -2^127 is `i128::MIN` itself.
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    (float.fract() == 0.0 && (-LIMIT..LIMIT).contains(&float)).then_some(float as i128)
}

macro_rules! integer_conversions {
    ($($ty:ty => $name:literal as $wide:ty, $write:ident),* $(,)?) => {$(
        impl FromValue for $ty {
            fn from_value(value: ValueRef<'_>) -> Result<$ty, PayloadError> {
                integer_from_value(value, $name)
            }
        }

        impl IntoValue for $ty {
            fn into_value(self) -> Value {
                Value::Integer(i128::from(self))
            }

            #[inline]
            fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
                writer.$write(<$wide>::from(*self))
            }
        }
    )*};
}

integer_conversions! {
    i8 => "int8" as i64, signed,
    i16 => "int16" as i64, signed,
    u16 => "uint16" as u64, unsigned,
    i32 => "int32" as i64, signed,
    u32 => "uint32" as u64, unsigned,
    i64 => "int64" as i64, signed,
    u64 => "uint64" as u64, unsigned,
}

/// A `uint8`; a vector of them, `[ubyte]`, travels as bytes.
impl FromValue for u8 {
    fn from_value(value: ValueRef<'_>) -> Result<u8, PayloadError> {
        integer_from_value(value, "uint8")
    }

    fn vec_from_value(value: ValueRef<'_>) -> Result<Vec<u8>, PayloadError> {
        value
            .as_bytes()
            .map(<[u8]>::to_vec)
            .ok_or_else(|| unexpected("bytes", value))
    }
}

impl IntoValue for u8 {
    fn into_value(self) -> Value {
        Value::Integer(i128::from(self))
    }

    fn vec_into_value(bytes: Vec<u8>) -> Value {
        Value::Bytes(bytes.into())
    }

    #[inline]
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.unsigned(u64::from(*self))
    }

    fn write_vec<W: ValueWriter>(bytes: &[u8], writer: &mut W) -> Result<(), EncodeError> {
        writer.bytes(bytes)
    }
}

impl FromValue for f64 {
    fn from_value(value: ValueRef<'_>) -> Result<f64, PayloadError> {
        value
            .as_float()
            // JSON encoders may write a whole float without its `.0`.
            .or_else(|| value.as_integer().map(|integer| integer as f64))
            .ok_or_else(|| unexpected("float64", value))
    }
}

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::Float(self)
    }

    #[inline]
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.float(*self)
    }
}

impl FromValue for f32 {
    fn from_value(value: ValueRef<'_>) -> Result<f32, PayloadError> {
        match (value.as_float(), value.as_integer()) {
            (Some(float), _) if float.is_finite() && float.abs() > f64::from(f32::MAX) => Err(
                PayloadError::new("", format!("{float:e} is out of range for float32")),
            ),
            (Some(float), _) => Ok(float as f32),
            (None, Some(integer)) => Ok(integer as f32),
            (None, None) => Err(unexpected("float32", value)),
        }
    }
}

impl IntoValue for f32 {
    fn into_value(self) -> Value {
        Value::Float(f64::from(self))
    }

    #[inline]
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.float(f64::from(*self))
    }
}

impl FromValue for String {
    fn from_value(value: ValueRef<'_>) -> Result<String, PayloadError> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| unexpected("string", value))
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::String(self.into())
    }

    /// Inlined into the field that holds it, as the writers' `str` is into it.
    #[inline(always)]
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.str(self)
    }
}

/// A value the schema does not describe (a `[ubyte]` field marked `cbor` or
/// `flexbuffer`, spec §5) passes through as is.
impl FromValue for Value {
    fn from_value(value: ValueRef<'_>) -> Result<Value, PayloadError> {
        Ok(value.to_value())
    }
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }

    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.value(self)
    }
}

impl<T: FromValue> FromValue for Box<T> {
    fn from_value(value: ValueRef<'_>) -> Result<Box<T>, PayloadError> {
        T::from_value(value).map(Box::new)
    }
}

impl<T: IntoValue> IntoValue for Box<T> {
    fn into_value(self) -> Value {
        (*self).into_value()
    }

    #[inline]
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        (**self).write_value(writer)
    }
}

/// A vector: a list, or bytes for `[ubyte]` (see [`FromValue::vec_from_value`]).
impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: ValueRef<'_>) -> Result<Vec<T>, PayloadError> {
        T::vec_from_value(value)
    }
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        T::vec_into_value(self)
    }

    #[inline]
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        T::write_vec(self, writer)
    }
}

/// Reads a list, each element with the path of its index.
fn list_from_value<T: FromValue>(value: ValueRef<'_>) -> Result<Vec<T>, PayloadError> {
    let items = value.as_list().ok_or_else(|| unexpected("list", value))?;
    items
        .iter()
        .enumerate()
        .map(|(index, item)| T::from_value(item).map_err(|error| error.in_element(index)))
        .collect()
}

/// A struct's fixed-length array travels as a list of exactly `N` values, `[ubyte:N]`
/// too.
impl<T: FromValue, const N: usize> FromValue for [T; N] {
    fn from_value(value: ValueRef<'_>) -> Result<[T; N], PayloadError> {
        let items = list_from_value::<T>(value)?;
        let length = items.len();
        <[T; N]>::try_from(items)
            .map_err(|_| PayloadError::new("", format!("expected a list of {N} values, got {length}")))
    }
}

impl<T: IntoValue, const N: usize> IntoValue for [T; N] {
    fn into_value(self) -> Value {
        Value::List(self.into_iter().map(IntoValue::into_value).collect())
    }

    /// A list, `[ubyte:N]` too.
    fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.begin_list(N)?;
        for item in self {
            item.write_value(writer)?;
        }
        writer.end_list()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::derived::*;
    use crate::data::value::{Dict, List};
    use crate::wire::{Message, Serializer};

    /// Reads `value` as built and as received (from a decoded message's tape).
    fn check<T: FromValue + fmt::Debug + PartialEq>(value: Value, expected: Result<T, (&str, &str)>) {
        let expected = expected.map_err(|(path, message)| (path.to_owned(), message.to_owned()));
        let read = |value: ValueRef<'_>| T::from_value(value).map_err(|error| (error.path, error.message));
        assert_eq!(read(ValueRef::from(&value)), expected, "built: {value:?}");
        let received = over_the_wire(Payload::new(vec![value.clone()], Dict::new()));
        let arg = received.args().get(0).expect("the value is the only arg");
        assert_eq!(read(arg), expected, "received: {value:?}");
    }

    /// `payload` as a peer would send it: in a RESULT through CBOR, which carries every
    /// integer a `Value` holds.
    fn over_the_wire(payload: Payload) -> Payload {
        let message = Message::Result {
            request: 1,
            details: Dict::new(),
            payload,
        };
        let decoded = Serializer::Cbor
            .encode(&message)
            .map_err(|error| error.to_string())
            .and_then(|bytes| Serializer::Cbor.decode(&bytes).map_err(|error| error.to_string()));
        match decoded {
            Ok(Message::Result { payload, .. }) => payload,
            other => panic!("a RESULT decodes as one, got {other:?}"),
        }
    }

    #[test]
    fn scalars_are_strict_about_kind_and_range() {
        check::<u8>(Value::Integer(255), Ok(255));
        check::<u8>(Value::Integer(300), Err(("", "300 is out of range for uint8")));
        check::<i8>(Value::Integer(-129), Err(("", "-129 is out of range for int8")));
        check::<u64>(Value::Integer(-1), Err(("", "-1 is out of range for uint64")));
        check::<u32>(
            Value::String("1".into()),
            Err(("", "expected uint32, got string")),
        );
        check::<bool>(Value::Integer(1), Err(("", "expected bool, got integer")));
        check::<u64>(Value::Float(4_294_967_296.0), Ok(1 << 32));
        check::<i8>(Value::Float(-128.0), Ok(-128));
        check::<i8>(Value::Float(128.0), Err(("", "128 is out of range for int8")));
        check::<u32>(Value::Float(0.5), Err(("", "expected uint32, got 0.5")));
        check::<u32>(Value::Float(f64::INFINITY), Err(("", "expected uint32, got inf")));
        check::<f64>(Value::Integer(2), Ok(2.0));
        check::<f32>(
            Value::Float(1e300),
            Err(("", "1e300 is out of range for float32")),
        );
        check::<String>(
            Value::Bytes(vec![1].into()),
            Err(("", "expected string, got bytes")),
        );
    }

    #[test]
    fn ubyte_vectors_are_bytes_and_other_vectors_and_arrays_lists() {
        check::<Vec<u8>>(Value::Bytes(vec![1, 2].into()), Ok(vec![1, 2]));
        check::<Vec<u8>>(
            Value::List(vec![Value::Integer(1)]),
            Err(("", "expected bytes, got list")),
        );
        check::<Vec<i8>>(Value::List(vec![Value::Integer(-1)]), Ok(vec![-1]));
        check::<[u8; 2]>(
            Value::List(vec![Value::Integer(1), Value::Integer(2)]),
            Ok([1, 2]),
        );
        check::<[u8; 2]>(
            Value::List(vec![Value::Integer(1)]),
            Err(("", "expected a list of 2 values, got 1")),
        );
        assert_eq!(vec![1_u8, 2].into_value(), Value::Bytes(vec![1, 2].into()));
        assert_eq!(vec![1_u16].into_value(), Value::List(vec![Value::Integer(1)]));
        assert_eq!([7_u8].into_value(), Value::List(vec![Value::Integer(7)]));
    }

    #[test]
    fn unit_is_the_empty_payload() {
        assert_eq!(().into_payload(), Payload::default());
        assert_eq!(
            <()>::from_payload(&Payload::new(vec![Value::Null], Dict::new())),
            Ok(())
        );
        let error = <()>::from_payload(&Payload::new(vec![Value::Integer(1)], Dict::new()))
            .map_err(|error| error.to_string());
        assert_eq!(
            error,
            Err("args[0]: unexpected positional argument: expected 0 arguments, got 1".to_owned())
        );
    }

    #[test]
    fn paths_nest_through_fields_and_elements() {
        let error = PayloadError::new("", "expected uint8, got string")
            .in_field("mode")
            .in_element(2)
            .in_field("ticks");
        assert_eq!(error.path, "ticks[2].mode");
        let list = Value::List(vec![Value::Integer(1), Value::Null]);
        let error = Vec::<u16>::from_value(ValueRef::from(&list)).map_err(|error| error.path);
        assert_eq!(error, Err("[1]".to_owned()));
    }

    fn shape(args: List, kwargs: &[&str], mandatory: usize) -> Result<(), String> {
        let kwargs = kwargs
            .iter()
            .map(|key| ((*key).to_owned(), Value::Integer(1)))
            .collect();
        let read = |payload: &Payload| {
            PayloadReader::new(payload, &["a", "b"], mandatory, &["c"])
                .map(|_| ())
                .map_err(|error| error.to_string())
        };
        let built = Payload::new(args, kwargs);
        let result = read(&built);
        assert_eq!(read(&over_the_wire(built)), result, "as received");
        result
    }

    #[test]
    fn payload_reader_rejects_wrong_shapes() {
        let one = || Value::Integer(1);
        assert_eq!(shape(vec![one(), one()], &["c"], 2), Ok(()));
        assert_eq!(
            shape(vec![one()], &[], 2),
            Err("args[1] (b): missing positional argument".to_owned())
        );
        assert_eq!(
            shape(vec![one(), one(), one()], &[], 2),
            Err("args[2]: unexpected positional argument: expected 2 arguments, got 3".to_owned())
        );
        assert_eq!(
            shape(vec![one(), one()], &["d"], 2),
            Err("kwargs.d: unknown keyword argument".to_owned())
        );
    }

    #[test]
    fn optional_args_may_be_left_out_or_null() {
        let one = || Value::Integer(1);
        assert_eq!(shape(vec![], &[], 0), Ok(()));
        assert_eq!(shape(vec![one()], &[], 1), Ok(()));
        assert_eq!(
            shape(vec![], &[], 1),
            Err("args[0] (a): missing positional argument".to_owned())
        );
        assert_eq!(
            shape(vec![one(), one(), one()], &[], 1),
            Err("args[2]: unexpected positional argument: expected 1 to 2 arguments, got 3".to_owned())
        );
        let payload = Payload::new(vec![Value::Null], Dict::new());
        let mut reader = PayloadReader::new(&payload, &["a", "b"], 0, &[]).map_err(|error| error.to_string());
        let read = reader.as_mut().map(|reader| {
            let a = reader.optional_arg::<u8>();
            let b = reader.optional_arg::<u8>();
            (a, b)
        });
        assert_eq!(read.map_err(|_| ()), Ok((Ok(None), Ok(None))));
    }

    #[test]
    fn only_an_empty_table_reads_a_single_null_as_nothing() {
        let null = Payload::new(vec![Value::Null], Dict::new());
        assert!(PayloadReader::new(&null, &[], 0, &[]).is_ok());
        let error = PayloadReader::new(&null, &[], 0, &["c"])
            .map(|_| ())
            .map_err(|error| error.to_string());
        assert_eq!(
            error,
            Err("args[0]: unexpected positional argument: expected 0 arguments, got 1".to_owned())
        );
    }

    #[test]
    fn the_writer_leaves_out_trailing_absent_optional_args() {
        let write = |values: [Option<Value>; 2]| {
            let writer = PayloadWriter::new().arg(Value::Integer(0));
            let writer = values
                .into_iter()
                .fold(writer, |writer, value| writer.optional_arg(value));
            writer.finish().args().to_list()
        };
        let one = || Some(Value::Integer(1));
        assert_eq!(write([None, None]), vec![Value::Integer(0)]);
        assert_eq!(
            write([None, one()]),
            vec![Value::Integer(0), Value::Null, Value::Integer(1)]
        );
        assert_eq!(write([one(), None]), vec![Value::Integer(0), Value::Integer(1)]);
        let writer = PayloadWriter::new().nullable_arg(None::<u8>);
        assert_eq!(writer.finish().args().to_list(), vec![Value::Null]);
    }

    /// The position of `x` or `y` among a pair's fields, as the derive matches them.
    fn pair_field(key: &[u8]) -> Option<usize> {
        match key {
            b"x" => Some(0),
            b"y" => Some(1),
            _ => None,
        }
    }

    #[test]
    fn tables_ignore_unknown_keys_and_structs_reject_them() {
        let dict = || {
            Value::Dict(Dict::from([
                ("x".to_owned(), Value::Integer(1)),
                ("z".to_owned(), Value::Null),
            ]))
        };
        let table = table_fields::<2>(ValueRef::from(&dict()), "demo.Table", pair_field)
            .and_then(|[x, _]| required_field::<u8>(x, "x"));
        assert_eq!(table, Ok(1));
        let error = struct_fields::<2>(ValueRef::from(&dict()), "demo.Pair", &["x", "y"], pair_field)
            .map(|_| ())
            .map_err(|error| error.to_string());
        assert_eq!(error, Err("z: unknown field of demo.Pair".to_owned()));
    }

    #[test]
    fn structs_read_from_dicts_and_lists() {
        let read = |value: Value| -> Result<(u8, u8), String> {
            let [x, y] = struct_fields::<2>(ValueRef::from(&value), "demo.Pair", &["x", "y"], pair_field)
                .map_err(|error| error.to_string())?;
            let x = required_field(x, "x").map_err(|error| error.to_string())?;
            let y = required_field(y, "y").map_err(|error| error.to_string())?;
            Ok((x, y))
        };
        assert_eq!(
            read(Value::List(vec![Value::Integer(1), Value::Integer(2)])),
            Ok((1, 2))
        );
        assert_eq!(
            read(Value::List(vec![Value::Integer(1)])),
            Err("expected demo.Pair as a list of 2 values, got 1".to_owned())
        );
        let dict = Value::Dict(Dict::from([("x".to_owned(), Value::Integer(1))]));
        assert_eq!(read(dict), Err("y: missing struct field".to_owned()));
    }

    #[test]
    fn types_of_many_fields_find_keys_by_binary_search() {
        let sorted: [(&[u8], usize); 4] = [(b"", 3), (b"a", 1), (b"ab", 0), (b"b", 2)];
        for (key, position) in sorted {
            assert_eq!(field_position(key, &sorted), Some(position), "{key:?}");
        }
        for absent in [&b"aa"[..], b"c", b"A"] {
            assert_eq!(field_position(absent, &sorted), None, "{absent:?}");
        }
    }
}
