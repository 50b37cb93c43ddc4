//! WAMP's "ubjson" serializer, which Crossbar and Autobahn implement with BJData (Binary JData).
//!
//! The encoder writes what Python's `bjdata.dumpb` (0.6.6, default options) writes: little-endian
//! numbers, unsigned markers (`U` `u` `m` `M`) for non-negative integers and signed ones
//! (`i` `I` `l` `L`) for negative, `H` (a decimal string) beyond 64 bits, float64 except zero as
//! float32, one-byte strings as `C`, binary values as the optimized container `[$B#`, and other
//! containers unsized. Subnormal floats, which `bjdata` writes as `H`, are written as float64.
//! The decoder reads sized and typed containers too, except N-dimensional arrays.

use bytes::Bytes;

use crate::data::tape::{Tape, TapeBuilder};
use crate::data::value::{Dict, List, Value};
use crate::data::write::{EncodedKey, ErasedPayload, Part};
use crate::wire::frame::Binaries;
use crate::wire::input::{Containers, Cursor, Item, Kind, Nesting, Step, decode_whole};
use crate::wire::output::{Output, SHORT, WriteAt};
use crate::wire::{DecodeError, DecodeLimits, EncodeError, f16_to_f64};

const NULL: u8 = b'Z';
const NO_OP: u8 = b'N';
const TRUE: u8 = b'T';
const FALSE: u8 = b'F';
const INT8: u8 = b'i';
const UINT8: u8 = b'U';
const INT16: u8 = b'I';
const UINT16: u8 = b'u';
const INT32: u8 = b'l';
const UINT32: u8 = b'm';
const INT64: u8 = b'L';
const UINT64: u8 = b'M';
const FLOAT16: u8 = b'h';
const FLOAT32: u8 = b'd';
const FLOAT64: u8 = b'D';
const HIGH_PRECISION: u8 = b'H';
const CHAR: u8 = b'C';
const STRING: u8 = b'S';
const BYTE: u8 = b'B';
const ARRAY_START: u8 = b'[';
const ARRAY_END: u8 = b']';
const OBJECT_START: u8 = b'{';
const OBJECT_END: u8 = b'}';
const CONTAINER_TYPE: u8 = b'$';
const CONTAINER_COUNT: u8 = b'#';

/// Appends BJData to a buffer, one message or one value; long binary values go where `binaries`
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

    fn integer(&mut self, at: usize, integer: i128) -> usize {
        if let Ok(unsigned) = u64::try_from(integer) {
            return self.unsigned(at, unsigned);
        }
        let room = self.out.room(at, 9);
        let written = if let Ok(small) = i8::try_from(integer) {
            room[..2].copy_from_slice(&[INT8, small as u8]);
            2
        } else if let Ok(small) = i16::try_from(integer) {
            room[0] = INT16;
            room[1..3].copy_from_slice(&small.to_le_bytes());
            3
        } else if let Ok(small) = i32::try_from(integer) {
            room[0] = INT32;
            room[1..5].copy_from_slice(&small.to_le_bytes());
            5
        } else if let Ok(small) = i64::try_from(integer) {
            room[0] = INT64;
            room[1..].copy_from_slice(&small.to_le_bytes());
            9
        } else {
            let digits = integer.to_string();
            let at = self.out.push(at, HIGH_PRECISION);
            let at = self.unsigned(at, digits.len() as u64);
            return self.out.extend(at, digits.as_bytes());
        };
        at + written
    }

    #[inline(always)]
    fn text(&mut self, at: usize, text: &str) -> usize {
        match text.as_bytes() {
            [byte] => self.out.extend_short(at, [CHAR, *byte], &[]),
            bytes => match u8::try_from(bytes.len()) {
                Ok(len) if bytes.len() <= SHORT => self.out.extend_short(at, [STRING, UINT8, len], bytes),
                _ => self.long_text(at, text),
            },
        }
    }

    /// Writes a text longer than [`SHORT`]: out of line, so that the short ones, inlined where
    /// a typed value writes them, stay a few moves.
    #[inline(never)]
    fn long_text(&mut self, at: usize, text: &str) -> usize {
        let at = self.out.push(at, STRING);
        self.key(at, text)
    }

    /// Writes the head of a binary value of `len` bytes, an optimized container of bytes.
    #[inline]
    fn binary_head(&mut self, at: usize, len: usize) -> usize {
        let at = self
            .out
            .extend(at, &[ARRAY_START, CONTAINER_TYPE, BYTE, CONTAINER_COUNT]);
        WriteAt::unsigned(self, at, len as u64)
    }

    /// Writes a text without a marker, as object keys are: its length, then its bytes.
    #[inline(always)]
    fn key(&mut self, at: usize, text: &str) -> usize {
        let bytes = text.as_bytes();
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= SHORT => self.out.extend_short(at, [UINT8, len], bytes),
            _ => {
                let at = self.unsigned(at, bytes.len() as u64);
                self.out.extend(at, bytes)
            }
        }
    }
}

