//! Borrowed views of WAMP values, decoded or built: what [`crate::FromValue`] reads.
//!
//! A received payload stays on the tape its message was decoded into (see `data::tape`),
//! and a payload built in memory is a tree of [`Value`]s. The views read either the same way,
//! so that generated types are read straight from the received bytes, without an owned tree
//! in between, and an in-memory session still needs no serializer.

mod fields;

use std::fmt;

use bytes::Bytes;

use crate::data::tape::{Node, Siblings, Tag, Tape};
use crate::data::value::{Dict, List, Value};
pub(crate) use fields::FieldLookup;

/// A value of a payload, to read.
#[derive(Clone, Copy)]
pub struct ValueRef<'a>(At<'a>);

#[derive(Clone, Copy)]
enum At<'a> {
    Tree(&'a Value),
    Tape(&'a Tape, usize),
}

impl<'a> From<&'a Value> for ValueRef<'a> {
    fn from(value: &'a Value) -> ValueRef<'a> {
        ValueRef(At::Tree(value))
    }
}

impl<'a> ValueRef<'a> {
    pub(crate) fn on_tape(tape: &'a Tape, index: usize) -> ValueRef<'a> {
        ValueRef(At::Tape(tape, index))
    }

    /// A short name of the value's kind, for error messages (`"string"`, `"list"`...).
    pub fn kind_name(self) -> &'static str {
        match self.0 {
            At::Tree(value) => value.kind_name(),
            At::Tape(tape, index) => tape.node(index).kind_name(),
        }
    }

    /// Whether the value is `null`.
    pub fn is_null(self) -> bool {
        match self.0 {
            At::Tree(value) => matches!(value, Value::Null),
            At::Tape(tape, index) => tape.node(index).tag == Tag::Null,
        }
    }

    /// The value of a bool.
    pub fn as_bool(self) -> Option<bool> {
        match self.0 {
            At::Tree(Value::Bool(value)) => Some(*value),
            At::Tree(_) => None,
            At::Tape(tape, index) => match tape.node(index).tag {
                Tag::True => Some(true),
                Tag::False => Some(false),
                _ => None,
            },
        }
    }

    /// The value of an integer.
    pub fn as_integer(self) -> Option<i128> {
        match self.0 {
            At::Tree(Value::Integer(value)) => Some(*value),
            At::Tree(_) => None,
            At::Tape(tape, index) => tape.integer_of(tape.node(index)),
        }
    }

    /// The value of a float (not of an integer).
    pub fn as_float(self) -> Option<f64> {
        match self.0 {
            At::Tree(Value::Float(value)) => Some(*value),
            At::Tree(_) => None,
            At::Tape(tape, index) => {
                let node = tape.node(index);
                (node.tag == Tag::Float).then(|| f64::from_bits(node.data))
            }
        }
    }

    /// The text of a string.
    pub fn as_str(self) -> Option<&'a str> {
        match self.0 {
            At::Tree(Value::String(text)) => Some(text),
            At::Tree(_) => None,
            At::Tape(tape, index) => {
                let node = tape.node(index);
                matches!(node.tag, Tag::Text | Tag::SideText).then(|| tape.text_of(node))
            }
        }
    }

    /// The bytes of a binary value.
    pub fn as_bytes(self) -> Option<&'a [u8]> {
        match self.0 {
            At::Tree(Value::Bytes(bytes)) => Some(bytes),
            At::Tree(_) => None,
            At::Tape(tape, index) => binary_node(tape, index).map(|node| tape.bytes_of(node)),
        }
    }

    /// A binary value to keep: long ones share the buffer they were received in.
    pub fn to_bytes(self) -> Option<Bytes> {
        match self.0 {
            At::Tree(Value::Bytes(bytes)) => Some(bytes.clone()),
            At::Tree(_) => None,
            At::Tape(tape, index) => binary_node(tape, index).map(|node| tape.owned_bytes_of(node)),
        }
    }

    /// The elements of a list.
    pub fn as_list(self) -> Option<ListRef<'a>> {
        match self.0 {
            At::Tree(Value::List(list)) => Some(ListRef(Items::Tree(list))),
            At::Tree(_) => None,
            At::Tape(tape, index) => {
                (tape.node(index).tag == Tag::List).then_some(ListRef(Items::Tape(tape, index)))
            }
        }
    }

    /// The entries of a dict.
    pub fn as_dict(self) -> Option<DictRef<'a>> {
        match self.0 {
            At::Tree(Value::Dict(dict)) => Some(DictRef(Entries::Tree(dict))),
            At::Tree(_) => None,
            At::Tape(tape, index) => {
                (tape.node(index).tag == Tag::Dict).then_some(DictRef(Entries::Tape(tape, index)))
            }
        }
    }

    /// The value as an owned tree.
    pub fn to_value(self) -> Value {
        match self.0 {
            At::Tree(value) => value.clone(),
            At::Tape(tape, index) => tape.to_value(index),
        }
    }
}

