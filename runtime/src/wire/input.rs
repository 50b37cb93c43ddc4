//! What the binary decoders share: a bounds-checked cursor over untrusted input and the stack
//! of the containers being read.

use bytes::Bytes;

use crate::data::tape::{Open, Tag, Tape, TapeBuilder};
use crate::wire::{DecodeError, DecodeLimits};

/// The bytes being decoded and the read position.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor<'a> {
    source: &'a Bytes,
    /// The bytes not read yet, the end of `source`: reading moves its start, and each check is
    /// one comparison with its length.
    rest: &'a [u8],
    /// The length of `source`, which the read position is counted from.
    end: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(source: &'a Bytes) -> Cursor<'a> {
        Cursor {
            source,
            rest: source,
            end: source.len(),
        }
    }

    #[inline]
    pub(super) fn position(&self) -> usize {
        self.end - self.rest.len()
    }

    #[inline]
    pub(super) fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Moves past the byte [`Cursor::peek`] returned.
    #[inline]
    pub(super) fn skip(&mut self) {
        if let [_, rest @ ..] = self.rest {
            self.rest = rest;
        }
    }

    /// Reads a length of one byte after `marker`, if they come next, with one bounds check;
    /// else leaves the input as it is.
    #[inline(always)]
    pub(super) fn byte_length_after(&mut self, marker: u8) -> Option<usize> {
        match self.rest {
            [first, len, rest @ ..] if *first == marker => {
                self.rest = rest;
                Some(usize::from(*len))
            }
            _ => None,
        }
    }

    #[inline]
    pub(super) fn byte(&mut self, what: &str) -> Result<u8, DecodeError> {
        match self.rest {
            [byte, rest @ ..] => {
                self.rest = rest;
                Ok(*byte)
            }
            [] => Err(ends_inside(self.position(), what)),
        }
    }

    /// Takes `len` bytes, refusing lengths beyond the end before anything is allocated for them.
    #[inline]
    pub(super) fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        match self.rest.split_at_checked(len) {
            Some((taken, rest)) => {
                self.rest = rest;
                Ok(taken)
            }
            None => Err(past_end(self.position(), len, self.rest.len(), what)),
        }
    }

    #[inline(always)]
    pub(super) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DecodeError> {
        match self.rest.split_first_chunk::<N>() {
            Some((array, rest)) => {
                self.rest = rest;
                Ok(*array)
            }
            None => Err(past_end(self.position(), N, self.rest.len(), what)),
        }
    }

    /// Takes a text of `len` bytes and writes it, or an unreadable value in its place if it is
    /// not UTF-8.
    #[inline(always)]
    pub(super) fn text(&mut self, len: usize, builder: &mut TapeBuilder) -> Result<(), DecodeError> {
        let start = self.position();
        let text = self.take(len, "a string")?;
        if !is_ascii(text) && !is_utf8(text) {
            not_utf8(builder, text, start);
            return Ok(());
        }
        builder.text(start, len);
        Ok(())
    }

    /// Checks a container's element count against the bytes left (`min_element_size` each).
    #[inline]
    pub(super) fn check_count(
        &self,
        len: usize,
        min_element_size: usize,
        what: &str,
    ) -> Result<(), DecodeError> {
        let left = self.rest.len();
        if len.saturating_mul(min_element_size) > left {
            return Err(too_many(self.position(), len, left, what));
        }
        Ok(())
    }

    /// Fails unless the whole input was read.
    pub(super) fn finish(&self) -> Result<(), DecodeError> {
        match self.rest.len() {
            0 => Ok(()),
            left => Err(self.error(format!("{left} unexpected bytes after the message"))),
        }
    }

    /// An error at the read position.
    #[inline]
    pub(super) fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(self.position(), message)
    }
}

// The errors of the cursor's checks, built apart: they take no reference to the cursor, which
// the compiler then keeps in registers.

#[cold]
fn ends_inside(position: usize, what: &str) -> DecodeError {
    DecodeError::at(position, format!("the input ends inside {what}"))
}

