//! The tape: a decoded message as one flat array of nodes over the bytes it came from.
//!
//! Decoders write the tape instead of building a tree of owned values: a node is 16 bytes and
//! pushing it is all a value costs, strings and binary values are ranges of the message's own
//! buffer, and the whole message is at most two allocations (the nodes, none when the vector of
//! a tape dropped before on the same thread is reused, and, when a decoder has to rewrite
//! something, the side buffer). Readers ([`crate::ValueRef`]) walk the tape; turning
//! a node into an owned [`Value`] is [`Tape::to_value`].
//!
//! Everything on a tape was validated by the decoder that wrote it: texts are UTF-8, counts
//! match, containers nest within the limits. A value the decoder could read past but not
//! represent (a MessagePack extension, a CBOR tag, a string that is not UTF-8) is a null on the
//! tape, and the first of them is kept beside it as [`Unreadable`]: what it costs is decided
//! by where it sits (`Message::from_tape`).

use std::cell::Cell;

use bytes::Bytes;
use compact_str::CompactString;

use crate::data::value::{Dict, List, Value};

/// What a node is. Lengths and counts live in [`Node::len`], everything else in [`Node::data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Tag {
    Null,
    False,
    True,
    /// `data` is the value.
    Unsigned,
    /// The value is `-1 - data`, which covers CBOR's negative integers down to -2^64.
    Negative,
    /// An integer beyond 64 bits: 16 little-endian bytes of an `i128` at `data` in the side buffer.
    Wide,
    /// `data` holds the bits of an `f64`.
    Float,
    /// `len` bytes of UTF-8 at offset `data` of the source.
    Text,
    /// `len` bytes of UTF-8 at offset `data` of the side buffer.
    SideText,
    /// `len` bytes at offset `data` of the source.
    Binary,
    /// `len` bytes at offset `data` of the side buffer.
    SideBinary,
    /// `len` elements follow; `data` is the index of the first node after the last of them.
    List,
    /// `len` entries follow, each a key (a text) and a value; `data` as for a list.
    Dict,
}

/// One value on a tape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) tag: Tag,
    pub(crate) len: u32,
    pub(crate) data: u64,
}

impl Node {
    const NULL: Node = Node {
        tag: Tag::Null,
        len: 0,
        data: 0,
    };

    /// A short name of the node's kind, as [`Value::kind_name`] gives it.
    pub(crate) fn kind_name(self) -> &'static str {
        match self.tag {
            Tag::Null => "null",
            Tag::False | Tag::True => "bool",
            Tag::Unsigned | Tag::Negative | Tag::Wide => "integer",
            Tag::Float => "float",
            Tag::Text | Tag::SideText => "string",
            Tag::Binary | Tag::SideBinary => "bytes",
            Tag::List => "list",
            Tag::Dict => "dict",
        }
    }
}

/// The largest message a tape can describe: offsets and lengths are 32-bit.
pub(crate) const MAX_SOURCE_LEN: usize = u32::MAX as usize;

/// A decoded message: its nodes, in document order, and the buffers their texts and binary
/// values are ranges of. Node 0 is the root.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tape {
    source: Bytes,
    /// Boxed, since few messages need it and a tape travels inside every message that
    /// carries a payload: moving a message costs less when it is small.
    side: Option<Box<Side>>,
    nodes: Vec<Node>,
}

/// What few tapes have: rewritten texts and binary values, and an unreadable value.
#[derive(Debug, Clone, Default)]
struct Side {
    bytes: Bytes,
    unreadable: Option<Unreadable>,
}

/// A value that a decoder read past but cannot represent; a null stands in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unreadable {
    /// The index of the null that stands in for it (for a dict key, the key's).
    pub(crate) node: usize,
    /// Where it starts in the source.
    pub(crate) offset: usize,
    /// What it is, in the words of a [`crate::wire::DecodeError`].
    pub(crate) message: String,
}

/// A container opened on a [`TapeBuilder`], to close when its last element is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a container must be closed"]
pub(crate) struct Open(usize);

/// Writes a tape. Decoders validate before they write: every method here trusts its input.
#[derive(Debug)]
pub(crate) struct TapeBuilder {
    nodes: Vec<Node>,
    side: Vec<u8>,
    unreadable: Option<Unreadable>,
}

impl TapeBuilder {
    /// A builder for a source of `source_len` bytes. No value is shorter than a byte, so that
    /// many nodes never need to grow; but a tape lives as long as its payload, so a long
    /// message, which mostly is long strings or binary values, starts with a bounded guess.
    ///
    /// The nodes go into the vector of the last tape dropped on this thread, if there is one
    /// (see [`SPARE_NODES`]).
    pub(crate) fn new(source_len: usize) -> TapeBuilder {
        const MAX_RESERVED: usize = 4096;
        let mut nodes = SPARE_NODES.try_with(Cell::take).unwrap_or_default();
        nodes.reserve(source_len.min(MAX_RESERVED));
        TapeBuilder {
            nodes,
            side: Vec::new(),
            unreadable: None,
        }
    }

