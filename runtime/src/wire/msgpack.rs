//! The MessagePack serializer, writing what Python's `msgpack.packb(use_bin_type=True)` writes.
//!
//! Integers take the smallest format (unsigned formats for non-negative values), floats are
//! always float64, binary values are `bin`. The decoder also reads float32, and msgpackr's
//! `undefined` (extension type 0 holding a zero byte) as null; other extension values, which
//! WAMP's values have no room for, are unreadable values (docs/wamp-idl.md, leniency towards
//! foreign peers).

use bytes::Bytes;

use crate::data::tape::{Tape, TapeBuilder};
use crate::data::value::{Dict, List, Value};
use crate::data::write::{EncodedKey, ErasedPayload, Part};
use crate::wire::frame::Binaries;
use crate::wire::input::{Containers, Cursor, Item, Kind, Nesting, Step, decode_whole, read_key_apart};
use crate::wire::output::{Output, WriteAt};
use crate::wire::{DecodeError, DecodeLimits, EncodeError};

/// Appends MessagePack to a buffer, one message or one value; long binary values go where `binaries`
/// says.
///
/// Its methods take the position to write at and return the position after what they wrote
/// (see [`Output`]).
pub(crate) struct Writer<'a> {
    out: Output<'a>,
    binaries: Binaries<'a>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(out: Output<'a>, binaries: Binaries<'a>) -> Writer<'a> {
        Writer { out, binaries }
    }

    /// Writes an integer that no unsigned format holds: one below 0 takes the smallest signed
    /// format, one beyond 64 bits none.
    fn negative(&mut self, at: usize, integer: i128) -> Result<usize, EncodeError> {
        let Ok(signed) = i64::try_from(integer) else {
            return Err(EncodeError::new(format!(
                "MessagePack integers range from -2^63 to 2^64-1, got {integer}"
            )));
        };
        let room = self.out.room(at, 9);
        let written = if signed >= -32 {
            // Negative fixint: the byte is the two's complement value.
            room[0] = signed as u8;
            1
        } else if let Ok(small) = i8::try_from(signed) {
            room[..2].copy_from_slice(&[0xd0, small as u8]);
            2
        } else if let Ok(small) = i16::try_from(signed) {
            room[0] = 0xd1;
            room[1..3].copy_from_slice(&small.to_be_bytes());
            3
        } else if let Ok(small) = i32::try_from(signed) {
            room[0] = 0xd2;
            room[1..5].copy_from_slice(&small.to_be_bytes());
            5
        } else {
            room[0] = 0xd3;
            room[1..].copy_from_slice(&signed.to_be_bytes());
            9
        };
        Ok(at + written)
    }

    /// Writes the length header of the 8-, 16- or 32-bit format (a `0` in `formats` means
    /// there is no 8-bit format), for lengths too long for a fix format.
    fn header(&mut self, at: usize, len: usize, formats: [u8; 3]) -> Result<usize, EncodeError> {
        let room = self.out.room(at, 5);
        let written = if let (Ok(small), true) = (u8::try_from(len), formats[0] != 0) {
            room[..2].copy_from_slice(&[formats[0], small]);
            2
        } else if let Ok(small) = u16::try_from(len) {
            room[0] = formats[1];
            room[1..3].copy_from_slice(&small.to_be_bytes());
            3
        } else if let Ok(large) = u32::try_from(len) {
            room[0] = formats[2];
            room[1..].copy_from_slice(&large.to_be_bytes());
            5
        } else {
            return Err(EncodeError::new(format!(
                "MessagePack lengths stop at 2^32-1, got {len}"
            )));
        };
        Ok(at + written)
    }

    /// Writes a string too long for a fixstr: out of line, so that the short ones, inlined
    /// where a typed value writes them, stay a few moves.
    #[inline(never)]
    fn long_string(&mut self, at: usize, text: &str) -> Result<usize, EncodeError> {
        let at = self.header(at, text.len(), [0xd9, 0xda, 0xdb])?;
        Ok(self.out.extend(at, text.as_bytes()))
    }

    #[inline]
    fn list_header(&mut self, at: usize, len: usize) -> Result<usize, EncodeError> {
        match u8::try_from(len) {
            Ok(len @ 0..16) => Ok(self.out.push(at, 0x90 | len)),
            _ => self.header(at, len, [0, 0xdc, 0xdd]),
        }
    }

    #[inline]
    fn dict_header(&mut self, at: usize, len: usize) -> Result<usize, EncodeError> {
        match u8::try_from(len) {
            Ok(len @ 0..16) => Ok(self.out.push(at, 0x80 | len)),
            _ => self.header(at, len, [0, 0xde, 0xdf]),
        }
    }
}