fn binary_node(tape: &Tape, index: usize) -> Option<Node> {
    let node = tape.node(index);
    matches!(node.tag, Tag::Binary | Tag::SideBinary).then_some(node)
}

impl fmt::Debug for ValueRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_value().fmt(f)
    }
}

/// The elements of a list, to read.
#[derive(Clone, Copy)]
pub struct ListRef<'a>(Items<'a>);

#[derive(Clone, Copy)]
enum Items<'a> {
    Tree(&'a [Value]),
    /// The list node's index.
    Tape(&'a Tape, usize),
}

impl<'a> From<&'a [Value]> for ListRef<'a> {
    fn from(values: &'a [Value]) -> ListRef<'a> {
        ListRef(Items::Tree(values))
    }
}

impl<'a> ListRef<'a> {
    pub(crate) const EMPTY: ListRef<'static> = ListRef(Items::Tree(&[]));

    pub(crate) fn on_tape(tape: &'a Tape, index: usize) -> ListRef<'a> {
        ListRef(Items::Tape(tape, index))
    }

    /// The number of elements.
    pub fn len(self) -> usize {
        match self.0 {
            Items::Tree(values) => values.len(),
            Items::Tape(tape, index) => tape.node(index).len as usize,
        }
    }

    /// Whether the list has no elements.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The elements, in order.
    pub fn iter(self) -> ListIter<'a> {
        ListIter(match self.0 {
            Items::Tree(values) => ItemsIter::Tree(values.iter()),
            Items::Tape(tape, index) => ItemsIter::Tape(tape, tape.children(index)),
        })
    }

    /// The element at `index`.
    pub fn get(self, index: usize) -> Option<ValueRef<'a>> {
        self.iter().nth(index)
    }

    /// The elements as owned values.
    pub fn to_list(self) -> List {
        match self.0 {
            Items::Tree(values) => values.to_vec(),
            Items::Tape(tape, index) => tape.to_list(index),
        }
    }
}

impl<'a> IntoIterator for ListRef<'a> {
    type Item = ValueRef<'a>;
    type IntoIter = ListIter<'a>;

    fn into_iter(self) -> ListIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for ListRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The elements of a [`ListRef`], in order.
#[derive(Debug, Clone)]
pub struct ListIter<'a>(ItemsIter<'a>);

#[derive(Debug, Clone)]
enum ItemsIter<'a> {
    Tree(std::slice::Iter<'a, Value>),
    Tape(&'a Tape, Siblings<'a>),
}

impl<'a> Iterator for ListIter<'a> {
    type Item = ValueRef<'a>;

    fn next(&mut self) -> Option<ValueRef<'a>> {
        match &mut self.0 {
            ItemsIter::Tree(values) => values.next().map(ValueRef::from),
            ItemsIter::Tape(tape, indices) => indices.next().map(|index| ValueRef::on_tape(tape, index)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            ItemsIter::Tree(values) => values.size_hint(),
            ItemsIter::Tape(_, indices) => indices.size_hint(),
        }
    }
}