#[cold]
fn past_end(position: usize, len: usize, left: usize, what: &str) -> DecodeError {
    DecodeError::at(
        position,
        format!("{what} of {len} bytes runs past the end of the input ({left} bytes left)"),
    )
}

#[cold]
fn too_many(position: usize, len: usize, left: usize, what: &str) -> DecodeError {
    DecodeError::at(
        position,
        format!("{what} of {len} elements cannot fit in the {left} bytes left"),
    )
}

/// Whether `bytes` are ASCII, which nearly every text of a WAMP message is and which is checked
/// faster than UTF-8. Texts in messages are short: a few overlapping loads beat the alignment
/// and unrolling of `<[u8]>::is_ascii`, which are for long ones.
#[inline(always)]
fn is_ascii(bytes: &[u8]) -> bool {
    if let Some(last) = bytes.last_chunk::<8>() {
        let (words, _) = bytes.as_chunks::<8>();
        let bits = words.iter().fold(u64::from_ne_bytes(*last), |bits, word| {
            bits | u64::from_ne_bytes(*word)
        });
        return bits & 0x8080_8080_8080_8080 == 0;
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return (u32::from_ne_bytes(*first) | u32::from_ne_bytes(*last)) & 0x8080_8080 == 0;
    }
    // Up to three bytes: the first, the second and the last are all of them.
    let byte = |index: Option<&u8>| index.copied().unwrap_or(0);
    byte(bytes.first()) | byte(bytes.get(1)) | byte(bytes.last()) < 0x80
}

/// Whether a text that holds bytes beyond ASCII is UTF-8: a check apart from the decoders'
/// loops, which write a text on one path only (writing it on this path too measured slower).
#[cold]
fn is_utf8(text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok()
}

/// Writes an unreadable value in place of a text that starts at `start` and is not UTF-8.
#[cold]
fn not_utf8(builder: &mut TapeBuilder, text: &[u8], start: usize) {
    let valid = std::str::from_utf8(text)
        .err()
        .map_or(0, |error| error.valid_up_to());
    builder.unreadable(start + valid, NOT_UTF8);
}

/// What a string that is not UTF-8 is, in every decoder.
pub(super) const NOT_UTF8: &str = "a string is not valid UTF-8";

/// Whether a container is a list or a dict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    List,
    Dict,
}

/// What a decoder did on opening a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Wrote an empty container, a complete value.
    Written,
    /// Opened a container, whose elements come next.
    Opened,
}

/// What a decoder read of a value: the value, written, or the header of a container, which
/// the decoder's loop opens (one place to open them, so that the compiler keeps the innermost
/// container in registers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item<H> {
    Written,
    Container(H),
}

/// The target of a container without a count, which no count reaches: every element takes at
/// least a byte of the input.
const UNTIL_END: usize = usize::MAX;

/// The innermost container being read: how many elements it has so far and will have, and
/// what `K` the format needs to know to read the next one.
#[derive(Debug, Clone, Copy)]
pub(super) struct OpenContainer<K> {
    count: usize,
    target: usize,
    pub(super) kind: K,
}

impl<K> OpenContainer<K> {
    /// Whether the container ends at an end marker rather than at a count.
    #[inline]
    pub(super) fn until_end(&self) -> bool {
        self.target == UNTIL_END
    }
}

/// An open container: its node, and the frame of the one around it, field by field (copied
/// whole, a frame's kind and padding would be moved in overlapping pieces that the processor
/// cannot forward from the stores that wrote them).
#[derive(Debug)]
struct Opened<K> {
    open: Open,
    outer_count: usize,
    outer_target: usize,
    outer_kind: K,
}

/// How many open containers a [`Stack`] keeps in place: nearly every message nests less deep,
/// so that reading one allocates nothing for them.
const IN_PLACE: usize = 8;

/// A stack whose first [`IN_PLACE`] elements are kept in place, the rest on the heap.
#[derive(Debug)]
struct Stack<T> {
    len: usize,
    in_place: [Option<T>; IN_PLACE],
    beyond: Vec<T>,
}

