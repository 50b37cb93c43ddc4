//! A cursor over untrusted input for the binary decoders: every read is bounds-checked.

use crate::value::{Dict, List, Value};
use crate::wire::{DecodeError, DecodeLimits};

/// The bytes being decoded, the read position, and the nesting budget left.
pub(super) struct Input<'a> {
    bytes: &'a [u8],
    position: usize,
    depth_left: usize,
    max_depth: usize,
}

impl<'a> Input<'a> {
    pub(super) fn new(bytes: &'a [u8], limits: &DecodeLimits) -> Input<'a> {
        Input {
            bytes,
            position: 0,
            depth_left: limits.max_depth,
            max_depth: limits.max_depth,
        }
    }

    pub(super) fn position(&self) -> usize {
        self.position
    }

    pub(super) fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    pub(super) fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(self.position, message)
    }

    pub(super) fn byte(&mut self, what: &str) -> Result<u8, DecodeError> {
        let byte = self
            .peek()
            .ok_or_else(|| self.error(format!("the input ends inside {what}")))?;
        self.position += 1;
        Ok(byte)
    }

    /// Takes `len` bytes, refusing lengths beyond the end before anything is allocated for them.
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

    pub(super) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], DecodeError> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N, what)?);
        Ok(array)
    }

    pub(super) fn string(&mut self, len: usize) -> Result<String, DecodeError> {
        let start = self.position;
        let bytes = self.take(len, "a string")?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(error) => Err(DecodeError::at(
                start + error.valid_up_to(),
                "a string is not valid UTF-8",
            )),
        }
    }

    pub(super) fn bytes(&mut self, len: usize) -> Result<Vec<u8>, DecodeError> {
        Ok(self.take(len, "a byte string")?.to_vec())
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

/// Decodes one value with `read_value`, which must span all of `bytes`.
#[inline]
pub(super) fn decode_whole(
    bytes: &[u8],
    limits: &DecodeLimits,
    read_value: impl FnOnce(&mut Input<'_>) -> Result<Value, DecodeError>,
) -> Result<Value, DecodeError> {
    let mut input = Input::new(bytes, limits);
    let value = read_value(&mut input)?;
    input.finish()?;
    Ok(value)
}

/// A decoded dict key, which must be a string.
pub(super) fn dict_key(key: Value, key_position: usize) -> Result<String, DecodeError> {
    match key {
        Value::String(key) => Ok(key),
        other => Err(DecodeError::at(
            key_position,
            format!("dict keys must be strings, got {}", other.kind_name()),
        )),
    }
}

/// Builds a dict from its entries in wire order; of repeated keys, the last wins.
///
/// Collecting sorts the entries and builds the tree in one pass, which is much faster than
/// inserting one by one; encoders that sort their keys (as this crate's do) make the sort free.
pub(super) fn dict_from_entries(entries: Vec<(String, Value)>) -> Dict {
    entries.into_iter().collect()
}