impl<'a> WriteAt<'a> for Writer<'a> {
    fn output(&mut self) -> &mut Output<'a> {
        &mut self.out
    }

    /// Inlined into the loops over array items and object values, so that only containers
    /// cost a call.
    #[inline(always)]
    fn value(&mut self, at: usize, value: &Value) -> Result<usize, EncodeError> {
        Ok(match value {
            Value::Null => self.out.push(at, NULL),
            Value::Bool(false) => self.out.push(at, FALSE),
            Value::Bool(true) => self.out.push(at, TRUE),
            Value::Integer(integer) => self.integer(at, *integer),
            Value::Float(float) => self.float(at, *float),
            Value::String(text) => self.text(at, text),
            Value::Bytes(bytes) => {
                let at = self.binary_head(at, bytes.len());
                self.binaries.write(&mut self.out, at, bytes)
            }
            Value::List(list) => self.list(at, list)?,
            Value::Dict(dict) => self.dict(at, dict)?,
        })
    }

    #[inline]
    fn float(&mut self, at: usize, float: f64) -> usize {
        let room = self.out.room(at, 9);
        if float == 0.0 {
            // bjdata writes (signed) zero as float32; the cast is exact.
            room[0] = FLOAT32;
            room[1..5].copy_from_slice(&(float as f32).to_le_bytes());
            at + 5
        } else {
            room[0] = FLOAT64;
            room[1..].copy_from_slice(&float.to_le_bytes());
            at + 9
        }
    }

    #[inline]
    fn unsigned(&mut self, at: usize, unsigned: u64) -> usize {
        let room = self.out.room(at, 9);
        let written = if let Ok(small) = u8::try_from(unsigned) {
            room[..2].copy_from_slice(&[UINT8, small]);
            2
        } else if let Ok(small) = u16::try_from(unsigned) {
            room[0] = UINT16;
            room[1..3].copy_from_slice(&small.to_le_bytes());
            3
        } else if let Ok(small) = u32::try_from(unsigned) {
            room[0] = UINT32;
            room[1..5].copy_from_slice(&small.to_le_bytes());
            5
        } else {
            room[0] = UINT64;
            room[1..].copy_from_slice(&unsigned.to_le_bytes());
            9
        };
        at + written
    }

    #[inline(never)]
    fn list(&mut self, at: usize, list: &List) -> Result<usize, EncodeError> {
        let mut at = self.out.push(at, ARRAY_START);
        for item in list {
            at = self.value(at, item)?;
        }
        Ok(self.out.push(at, ARRAY_END))
    }

    #[inline(never)]
    fn dict(&mut self, at: usize, dict: &Dict) -> Result<usize, EncodeError> {
        let mut at = self.out.push(at, OBJECT_START);
        for (key, value) in dict {
            at = self.key(at, key);
            at = self.value(at, value)?;
        }
        Ok(self.out.push(at, OBJECT_END))
    }

    #[inline(always)]
    fn string(&mut self, at: usize, text: &str) -> Result<usize, EncodeError> {
        Ok(self.text(at, text))
    }

    fn bytes(&mut self, at: usize, bytes: &[u8]) -> Result<usize, EncodeError> {
        let at = self.binary_head(at, bytes.len());
        Ok(self.out.extend(at, bytes))
    }

    #[inline]
    fn open_list(&mut self, at: usize, _len: usize) -> Result<usize, EncodeError> {
        Ok(self.out.push(at, ARRAY_START))
    }

    #[inline]
    fn close_list(&mut self, at: usize) -> usize {
        self.out.push(at, ARRAY_END)
    }

    #[inline]
    fn open_dict(&mut self, at: usize, _len: usize) -> Result<usize, EncodeError> {
        Ok(self.out.push(at, OBJECT_START))
    }

    #[inline(always)]
    fn key(&mut self, at: usize, key: &str) -> Result<usize, EncodeError> {
        Ok(Writer::key(self, at, key))
    }

    #[inline]
    fn close_dict(&mut self, at: usize) -> usize {
        self.out.push(at, OBJECT_END)
    }

    #[inline(always)]
    fn key_encoding(key: &EncodedKey) -> &'static [u8] {
        key.bjdata
    }

    fn typed(&mut self, payload: &dyn ErasedPayload, part: Part) -> Result<(), EncodeError> {
        payload.write_bjdata(self, part)
    }
}