impl<T> Default for Stack<T> {
    fn default() -> Stack<T> {
        Stack {
            len: 0,
            in_place: std::array::from_fn(|_| None),
            beyond: Vec::new(),
        }
    }
}

impl<T> Stack<T> {
    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn push(&mut self, item: T) {
        match self.in_place.get_mut(self.len) {
            Some(slot) => *slot = Some(item),
            None => self.beyond.push(item),
        }
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.len = self.len.checked_sub(1)?;
        match self.in_place.get_mut(self.len) {
            Some(slot) => slot.take(),
            None => self.beyond.pop(),
        }
    }
}

/// How deeply a value is nested: inside `depth` containers, which may nest `max_depth` deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Nesting {
    pub(super) depth: usize,
    pub(super) max_depth: usize,
}

/// The containers being read. Outside them all is the value being read, as the one element of
/// a frame of its own.
#[derive(Debug)]
pub(super) struct Containers<K> {
    /// Apart from the stack, so that counting a value stays in registers.
    innermost: OpenContainer<K>,
    /// Outermost first.
    opened: Stack<Opened<K>>,
    /// Where the value being read is.
    outside: Nesting,
}

impl<K: Copy> Containers<K> {
    /// The containers of a value yet to be read, nested as `outside` says; `kind` is what its
    /// reader needs to know.
    pub(super) fn new(outside: Nesting, kind: K) -> Containers<K> {
        Containers {
            innermost: OpenContainer {
                count: 0,
                target: 1,
                kind,
            },
            opened: Stack::default(),
            outside,
        }
    }

    /// The frame of the innermost container, whose next element is to be read.
    #[inline]
    pub(super) fn innermost(&self) -> OpenContainer<K> {
        self.innermost
    }

    /// Whether no container is open: the value itself is to be read.
    #[inline]
    pub(super) fn is_outermost(&self) -> bool {
        self.opened.is_empty()
    }

    /// How deeply the next element is nested.
    #[inline]
    pub(super) fn nesting(&self) -> Nesting {
        Nesting {
            depth: self.outside.depth + self.opened.len(),
            ..self.outside
        }
    }

    /// Fails, at `position`, if one more container would nest beyond the limit.
    #[inline]
    pub(super) fn check_depth(&self, position: usize) -> Result<(), DecodeError> {
        let Nesting { depth, max_depth } = self.nesting();
        if depth >= max_depth {
            return Err(too_deep(position, max_depth));
        }
        Ok(())
    }

    /// Enters a container of `count` elements (entries, for a dict), which the decoder checked
    /// fit in the input; an empty one is closed at once.
    #[inline]
    pub(super) fn open(&mut self, builder: &mut TapeBuilder, open: Open, count: usize, kind: K) -> Step {
        if count == 0 {
            builder.close(open, 0);
            return Step::Written;
        }
        self.enter(open, count, kind)
    }

    /// Enters a container that ends at an end marker.
    #[inline]
    pub(super) fn open_until_end(&mut self, open: Open, kind: K) -> Step {
        self.enter(open, UNTIL_END, kind)
    }

    #[inline(always)]
    fn enter(&mut self, open: Open, target: usize, kind: K) -> Step {
        self.opened.push(Opened {
            open,
            outer_count: self.innermost.count,
            outer_target: self.innermost.target,
            outer_kind: self.innermost.kind,
        });
        self.innermost = OpenContainer {
            count: 0,
            target,
            kind,
        };
        Step::Opened
    }

    /// Counts a value just written, closing the containers it completes; true once the value
    /// being read is complete.
    #[inline]
    pub(super) fn written(&mut self, builder: &mut TapeBuilder) -> bool {
        loop {
            self.innermost.count += 1;
            if self.innermost.count != self.innermost.target {
                return false;
            }
            if !self.close(builder) {
                return true;
            }
        }
    }

    /// Closes the innermost container at its end marker, which completes a value of the one
    /// around it; true once the value being read is complete.
    #[inline]
    pub(super) fn end(&mut self, builder: &mut TapeBuilder) -> bool {
        self.close(builder);
        self.written(builder)
    }

