//! What the decoders share: a bounds-checked cursor over untrusted input for the binary ones,
//! and the scratch stacks that containers of unknown length are collected on.

use std::cell::Cell;

use bytes::Bytes;
use compact_str::CompactString;

use crate::value::{Dict, List, Value};
use crate::wire::message::MAX_ELEMENTS;
use crate::wire::{DecodeError, DecodeLimits, Message, Source};

/// Binary values at least this long share a [`Source::Shared`] buffer instead of being copied:
/// below it, copying costs less than the reference count, and a small value does not keep a
/// large message alive.
const SHARE_FROM_LEN: usize = 512;

/// The bytes being decoded, the read position, and the nesting budget left.
pub(super) struct Input<'a> {
    bytes: &'a [u8],
    /// The buffer `bytes` is, when binary values may share it.
    shared: Option<&'a Bytes>,
    position: usize,
    depth_left: usize,
    max_depth: usize,
    /// Where containers without a count collect their elements.
    pub(super) scratch: Scratch,
}

impl<'a> Input<'a> {
    pub(super) fn new(source: Source<'a>, limits: &DecodeLimits) -> Input<'a> {
        let (bytes, shared) = match source {
            Source::Borrowed(bytes) => (bytes, None),
            Source::Shared(buffer) => (buffer.as_ref(), Some(buffer)),
        };
        Input {
            bytes,
            shared,
            position: 0,
            depth_left: limits.max_depth,
            max_depth: limits.max_depth,
            scratch: Scratch::reuse(),
        }
    }

    #[inline]
    pub(super) fn position(&self) -> usize {
        self.position
    }

    #[inline]
    pub(super) fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    #[inline]
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    #[cold]
    pub(super) fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(self.position, message)
    }

    #[inline]
    pub(super) fn byte(&mut self, what: &str) -> Result<u8, DecodeError> {
        let byte = self
            .peek()
            .ok_or_else(|| self.error(format!("the input ends inside {what}")))?;
        self.position += 1;
        Ok(byte)
    }

    /// Takes `len` bytes, refusing lengths beyond the end before anything is allocated for them.
    #[inline]
    pub(super) fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() {
            return Err(self.error(format!(
                "{what} of {len} bytes runs past the end of the input ({} bytes left)",
                self.remaining()
            )));
        }
        let start = self.position;
        self.position += len;
        Ok(&self.bytes[start..self.position])
    }

    #[inline]
    pub(super) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DecodeError> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N, what)?);
        Ok(array)
    }

    #[inline(always)]
    pub(super) fn string(&mut self, len: usize) -> Result<CompactString, DecodeError> {
        let start = self.position;
        let bytes = self.take(len, "a string")?;
        utf8(bytes, start)
    }

    /// A binary value: a slice of the shared input when it is long, else a copy.
    #[inline]
    pub(super) fn bytes(&mut self, len: usize) -> Result<Bytes, DecodeError> {
        let start = self.position;
        let bytes = self.take(len, "a byte string")?;
        Ok(match self.shared {
            Some(buffer) if len >= SHARE_FROM_LEN => buffer.slice(start..self.position),
            _ => Bytes::copy_from_slice(bytes),
        })
    }

    /// A list of `len` elements, each at least `min_element_size` bytes long: capacity is bounded
    /// by what the input can hold, whatever a length prefix claims.
    pub(super) fn list_with_capacity(
        &self,
        len: usize,
        min_element_size: usize,
    ) -> Result<List, DecodeError> {
        self.check_count(len, min_element_size, "a list")?;
        Ok(List::with_capacity(len))
    }

    /// Checks a container's element count against the bytes left (`min_element_size` each).
    pub(super) fn check_count(
        &self,
        len: usize,
        min_element_size: usize,
        what: &str,
    ) -> Result<(), DecodeError> {
        if len.saturating_mul(min_element_size) > self.remaining() {
            return Err(self.error(format!(
                "{what} of {len} elements cannot fit in the {} bytes left",
                self.remaining()
            )));
        }
        Ok(())
    }

    /// Enters a list or dict, failing beyond the nesting limit.
    #[inline]
    pub(super) fn enter(&mut self) -> Result<(), DecodeError> {
        if self.depth_left == 0 {
            return Err(self.error(format!(
                "lists and dicts nest deeper than the limit of {}",
                self.max_depth
            )));
        }
        self.depth_left -= 1;
        Ok(())
    }

    #[inline]
    pub(super) fn leave(&mut self) {
        self.depth_left += 1;
    }

    /// Fails unless the whole input was read.
    pub(super) fn finish(&self) -> Result<(), DecodeError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(self.error(format!("{} unexpected bytes after the message", self.remaining())))
        }
    }
}