/// Decodes one value that must span all of `source` into a tape.
pub(super) fn decode_tape(source: Bytes, limits: &DecodeLimits) -> Result<Tape, DecodeError> {
    decode_whole(source, limits, read_value)
}

/// How the elements of a container are written.
#[derive(Debug, Clone, Copy)]
struct Layout {
    kind: Kind,
    /// The marker of every element, for a typed container (`$`), which leaves it out.
    element_type: Option<u8>,
}

/// Reads one value onto the tape, its containers on an explicit stack.
fn read_value<'a>(
    input: Cursor<'a>,
    builder: &mut TapeBuilder,
    nesting: Nesting,
) -> Result<Cursor<'a>, DecodeError> {
    // A copy of its own, which the compiler keeps in registers.
    let mut input = input;
    let outermost = Layout {
        kind: Kind::List,
        element_type: None,
    };
    let mut containers = Containers::new(nesting, outermost);
    loop {
        let Some((start, marker)) = next_element(&mut input, builder, &containers)? else {
            if containers.end(builder) {
                return Ok(input);
            }
            continue;
        };
        if let Item::Container(kind) = read_item(&mut input, builder, marker, start)?
            && open(&mut input, builder, &mut containers, kind)? == Step::Opened
        {
            continue;
        }
        if containers.written(builder) {
            return Ok(input);
        }
    }
}

/// Reads up to the marker of the next element of a container (past its key, in a dict):
/// where it starts and the marker, or `None` at the container's end marker.
#[inline]
fn next_element(
    input: &mut Cursor<'_>,
    builder: &mut TapeBuilder,
    containers: &Containers<Layout>,
) -> Result<Option<(usize, u8)>, DecodeError> {
    let container = containers.innermost();
    let Layout { kind, element_type } = container.kind;
    match (kind, container.until_end()) {
        (Kind::List, true) => loop {
            let start = input.position();
            match input.byte("a list")? {
                ARRAY_END => return Ok(None),
                NO_OP => {}
                marker => return Ok(Some((start, marker))),
            }
        },
        (Kind::Dict, true) => loop {
            // Nearly every key has a `U` length, which is neither an end marker nor a no-op:
            // looked for first, and read to the value's marker in a straight line (a loop
            // shared with the other keys measured 15% slower).
            if let Some(len) = input.byte_length_after(UINT8) {
                input.text(len, builder)?;
                let start = input.position();
                return Ok(Some((start, input.byte("a dict value")?)));
            }
            match input.peek() {
                Some(OBJECT_END) => {
                    input.skip();
                    return Ok(None);
                }
                Some(NO_OP) => input.skip(),
                _ => {
                    read_key(input, builder)?;
                    let start = input.position();
                    return Ok(Some((start, input.byte("a dict value")?)));
                }
            }
        },
        (kind, false) => {
            if kind == Kind::Dict {
                read_key(input, builder)?;
            }
            let start = input.position();
            let marker = match element_type {
                Some(marker) => marker,
                None if containers.is_outermost() => input.byte("a value")?,
                None => input.byte("a container element")?,
            };
            Ok(Some((start, marker)))
        }
    }
}