    #[inline]
    fn push(&mut self, tag: Tag, len: u32, data: u64) {
        self.nodes.push(Node { tag, len, data });
    }

    #[inline]
    pub(crate) fn null(&mut self) {
        self.push(Tag::Null, 0, 0);
    }

    /// A value that starts at `offset` of the source and cannot be represented, though the
    /// decoder read past it: a null takes its place, and the first one is kept to report.
    #[cold]
    pub(crate) fn unreadable(&mut self, offset: usize, message: impl Into<String>) {
        if self.unreadable.is_none() {
            self.unreadable = Some(Unreadable {
                node: self.nodes.len(),
                offset,
                message: message.into(),
            });
        }
        self.null();
    }

    #[inline]
    pub(crate) fn bool(&mut self, value: bool) {
        self.push(if value { Tag::True } else { Tag::False }, 0, 0);
    }

    #[inline]
    pub(crate) fn unsigned(&mut self, value: u64) {
        self.push(Tag::Unsigned, 0, value);
    }

    /// The integer `-1 - magnitude`.
    #[inline]
    pub(crate) fn negative(&mut self, magnitude: u64) {
        self.push(Tag::Negative, 0, magnitude);
    }

    #[inline]
    pub(crate) fn signed(&mut self, value: i64) {
        match u64::try_from(value) {
            Ok(unsigned) => self.unsigned(unsigned),
            Err(_) => self.negative(!(value as u64)),
        }
    }

    pub(crate) fn integer(&mut self, value: i128) {
        if let Ok(unsigned) = u64::try_from(value) {
            self.unsigned(unsigned);
        } else if let Ok(magnitude) = u64::try_from(-1 - value) {
            self.negative(magnitude);
        } else {
            let offset = self.side.len() as u64;
            self.side.extend_from_slice(&value.to_le_bytes());
            self.push(Tag::Wide, 16, offset);
        }
    }

    #[inline]
    pub(crate) fn float(&mut self, value: f64) {
        self.push(Tag::Float, 0, value.to_bits());
    }

    /// A text the decoder checked is UTF-8: `len` bytes at `start` of the source.
    #[inline]
    pub(crate) fn text(&mut self, start: usize, len: usize) {
        self.push(Tag::Text, len as u32, start as u64);
    }

    /// A text the decoder had to rewrite (JSON escapes, CBOR chunks).
    pub(crate) fn side_text(&mut self, text: &str) {
        let offset = self.side_append(text.as_bytes());
        self.push(Tag::SideText, text.len() as u32, offset);
    }

    /// A binary value: `len` bytes at `start` of the source.
    #[inline]
    pub(crate) fn binary(&mut self, start: usize, len: usize) {
        self.push(Tag::Binary, len as u32, start as u64);
    }

    /// A binary value the decoder had to rewrite (JSON's base64, CBOR chunks).
    pub(crate) fn side_binary(&mut self, bytes: &[u8]) {
        let offset = self.side_append(bytes);
        self.push(Tag::SideBinary, bytes.len() as u32, offset);
    }

    /// A binary value that `write` appends to the side buffer, to decode it there rather than
    /// copy it there (JSON's base64); nothing is written if `write` fails.
    pub(crate) fn side_binary_with<E>(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        let offset = self.side.len();
        if let Err(error) = write(&mut self.side) {
            self.side.truncate(offset);
            return Err(error);
        }
        self.push(Tag::SideBinary, (self.side.len() - offset) as u32, offset as u64);
        Ok(())
    }

    fn side_append(&mut self, bytes: &[u8]) -> u64 {
        let offset = self.side.len() as u64;
        self.side.extend_from_slice(bytes);
        offset
    }

    /// Opens a list; its elements are the values written until [`TapeBuilder::close`].
    #[inline]
    pub(crate) fn open_list(&mut self) -> Open {
        self.open(Tag::List)
    }

    /// Opens a dict; its entries are the key-value pairs written until [`TapeBuilder::close`].
    #[inline]
    pub(crate) fn open_dict(&mut self) -> Open {
        self.open(Tag::Dict)
    }

    #[inline]
    fn open(&mut self, tag: Tag) -> Open {
        let at = self.nodes.len();
        self.push(tag, 0, 0);
        Open(at)
    }

    /// Closes a container of `count` elements (entries, for a dict).
    #[inline]
    pub(crate) fn close(&mut self, open: Open, count: usize) {
        let end = self.nodes.len() as u64;
        if let Some(node) = self.nodes.get_mut(open.0) {
            node.len = count as u32;
            node.data = end;
        }
    }

