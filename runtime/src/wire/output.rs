//! The buffer the encoders write to, through room past what they have
//! written: most of what they write is a marker and a few bytes, or a string of a few dozen
//! bytes, for which `Vec::push` (a capacity check per byte) and `Vec::extend_from_slice` (a call
//! to `memcpy`) cost more than the writing itself.
//!
//! The buffer is kept longer than the encoding, the bytes past it being room that a write
//! fills with plain stores. Safe Rust cannot write to a vector's spare capacity, so the room
//! is zero-filled as it grows; long writes that do not fit go to the vector's spare capacity
//! instead, which costs one pass over them rather than two. Dropping the output cuts the
//! buffer back to the encoding, unless its owner keeps the room for the next encoding (a
//! [`Frame`](crate::wire::Frame) does, so that encoding into a reused frame zero-fills nothing).

use crate::data::value::{Dict, List, Value};
use crate::data::write::{EncodedKey, ErasedPayload, Part, ValueWriter};
use crate::wire::EncodeError;
use crate::wire::message::MessageWriter;

/// The least room the buffer grows by: what an empty message needs, so that it grows once.
const MIN_GROWTH: usize = 256;

/// The most room the buffer grows by at once, and the length from which a write that does not
/// fit is appended to the vector instead: the zero-filling that follows it, when the next write
/// grows the room, then costs less than the write itself.
const LONG: usize = 1024;

/// The longest write that [`Output::extend`] makes with fixed-size moves instead of a call
/// to `memcpy`.
pub(super) const SHORT: usize = 32;

/// Appends to a `Vec<u8>` through room past the encoding.
///
/// Writers pass the position to write at from one write to the next, rather than keep it
/// here: a local stays in a register, where a field of the output, stored after every write
/// and loaded before the next, would put the store-to-load latency between any two writes.
pub(super) struct Output<'a> {
    buffer: &'a mut Vec<u8>,
    /// Where this encoding started: the buffer may hold earlier ones.
    start: usize,
    /// The end of what is written for good: dropping the output cuts the buffer back to it.
    len: usize,
    /// Where to leave the end of the encoding instead of cutting the buffer back to it.
    kept_room: Option<&'a mut usize>,
}

impl<'a> Output<'a> {
    /// Appends to `buffer`, which is cut back to the encoding's end when the output is dropped.
    pub(super) fn new(buffer: &'a mut Vec<u8>) -> Output<'a> {
        let len = buffer.len();
        Output {
            buffer,
            start: len,
            len,
            kept_room: None,
        }
    }

    /// Appends at `*end` to `buffer`, whose bytes past it are room; dropping the output sets
    /// `*end` to the encoding's end and leaves the room in the buffer for the next encoding.
    pub(super) fn keeping_room(buffer: &'a mut Vec<u8>, end: &'a mut usize) -> Output<'a> {
        let len = (*end).min(buffer.len());
        Output {
            buffer,
            start: len,
            len,
            kept_room: Some(end),
        }
    }

    /// The end of what is written for good, where writing goes on.
    #[inline]
    pub(super) fn end(&self) -> usize {
        self.len
    }

    /// Keeps what is written up to `end`.
    #[inline]
    pub(super) fn commit(&mut self, end: usize) {
        self.len = end;
    }

    /// `len` bytes of room at `at`, to write to from their start.
    #[inline(always)]
    pub(super) fn room(&mut self, at: usize, len: usize) -> &mut [u8] {
        let end = at + len;
        if end > self.buffer.len() {
            self.grow(end);
        }
        &mut self.buffer[at..end]
    }

    /// Writes a byte at `at`; returns the position after it.
    #[inline(always)]
    pub(super) fn push(&mut self, at: usize, byte: u8) -> usize {
        self.room(at, 1)[0] = byte;
        at + 1
    }

    /// Writes bytes at `at`; returns the position after them.
    ///
    /// Inlined so that the length of a constant folds into the moves of a short copy.
    #[inline(always)]
    pub(super) fn extend(&mut self, at: usize, bytes: &[u8]) -> usize {
        if bytes.len() <= SHORT {
            copy_short(self.room(at, SHORT), bytes, |_| 0);
            at + bytes.len()
        } else {
            self.write_long(
                at,
                bytes.len(),
                |room| room.copy_from_slice(bytes),
                |buffer| buffer.extend_from_slice(bytes),
            )
        }
    }

    /// Writes a head of a few bytes (a marker, a length) and then at most [`SHORT`] bytes at
    /// `at`, with one check for room; returns the position after them.
    #[inline(always)]
    pub(super) fn extend_short<const HEAD: usize>(
        &mut self,
        at: usize,
        head: [u8; HEAD],
        bytes: &[u8],
    ) -> usize {
        let room = self.room(at, HEAD + SHORT);
        room[..HEAD].copy_from_slice(&head);
        copy_short(&mut room[HEAD..], bytes, |_| 0);
        at + HEAD + bytes.len()
    }

