//! Writing values straight to the wire: the writer every serializer implements, to which
//! generated types write themselves ([`crate::IntoValue::write_value`],
//! [`crate::data::convert::WritePayload`]) without building a tree of [`Value`]s first.
//!
//! A payload of such a type travels inside a [`crate::Payload`] as the type itself, behind
//! [`Typed`], and is written when its message is encoded: with the serializer known only then,
//! [`ErasedPayload`] has one method per serializer, each an instance of the type's generic
//! writing code, so that the only dynamic call is the one per payload part.

use std::sync::{Arc, OnceLock};

use compact_str::CompactString;

use crate::data::convert::{IntoValue, WritePayload};
use crate::data::value::{Dict, List, Value};
use crate::error::EncodeError;
use crate::wire::{bjdata, cbor, json, msgpack};

/// What a serializer writes values with, in the order they travel: containers are opened with
/// the number of their elements (entries, for a dict), then each element written, then closed;
/// a dict's entries are each a [`key`](ValueWriter::key) and a value. A key the derives know
/// when they expand comes already encoded for every serializer ([`EncodedKey`]), which a
/// serializer's writer copies as it is.
///
/// The provided methods write a field of a table or struct, and the arguments of a payload, as
/// the derives of [`IntoValue`] and [`WritePayload`] call them.
pub trait ValueWriter {
    fn null(&mut self) -> Result<(), EncodeError>;

    fn bool(&mut self, value: bool) -> Result<(), EncodeError>;

    fn unsigned(&mut self, value: u64) -> Result<(), EncodeError>;

    fn signed(&mut self, value: i64) -> Result<(), EncodeError>;

    fn float(&mut self, value: f64) -> Result<(), EncodeError>;

    fn str(&mut self, text: &str) -> Result<(), EncodeError>;

    /// A binary value, copied into the encoding.
    fn bytes(&mut self, bytes: &[u8]) -> Result<(), EncodeError>;

    /// A value of the value model; the binary serializers splice its long binary values into a
    /// frame instead of copying them.
    fn value(&mut self, value: &Value) -> Result<(), EncodeError>;

    fn begin_list(&mut self, len: usize) -> Result<(), EncodeError>;

    fn end_list(&mut self) -> Result<(), EncodeError>;

    fn begin_dict(&mut self, len: usize) -> Result<(), EncodeError>;

    /// The key of the next dict entry, whose value is written next.
    fn key(&mut self, key: &str) -> Result<(), EncodeError>;

    /// A key of a generated type, written as its text unless the writer copies its encoding.
    #[doc(hidden)]
    #[inline(always)]
    fn encoded_key(&mut self, key: &EncodedKey) -> Result<(), EncodeError> {
        self.key(key.text)
    }

    /// A key of a generated type that follows an entry of the same dict, as the derive knows
    /// of every field after one that is always written: the JSON writer copies it with its
    /// comma, without asking whether it is the first.
    #[doc(hidden)]
    #[inline(always)]
    fn encoded_next_key(&mut self, key: &EncodedKey) -> Result<(), EncodeError> {
        self.encoded_key(key)
    }

    fn end_dict(&mut self) -> Result<(), EncodeError>;

    /// A value of any type that writes itself.
    #[inline]
    fn element<T: IntoValue>(&mut self, value: &T) -> Result<(), EncodeError>
    where
        Self: Sized,
    {
        value.write_value(self)
    }

    /// A value that may be absent, written as `null` then.
    #[inline]
    fn nullable<T: IntoValue>(&mut self, value: &Option<T>) -> Result<(), EncodeError>
    where
        Self: Sized,
    {
        match value {
            Some(value) => value.write_value(self),
            None => self.null(),
        }
    }

    /// A dict entry, under a text or an [`EncodedKey`]. Inlined into the generated type's
    /// writing, so that its key is a constant.
    #[inline(always)]
    fn field<K: DictKey + ?Sized, T: IntoValue>(&mut self, key: &K, value: &T) -> Result<(), EncodeError>
    where
        Self: Sized,
    {
        key.write_key(self)?;
        value.write_value(self)
    }

    /// A dict entry if the value is there; an absent one is left out.
    #[inline(always)]
    fn optional_field<K: DictKey + ?Sized, T: IntoValue>(
        &mut self,
        key: &K,
        value: &Option<T>,
    ) -> Result<(), EncodeError>
    where
        Self: Sized,
    {
        match value {
            Some(value) => self.field(key, value),
            None => Ok(()),
        }
    }

    /// A union's value: a dict whose one key is the member's name.
    #[inline]
    fn union_member<K: DictKey + ?Sized, T: IntoValue>(
        &mut self,
        member: &K,
        value: &T,
    ) -> Result<(), EncodeError>
    where
        Self: Sized,
    {
        self.begin_dict(1)?;
        self.field(member, value)?;
        self.end_dict()
    }
}