impl ExactSizeIterator for ListIter<'_> {}

/// The entries of a dict, to read.
#[derive(Clone, Copy)]
pub struct DictRef<'a>(Entries<'a>);

#[derive(Clone, Copy)]
enum Entries<'a> {
    Tree(&'a Dict),
    /// The dict node's index.
    Tape(&'a Tape, usize),
}

impl<'a> From<&'a Dict> for DictRef<'a> {
    fn from(dict: &'a Dict) -> DictRef<'a> {
        DictRef(Entries::Tree(dict))
    }
}

impl<'a> DictRef<'a> {
    pub(crate) const EMPTY: DictRef<'static> = DictRef(Entries::Tree(&Dict::new()));

    pub(crate) fn on_tape(tape: &'a Tape, index: usize) -> DictRef<'a> {
        DictRef(Entries::Tape(tape, index))
    }

    /// The number of entries (on the wire: a key sent twice counts twice).
    pub fn len(self) -> usize {
        match self.0 {
            Entries::Tree(dict) => dict.len(),
            Entries::Tape(tape, index) => tape.node(index).len as usize,
        }
    }

    /// Whether the dict has no entries.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The tape and node of a received dict.
    pub(crate) fn tape_node(self) -> Option<(&'a Tape, usize)> {
        match self.0 {
            Entries::Tree(_) => None,
            Entries::Tape(tape, index) => Some((tape, index)),
        }
    }

    /// The value of a key. Of a key sent twice, the last value counts, as in [`Dict`].
    pub fn get(self, key: &str) -> Option<ValueRef<'a>> {
        match self.0 {
            Entries::Tree(dict) => dict.get(key).map(ValueRef::from),
            // Received dicts are small and unsorted: a scan costs less than sorting them.
            Entries::Tape(tape, index) => tape
                .entries(index)
                .filter(|(key_index, _)| tape.bytes_of(tape.node(*key_index)) == key.as_bytes())
                .last()
                .map(|(_, value)| ValueRef::on_tape(tape, value)),
        }
    }

    /// Calls `visit` with each entry's key, as bytes, and value, in the order of
    /// [`DictRef::iter`], until it fails. Readers of generated types match keys as bytes, so
    /// that a received key is neither checked for UTF-8 again nor looked up field by field.
    #[inline]
    pub(crate) fn try_for_each_entry<E>(
        self,
        mut visit: impl FnMut(&'a [u8], ValueRef<'a>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self.0 {
            Entries::Tree(dict) => {
                for (key, value) in dict.iter() {
                    visit(key.as_bytes(), ValueRef::from(value))?;
                }
            }
            Entries::Tape(tape, index) => {
                let mut key = index + 1;
                for _ in 0..tape.node(index).len {
                    let value = key + 1;
                    visit(tape.bytes_of(tape.node(key)), ValueRef::on_tape(tape, value))?;
                    key = tape.next_sibling(value);
                }
            }
        }
        Ok(())
    }

    /// The entries, in key order for a built dict and in wire order for a received one.
    pub fn iter(self) -> DictIter<'a> {
        DictIter(match self.0 {
            Entries::Tree(dict) => EntriesIter::Tree(dict.iter()),
            Entries::Tape(tape, index) => EntriesIter::Tape(tape, tape.children(index)),
        })
    }

    /// The keys, in the order of [`DictRef::iter`].
    pub fn keys(self) -> impl ExactSizeIterator<Item = &'a str> {
        self.iter().map(|(key, _)| key)
    }

    /// The entries as an owned dict.
    pub fn to_dict(self) -> Dict {
        match self.0 {
            Entries::Tree(dict) => dict.clone(),
            Entries::Tape(tape, index) => tape.to_dict(index),
        }
    }
}