/// Decodes one value with `read_value`, which must span all of the input.
#[inline]
pub(super) fn decode_whole(
    source: Source<'_>,
    limits: &DecodeLimits,
    read_value: impl FnOnce(&mut Input<'_>) -> Result<Value, DecodeError>,
) -> Result<Value, DecodeError> {
    let mut input = Input::new(source, limits);
    let value = read_value(&mut input);
    std::mem::take(&mut input.scratch).recycle();
    let value = value?;
    input.finish()?;
    Ok(value)
}

/// Decodes one value, read in place by `read_value`, that must span all of the input: the
/// formats whose values are read into the slot they are to live in (MessagePack, CBOR).
#[inline]
pub(super) fn decode_in_place(
    source: Source<'_>,
    limits: &DecodeLimits,
    read_value: impl FnOnce(&mut Input<'_>, &mut Value) -> Result<(), DecodeError>,
) -> Result<Value, DecodeError> {
    decode_whole(source, limits, |input| {
        let mut value = Value::Null;
        read_value(input, &mut value)?;
        Ok(value)
    })
}

/// Decodes a message the fast way if its list header is one byte in `headers` whose bits
/// `count_bits` hold the element count (a MessagePack fixarray, a short CBOR array), each
/// element read in place by `read_value`; `None` for the general way.
#[inline]
pub(super) fn decode_short_message(
    source: Source<'_>,
    limits: &DecodeLimits,
    headers: std::ops::RangeInclusive<u8>,
    count_bits: u8,
    read_value: impl Fn(&mut Input<'_>, &mut Value) -> Result<(), DecodeError>,
) -> Option<Result<Message, DecodeError>> {
    let mut input = Input::new(source, limits);
    let header = input.peek().filter(|header| headers.contains(header))?;
    let mut left = usize::from(header & count_bits);
    input.byte("a message").ok()?;
    decode_message_list(input, Some(left), |input, slot| {
        if left == 0 {
            return Ok(false);
        }
        left -= 1;
        read_value(input, slot)?;
        Ok(true)
    })
}

/// Reads one dict entry in place, for the formats that read values in place: its key, straight
/// from the input when its header is one of `short_keys` (a short text string, whose bits
/// `length_bits` are its length, as nearly every key is), else as any value that must be a
/// string; then its value.
#[inline]
pub(super) fn read_dict_entry(
    input: &mut Input<'_>,
    entries: &mut Vec<(CompactString, Value)>,
    short_keys: std::ops::RangeInclusive<u8>,
    length_bits: u8,
    read_value: impl Fn(&mut Input<'_>, &mut Value) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let key = match input.peek() {
        Some(header) if short_keys.contains(&header) => {
            input.byte("a dict key")?;
            input.string(usize::from(header & length_bits))?
        }
        _ => {
            let key_position = input.position();
            let mut key = Value::Null;
            read_value(input, &mut key)?;
            dict_key(key, key_position)?
        }
    };
    entries.push((key, Value::Null));
    match entries.last_mut() {
        Some((_, slot)) => read_value(input, slot),
        None => Ok(()),
    }
}

/// Decodes a message list whose header `input` has just read, straight into a [`Message`]:
/// no list is allocated for its elements, which `read_element` reads into the slot it is given,
/// until it returns `false` for the end of the list. `count` is the element count of the
/// header, if it has one.
///
/// Returns `None`, for the caller to decode the list as any other, if it has more elements
/// than any WAMP message, which only the general path reports well.
pub(super) fn decode_message_list(
    mut input: Input<'_>,
    count: Option<usize>,
    read_element: impl FnMut(&mut Input<'_>, &mut Value) -> Result<bool, DecodeError>,
) -> Option<Result<Message, DecodeError>> {
    let mut elements: [Value; MAX_ELEMENTS] = Default::default();
    let read = read_message_elements(&mut input, count, &mut elements, read_element);
    std::mem::take(&mut input.scratch).recycle();
    match read {
        Ok(Some(len)) => Some(Message::from_elements(elements.into_iter().take(len))),
        Ok(None) => None,
        Err(error) => Some(Err(error)),
    }
}

/// Reads the elements of a message list into `elements`; their number, or `None` if there are
/// too many.
fn read_message_elements(
    input: &mut Input<'_>,
    count: Option<usize>,
    elements: &mut [Value; MAX_ELEMENTS],
    mut read_element: impl FnMut(&mut Input<'_>, &mut Value) -> Result<bool, DecodeError>,
) -> Result<Option<usize>, DecodeError> {
    input.enter()?;
    if let Some(count) = count {
        input.check_count(count, 1, "a list")?;
    }
    let mut len = 0;
    for slot in elements.iter_mut() {
        if !read_element(input, slot)? {
            break;
        }
        len += 1;
    }
    if len == MAX_ELEMENTS && read_element(input, &mut Value::Null)? {
        return Ok(None);
    }
    input.leave();
    input.finish()?;
    Ok(Some(len))
}

/// Validates UTF-8 text that starts at `start` in the input.
#[inline(always)]
pub(super) fn utf8(bytes: &[u8], start: usize) -> Result<CompactString, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(CompactString::new(text)),
        Err(error) => Err(DecodeError::at(
            start + error.valid_up_to(),
            "a string is not valid UTF-8",
        )),
    }
}

/// A decoded dict key, which must be a string.
pub(super) fn dict_key(key: Value, key_position: usize) -> Result<CompactString, DecodeError> {
    match key {
        Value::String(key) => Ok(key),
        other => Err(DecodeError::at(
            key_position,
            format!("dict keys must be strings, got {}", other.kind_name()),
        )),
    }
}

/// Stacks shared by the containers of one input whose length is only known at their end:
/// elements are pushed as they are read, then moved into a container of the exact size, so
/// that each container costs one allocation instead of a series of reallocations.
///
/// Nested containers push above the elements of the ones that contain them, and take theirs
/// off before those continue. The stacks are kept for the next decode on the same thread.
#[derive(Default)]
pub(super) struct Scratch {
    values: Vec<Value>,
    entries: Vec<(CompactString, Value)>,
}

thread_local! {
    static SPARE_SCRATCH: Cell<Scratch> = const {
        Cell::new(Scratch {
            values: Vec::new(),
            entries: Vec::new(),
        })
    };
}

impl Scratch {
    /// Elements beyond which a decode's stacks are freed rather than kept for the next one.
    const MAX_KEPT: usize = 1024;

    /// The stacks the last decode on this thread left, or new ones.
    pub(super) fn reuse() -> Scratch {
        SPARE_SCRATCH.with(Cell::take)
    }

    /// Keeps the stacks for the next decode on this thread, unless they grew large.
    pub(super) fn recycle(mut self) {
        if self.values.capacity() <= Scratch::MAX_KEPT && self.entries.capacity() <= Scratch::MAX_KEPT {
            // A failed decode leaves elements behind.
            self.values.clear();
            self.entries.clear();
            SPARE_SCRATCH.with(|spare| spare.set(self));
        }
    }

    /// Where the elements of a container that starts now begin.
    pub(super) fn list_start(&self) -> usize {
        self.values.len()
    }

    pub(super) fn push_value(&mut self, value: Value) {
        self.values.push(value);
    }

    /// The list of the elements pushed since `start`.
    pub(super) fn take_list(&mut self, start: usize) -> List {
        self.values.drain(start..).collect()
    }

    /// Where the entries of a dict that starts now begin.
    pub(super) fn dict_start(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn push_entry(&mut self, key: CompactString, value: Value) {
        self.entries.push((key, value));
    }

    /// The dict of the entries pushed since `start`.
    pub(super) fn take_dict(&mut self, start: usize) -> Dict {
        Dict::from_entries(self.entries.drain(start..).collect())
    }
}