    /// The tape, over `source`: the bytes that text and binary offsets refer to.
    pub(crate) fn finish(self, source: Bytes) -> Tape {
        let side = if self.side.is_empty() && self.unreadable.is_none() {
            None
        } else {
            Some(Box::new(Side {
                bytes: Bytes::from(self.side),
                unreadable: self.unreadable,
            }))
        };
        Tape {
            source,
            side,
            nodes: self.nodes,
        }
    }
}

thread_local! {
    /// The emptied vector of nodes of the last tape dropped on this thread, for the next tape to
    /// reuse: a decoded message is most often handled and dropped before the next one is decoded,
    /// so that decoding costs no allocation of its own. Kept only up to [`MAX_SPARE_NODES`], so
    /// that one large message does not keep its memory for good.
    static SPARE_NODES: Cell<Vec<Node>> = const { Cell::new(Vec::new()) };
}

/// The most nodes a spare vector has room for: 64 KiB.
const MAX_SPARE_NODES: usize = 4096;

impl Drop for Tape {
    fn drop(&mut self) {
        let mut nodes = std::mem::take(&mut self.nodes);
        if nodes.capacity() == 0 || nodes.capacity() > MAX_SPARE_NODES {
            return;
        }
        nodes.clear();
        // During the thread's own teardown there is no spare to keep: the vector is freed.
        let _ = SPARE_NODES.try_with(|spare| {
            let kept = spare.take();
            spare.set(if kept.capacity() >= nodes.capacity() {
                kept
            } else {
                nodes
            });
        });
    }
}

impl Tape {
    /// The node at `index`; a null past the end (indices come from the tape itself, so that
    /// does not happen).
    #[inline]
    pub(crate) fn node(&self, index: usize) -> Node {
        self.nodes.get(index).copied().unwrap_or(Node::NULL)
    }

    /// The first value the decoder could not represent, if any.
    #[inline]
    pub(crate) fn unreadable(&self) -> Option<&Unreadable> {
        self.side.as_ref()?.unreadable.as_ref()
    }

    /// The index just past a value and its descendants.
    #[inline]
    pub(crate) fn next_sibling(&self, index: usize) -> usize {
        let node = self.node(index);
        match node.tag {
            Tag::List | Tag::Dict => node.data as usize,
            _ => index + 1,
        }
    }

    /// The buffer a text or binary node is a range of.
    #[inline]
    fn buffer_of(&self, node: Node) -> &Bytes {
        static NO_SIDE: Bytes = Bytes::new();
        match node.tag {
            Tag::SideText | Tag::SideBinary => self.side.as_ref().map_or(&NO_SIDE, |side| &side.bytes),
            _ => &self.source,
        }
    }

    /// The bytes of a text or binary node.
    #[inline]
    pub(crate) fn bytes_of(&self, node: Node) -> &[u8] {
        let buffer = self.buffer_of(node);
        let start = node.data as usize;
        buffer.get(start..start + node.len as usize).unwrap_or_default()
    }

    /// The text of a text node. The decoder checked it is UTF-8; safe code checks again.
    #[inline]
    pub(crate) fn text_of(&self, node: Node) -> &str {
        std::str::from_utf8(self.bytes_of(node)).unwrap_or_default()
    }

    /// The value of an integer node.
    #[inline]
    pub(crate) fn integer_of(&self, node: Node) -> Option<i128> {
        match node.tag {
            Tag::Unsigned => Some(i128::from(node.data)),
            Tag::Negative => Some(-1 - i128::from(node.data)),
            Tag::Wide => {
                let bytes: [u8; 16] = self
                    .bytes_of(Node {
                        tag: Tag::SideBinary,
                        ..node
                    })
                    .try_into()
                    .ok()?;
                Some(i128::from_le_bytes(bytes))
            }
            _ => None,
        }
    }

    /// The value at `index` as an owned tree.
    pub(crate) fn to_value(&self, index: usize) -> Value {
        let node = self.node(index);
        match node.tag {
            Tag::Null => Value::Null,
            Tag::False => Value::Bool(false),
            Tag::True => Value::Bool(true),
            Tag::Unsigned | Tag::Negative | Tag::Wide => {
                Value::Integer(self.integer_of(node).unwrap_or_default())
            }
            Tag::Float => Value::Float(f64::from_bits(node.data)),
            Tag::Text | Tag::SideText => Value::String(CompactString::new(self.text_of(node))),
            Tag::Binary | Tag::SideBinary => Value::Bytes(self.owned_bytes_of(node)),
            Tag::List => Value::List(self.to_list(index)),
            Tag::Dict => Value::Dict(self.to_dict(index)),
        }
    }