impl<'a> IntoIterator for DictRef<'a> {
    type Item = (&'a str, ValueRef<'a>);
    type IntoIter = DictIter<'a>;

    fn into_iter(self) -> DictIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for DictRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The entries of a [`DictRef`].
#[derive(Debug, Clone)]
pub struct DictIter<'a>(EntriesIter<'a>);

#[derive(Debug, Clone)]
enum EntriesIter<'a> {
    Tree(crate::data::value::Iter<'a>),
    /// Keys and values alternate.
    Tape(&'a Tape, Siblings<'a>),
}

impl<'a> Iterator for DictIter<'a> {
    type Item = (&'a str, ValueRef<'a>);

    fn next(&mut self) -> Option<(&'a str, ValueRef<'a>)> {
        match &mut self.0 {
            EntriesIter::Tree(entries) => entries
                .next()
                .map(|(key, value)| (key.as_str(), ValueRef::from(value))),
            EntriesIter::Tape(tape, indices) => {
                let key = indices.next()?;
                let value = indices.next()?;
                Some((tape.text_of(tape.node(key)), ValueRef::on_tape(tape, value)))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = match &self.0 {
            EntriesIter::Tree(entries) => entries.len(),
            EntriesIter::Tape(_, indices) => indices.len() / 2,
        };
        (len, Some(len))
    }
}

impl ExactSizeIterator for DictIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Payload;
    use crate::wire::{Message, Serializer};

    /// The payload of a RESULT received as JSON, args `args` and kwargs `kwargs`.
    pub(super) fn received(args: &str, kwargs: &str) -> Payload {
        let text = format!("[50, 1, {{}}, {args}, {kwargs}]");
        match Serializer::Json.decode(text.as_bytes()) {
            Ok(Message::Result { payload, .. }) => payload,
            other => panic!("{text} is a RESULT, got {other:?}"),
        }
    }

    #[test]
    fn a_received_dict_reads_as_the_dict_it_becomes() {
        let payload = received("[]", r#"{"b": 1, "a": [true, null], "b": 2}"#);
        let kwargs = payload.kwargs();
        let owned = kwargs.to_dict();
        assert_eq!(kwargs.get("b").map(ValueRef::to_value), owned.get("b").cloned());
        assert_eq!(kwargs.get("b").and_then(ValueRef::as_integer), Some(2));
        assert_eq!(kwargs.get("c").map(ValueRef::to_value), None);
        assert_eq!(kwargs.keys().collect::<Vec<_>>(), ["b", "a", "b"]);
        let list = kwargs.get("a").and_then(ValueRef::as_list);
        assert_eq!(list.map(ListRef::len), Some(2));
        assert_eq!(
            list.and_then(|list| list.get(0)).and_then(ValueRef::as_bool),
            Some(true)
        );
        assert_eq!(
            list.and_then(|list| list.get(1)).map(ValueRef::is_null),
            Some(true)
        );
        assert_eq!(list.and_then(|list| list.get(2)).map(ValueRef::to_value), None);
    }

    #[test]
    fn received_and_built_values_read_alike() {
        let payload = received(r#"[1.5, "x", "\u0000AAE=", -3, {"k": "v"}]"#, "{}");
        let built = payload.args().to_list();
        for (received, built) in payload.args().iter().zip(&built) {
            let built = ValueRef::from(built);
            assert_eq!(received.kind_name(), built.kind_name());
            assert_eq!(received.as_float(), built.as_float());
            assert_eq!(received.as_str(), built.as_str());
            assert_eq!(received.as_bytes(), built.as_bytes());
            assert_eq!(received.as_integer(), built.as_integer());
            assert_eq!(
                received.as_dict().map(DictRef::to_dict),
                built.as_dict().map(DictRef::to_dict)
            );
        }
        assert_eq!(format!("{:?}", payload.args()), format!("{built:?}"));
    }
}