    /// Closes the innermost container; false if there is none, only the value being read.
    #[inline]
    fn close(&mut self, builder: &mut TapeBuilder) -> bool {
        match self.opened.pop() {
            Some(opened) => {
                builder.close(opened.open, self.innermost.count);
                self.innermost.count = opened.outer_count;
                self.innermost.target = opened.outer_target;
                self.innermost.kind = opened.outer_kind;
                true
            }
            None => false,
        }
    }
}

#[cold]
fn too_deep(position: usize, max_depth: usize) -> DecodeError {
    beyond_limit(position, "lists and dicts", max_depth)
}

fn beyond_limit(position: usize, what_nests: &str, max_depth: usize) -> DecodeError {
    DecodeError::at(
        position,
        format!("{what_nests} nest deeper than the limit of {max_depth}"),
    )
}

impl Nesting {
    /// The nesting of the item inside a CBOR tag at `position` that is read apart (a bignum's
    /// magnitude, the item of an unsupported tag). Each such tag counts as a level: reading
    /// apart recurses, so a chain of tags that did not count would exhaust the stack.
    pub(super) fn inside_tag(self, position: usize) -> Result<Nesting, DecodeError> {
        if self.depth >= self.max_depth {
            return Err(beyond_limit(position, "tags, lists and dicts", self.max_depth));
        }
        Ok(Nesting {
            depth: self.depth + 1,
            ..self
        })
    }
}

/// Reads the value at the cursor, nested as [`Nesting`] says, onto a tape; returns the cursor
/// past it. The cursor is passed by value, which keeps it in registers.
pub(super) type ReadValue =
    for<'a> fn(Cursor<'a>, &mut TapeBuilder, Nesting) -> Result<Cursor<'a>, DecodeError>;

/// Decodes one value that must span all of `source` into a tape.
#[inline]
pub(super) fn decode_whole(
    source: Bytes,
    limits: &DecodeLimits,
    read_value: ReadValue,
) -> Result<Tape, DecodeError> {
    let mut builder = TapeBuilder::new(source.len());
    let outermost = Nesting {
        depth: 0,
        max_depth: limits.max_depth,
    };
    read_value(Cursor::new(&source), &mut builder, outermost)?.finish()?;
    Ok(builder.finish(source))
}

/// Reads the value at the cursor onto a tape of its own: the values a decoder must look at
/// whole before it knows what to write (dict keys that are not plain texts, CBOR bignums).
#[cold]
pub(super) fn decode_apart<'a>(
    input: Cursor<'a>,
    nesting: Nesting,
    read_value: ReadValue,
) -> Result<(Tape, Cursor<'a>), DecodeError> {
    let mut builder = TapeBuilder::new(0);
    let input = read_value(input, &mut builder, nesting)?;
    Ok((builder.finish(input.source.clone()), input))
}