impl<'a> WriteAt<'a> for Writer<'a> {
    fn output(&mut self) -> &mut Output<'a> {
        &mut self.out
    }

    /// Inlined into the loops over list items and dict values, so that only containers cost
    /// a call.
    #[inline(always)]
    fn value(&mut self, at: usize, value: &Value) -> Result<usize, EncodeError> {
        Ok(match value {
            Value::Null => self.out.push(at, 0xc0),
            Value::Bool(false) => self.out.push(at, 0xc2),
            Value::Bool(true) => self.out.push(at, 0xc3),
            Value::Integer(integer) => match u64::try_from(*integer) {
                Ok(unsigned) => self.unsigned(at, unsigned),
                Err(_) => self.negative(at, *integer)?,
            },
            Value::Float(float) => self.float(at, *float),
            Value::String(text) => self.string(at, text)?,
            Value::Bytes(bytes) => {
                let at = self.header(at, bytes.len(), [0xc4, 0xc5, 0xc6])?;
                self.binaries.write(&mut self.out, at, bytes)
            }
            Value::List(list) => self.list(at, list)?,
            Value::Dict(dict) => self.dict(at, dict)?,
        })
    }

    #[inline]
    fn unsigned(&mut self, at: usize, unsigned: u64) -> usize {
        let room = self.out.room(at, 9);
        let written = if unsigned < 0x80 {
            room[0] = unsigned as u8;
            1
        } else if let Ok(small) = u8::try_from(unsigned) {
            room[..2].copy_from_slice(&[0xcc, small]);
            2
        } else if let Ok(small) = u16::try_from(unsigned) {
            room[0] = 0xcd;
            room[1..3].copy_from_slice(&small.to_be_bytes());
            3
        } else if let Ok(small) = u32::try_from(unsigned) {
            room[0] = 0xce;
            room[1..5].copy_from_slice(&small.to_be_bytes());
            5
        } else {
            room[0] = 0xcf;
            room[1..].copy_from_slice(&unsigned.to_be_bytes());
            9
        };
        at + written
    }

    #[inline]
    fn float(&mut self, at: usize, float: f64) -> usize {
        let room = self.out.room(at, 9);
        room[0] = 0xcb;
        room[1..].copy_from_slice(&float.to_be_bytes());
        at + 9
    }

    #[inline(always)]
    fn string(&mut self, at: usize, text: &str) -> Result<usize, EncodeError> {
        match u8::try_from(text.len()) {
            Ok(len @ 0..32) => Ok(self.out.extend_short(at, [0xa0 | len], text.as_bytes())),
            _ => self.long_string(at, text),
        }
    }

    #[inline(never)]
    fn list(&mut self, at: usize, list: &List) -> Result<usize, EncodeError> {
        let mut at = self.list_header(at, list.len())?;
        for item in list {
            at = self.value(at, item)?;
        }
        Ok(at)
    }

    #[inline(never)]
    fn dict(&mut self, at: usize, dict: &Dict) -> Result<usize, EncodeError> {
        let mut at = self.dict_header(at, dict.len())?;
        for (key, value) in dict {
            at = self.string(at, key)?;
            at = self.value(at, value)?;
        }
        Ok(at)
    }

    fn bytes(&mut self, at: usize, bytes: &[u8]) -> Result<usize, EncodeError> {
        let at = self.header(at, bytes.len(), [0xc4, 0xc5, 0xc6])?;
        Ok(self.out.extend(at, bytes))
    }

    #[inline]
    fn open_list(&mut self, at: usize, len: usize) -> Result<usize, EncodeError> {
        self.list_header(at, len)
    }

    #[inline]
    fn open_dict(&mut self, at: usize, len: usize) -> Result<usize, EncodeError> {
        self.dict_header(at, len)
    }

    #[inline(always)]
    fn key_encoding(key: &EncodedKey) -> &'static [u8] {
        key.msgpack
    }

    fn typed(&mut self, payload: &dyn ErasedPayload, part: Part) -> Result<(), EncodeError> {
        payload.write_msgpack(self, part)
    }
}