    /// A binary value to keep: a slice of the shared buffer when it is long, else a copy, so
    /// that a small value does not keep a large message alive.
    pub(crate) fn owned_bytes_of(&self, node: Node) -> Bytes {
        let bytes = self.bytes_of(node);
        if bytes.len() >= SHARE_FROM_LEN {
            self.buffer_of(node).slice_ref(bytes)
        } else {
            Bytes::copy_from_slice(bytes)
        }
    }

    /// The elements of the list at `index`, as owned values.
    pub(crate) fn to_list(&self, index: usize) -> List {
        self.children(index)
            .map(|element| self.to_value(element))
            .collect()
    }

    /// The entries of the dict at `index`, as an owned dict.
    pub(crate) fn to_dict(&self, index: usize) -> Dict {
        let count = self.node(index).len as usize;
        // Most messages' details and options are empty.
        if count == 0 {
            return Dict::new();
        }
        let mut entries = Vec::with_capacity(count);
        entries.extend(self.entries(index).map(|(key, value)| {
            let key = CompactString::new(self.text_of(self.node(key)));
            (key, self.to_value(value))
        }));
        Dict::from_entries(entries)
    }

    /// The indices of the values in the container at `index`: a list's elements, or a dict's
    /// keys and values, alternating.
    pub(crate) fn children(&self, index: usize) -> Siblings<'_> {
        let node = self.node(index);
        let left = match node.tag {
            Tag::List => node.len as usize,
            Tag::Dict => node.len as usize * 2,
            _ => 0,
        };
        Siblings {
            tape: self,
            next: index + 1,
            left,
        }
    }

    /// The indices of the keys and values of the entries of the dict at `index`.
    pub(crate) fn entries(&self, index: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut children = self.children(index);
        std::iter::from_fn(move || Some((children.next()?, children.next()?)))
    }
}

/// Binary values at least this long share the message's buffer when they are kept: below it,
/// copying costs less than the reference count, and a small value does not keep a large
/// message alive.
const SHARE_FROM_LEN: usize = 512;

/// The indices of consecutive values on a tape.
#[derive(Debug, Clone)]
pub(crate) struct Siblings<'a> {
    tape: &'a Tape,
    next: usize,
    left: usize,
}

impl Iterator for Siblings<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let index = self.next;
        self.next = self.tape.next_sibling(index);
        Some(index)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Siblings<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[1, {"k": "v", "n": -2}, b"\x00", 1.5]` over the source `"kvn\x00"`.
    fn sample() -> Tape {
        let mut builder = TapeBuilder::new(16);
        let list = builder.open_list();
        builder.unsigned(1);
        let dict = builder.open_dict();
        builder.text(0, 1);
        builder.text(1, 1);
        builder.side_text("n");
        builder.signed(-2);
        builder.close(dict, 2);
        builder.binary(3, 1);
        builder.float(1.5);
        builder.close(list, 4);
        builder.finish(Bytes::from_static(b"kvn\x00"))
    }

    #[test]
    fn a_tape_reads_back_as_the_tree_it_describes() {
        let expected = Value::List(vec![
            Value::Integer(1),
            Value::Dict(Dict::from([
                ("k", Value::String("v".into())),
                ("n", Value::Integer(-2)),
            ])),
            Value::Bytes(Bytes::from_static(b"\x00")),
            Value::Float(1.5),
        ]);
        assert_eq!(sample().to_value(0), expected);
    }

    #[test]
    fn siblings_skip_whole_containers() {
        let tape = sample();
        let elements: Vec<usize> = tape.children(0).collect();
        assert_eq!(elements, [1, 2, 7, 8]);
        let entries: Vec<(usize, usize)> = tape.entries(2).collect();
        assert_eq!(entries, [(3, 4), (5, 6)]);
        assert_eq!(tape.children(1).len(), 0);
    }

    #[test]
    fn an_unreadable_value_is_a_null_and_the_first_is_kept() {
        let mut builder = TapeBuilder::new(4);
        let list = builder.open_list();
        builder.unsigned(1);
        builder.unreadable(3, "first");
        builder.unreadable(5, "second");
        builder.close(list, 3);
        let tape = builder.finish(Bytes::new());
        let nulls = Value::List(vec![Value::Integer(1), Value::Null, Value::Null]);
        assert_eq!(tape.to_value(0), nulls);
        let expected = Unreadable {
            node: 2,
            offset: 3,
            message: "first".to_owned(),
        };
        assert_eq!(tape.unreadable(), Some(&expected));
        assert_eq!(sample().unreadable(), None);
    }

    #[test]
    fn integers_keep_their_full_range() {
        for value in [
            0,
            -1,
            i128::from(u64::MAX),
            -1 - i128::from(u64::MAX),
            i128::MIN,
            i128::MAX,
        ] {
            let mut builder = TapeBuilder::new(1);
            builder.integer(value);
            assert_eq!(builder.finish(Bytes::new()).to_value(0), Value::Integer(value));
        }
    }
}