/// Reads the value that `marker`, read at `start`, opens and writes it, unless it is an array or
/// an object: then its kind.
#[inline(always)]
fn read_item(
    input: &mut Cursor<'_>,
    builder: &mut TapeBuilder,
    marker: u8,
    start: usize,
) -> Result<Item<Kind>, DecodeError> {
    match marker {
        NULL => builder.null(),
        TRUE => builder.bool(true),
        FALSE => builder.bool(false),
        INT8 | UINT8 | INT16 | UINT16 | INT32 | UINT32 | INT64 | UINT64 | BYTE => {
            let integer = read_integer(input, marker, start)?;
            match i64::try_from(integer) {
                Ok(small) => builder.signed(small),
                Err(_) => builder.integer(integer),
            }
        }
        FLOAT16 => builder.float(f16_to_f64(u16::from_le_bytes(input.array("a float16")?))),
        FLOAT32 => builder.float(f64::from(f32::from_le_bytes(input.array("a float32")?))),
        FLOAT64 => builder.float(f64::from_le_bytes(input.array("a float64")?)),
        HIGH_PRECISION => read_high_precision(input, builder)?,
        CHAR => {
            let at = input.position();
            if input.byte("a char")?.is_ascii() {
                builder.text(at, 1);
            } else {
                builder.unreadable(start, "a char must be ASCII");
            }
        }
        STRING => {
            let len = read_length(input)?;
            input.text(len, builder)?;
        }
        ARRAY_START => return Ok(Item::Container(Kind::List)),
        OBJECT_START => return Ok(Item::Container(Kind::Dict)),
        NO_OP => return Err(DecodeError::at(start, "a no-op marker (N) where a value must be")),
        _ => return Err(DecodeError::at(start, unknown_marker(marker))),
    }
    Ok(Item::Written)
}

fn unknown_marker(marker: u8) -> String {
    if marker.is_ascii_graphic() {
        format!("unknown marker '{}'", char::from(marker))
    } else {
        format!("unknown marker 0x{marker:02x}")
    }
}

#[inline(always)]
fn read_integer(input: &mut Cursor<'_>, marker: u8, start: usize) -> Result<i128, DecodeError> {
    Ok(match marker {
        INT8 => i128::from(i8::from_le_bytes(input.array("an int8")?)),
        UINT8 | BYTE => i128::from(input.byte("a uint8")?),
        INT16 => i128::from(i16::from_le_bytes(input.array("an int16")?)),
        UINT16 => i128::from(u16::from_le_bytes(input.array("a uint16")?)),
        INT32 => i128::from(i32::from_le_bytes(input.array("an int32")?)),
        UINT32 => i128::from(u32::from_le_bytes(input.array("a uint32")?)),
        INT64 => i128::from(i64::from_le_bytes(input.array("an int64")?)),
        UINT64 => i128::from(u64::from_le_bytes(input.array("a uint64")?)),
        _ => {
            return Err(DecodeError::at(
                start,
                format!(
                    "expected an integer marker for a length, got {}",
                    unknown_marker(marker)
                ),
            ));
        }
    })
}

/// Reads a length: an integer with its marker, not negative.
#[inline(always)]
fn read_length(input: &mut Cursor<'_>) -> Result<usize, DecodeError> {
    // Nearly every length (of keys and strings above all) is a `U` and its byte: read in one
    // step, past the dispatch on the marker.
    if let Some(len) = input.byte_length_after(UINT8) {
        return Ok(len);
    }
    read_any_length(input)
}

/// Reads a length of any integer marker. A function of its own: written out in
/// [`read_length`], the compiler laid out the loop 10% slower.
#[inline(always)]
fn read_any_length(input: &mut Cursor<'_>) -> Result<usize, DecodeError> {
    let start = input.position();
    let marker = input.byte("a length")?;
    let len = read_integer(input, marker, start)?;
    usize::try_from(len).map_err(|_| DecodeError::at(start, format!("invalid length {len}")))
}