/// A dict key as each serializer writes it, which the derives compute when they expand, so that
/// writing a generated type's key is one copy of a constant: the text, and its encodings, the
/// JSON one quoted and escaped, followed by its colon and preceded by the comma that separates
/// it from an entry before it (which the writer leaves out of a dict's first entry).
/// `runtime/tests/typed_wire.rs` holds each to what [`ValueWriter::key`] writes.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct EncodedKey {
    pub text: &'static str,
    pub json: &'static [u8],
    pub msgpack: &'static [u8],
    pub cbor: &'static [u8],
    pub bjdata: &'static [u8],
}

/// A dict key as the provided methods of [`ValueWriter`] take it: a text, or a generated type's
/// [`EncodedKey`].
#[doc(hidden)]
pub trait DictKey {
    fn write_key<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError>;

    /// Writes the key of an entry that follows another of the same dict.
    #[inline(always)]
    fn write_next_key<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        self.write_key(writer)
    }
}

impl DictKey for str {
    #[inline(always)]
    fn write_key<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.key(self)
    }
}

/// A key a hand-written [`IntoValue`] computes: `writer.field(&name, ...)` with a `String`, as
/// before the provided methods took an [`EncodedKey`] too.
impl DictKey for String {
    #[inline]
    fn write_key<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.key(self)
    }
}

/// The key of an entry that follows another of the same dict, as the derive knows of every
/// field after one that is always written: `writer.field(&NextKey(key), value)`.
#[doc(hidden)]
#[derive(Debug)]
pub struct NextKey<'a, K: ?Sized>(pub &'a K);

impl<K: DictKey + ?Sized> DictKey for NextKey<'_, K> {
    #[inline(always)]
    fn write_key<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        self.0.write_next_key(writer)
    }
}

impl DictKey for EncodedKey {
    #[inline(always)]
    fn write_key<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.encoded_key(self)
    }

    #[inline(always)]
    fn write_next_key<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
        writer.encoded_next_key(self)
    }
}

/// Which part of a payload to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Args,
    Kwargs,
}