/// Reads a dict key that is not a plain text: read apart as any value, so that an error inside
/// it is reported as it would be elsewhere, then unreadable unless it turns out to be a text (a
/// CBOR text in chunks or behind a tag). Returns the cursor past the key.
#[cold]
pub(super) fn read_key_apart<'a>(
    input: Cursor<'a>,
    builder: &mut TapeBuilder,
    nesting: Nesting,
    read_value: ReadValue,
) -> Result<Cursor<'a>, DecodeError> {
    let start = input.position();
    let (tape, input) = decode_apart(input, nesting, read_value)?;
    let key = tape.node(0);
    match (key.tag, tape.unreadable()) {
        (Tag::Text | Tag::SideText, _) => builder.side_text(tape.text_of(key)),
        (_, Some(inside)) => builder.unreadable(inside.offset, inside.message.as_str()),
        (_, None) => builder.unreadable(
            start,
            format!("dict keys must be strings, got {}", key.kind_name()),
        ),
    }
    Ok(input)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::data::tape::Node;
    use crate::data::value::{Dict, List, Value};

    /// Bytes from hex, spaces ignored.
    pub(in crate::wire) fn unhex(hex: &str) -> Bytes {
        let digits: Vec<u8> = hex.bytes().filter(|digit| *digit != b' ').collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("?"), 16).expect("test hex"))
            .collect::<Vec<u8>>()
            .into()
    }

    /// Decodes `hex` with `decode` and nesting up to `max_depth`: the value, or the error's text
    /// (an unreadable value's as a decoding error's).
    pub(in crate::wire) fn decode_hex(
        decode: fn(Bytes, &DecodeLimits) -> Result<Tape, DecodeError>,
        hex: &str,
        max_depth: usize,
    ) -> Result<Value, String> {
        let tape = decode(unhex(hex), &DecodeLimits::new(max_depth)).map_err(|error| error.to_string())?;
        match tape.unreadable() {
            Some(unreadable) => Err(format!("at byte {}: {}", unreadable.offset, unreadable.message)),
            None => Ok(tape.to_value(0)),
        }
    }

    /// The first node of the tape `decode` makes of `hex`.
    pub(in crate::wire) fn root_node(
        decode: fn(Bytes, &DecodeLimits) -> Result<Tape, DecodeError>,
        hex: &str,
    ) -> Node {
        decode(unhex(hex), &DecodeLimits::default())
            .expect("the sample decodes")
            .node(0)
    }

    #[test]
    fn ascii_is_told_from_utf8_at_every_length_and_position() {
        for len in 0..40 {
            let mut text = vec![b'a'; len];
            assert!(is_ascii(&text), "{len} ASCII bytes");
            for position in 0..len {
                text[position] = 0xc3;
                assert!(!is_ascii(&text), "{len} bytes, 0xc3 at {position}");
                text[position] = b'a';
            }
        }
    }

    #[test]
    fn invalid_utf8_is_unreadable_where_it_starts() {
        let source = Bytes::from_static(b"xabcdefghij\xffk");
        let mut builder = TapeBuilder::new(2);
        let mut input = Cursor::new(&source);
        input.skip();
        assert_eq!(input.text(10, &mut builder), Ok(()));
        assert_eq!(input.position(), 11);
        let mut input = Cursor::new(&source);
        input.skip();
        assert_eq!(input.text(12, &mut builder), Ok(()));
        assert_eq!(input.position(), 13);
        let tape = builder.finish(source);
        assert_eq!(tape.to_value(0), Value::String("abcdefghij".into()));
        assert_eq!(tape.to_value(1), Value::Null);
        let unreadable = tape
            .unreadable()
            .map(|unreadable| (unreadable.node, unreadable.offset));
        assert_eq!(unreadable, Some((1, 11)));
    }

    #[test]
    fn containers_close_when_their_count_is_reached() {
        let mut builder = TapeBuilder::new(8);
        let outermost = Nesting {
            depth: 0,
            max_depth: 2,
        };
        let mut containers = Containers::new(outermost, Kind::List);
        let outer = builder.open_list();
        assert_eq!(containers.open(&mut builder, outer, 2, Kind::List), Step::Opened);
        assert_eq!(containers.check_depth(1), Ok(()));
        let inner = builder.open_dict();
        assert_eq!(containers.open(&mut builder, inner, 1, Kind::Dict), Step::Opened);
        assert_eq!(
            containers.check_depth(2).map_err(|error| error.to_string()),
            Err("at byte 2: lists and dicts nest deeper than the limit of 2".to_string())
        );
        assert_eq!(containers.innermost().kind, Kind::Dict);
        builder.text(0, 1);
        builder.null();
        assert!(
            !containers.written(&mut builder),
            "the dict is complete, not the list"
        );
        assert_eq!(containers.innermost().kind, Kind::List);
        let empty = builder.open_list();
        assert_eq!(containers.open(&mut builder, empty, 0, Kind::List), Step::Written);
        assert!(containers.written(&mut builder), "the list is complete");
        let tape = builder.finish(Bytes::from_static(b"k"));
        let expected = Value::List(vec![
            Value::Dict(Dict::from([("k", Value::Null)])),
            Value::List(List::new()),
        ]);
        assert_eq!(tape.to_value(0), expected);
    }
}
