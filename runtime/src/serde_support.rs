//! serde for WAMP values and for the fields of generated types (feature `serde`).
//!
//! A [`Value`] serializes as the data it holds (bytes as bytes, a dict as a map in key order)
//! and deserializes from any self-describing format. Generated types with serde support
//! (`Builder::serde`) derive `Serialize` and `Deserialize` through the re-exported crate
//! `wamp_idl_runtime::__private::serde`, and reach the helpers of [`fields`] for what serde's own
//! impls spell otherwise: `[ubyte]` as bytes rather than a list of numbers, and fixed-size
//! arrays of any length (serde's own stop at 32).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::data::value::{Dict, Value};

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(value) => serializer.serialize_bool(*value),
            Value::Integer(value) => {
                // The narrowest integer serde has, since most formats know no 128-bit ones.
                if let Ok(value) = i64::try_from(*value) {
                    serializer.serialize_i64(value)
                } else if let Ok(value) = u64::try_from(*value) {
                    serializer.serialize_u64(value)
                } else {
                    serializer.serialize_i128(*value)
                }
            }
            Value::Float(value) => serializer.serialize_f64(*value),
            Value::String(value) => serializer.serialize_str(value),
            Value::Bytes(value) => serializer.serialize_bytes(value),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Dict(dict) => dict.serialize(serializer),
        }
    }
}

impl Serialize for Dict {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key.as_str(), value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Dict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Dict, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Dict(dict) => Ok(dict),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a map")),
        }
    }
}

/// What a value that is not the expected kind is, for serde's error message.
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(value) => de::Unexpected::Bool(*value),
        Value::Integer(_) => de::Unexpected::Other("an integer"),
        Value::Float(value) => de::Unexpected::Float(*value),
        Value::String(value) => de::Unexpected::Str(value),
        Value::Bytes(value) => de::Unexpected::Bytes(value),
        Value::List(_) => de::Unexpected::Seq,
        Value::Dict(_) => de::Unexpected::Map,
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a WAMP value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Integer(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Integer(value.into()))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Value, E> {
        Ok(Value::Integer(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Value, E> {
        i128::try_from(value)
            .map(Value::Integer)
            .map_err(|_| E::invalid_value(de::Unexpected::Other("an integer above 2^127"), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Ok(Value::Float(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.into()))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(crate::Bytes::copy_from_slice(value)))
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(value.into()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(String, Value)> = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Value::Dict(entries.into_iter().collect()))
    }
}

/// The serde helpers generated fields name in `#[serde(with = "...")]`. Not public API.
pub mod fields {
    /// A `[ubyte]` as bytes: `serialize_bytes`, read back from bytes or a list of numbers
    /// (what serde_json writes bytes as).
    pub mod bytes {
        use super::super::*;

        pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(bytes)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
            deserializer.deserialize_byte_buf(BytesVisitor)
        }
    }

    /// An optional `[ubyte]`: bytes when present.
    pub mod optional_bytes {
        use super::super::*;

        pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
            match bytes {
                Some(bytes) => serializer.serialize_some(&Bytes(bytes)),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
            deserializer.deserialize_option(OptionalBytesVisitor)
        }
    }

    /// A fixed-size array of any length, as a tuple.
    pub mod array {
        use super::super::*;
        use serde::ser::SerializeTuple;

        pub fn serialize<S: Serializer, T: Serialize, const N: usize>(
            array: &[T; N],
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            let mut tuple = serializer.serialize_tuple(N)?;
            for item in array {
                tuple.serialize_element(item)?;
            }
            tuple.end()
        }

        pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
            deserializer: D,
        ) -> Result<[T; N], D::Error> {
            deserializer.deserialize_tuple(N, ArrayVisitor(std::marker::PhantomData))
        }
    }
}

/// Bytes serialized as bytes.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("bytes")
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Vec<u8>, E> {
        Ok(value.to_vec())
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(byte) = seq.next_element()? {
            bytes.push(byte);
        }
        Ok(bytes)
    }
}

struct OptionalBytesVisitor;

impl<'de> Visitor<'de> for OptionalBytesVisitor {
    type Value = Option<Vec<u8>>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("bytes or nothing")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<Vec<u8>>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Vec<u8>>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor).map(Some)
    }
}

struct ArrayVisitor<T, const N: usize>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for ArrayVisitor<T, N> {
    type Value = [T; N];

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "an array of {N} items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<[T; N], A::Error> {
        let mut items = Vec::with_capacity(N.min(4096));
        while let Some(item) = seq.next_element()? {
            if items.len() == N {
                return Err(de::Error::invalid_length(N + 1, &self));
            }
            items.push(item);
        }
        let found = items.len();
        items
            .try_into()
            .map_err(|_| de::Error::invalid_length(found, &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_json() {
        let value = Value::Dict(Dict::from([
            (
                "a",
                Value::List(vec![
                    Value::Integer(-3),
                    Value::Integer(u64::MAX.into()),
                    Value::Null,
                ]),
            ),
            ("b", Value::Float(1.5)),
            ("c", Value::String("text".into())),
            ("d", Value::Bool(true)),
        ]));
        let json = serde_json::to_string(&value).expect("a value serializes");
        assert_eq!(
            json,
            r#"{"a":[-3,18446744073709551615,null],"b":1.5,"c":"text","d":true}"#
        );
        let back: Value = serde_json::from_str(&json).expect("its JSON deserializes");
        assert_eq!(back, value);
    }

    #[test]
    fn bytes_are_bytes_and_come_back_from_a_list_of_numbers() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Frame {
            #[serde(with = "fields::bytes")]
            data: Vec<u8>,
            #[serde(
                with = "fields::optional_bytes",
                default,
                skip_serializing_if = "Option::is_none"
            )]
            more: Option<Vec<u8>>,
            #[serde(with = "fields::array")]
            wide: [u8; 40],
        }
        let frame = Frame {
            data: vec![0, 255],
            more: Some(vec![7]),
            wide: [1; 40],
        };
        let json = serde_json::to_string(&frame).expect("a frame serializes");
        assert!(
            json.starts_with(r#"{"data":[0,255],"more":[7],"wide":[1,1,"#),
            "{json}"
        );
        let back: Frame = serde_json::from_str(&json).expect("its JSON deserializes");
        assert_eq!(back, frame);
        let short = json.replace("[1,1,", "[1,");
        let error = serde_json::from_str::<Frame>(&short).expect_err("39 items are not 40");
        assert!(error.to_string().contains("an array of 40 items"), "{error}");
    }
}