    /// Writes `len` bytes at `at`, either with `fill`, given room of exactly that length, or,
    /// if they are long and the room is too short, with `append`, given the buffer cut back to
    /// `at`; returns the position after them.
    pub(super) fn write_long(
        &mut self,
        at: usize,
        len: usize,
        fill: impl FnOnce(&mut [u8]),
        append: impl FnOnce(&mut Vec<u8>),
    ) -> usize {
        if len < LONG || at + len <= self.buffer.len() {
            fill(self.room(at, len));
            at + len
        } else {
            self.buffer.truncate(at);
            append(self.buffer);
            self.buffer.len()
        }
    }

    /// Makes the buffer at least `end` bytes long, and longer by as much as the encoding so far
    /// (earlier encodings in the buffer do not count: appending many messages to one buffer must
    /// not grow it by its whole length each time), within bounds.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, end: usize) {
        let growth = (end - self.start).clamp(MIN_GROWTH, LONG);
        self.buffer.resize(end + growth, 0);
    }
}

/// A binary serializer's writer: it writes at positions of its [`Output`] and returns the
/// position after what it wrote, and writes messages through the [`MessageWriter`] and values
/// through the [`ValueWriter`] below.
pub(super) trait WriteAt<'a>: Sized {
    fn output(&mut self) -> &mut Output<'a>;

    /// Writes a value at `at`; returns the position after it.
    fn value(&mut self, at: usize, value: &Value) -> Result<usize, EncodeError>;

    fn list(&mut self, at: usize, list: &List) -> Result<usize, EncodeError>;

    fn dict(&mut self, at: usize, dict: &Dict) -> Result<usize, EncodeError>;

    fn string(&mut self, at: usize, text: &str) -> Result<usize, EncodeError>;

    fn unsigned(&mut self, at: usize, unsigned: u64) -> usize;

    /// Writes a float, without the [`Value`] that [`WriteAt::value`] would take.
    fn float(&mut self, at: usize, float: f64) -> usize;

    /// Writes a signed integer: one that is not negative as an unsigned one.
    #[inline(always)]
    fn signed(&mut self, at: usize, signed: i64) -> Result<usize, EncodeError> {
        match u64::try_from(signed) {
            Ok(unsigned) => Ok(self.unsigned(at, unsigned)),
            Err(_) => self.value(at, &Value::Integer(i128::from(signed))),
        }
    }

    /// Writes a binary value, copied.
    fn bytes(&mut self, at: usize, bytes: &[u8]) -> Result<usize, EncodeError>;

    /// Opens a list of `len` elements. Writers inline it and [`WriteAt::open_dict`], so that a
    /// generated type's list or dict, whose length is mostly a constant, opens with a store of
    /// a constant head rather than a call.
    fn open_list(&mut self, at: usize, len: usize) -> Result<usize, EncodeError>;

    /// Closes a list: nothing, where the list's head counts its elements.
    fn close_list(&mut self, at: usize) -> usize {
        at
    }

    /// Opens a dict of `len` entries.
    fn open_dict(&mut self, at: usize, len: usize) -> Result<usize, EncodeError>;

    /// Writes a dict key. Inlined, as the writing of a key into the field that has it, so that
    /// the length of a generated type's literal key folds into the moves that copy it.
    #[inline(always)]
    fn key(&mut self, at: usize, key: &str) -> Result<usize, EncodeError> {
        self.string(at, key)
    }

    /// This serializer's encoding of a generated type's key.
    fn key_encoding(key: &EncodedKey) -> &'static [u8];

    /// Closes a dict: nothing, where the dict's head counts its entries.
    fn close_dict(&mut self, at: usize) -> usize {
        at
    }

    /// Writes a part of a typed payload, with this writer's instance of its code.
    fn typed(&mut self, payload: &dyn ErasedPayload, part: Part) -> Result<(), EncodeError>;

    /// Runs `write` at the end of the output, and keeps what it wrote if it succeeds.
    #[inline(always)]
    fn append(
        &mut self,
        write: impl FnOnce(&mut Self, usize) -> Result<usize, EncodeError>,
    ) -> Result<(), EncodeError> {
        let at = self.output().end();
        let end = write(self, at)?;
        self.output().commit(end);
        Ok(())
    }

    /// Appends one value.
    fn write_value(&mut self, value: &Value) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::value(writer, at, value))
    }
}

impl<'a, W: WriteAt<'a>> MessageWriter for W {
    type Error = EncodeError;