/// Reads a dict key: a length and UTF-8 bytes, without a marker of its own.
#[inline(always)]
fn read_key(input: &mut Cursor<'_>, builder: &mut TapeBuilder) -> Result<(), DecodeError> {
    let len = read_length(input)?;
    input.text(len, builder)
}

/// Reads a high-precision number, a decimal string: an integer when it is one, else a float.
fn read_high_precision(input: &mut Cursor<'_>, builder: &mut TapeBuilder) -> Result<(), DecodeError> {
    let len = read_length(input)?;
    let digits_start = input.position();
    let digits = input.take(len, "a high-precision number")?;
    let Ok(text) = std::str::from_utf8(digits) else {
        builder.unreadable(digits_start, "a high-precision number is not ASCII");
        return Ok(());
    };
    if let Ok(integer) = text.parse::<i128>() {
        builder.integer(integer);
    } else if let Ok(float) = text.parse::<f64>() {
        builder.float(float);
    } else {
        builder.unreadable(digits_start, format!("{text:?} is not a number"));
    }
    Ok(())
}

/// How a container's elements are laid out, from its `$` and `#` headers.
struct ContainerHeader {
    element_type: Option<u8>,
    count: Option<usize>,
}

fn read_container_header(input: &mut Cursor<'_>) -> Result<ContainerHeader, DecodeError> {
    let mut header = ContainerHeader {
        element_type: None,
        count: None,
    };
    if input.peek() == Some(CONTAINER_TYPE) {
        input.skip();
        let type_start = input.position();
        let element_type = input.byte("a container type")?;
        if matches!(element_type, NULL | NO_OP | TRUE | FALSE) {
            // Elements without any bytes would let a count claim unbounded memory.
            return Err(DecodeError::at(
                type_start,
                format!(
                    "containers typed '{}' are not supported",
                    char::from(element_type)
                ),
            ));
        }
        if input.peek() != Some(CONTAINER_COUNT) {
            return Err(input.error("a typed container ($) must have a count (#)"));
        }
        header.element_type = Some(element_type);
    }
    if input.peek() == Some(CONTAINER_COUNT) {
        input.skip();
        if input.peek() == Some(ARRAY_START) {
            return Err(input.error("N-dimensional arrays are not supported"));
        }
        header.count = Some(read_length(input)?);
    }
    Ok(header)
}