/// Decodes one value that must span all of `source` into a tape.
pub(super) fn decode_tape(source: Bytes, limits: &DecodeLimits) -> Result<Tape, DecodeError> {
    decode_whole(source, limits, read_value)
}

/// Reads one value onto the tape, its containers on an explicit stack.
fn read_value<'a>(
    input: Cursor<'a>,
    builder: &mut TapeBuilder,
    nesting: Nesting,
) -> Result<Cursor<'a>, DecodeError> {
    // A copy of its own, which the compiler keeps in registers.
    let mut input = input;
    let mut containers = Containers::new(nesting, Kind::List);
    loop {
        if containers.innermost().kind == Kind::Dict {
            read_key(&mut input, builder, containers.nesting())?;
        }
        if let Item::Container((kind, len)) = read_item(&mut input, builder)? {
            containers.check_depth(input.position())?;
            let open = match kind {
                Kind::List => {
                    input.check_count(len, 1, "a list")?;
                    builder.open_list()
                }
                Kind::Dict => {
                    input.check_count(len, 2, "a dict")?;
                    builder.open_dict()
                }
            };
            if containers.open(builder, open, len, kind) == Step::Opened {
                continue;
            }
        }
        if containers.written(builder) {
            return Ok(input);
        }
    }
}

/// Reads a dict key, which must be a string.
#[inline(always)]
fn read_key(input: &mut Cursor<'_>, builder: &mut TapeBuilder, nesting: Nesting) -> Result<(), DecodeError> {
    let len = match input.peek() {
        Some(marker @ 0xa0..=0xbf) => {
            input.skip();
            usize::from(marker & 0x1f)
        }
        Some(marker @ 0xd9..=0xdb) => {
            input.skip();
            read_len(input, marker)?
        }
        _ => {
            *input = read_key_apart(*input, builder, nesting, read_value)?;
            return Ok(());
        }
    };
    input.text(len, builder)
}