    fn begin(&mut self, len: usize) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.open_list(at, len))
    }

    fn id(&mut self, id: u64) -> Result<(), EncodeError> {
        self.append(|writer, at| Ok(writer.unsigned(at, id)))
    }

    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.string(at, text))
    }

    fn dict(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::dict(writer, at, dict))
    }

    fn list(&mut self, list: &List) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::list(writer, at, list))
    }

    fn end(&mut self) -> Result<(), EncodeError> {
        self.append(|writer, at| Ok(writer.close_list(at)))
    }

    fn typed(&mut self, payload: &dyn ErasedPayload, part: Part) -> Result<(), EncodeError> {
        WriteAt::typed(self, payload, part)
    }
}

/// Scalars are written as the values they are: `value` is inlined, and its match folds away.
impl<'a, W: WriteAt<'a>> ValueWriter for W {
    #[inline]
    fn null(&mut self) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::value(writer, at, &Value::Null))
    }

    #[inline]
    fn bool(&mut self, value: bool) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::value(writer, at, &Value::Bool(value)))
    }

    #[inline]
    fn unsigned(&mut self, value: u64) -> Result<(), EncodeError> {
        self.append(|writer, at| Ok(WriteAt::unsigned(writer, at, value)))
    }

    #[inline]
    fn signed(&mut self, value: i64) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::signed(writer, at, value))
    }

    #[inline]
    fn float(&mut self, value: f64) -> Result<(), EncodeError> {
        self.append(|writer, at| Ok(WriteAt::float(writer, at, value)))
    }

    /// Inlined where a typed value writes a string: a short one is a store of its head and a
    /// few moves, fewer instructions than a call.
    #[inline(always)]
    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        // Not through `append`: the compiler keeps a closure that writes a string out of line.
        let at = self.output().end();
        let end = WriteAt::string(self, at, text)?;
        self.output().commit(end);
        Ok(())
    }

    #[inline]
    fn bytes(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::bytes(writer, at, bytes))
    }

    #[inline]
    fn value(&mut self, value: &Value) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::value(writer, at, value))
    }

    #[inline]
    fn begin_list(&mut self, len: usize) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.open_list(at, len))
    }

    #[inline]
    fn end_list(&mut self) -> Result<(), EncodeError> {
        self.append(|writer, at| Ok(writer.close_list(at)))
    }

    #[inline]
    fn begin_dict(&mut self, len: usize) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.open_dict(at, len))
    }

    #[inline(always)]
    fn key(&mut self, key: &str) -> Result<(), EncodeError> {
        self.append(|writer, at| WriteAt::key(writer, at, key))
    }

    #[inline(always)]
    fn encoded_key(&mut self, key: &EncodedKey) -> Result<(), EncodeError> {
        let output = self.output();
        let end = output.extend(output.end(), W::key_encoding(key));
        output.commit(end);
        Ok(())
    }

    #[inline]
    fn end_dict(&mut self) -> Result<(), EncodeError> {
        self.append(|writer, at| Ok(writer.close_dict(at)))
    }
}

impl Drop for Output<'_> {
    fn drop(&mut self) {
        match &mut self.kept_room {
            Some(end) => **end = self.len,
            None => self.buffer.truncate(self.len),
        }
    }
}