/// Opens an array or an object, whose marker was just read; an array of bytes (`[$B#`) is a
/// binary value.
#[inline(always)]
fn open(
    input: &mut Cursor<'_>,
    builder: &mut TapeBuilder,
    containers: &mut Containers<Layout>,
    kind: Kind,
) -> Result<Step, DecodeError> {
    containers.check_depth(input.position())?;
    let ContainerHeader { element_type, count } = read_container_header(input)?;
    let layout = Layout { kind, element_type };
    let Some(count) = count else {
        let open = match kind {
            Kind::List => builder.open_list(),
            Kind::Dict => builder.open_dict(),
        };
        return Ok(containers.open_until_end(open, layout));
    };
    let open = match (kind, element_type) {
        (Kind::List, Some(BYTE)) => {
            let at = input.position();
            input.take(count, "a byte string")?;
            builder.binary(at, count);
            return Ok(Step::Written);
        }
        (Kind::List, _) => {
            input.check_count(count, 1, "a list")?;
            builder.open_list()
        }
        (Kind::Dict, _) => {
            input.check_count(count, 2, "a dict")?;
            builder.open_dict()
        }
    };
    Ok(containers.open(builder, open, count, layout))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tape::Tag;
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
        assert_eq!(decode_hex(decode_tape, "5b 5b 5b 5d 5d 5d", 3), Ok(nested));
        let too_deep = error("at byte 3: lists and dicts nest deeper than the limit of 2");
        assert_eq!(decode_hex(decode_tape, "5b 5b 5b 5d 5d 5d", 2), too_deep);
        // Elements of a container typed '[' are arrays without their marker.
        let arrays = Value::List(vec![Value::List(List::new()), Value::List(List::new())]);
        assert_eq!(decode("5b 24 5b 23 55 02 5d 5d"), Ok(arrays));
        let too_deep = error("at byte 6: lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "5b 24 5b 23 55 02 5d 5d", 1), too_deep);
        // Binary values are optimized containers, which count as nested.
        let too_deep = error("at byte 2: lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "5b 5b 24 42 23 55 00 5d", 1), too_deep);
    }

    #[test]
    fn sized_and_typed_containers_are_read_by_count() {
        let dict = |value| Ok(Value::Dict(Dict::from([("a", Value::Integer(value))])));
        assert_eq!(decode("7b 23 55 01 55 01 61 55 02"), dict(2));
        assert_eq!(decode("7b 24 69 23 55 01 55 01 61 fe"), dict(-2));
        assert_eq!(decode("7b 23 55 00"), Ok(Value::Dict(Dict::new())));
        assert_eq!(
            decode("5b 24 43 23 55 02 61 62"),
            Ok(Value::List(vec![text("a"), text("b")]))
        );
        let binary = root_node(decode_tape, "5b 24 42 23 55 03 010203");
        assert_eq!((binary.tag, binary.data, binary.len), (Tag::Binary, 6, 3));
        assert_eq!(decode("5b 24 42 23 55 00"), Ok(Value::Bytes(Bytes::new())));
        let cases = [
            (
                "5b 24 55 5d",
                "at byte 3: a typed container ($) must have a count (#)",
            ),
            ("5b 24 55 23", "at byte 4: the input ends inside a length"),
            (
                "5b 24 55 23 55 02 01",
                "at byte 6: a list of 2 elements cannot fit in the 1 bytes left",
            ),
            (
                "5b 23 55 01 4e",
                "at byte 4: a no-op marker (N) where a value must be",
            ),
            ("5b 23 55 01 5d", "at byte 4: unknown marker ']'"),
        ];
        for (hex, expected) in cases {
            assert_eq!(decode(hex), error(expected), "{hex}");
        }
    }

    fn text(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn scalars_of_every_marker_decode() {
        assert_eq!(decode("43 61"), Ok(text("a")));
        assert_eq!(root_node(decode_tape, "43 61").tag, Tag::Text);
        assert_eq!(decode("43 ff"), error("at byte 0: a char must be ASCII"));
        assert_eq!(decode("48 55 03 312e35"), Ok(Value::Float(1.5)));
        assert_eq!(decode("48 55 01 78"), error("at byte 3: \"x\" is not a number"));
        assert_eq!(decode("4c ffffffffffffffff"), Ok(Value::Integer(-1)));
        assert_eq!(decode("4d ffffffffffffffff"), Ok(Value::Integer(u64::MAX.into())));
        assert_eq!(decode("42 ff"), Ok(Value::Integer(255)));
        assert_eq!(decode("68 003c"), Ok(Value::Float(1.0)));
        assert_eq!(
            decode("4e"),
            error("at byte 0: a no-op marker (N) where a value must be")
        );
        assert_eq!(decode("7e"), error("at byte 0: unknown marker '~'"));
    }

    #[test]
    fn unsized_containers_skip_no_ops_and_refuse_truncation() {
        let dict = Value::Dict(Dict::from([("a", Value::Integer(1))]));
        assert_eq!(decode("7b 4e 55 01 61 55 01 4e 7d"), Ok(dict));
        let cases = [
            (
                "7b 55 01 61 4e 7d",
                "at byte 4: a no-op marker (N) where a value must be",
            ),
            ("7b 55 01 61", "at byte 4: the input ends inside a dict value"),
            ("7b", "at byte 1: the input ends inside a length"),
            ("7b 55 01 ff 55 01 7d", "at byte 3: a string is not valid UTF-8"),
            (
                "7b 53 55 01 61 55 01 7d",
                "at byte 1: expected an integer marker for a length, got unknown marker 'S'",
            ),
            (
                "53 55 03 61",
                "at byte 3: a string of 3 bytes runs past the end of the input (1 bytes left)",
            ),
            (
                "44 00",
                "at byte 1: a float64 of 8 bytes runs past the end of the input (1 bytes left)",
            ),
            ("", "at byte 0: the input ends inside a value"),
        ];
        for (hex, expected) in cases {
            assert_eq!(decode(hex), error(expected), "{hex}");
        }
    }
}