/// Reads a value and writes it, unless it is a container: then its kind and length.
#[inline(always)]
fn read_item(input: &mut Cursor<'_>, builder: &mut TapeBuilder) -> Result<Item<(Kind, usize)>, DecodeError> {
    let start = input.position();
    let marker = input.byte("a value")?;
    match marker {
        0x00..=0x7f => builder.unsigned(u64::from(marker)),
        0x80..=0x8f => return Ok(Item::Container((Kind::Dict, usize::from(marker & 0x0f)))),
        0x90..=0x9f => return Ok(Item::Container((Kind::List, usize::from(marker & 0x0f)))),
        0xa0..=0xbf => input.text(usize::from(marker & 0x1f), builder)?,
        0xc0 => builder.null(),
        0xc2 => builder.bool(false),
        0xc3 => builder.bool(true),
        0xc4..=0xc6 => {
            let len = read_len(input, marker)?;
            let at = input.position();
            input.take(len, "a byte string")?;
            builder.binary(at, len);
        }
        0xca => builder.float(f64::from(f32::from_be_bytes(input.array("a float32")?))),
        0xcb => builder.float(f64::from_be_bytes(input.array("a float64")?)),
        0xcc => builder.unsigned(u64::from(u8::from_be_bytes(input.array("a uint8")?))),
        0xcd => builder.unsigned(u64::from(u16::from_be_bytes(input.array("a uint16")?))),
        0xce => builder.unsigned(u64::from(u32::from_be_bytes(input.array("a uint32")?))),
        0xcf => builder.unsigned(u64::from_be_bytes(input.array("a uint64")?)),
        0xd0 => builder.signed(i64::from(i8::from_be_bytes(input.array("an int8")?))),
        0xd1 => builder.signed(i64::from(i16::from_be_bytes(input.array("an int16")?))),
        0xd2 => builder.signed(i64::from(i32::from_be_bytes(input.array("an int32")?))),
        0xd3 => builder.signed(i64::from_be_bytes(input.array("an int64")?)),
        0xd9..=0xdb => {
            let len = read_len(input, marker)?;
            input.text(len, builder)?;
        }
        0xdc | 0xdd => return Ok(Item::Container((Kind::List, read_len(input, marker)?))),
        0xde | 0xdf => return Ok(Item::Container((Kind::Dict, read_len(input, marker)?))),
        0xe0..=0xff => builder.signed(i64::from(marker as i8)),
        0xc7..=0xc9 | 0xd4..=0xd8 => *input = read_extension(*input, builder, marker, start)?,
        0xc1 => return Err(DecodeError::at(start, "0xc1 is not a MessagePack marker")),
    }
    Ok(Item::Written)
}

/// Reads the big-endian length that follows `marker`: 8, 16 or 32 bits, as the low bits of the
/// marker of each family of formats (bin, ext, str, array, map) say.
#[inline]
fn read_len(input: &mut Cursor<'_>, marker: u8) -> Result<usize, DecodeError> {
    let len = match marker {
        0xc4 | 0xc7 | 0xd9 => u32::from(u8::from_be_bytes(input.array("a length")?)),
        0xc5 | 0xc8 | 0xda | 0xdc | 0xde => u32::from(u16::from_be_bytes(input.array("a length")?)),
        _ => u32::from_be_bytes(input.array("a length")?),
    };
    // A length beyond memory is beyond the input too, and refused as such.
    Ok(usize::try_from(len).unwrap_or(usize::MAX))
}

/// The extension type msgpackr writes JavaScript's `undefined` as, with one zero byte of data.
const UNDEFINED_EXTENSION: i8 = 0;

/// The extension type of MessagePack timestamps.
const TIMESTAMP_EXTENSION: i8 = -1;