/// Copies up to [`SHORT`] bytes to the start of `room` with two fixed-size moves each, which
/// overlap unless the length is a power of two, and returns the bitwise or of what `scan` makes
/// of each eight-byte word moved (read little-endian; for lengths below eight, a word of the
/// bytes moved and repeats of the first), so that a writer can check what it copies in passing.
#[inline(always)]
pub(super) fn copy_short(room: &mut [u8], bytes: &[u8], scan: impl Fn(u64) -> u64) -> u64 {
    /// A function rather than a closure, which the compiler would keep out of line in the
    /// long functions that generated types' writing inlines into.
    #[inline(always)]
    fn move_word(room: &mut [u8], bytes: &[u8], from: usize, scan: &impl Fn(u64) -> u64) -> u64 {
        let word: [u8; 8] = bytes[from..from + 8].try_into().unwrap_or_default();
        room[from..from + 8].copy_from_slice(&word);
        scan(u64::from_le_bytes(word))
    }
    let len = bytes.len();
    if len < 8 {
        if len >= 4 {
            let head: [u8; 4] = bytes[..4].try_into().unwrap_or_default();
            let tail: [u8; 4] = bytes[len - 4..].try_into().unwrap_or_default();
            room[..4].copy_from_slice(&head);
            room[len - 4..len].copy_from_slice(&tail);
            scan(u64::from(u32::from_le_bytes(head)) | (u64::from(u32::from_le_bytes(tail)) << 32))
        } else if len > 0 {
            let (first, middle, last) = (bytes[0], bytes[len / 2], bytes[len - 1]);
            room[0] = first;
            room[len / 2] = middle;
            room[len - 1] = last;
            scan(u64::from_le_bytes([
                first, middle, last, first, first, first, first, first,
            ]))
        } else {
            0
        }
    } else if len < 16 {
        move_word(room, bytes, 0, &scan) | move_word(room, bytes, len - 8, &scan)
    } else {
        move_word(room, bytes, 0, &scan)
            | move_word(room, bytes, 8, &scan)
            | move_word(room, bytes, len - 16, &scan)
            | move_word(room, bytes, len - 8, &scan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(37).wrapping_add(1))
            .collect()
    }

    #[test]
    fn short_copies_of_every_length_write_exactly_the_bytes_and_scan_them_all() {
        for len in 0..=SHORT {
            let bytes = sample(len);
            let mut room = [0xee; SHORT + 1];
            let scanned = copy_short(&mut room, &bytes, |word| {
                // One bit per byte value seen.
                word.to_le_bytes()
                    .iter()
                    .fold(0, |seen, byte| seen | 1 << (byte % 64))
            });
            assert_eq!(&room[..len], bytes, "length {len}");
            assert!(room[len..].iter().all(|byte| *byte == 0xee), "length {len}");
            let expected = bytes.iter().fold(0, |seen, byte| seen | 1 << (byte % 64));
            assert_eq!(scanned, expected, "length {len}");
        }
    }

    #[test]
    fn writes_append_after_earlier_contents_and_drop_cuts_back_to_the_commit() {
        let mut buffer = b"earlier".to_vec();
        let mut expected = buffer.clone();
        {
            let mut output = Output::new(&mut buffer);
            let mut at = output.end();
            for len in (0..=SHORT + 1).chain([100, LONG - 1, LONG, 5000, 100]) {
                let bytes = sample(len);
                at = output.push(at, len as u8);
                at = output.extend(at, &bytes);
                at = output.extend_short(at, [0xff, 0xfe], &bytes[..len.min(SHORT)]);
                expected.push(len as u8);
                expected.extend_from_slice(&bytes);
                expected.extend_from_slice(&[0xff, 0xfe]);
                expected.extend_from_slice(&bytes[..len.min(SHORT)]);
                assert_eq!(at, expected.len());
            }
            output.commit(at);
            output.room(at, 3).copy_from_slice(b"xyz");
        }
        assert_eq!(buffer, expected);
    }

    #[test]
    fn kept_room_is_reused_by_the_next_encoding_and_left_in_the_buffer() {
        let mut buffer = Vec::new();
        let mut end = 0;
        {
            let mut output = Output::keeping_room(&mut buffer, &mut end);
            let at = output.extend(0, b"first");
            output.commit(at);
        }
        assert_eq!(end, 5);
        let room = buffer.len();
        assert!(room > end, "the room is kept");
        {
            let mut output = Output::keeping_room(&mut buffer, &mut end);
            let at = output.extend(5, b"second");
            output.commit(at);
            // Written past the commit, so not kept.
            output.extend(at, b"dropped");
        }
        assert_eq!((end, buffer.len()), (11, room), "no growth for what fits");
        assert_eq!(&buffer[..end], b"firstsecond");
        end = 0;
        {
            let mut output = Output::keeping_room(&mut buffer, &mut end);
            let at = output.extend(0, b"again");
            output.commit(at);
        }
        assert_eq!(&buffer[..end], b"again");
    }

    #[test]
    fn long_writes_beyond_the_room_are_appended() {
        let mut buffer = Vec::new();
        let mut output = Output::new(&mut buffer);
        let at = output.push(0, 1);
        let at = output.write_long(
            at,
            LONG,
            |_| panic!("no room for it"),
            |vec| vec.resize(LONG + 1, 2),
        );
        assert_eq!((at, output.buffer.len()), (LONG + 1, LONG + 1));
        let at = output.write_long(at, LONG - 1, |room| room.fill(3), |_| panic!("short"));
        assert_eq!(at, 2 * LONG);
        output.commit(at);
        drop(output);
        assert_eq!(buffer.len(), 2 * LONG);
        assert_eq!((buffer[0], buffer[LONG], buffer[LONG + 1]), (1, 2, 3));
    }

    #[test]
    fn room_grows_with_the_encoding_not_with_the_buffer() {
        let mut buffer = vec![0; 100_000];
        let mut output = Output::new(&mut buffer);
        let at = output.push(100_000, 1);
        assert_eq!(output.buffer.len(), 100_001 + MIN_GROWTH);
        let at = output.extend(at, &sample(500));
        assert_eq!(output.buffer.len(), 100_501 + 501);
        output.extend(at, &sample(1000));
        assert_eq!(output.buffer.len(), 101_501 + LONG);
    }
}