/// A [`WritePayload`] whose type is forgotten: one method per writer, each the type's own
/// generic code for that writer.
pub(crate) trait ErasedPayload: Send + Sync {
    /// How many args and kwargs are sent.
    fn lens(&self) -> (usize, usize);
    fn write_json(&self, writer: &mut json::Writer<'_>, part: Part) -> Result<(), EncodeError>;
    fn write_msgpack(&self, writer: &mut msgpack::Writer<'_>, part: Part) -> Result<(), EncodeError>;
    fn write_cbor(&self, writer: &mut cbor::Writer<'_>, part: Part) -> Result<(), EncodeError>;
    fn write_bjdata(&self, writer: &mut bjdata::Writer<'_>, part: Part) -> Result<(), EncodeError>;
    fn write_tree(&self, writer: &mut TreeWriter, part: Part) -> Result<(), EncodeError>;
}

fn write_part<T: WritePayload, W: ValueWriter>(
    payload: &T,
    writer: &mut W,
    part: Part,
) -> Result<(), EncodeError> {
    match part {
        Part::Args => payload.write_args(writer),
        Part::Kwargs => payload.write_kwargs(writer),
    }
}

impl<T: WritePayload + Send + Sync> ErasedPayload for T {
    fn lens(&self) -> (usize, usize) {
        self.payload_len()
    }

    fn write_json(&self, writer: &mut json::Writer<'_>, part: Part) -> Result<(), EncodeError> {
        write_part(self, writer, part)
    }

    fn write_msgpack(&self, writer: &mut msgpack::Writer<'_>, part: Part) -> Result<(), EncodeError> {
        write_part(self, writer, part)
    }

    fn write_cbor(&self, writer: &mut cbor::Writer<'_>, part: Part) -> Result<(), EncodeError> {
        write_part(self, writer, part)
    }

    fn write_bjdata(&self, writer: &mut bjdata::Writer<'_>, part: Part) -> Result<(), EncodeError> {
        write_part(self, writer, part)
    }

    fn write_tree(&self, writer: &mut TreeWriter, part: Part) -> Result<(), EncodeError> {
        write_part(self, writer, part)
    }
}

/// A payload kept as the typed value it was made from, written when its message is encoded;
/// read as values, it is turned into them once, on first reading. One pointer, so that it
/// keeps a message small enough to move cheaply, and one allocation.
#[derive(Clone)]
pub(crate) struct Typed(Arc<WithValues<dyn ErasedPayload>>);

/// A typed value, and its values once it is read as values.
struct WithValues<T: ?Sized> {
    values: OnceLock<(List, Dict)>,
    value: T,
}

impl Typed {
    pub(crate) fn new<T: WritePayload + Send + Sync + 'static>(value: T) -> Typed {
        Typed(Arc::new(WithValues {
            values: OnceLock::new(),
            value,
        }))
    }

    pub(crate) fn erased(&self) -> &dyn ErasedPayload {
        &self.0.value
    }

    /// The args and kwargs as values.
    pub(crate) fn values(&self) -> &(List, Dict) {
        self.0.values.get_or_init(|| to_values(&self.0.value))
    }

    pub(crate) fn into_values(self) -> (List, Dict) {
        self.values().clone()
    }
}

fn to_values(payload: &dyn ErasedPayload) -> (List, Dict) {
    let (args, kwargs) = payload.lens();
    let part = |part, len| {
        if len == 0 {
            return None;
        }
        let mut writer = TreeWriter::default();
        // Writing to a tree has no error of its own.
        payload.write_tree(&mut writer, part).ok()?;
        writer.done
    };
    let args = match part(Part::Args, args) {
        Some(Value::List(args)) => args,
        _ => List::new(),
    };
    let kwargs = match part(Part::Kwargs, kwargs) {
        Some(Value::Dict(kwargs)) => kwargs,
        _ => Dict::new(),
    };
    (args, kwargs)
}

/// Writes values into a tree of owned [`Value`]s, as a received payload is read into one.
#[derive(Default)]
pub(crate) struct TreeWriter {
    open: Vec<Open>,
    /// The outermost value, once written.
    done: Option<Value>,
}

enum Open {
    List(List),
    /// The entries so far, and the key of the entry whose value comes next.
    Dict(Vec<(CompactString, Value)>, CompactString),
}

impl TreeWriter {
    fn put(&mut self, value: Value) -> Result<(), EncodeError> {
        match self.open.last_mut() {
            Some(Open::List(items)) => items.push(value),
            Some(Open::Dict(entries, key)) => entries.push((std::mem::take(key), value)),
            None => self.done = Some(value),
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), EncodeError> {
        let value = match self.open.pop() {
            Some(Open::List(items)) => Value::List(items),
            Some(Open::Dict(entries, _)) => Value::Dict(Dict::from_entries(entries)),
            None => return Err(EncodeError::new("a container was closed that was not open")),
        };
        self.put(value)
    }
}

impl ValueWriter for TreeWriter {
    fn null(&mut self) -> Result<(), EncodeError> {
        self.put(Value::Null)
    }

    fn bool(&mut self, value: bool) -> Result<(), EncodeError> {
        self.put(Value::Bool(value))
    }

    fn unsigned(&mut self, value: u64) -> Result<(), EncodeError> {
        self.put(Value::Integer(i128::from(value)))
    }

    fn signed(&mut self, value: i64) -> Result<(), EncodeError> {
        self.put(Value::Integer(i128::from(value)))
    }

    fn float(&mut self, value: f64) -> Result<(), EncodeError> {
        self.put(Value::Float(value))
    }

    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.put(Value::String(text.into()))
    }

    fn bytes(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.put(Value::Bytes(bytes::Bytes::copy_from_slice(bytes)))
    }

    fn value(&mut self, value: &Value) -> Result<(), EncodeError> {
        self.put(value.clone())
    }

    fn begin_list(&mut self, len: usize) -> Result<(), EncodeError> {
        self.open.push(Open::List(List::with_capacity(len)));
        Ok(())
    }

    fn end_list(&mut self) -> Result<(), EncodeError> {
        self.close()
    }

    fn begin_dict(&mut self, len: usize) -> Result<(), EncodeError> {
        self.open
            .push(Open::Dict(Vec::with_capacity(len), CompactString::default()));
        Ok(())
    }

    fn key(&mut self, key: &str) -> Result<(), EncodeError> {
        if let Some(Open::Dict(_, next)) = self.open.last_mut() {
            *next = key.into();
        }
        Ok(())
    }

    fn end_dict(&mut self) -> Result<(), EncodeError> {
        self.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-written writer of a dict whose keys it computes.
    struct Counts(Vec<(String, i64)>);

    impl IntoValue for Counts {
        fn into_value(self) -> Value {
            let entries = self.0.into_iter();
            Value::Dict(Dict::from_entries(
                entries
                    .map(|(key, count)| (CompactString::from(key), Value::Integer(count.into())))
                    .collect(),
            ))
        }

        fn write_value<W: ValueWriter>(&self, writer: &mut W) -> Result<(), EncodeError> {
            writer.begin_dict(self.0.len())?;
            for (key, count) in &self.0 {
                writer.field(key, count)?;
            }
            writer.end_dict()
        }
    }

    #[test]
    fn a_hand_written_type_names_its_fields_with_strings() {
        let counts = || Counts(vec![("a".to_owned(), 1), ("b".to_owned(), 2)]);
        let mut tree = TreeWriter::default();
        assert_eq!(
            counts().write_value(&mut tree).map_err(|error| error.to_string()),
            Ok(())
        );
        assert_eq!(tree.done, Some(counts().into_value()));
    }
}