/// Reads an extension value, whose `marker` starts at `start`, and returns the cursor past it:
/// JavaScript's `undefined` is an absent value, null; WAMP's values have no room for any other,
/// which is unreadable. The cursor is passed by value, so that the decoder's loop keeps its own
/// in registers.
#[cold]
fn read_extension<'a>(
    input: Cursor<'a>,
    builder: &mut TapeBuilder,
    marker: u8,
    start: usize,
) -> Result<Cursor<'a>, DecodeError> {
    let mut input = input;
    let len = match marker {
        0xd4..=0xd8 => 1 << (marker - 0xd4),
        _ => read_len(&mut input, marker)?,
    };
    let extension_type = i8::from_be_bytes(input.array("an extension type")?);
    let data = input.take(len, "an extension value")?;
    match extension_type {
        UNDEFINED_EXTENSION if data == [0] => builder.null(),
        TIMESTAMP_EXTENSION => builder.unreadable(
            start,
            "MessagePack timestamps are not supported: WAMP values have no time type",
        ),
        _ => builder.unreadable(
            start,
            format!("MessagePack extension type {extension_type} is not supported"),
        ),
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tape::Tag;
    use crate::wire::Serializer;
    use crate::wire::input::tests::{decode_hex, root_node};

    fn decode(hex: &str) -> Result<Value, String> {
        decode_hex(decode_tape, hex, 64)
    }

    fn error(message: &str) -> Result<Value, String> {
        Err(message.to_string())
    }

    #[test]
    fn nesting_is_refused_one_beyond_the_limit() {
        let nested = Value::List(vec![Value::List(vec![Value::List(List::new())])]);
        assert_eq!(decode_hex(decode_tape, "91 91 90", 3), Ok(nested));
        let too_deep = error("at byte 3: lists and dicts nest deeper than the limit of 2");
        assert_eq!(decode_hex(decode_tape, "91 91 90", 2), too_deep);
        // After the length of the too deep container, before its count is checked.
        let too_deep = error("at byte 4: lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "91 dc 0001 01", 1), too_deep);
    }

    #[test]
    fn truncated_values_are_refused_where_they_end() {
        let cases = [
            (
                "a3 61 62",
                "at byte 1: a string of 3 bytes runs past the end of the input (2 bytes left)",
            ),
            (
                "d9",
                "at byte 1: a length of 1 bytes runs past the end of the input (0 bytes left)",
            ),
            (
                "c5 00",
                "at byte 1: a length of 2 bytes runs past the end of the input (1 bytes left)",
            ),
            (
                "c4 02 00",
                "at byte 2: a byte string of 2 bytes runs past the end of the input (1 bytes left)",
            ),
            (
                "cb 00 00",
                "at byte 1: a float64 of 8 bytes runs past the end of the input (2 bytes left)",
            ),
            (
                "82 a1 61 01 a1",
                "at byte 5: a string of 1 bytes runs past the end of the input (0 bytes left)",
            ),
            ("81 a1 61", "at byte 3: the input ends inside a value"),
            ("", "at byte 0: the input ends inside a value"),
        ];
        for (hex, expected) in cases {
            assert_eq!(decode(hex), error(expected), "{hex}");
        }
    }

    #[test]
    fn keys_are_strings_of_any_format_and_checked_like_values() {
        let dict = |key: &str| Ok(Value::Dict(Dict::from([(key, Value::Integer(1))])));
        assert_eq!(decode("81 d9 01 61 01"), dict("a"));
        assert_eq!(decode("81 da 0001 61 01"), dict("a"));
        assert_eq!(decode("81 a2 c3a9 01"), dict("é"));
        assert_eq!(
            decode("81 a1 ff 01"),
            error("at byte 2: a string is not valid UTF-8")
        );
        assert_eq!(
            decode("81 91 01 02"),
            error("at byte 1: dict keys must be strings, got list")
        );
        // A key that is not a string is read whole first: what is wrong inside it comes first.
        let inside = error("at byte 2: a list of 2 elements cannot fit in the 1 bytes left");
        assert_eq!(decode("81 92 01"), inside);
        let too_deep = error("at byte 2: lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "81 91 01 02", 1), too_deep);
    }

    #[test]
    fn texts_and_binary_values_are_ranges_of_the_source() {
        let binary = root_node(decode_tape, "c5 0003 010203");
        assert_eq!((binary.tag, binary.data, binary.len), (Tag::Binary, 3, 3));
        let text = root_node(decode_tape, "d9 02 c3a9");
        assert_eq!((text.tag, text.data, text.len), (Tag::Text, 2, 2));
        let empty = Value::List(vec![
            Value::List(List::new()),
            Value::Dict(Dict::new()),
            Value::Bytes(Bytes::new()),
        ]);
        assert_eq!(decode("93 90 80 c4 00"), Ok(empty));
    }

    fn encoded(value: &Value) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        Serializer::MsgPack.encode_value(value, &mut out)?;
        Ok(out)
    }

    #[test]
    fn integers_take_the_smallest_format_on_either_side_of_every_boundary() {
        let cases: &[(i128, &[u8])] = &[
            (0, &[0x00]),
            (0x7f, &[0x7f]),
            (0x80, &[0xcc, 0x80]),
            (0xff, &[0xcc, 0xff]),
            (0x100, &[0xcd, 0x01, 0x00]),
            (0xffff, &[0xcd, 0xff, 0xff]),
            (0x1_0000, &[0xce, 0x00, 0x01, 0x00, 0x00]),
            (0xffff_ffff, &[0xce, 0xff, 0xff, 0xff, 0xff]),
            (0x1_0000_0000, &[0xcf, 0, 0, 0, 0x01, 0, 0, 0, 0]),
            (
                u64::MAX as i128,
                &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            ),
            (-1, &[0xff]),
            (-32, &[0xe0]),
            (-33, &[0xd0, 0xdf]),
            (-0x80, &[0xd0, 0x80]),
            (-0x81, &[0xd1, 0xff, 0x7f]),
            (-0x8000, &[0xd1, 0x80, 0x00]),
            (-0x8001, &[0xd2, 0xff, 0xff, 0x7f, 0xff]),
            (-0x8000_0000, &[0xd2, 0x80, 0x00, 0x00, 0x00]),
            (
                -0x8000_0001,
                &[0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff],
            ),
            (i64::MIN as i128, &[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        ];
        for (integer, expected) in cases {
            assert_eq!(
                encoded(&Value::Integer(*integer)).as_deref(),
                Ok(*expected),
                "{integer}"
            );
        }
        for beyond in [i128::from(u64::MAX) + 1, i128::from(i64::MIN) - 1] {
            assert!(encoded(&Value::Integer(beyond)).is_err(), "{beyond}");
        }
    }

    #[test]
    fn lengths_take_the_smallest_header_on_either_side_of_every_boundary() {
        let null_list = |len| Value::List(vec![Value::Null; len]);
        let null_dict = |len| Value::Dict((0..len).map(|key| (format!("{key:05}"), Value::Null)).collect());
        let cases: Vec<(Value, Vec<u8>, usize)> = vec![
            (Value::String("".into()), vec![0xa0], 0),
            (Value::String("x".repeat(31).into()), vec![0xbf], 31),
            (Value::String("x".repeat(32).into()), vec![0xd9, 32], 32),
            (Value::String("x".repeat(255).into()), vec![0xd9, 0xff], 255),
            (Value::String("x".repeat(256).into()), vec![0xda, 0x01, 0x00], 256),
            (
                Value::String("x".repeat(0xffff).into()),
                vec![0xda, 0xff, 0xff],
                0xffff,
            ),
            (
                Value::String("x".repeat(0x1_0000).into()),
                vec![0xdb, 0, 0x01, 0, 0],
                0x1_0000,
            ),
            (Value::Bytes(vec![7; 0].into()), vec![0xc4, 0], 0),
            (Value::Bytes(vec![7; 0xff].into()), vec![0xc4, 0xff], 0xff),
            (Value::Bytes(vec![7; 0x100].into()), vec![0xc5, 0x01, 0x00], 0x100),
            (
                Value::Bytes(vec![7; 0xffff].into()),
                vec![0xc5, 0xff, 0xff],
                0xffff,
            ),
            (
                Value::Bytes(vec![7; 0x1_0000].into()),
                vec![0xc6, 0, 0x01, 0, 0],
                0x1_0000,
            ),
            (null_list(15), vec![0x9f], 15),
            (null_list(16), vec![0xdc, 0, 16], 16),
            (null_list(0xffff), vec![0xdc, 0xff, 0xff], 0xffff),
            (null_list(0x1_0000), vec![0xdd, 0, 0x01, 0, 0], 0x1_0000),
            (null_dict(15), vec![0x8f], 15 * 7),
            (null_dict(16), vec![0xde, 0, 16], 16 * 7),
            (null_dict(0x1_0000), vec![0xdf, 0, 0x01, 0, 0], 0x1_0000 * 7),
        ];
        for (value, header, body_len) in cases {
            let encoded = encoded(&value).expect("the value encodes");
            assert_eq!(encoded.get(..header.len()), Some(&header[..]), "{header:02x?}");
            assert_eq!(encoded.len(), header.len() + body_len, "{header:02x?}");
        }
    }
}
