//! The CBOR serializer, writing what Python's `cbor2.dumps` writes, except for floats.
//!
//! Definite lengths, shortest integer heads, floats in the shortest of half, single and double
//! precision that holds them exactly (RFC 8949's preferred serialization; cbor2 writes finite
//! floats as doubles, and reads every width, as every CBOR decoder must), byte strings for
//! binary values, bignum tags beyond the 64-bit range.
//! The decoder also reads indefinite lengths, half and single floats, `undefined` (as null), and
//! the tags that say how a value is encoded rather than what it means, by their tagged value;
//! other tags and simple values, whose meaning would be lost, are unreadable values
//! (docs/wamp-idl.md, leniency towards foreign peers).

use bytes::Bytes;

use crate::data::tape::{Tag, Tape, TapeBuilder};
use crate::data::value::{Dict, List, Value};
use crate::data::write::{EncodedKey, ErasedPayload, Part};
use crate::wire::frame::Binaries;
use crate::wire::input::{
    Containers, Cursor, Item, Kind, Nesting, Step, decode_apart, decode_whole, read_key_apart,
};
use crate::wire::output::{Output, SHORT, WriteAt};
use crate::wire::{DecodeError, DecodeLimits, EncodeError, f16_to_f64};

const UNSIGNED: u8 = 0;
const NEGATIVE: u8 = 1;
const BYTES: u8 = 2;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;

const TAG_DATE_TIME: u64 = 0;
const TAG_EPOCH_TIME: u64 = 1;
const TAG_POSITIVE_BIGNUM: u64 = 2;
const TAG_NEGATIVE_BIGNUM: u64 = 3;
/// Tags 21 to 23 say which text encoding a byte string should take if converted to JSON.
const TAG_EXPECTED_BASE64URL: u64 = 21;
const TAG_EXPECTED_BASE16: u64 = 23;
/// The byte string holds an encoded CBOR item, as a `[ubyte]` field marked `cbor` does.
const TAG_ENCODED_CBOR: u64 = 24;
const TAG_SELF_DESCRIBE: u64 = 55799;
/// RFC 8746's typed array of `uint8`: cbor-x writes a `Uint8Array` it decoded from a byte
/// string this way when it sends it on.
const TAG_UINT8_ARRAY: u64 = 64;

/// The additional-information value that opens an indefinite length item, or closes one.
const INDEFINITE: u8 = 31;
const BREAK: u8 = 0xff;

/// Appends CBOR to a buffer, one message or one value; long binary values go where `binaries`
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

    #[inline]
    fn head(&mut self, at: usize, major: u8, argument: u64) -> usize {
        let major = major << 5;
        let room = self.out.room(at, 9);
        let written = if argument < 24 {
            room[0] = major | argument as u8;
            1
        } else if let Ok(small) = u8::try_from(argument) {
            room[..2].copy_from_slice(&[major | 24, small]);
            2
        } else if let Ok(small) = u16::try_from(argument) {
            room[0] = major | 25;
            room[1..3].copy_from_slice(&small.to_be_bytes());
            3
        } else if let Ok(small) = u32::try_from(argument) {
            room[0] = major | 26;
            room[1..5].copy_from_slice(&small.to_be_bytes());
            5
        } else {
            room[0] = major | 27;
            room[1..].copy_from_slice(&argument.to_be_bytes());
            9
        };
        at + written
    }

    /// Writes the head of a list or dict: inlined where it opens one, so that the one byte of
    /// a constant length below 24 is a constant.
    #[inline(always)]
    fn container_head(&mut self, at: usize, major: u8, len: usize) -> usize {
        match u8::try_from(len) {
            Ok(len @ 0..24) => self.out.push(at, (major << 5) | len),
            _ => self.head(at, major, len as u64),
        }
    }

    fn integer(&mut self, at: usize, integer: i128) -> usize {
        // CBOR stores a negative n as -1 - n, so heads cover -2^64 to 2^64-1.
        let (major, magnitude, bignum_tag) = if integer >= 0 {
            (UNSIGNED, integer.unsigned_abs(), TAG_POSITIVE_BIGNUM)
        } else {
            (NEGATIVE, (-1 - integer).unsigned_abs(), TAG_NEGATIVE_BIGNUM)
        };
        match u64::try_from(magnitude) {
            Ok(argument) => self.head(at, major, argument),
            Err(_) => {
                let bytes = magnitude.to_be_bytes();
                let first = bytes.iter().position(|byte| *byte != 0).unwrap_or(bytes.len());
                let at = self.head(at, TAG, bignum_tag);
                let at = self.head(at, BYTES, (bytes.len() - first) as u64);
                self.out.extend(at, &bytes[first..])
            }
        }
    }

    #[inline(always)]
    fn text(&mut self, at: usize, text: &str) -> usize {
        match u8::try_from(text.len()) {
            Ok(len @ 0..24) => self.out.extend_short(at, [(TEXT << 5) | len], text.as_bytes()),
            Ok(len) if text.len() <= SHORT => {
                self.out
                    .extend_short(at, [(TEXT << 5) | 24, len], text.as_bytes())
            }
            _ => self.long_text(at, text),
        }
    }

    /// Writes a text longer than [`SHORT`]: out of line, so that the short ones,
    /// inlined where a typed value writes them, stay a few moves.
    #[inline(never)]
    fn long_text(&mut self, at: usize, text: &str) -> usize {
        let at = self.head(at, TEXT, text.len() as u64);
        self.out.extend(at, text.as_bytes())
    }
}

/// The narrowest CBOR float that holds a value exactly.
#[derive(Debug, PartialEq)]
enum Shortest {
    /// The bits of an IEEE 754 half float.
    Half(u16),
    Single(f32),
    Double,
}

/// The width a float is written in: a value a single float holds exactly is
/// checked against the half float's range and precision on its single bits.
fn shortest_float(float: f64) -> Shortest {
    if float.is_nan() {
        return Shortest::Half(0x7e00);
    }
    let single = float as f32;
    if f64::from(single) != float {
        return Shortest::Double;
    }
    let bits = single.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let biased = ((bits >> 23) & 0xff) as i32;
    let mantissa = bits & 0x007f_ffff;
    let half = match biased {
        0 if mantissa == 0 => Some(sign),
        0xff => Some(sign | 0x7c00),
        _ => {
            let exponent = biased - 127;
            if (-14..=15).contains(&exponent) && mantissa.trailing_zeros() >= 13 {
                Some(sign | (((exponent + 15) as u16) << 10) | (mantissa >> 13) as u16)
            } else if (-24..-14).contains(&exponent) {
                // A half subnormal: `significand * 2^-24`, the single's significand shifted
                // down by what its exponent lacks, with no bit lost.
                let significand = 0x0080_0000 | mantissa;
                let shift = -(exponent + 1);
                (significand.trailing_zeros() as i32 >= shift).then(|| sign | (significand >> shift) as u16)
            } else {
                None
            }
        }
    };
    match half {
        Some(half) => Shortest::Half(half),
        None => Shortest::Single(single),
    }
}

impl<'a> WriteAt<'a> for Writer<'a> {
    fn output(&mut self) -> &mut Output<'a> {
        &mut self.out
    }

    /// Inlined into the loops over array items and map values, so that only containers cost
    /// a call.
    #[inline(always)]
    fn value(&mut self, at: usize, value: &Value) -> Result<usize, EncodeError> {
        Ok(match value {
            Value::Null => self.out.push(at, 0xf6),
            Value::Bool(false) => self.out.push(at, 0xf4),
            Value::Bool(true) => self.out.push(at, 0xf5),
            Value::Integer(integer) => self.integer(at, *integer),
            Value::Float(float) => self.float(at, *float),
            Value::String(text) => self.text(at, text),
            Value::Bytes(bytes) => {
                let at = self.head(at, BYTES, bytes.len() as u64);
                self.binaries.write(&mut self.out, at, bytes)
            }
            Value::List(list) => self.list(at, list)?,
            Value::Dict(dict) => self.dict(at, dict)?,
        })
    }

    #[inline(never)]
    fn list(&mut self, at: usize, list: &List) -> Result<usize, EncodeError> {
        let mut at = self.head(at, ARRAY, list.len() as u64);
        for item in list {
            at = self.value(at, item)?;
        }
        Ok(at)
    }

    #[inline(never)]
    fn dict(&mut self, at: usize, dict: &Dict) -> Result<usize, EncodeError> {
        let mut at = self.head(at, MAP, dict.len() as u64);
        for (key, value) in dict {
            at = self.text(at, key);
            at = self.value(at, value)?;
        }
        Ok(at)
    }

    #[inline(always)]
    fn string(&mut self, at: usize, text: &str) -> Result<usize, EncodeError> {
        Ok(self.text(at, text))
    }

    /// Writes a float in the shortest of half, single and double precision that holds it
    /// exactly, as RFC 8949's preferred serialization does (§4.2.2): NaN and the infinities
    /// as half floats, `0.5` in three bytes, `0.1` in nine.
    #[inline]
    fn float(&mut self, at: usize, float: f64) -> usize {
        match shortest_float(float) {
            Shortest::Half(half) => {
                let [high, low] = half.to_be_bytes();
                self.out.extend(at, &[0xf9, high, low])
            }
            Shortest::Single(single) => {
                let room = self.out.room(at, 5);
                room[0] = 0xfa;
                room[1..].copy_from_slice(&single.to_be_bytes());
                at + 5
            }
            Shortest::Double => {
                let room = self.out.room(at, 9);
                room[0] = 0xfb;
                room[1..].copy_from_slice(&float.to_be_bytes());
                at + 9
            }
        }
    }

    fn unsigned(&mut self, at: usize, unsigned: u64) -> usize {
        self.head(at, UNSIGNED, unsigned)
    }

    fn bytes(&mut self, at: usize, bytes: &[u8]) -> Result<usize, EncodeError> {
        let at = self.head(at, BYTES, bytes.len() as u64);
        Ok(self.out.extend(at, bytes))
    }

    #[inline]
    fn open_list(&mut self, at: usize, len: usize) -> Result<usize, EncodeError> {
        Ok(self.container_head(at, ARRAY, len))
    }

    #[inline]
    fn open_dict(&mut self, at: usize, len: usize) -> Result<usize, EncodeError> {
        Ok(self.container_head(at, MAP, len))
    }

    #[inline(always)]
    fn key_encoding(key: &EncodedKey) -> &'static [u8] {
        key.cbor
    }

    fn typed(&mut self, payload: &dyn ErasedPayload, part: Part) -> Result<(), EncodeError> {
        payload.write_cbor(self, part)
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
        let container = containers.innermost();
        if container.until_end() && at_break(&mut input)? {
            if containers.end(builder) {
                return Ok(input);
            }
            continue;
        }
        if container.kind == Kind::Dict {
            read_key(&mut input, builder, containers.nesting())?;
        }
        if let Item::Container((kind, info, start)) = read_item(&mut input, builder, containers.nesting())? {
            containers.check_depth(input.position())?;
            let len = if info == INDEFINITE {
                None
            } else {
                let len = read_len(&mut input, info, start)?;
                match kind {
                    Kind::List => input.check_count(len, 1, "a list")?,
                    Kind::Dict => input.check_count(len, 2, "a map")?,
                }
                Some(len)
            };
            let open = match kind {
                Kind::List => builder.open_list(),
                Kind::Dict => builder.open_dict(),
            };
            let step = match len {
                Some(len) => containers.open(builder, open, len, kind),
                None => containers.open_until_end(open, kind),
            };
            if step == Step::Opened {
                continue;
            }
        }
        if containers.written(builder) {
            return Ok(input);
        }
    }
}

/// Consumes the break byte that ends an indefinite length item, if it is next.
#[inline]
fn at_break(input: &mut Cursor<'_>) -> Result<bool, DecodeError> {
    match input.peek() {
        Some(BREAK) => {
            input.skip();
            Ok(true)
        }
        Some(_) => Ok(false),
        None => Err(input.error("the input ends inside an indefinite length item")),
    }
}

/// Reads a dict key, which must be a string.
#[inline(always)]
fn read_key(input: &mut Cursor<'_>, builder: &mut TapeBuilder, nesting: Nesting) -> Result<(), DecodeError> {
    match input.peek() {
        Some(initial) if initial >> 5 == TEXT && initial & 0x1f != INDEFINITE => {
            let start = input.position();
            input.skip();
            let len = read_len(input, initial & 0x1f, start)?;
            input.text(len, builder)
        }
        _ => {
            *input = read_key_apart(*input, builder, nesting, read_value)?;
            Ok(())
        }
    }
}

/// Reads an item and writes its value, unless it is an array or a map: then its kind, its
/// additional information and where its head starts.
#[inline(always)]
fn read_item(
    input: &mut Cursor<'_>,
    builder: &mut TapeBuilder,
    nesting: Nesting,
) -> Result<Item<(Kind, u8, usize)>, DecodeError> {
    loop {
        let start = input.position();
        let initial = input.byte("a value")?;
        let info = initial & 0x1f;
        match initial >> 5 {
            UNSIGNED => builder.unsigned(read_argument(input, info, start)?),
            NEGATIVE => builder.negative(read_argument(input, info, start)?),
            BYTES if info == INDEFINITE => builder.side_binary(&read_chunks(input, BYTES)?),
            BYTES => {
                let len = read_len(input, info, start)?;
                let at = input.position();
                input.take(len, "a byte string")?;
                builder.binary(at, len);
            }
            TEXT if info == INDEFINITE => match String::from_utf8(read_chunks(input, TEXT)?) {
                Ok(text) => builder.side_text(&text),
                Err(_) => builder.unreadable(start, "a text string is not valid UTF-8"),
            },
            TEXT => {
                let len = read_len(input, info, start)?;
                input.text(len, builder)?;
            }
            ARRAY => return Ok(Item::Container((Kind::List, info, start))),
            MAP => return Ok(Item::Container((Kind::Dict, info, start))),
            TAG => match read_argument(input, info, start)? {
                // Say only how the item after the tag is encoded, or is to be shown: that item
                // is the value.
                TAG_SELF_DESCRIBE | TAG_EXPECTED_BASE64URL..=TAG_EXPECTED_BASE16 | TAG_ENCODED_CBOR => {
                    continue;
                }
                // An array of bytes is a byte string: it stays one.
                TAG_UINT8_ARRAY if input.peek().is_some_and(|initial| initial >> 5 == BYTES) => continue,
                tag @ (TAG_POSITIVE_BIGNUM | TAG_NEGATIVE_BIGNUM) => {
                    let (integer, after) = read_bignum(*input, tag, start, nesting.inside_tag(start)?)?;
                    match integer {
                        Ok(integer) => builder.integer(integer),
                        Err((offset, problem)) => builder.unreadable(offset, problem),
                    }
                    *input = after;
                }
                tag => {
                    // The tagged item is read whole, so that what is wrong inside it still
                    // ends the decoding; only its meaning is lost.
                    let (_, after) = decode_apart(*input, nesting.inside_tag(start)?, read_value)?;
                    *input = after;
                    builder.unreadable(start, unsupported_tag(tag));
                }
            },
            // Major type 7: floats and simple values.
            _ => read_simple(input, builder, info, start)?,
        }
        return Ok(Item::Written);
    }
}

/// Reads the argument that follows an initial byte with additional information `info`.
#[inline(always)]
fn read_argument(input: &mut Cursor<'_>, info: u8, start: usize) -> Result<u64, DecodeError> {
    match info {
        0..=23 => Ok(u64::from(info)),
        24 => Ok(u64::from(input.byte("an 8-bit argument")?)),
        25 => Ok(u64::from(u16::from_be_bytes(input.array("a 16-bit argument")?))),
        26 => Ok(u64::from(u32::from_be_bytes(input.array("a 32-bit argument")?))),
        27 => Ok(u64::from_be_bytes(input.array("a 64-bit argument")?)),
        _ => Err(DecodeError::at(
            start,
            format!("additional information {info} is not valid here"),
        )),
    }
}

#[cold]
fn unsupported_tag(tag: u64) -> String {
    match tag {
        TAG_DATE_TIME | TAG_EPOCH_TIME => {
            format!("CBOR tag {tag} (a date and time) is not supported: WAMP values have no time type")
        }
        _ => format!("CBOR tag {tag} is not supported"),
    }
}

/// Reads a definite length.
#[inline(always)]
fn read_len(input: &mut Cursor<'_>, info: u8, start: usize) -> Result<usize, DecodeError> {
    let len = read_argument(input, info, start)?;
    usize::try_from(len).map_err(|_| DecodeError::at(start, format!("length {len} does not fit in memory")))
}

/// Joins the chunks of an indefinite length byte or text string, up to its break byte.
fn read_chunks(input: &mut Cursor<'_>, major: u8) -> Result<Vec<u8>, DecodeError> {
    let mut joined = Vec::new();
    loop {
        let chunk_start = input.position();
        let initial = input.byte("an indefinite length string")?;
        if initial == BREAK {
            return Ok(joined);
        }
        if initial >> 5 != major {
            return Err(DecodeError::at(
                chunk_start,
                "a chunk of an indefinite length string must be a definite string of the same type",
            ));
        }
        let info = initial & 0x1f;
        if info == INDEFINITE {
            return Err(DecodeError::at(
                chunk_start,
                "indefinite length strings cannot nest",
            ));
        }
        let len = read_len(input, info, chunk_start)?;
        joined.extend_from_slice(input.take(len, "a string chunk")?);
    }
}

/// A value the decoder read past but cannot represent: where it starts, and what it is.
type Unrepresentable = (usize, String);

/// The integer of a bignum tag, which starts at `start`, and the cursor past it: its magnitude
/// is any item that turns out to be a byte string.
#[cold]
fn read_bignum<'a>(
    input: Cursor<'a>,
    tag: u64,
    start: usize,
    nesting: Nesting,
) -> Result<(Result<i128, Unrepresentable>, Cursor<'a>), DecodeError> {
    let magnitude_start = input.position();
    let (tape, input) = decode_apart(input, nesting, read_value)?;
    let magnitude = tape.node(0);
    if !matches!(magnitude.tag, Tag::Binary | Tag::SideBinary) {
        let problem = format!("a bignum must be a byte string, got {}", magnitude.kind_name());
        return Ok((Err((magnitude_start, problem)), input));
    }
    let too_wide = || (start, "bignums beyond 128 bits are not supported".to_owned());
    let significant = tape.bytes_of(magnitude).iter().skip_while(|byte| **byte == 0);
    let mut value: u128 = 0;
    for (index, byte) in significant.enumerate() {
        if index == 16 {
            return Ok((Err(too_wide()), input));
        }
        value = (value << 8) | u128::from(*byte);
    }
    let Ok(value) = i128::try_from(value) else {
        return Ok((Err(too_wide()), input));
    };
    let integer = if tag == TAG_POSITIVE_BIGNUM {
        value
    } else {
        -1 - value
    };
    Ok((Ok(integer), input))
}

fn read_simple(
    input: &mut Cursor<'_>,
    builder: &mut TapeBuilder,
    info: u8,
    start: usize,
) -> Result<(), DecodeError> {
    match info {
        20 => builder.bool(false),
        21 => builder.bool(true),
        // Null, and undefined: what JavaScript peers send for an absent value.
        22 | 23 => builder.null(),
        0..=19 => builder.unreadable(start, unsupported_simple(info)),
        24 => match input.byte("a simple value")? {
            // Those take no extra byte: with one, the item is not well-formed.
            simple @ 0..32 => {
                return Err(DecodeError::at(
                    start,
                    format!("simple value {simple} cannot take an extra byte"),
                ));
            }
            simple => builder.unreadable(start, unsupported_simple(simple)),
        },
        25 => builder.float(f16_to_f64(u16::from_be_bytes(input.array("a half float")?))),
        26 => builder.float(f64::from(f32::from_be_bytes(input.array("a single float")?))),
        27 => builder.float(f64::from_be_bytes(input.array("a double float")?)),
        INDEFINITE => {
            return Err(DecodeError::at(
                start,
                "a break byte outside an indefinite length item",
            ));
        }
        _ => {
            return Err(DecodeError::at(
                start,
                format!("additional information {info} is not valid here"),
            ));
        }
    }
    Ok(())
}

#[cold]
fn unsupported_simple(simple: u8) -> String {
    format!("CBOR simple value {simple} is not supported")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::input::tests::{decode_hex, root_node};

    fn decode(hex: &str) -> Result<Value, String> {
        decode_hex(decode_tape, hex, 64)
    }

    fn error(message: &str) -> Result<Value, String> {
        Err(message.to_string())
    }

    fn dict(key: &str, value: i128) -> Result<Value, String> {
        Ok(Value::Dict(Dict::from([(key, Value::Integer(value))])))
    }

    fn encoded(float: f64) -> Vec<u8> {
        let mut out = Vec::new();
        let written = crate::wire::Serializer::Cbor.encode_value(&Value::Float(float), &mut out);
        assert_eq!(written, Ok(()), "{float}");
        out
    }

    fn decoded(bytes: &[u8]) -> f64 {
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        match decode(&hex) {
            Ok(Value::Float(float)) => float,
            other => panic!("{hex} decodes to {other:?}"),
        }
    }

    #[test]
    fn floats_are_written_in_the_shortest_width_of_rfc_8949_appendix_a() {
        let cases: &[(f64, &str)] = &[
            (0.0, "f90000"),
            (-0.0, "f98000"),
            (1.0, "f93c00"),
            (1.1, "fb3ff199999999999a"),
            (1.5, "f93e00"),
            (65504.0, "f97bff"),
            (100000.0, "fa47c35000"),
            (3.4028234663852886e38, "fa7f7fffff"),
            (1.0e300, "fb7e37e43c8800759c"),
            (5.960464477539063e-8, "f90001"),
            (0.00006103515625, "f90400"),
            (-4.0, "f9c400"),
            (-4.1, "fbc010666666666666"),
            (f64::INFINITY, "f97c00"),
            (f64::NAN, "f97e00"),
            (f64::NEG_INFINITY, "f9fc00"),
        ];
        for (float, hex) in cases {
            let bytes = encoded(*float);
            let written: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
            assert_eq!(written, *hex, "{float}");
        }
    }

    #[test]
    fn every_half_float_is_written_as_itself_and_reads_back() {
        for half in 0..=u16::MAX {
            let float = f16_to_f64(half);
            if float.is_nan() {
                continue;
            }
            assert_eq!(shortest_float(float), Shortest::Half(half), "{half:#06x}");
        }
    }

    #[test]
    fn floats_between_widths_take_the_next_width_and_read_back_exactly() {
        let mut floats = vec![
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::from(f32::MIN_POSITIVE),
            f64::from(f32::MIN_POSITIVE) / 2.0,
            f64::from(f32::MAX),
            65520.0,
            65504.0 + 32.0,
            2f64.powi(-25),
            2f64.powi(-24) * 1.5,
            2f64.powi(16),
            1.0 + 2f64.powi(-10),
            1.0 + 2f64.powi(-11),
            1.0 + 2f64.powi(-23),
            1.0 + 2f64.powi(-24),
        ];
        // Neighbours of the half floats on either side, within a single and beyond it.
        for half in (0..0x7c00_u16).step_by(97) {
            let float = f16_to_f64(half);
            floats.extend([
                f64::from(f32::from_bits((float as f32).to_bits() + 1)),
                f64::from_bits(float.to_bits() + 1),
            ]);
        }
        let mut halves: Vec<u64> = (0..=u16::MAX).map(|half| f16_to_f64(half).to_bits()).collect();
        halves.sort_unstable();
        for float in floats.iter().flat_map(|float| [*float, -float]) {
            let bytes = encoded(float);
            assert_eq!(decoded(&bytes).to_bits(), float.to_bits(), "{float:e}");
            let width = match shortest_float(float) {
                Shortest::Half(_) => 3,
                Shortest::Single(_) => 5,
                Shortest::Double => 9,
            };
            assert_eq!(bytes.len(), width, "{float:e}");
            let narrower_exact = match width {
                9 => f64::from(float as f32) == float,
                5 => halves.binary_search(&float.to_bits()).is_ok(),
                _ => false,
            };
            assert!(
                !narrower_exact,
                "{float:e} fits a narrower width than {width} bytes"
            );
        }
    }

    #[test]
    fn nesting_is_refused_one_beyond_the_limit() {
        let nested = Value::List(vec![Value::List(vec![Value::List(List::new())])]);
        assert_eq!(decode_hex(decode_tape, "81 81 80", 3), Ok(nested));
        let too_deep = error("at byte 3: lists and dicts nest deeper than the limit of 2");
        assert_eq!(decode_hex(decode_tape, "81 81 80", 2), too_deep);
        // Before the length of the too deep container, indefinite ones too.
        let too_deep = error("at byte 2: lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "81 98 01 00", 1), too_deep);
        assert_eq!(decode_hex(decode_tape, "81 bf ff", 1), too_deep);
    }

    #[test]
    fn tags_read_apart_count_as_nesting() {
        // Tag 18 around tag 18 around 0: each unsupported tag's item is read apart.
        assert_eq!(
            decode_hex(decode_tape, "d2 d2 00", 2),
            error("at byte 0: CBOR tag 18 is not supported")
        );
        let too_deep = error("at byte 1: tags, lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "d2 d2 00", 1), too_deep);
        // A bignum whose magnitude is a bignum, and so on.
        let too_deep = error("at byte 1: tags, lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "c2 c2 40", 1), too_deep);
    }

    #[test]
    fn a_long_chain_of_tags_is_refused_without_exhausting_the_stack() {
        let chain = "d2 ".repeat(1_000_000) + "00";
        let too_deep = error("at byte 64: tags, lists and dicts nest deeper than the limit of 64");
        assert_eq!(decode_hex(decode_tape, &chain, 64), too_deep);
    }

    #[test]
    fn indefinite_containers_end_at_their_break() {
        let both = Value::List(vec![
            Value::List(List::new()),
            Value::Dict(Dict::from([("a", Value::Integer(1))])),
        ]);
        assert_eq!(decode("9f 9f ff bf 61 61 01 ff ff"), Ok(both));
        let value_break = error("at byte 3: a break byte outside an indefinite length item");
        assert_eq!(decode("bf 61 61 ff"), value_break);
        let unterminated = error("at byte 4: the input ends inside an indefinite length item");
        assert_eq!(decode("bf 61 61 01"), unterminated);
    }

    #[test]
    fn chunked_strings_are_joined_on_the_side() {
        // The chunks split a character: only the joined text must be UTF-8.
        assert_eq!(decode("7f 62 68 c3 61 a9 ff"), Ok(Value::String("hé".into())));
        assert_eq!(root_node(decode_tape, "7f 61 68 ff").tag, Tag::SideText);
        assert_eq!(
            decode("5f 41 01 41 02 ff"),
            Ok(Value::Bytes(Bytes::from_static(&[1, 2])))
        );
        assert_eq!(root_node(decode_tape, "5f 41 01 ff").tag, Tag::SideBinary);
        assert_eq!(root_node(decode_tape, "42 01 02").tag, Tag::Binary);
        let cases = [
            ("7f 61 ff ff", "at byte 0: a text string is not valid UTF-8"),
            (
                "7f 41 00 ff",
                "at byte 1: a chunk of an indefinite length string must be a definite string of the same type",
            ),
            ("7f 7f ff ff", "at byte 1: indefinite length strings cannot nest"),
            (
                "5f 42 00",
                "at byte 2: a string chunk of 2 bytes runs past the end of the input (1 bytes left)",
            ),
            (
                "5f",
                "at byte 1: the input ends inside an indefinite length string",
            ),
        ];
        for (hex, expected) in cases {
            assert_eq!(decode(hex), error(expected), "{hex}");
        }
    }

    #[test]
    fn keys_are_texts_in_any_form() {
        assert_eq!(decode("a1 78 01 6b 01"), dict("k", 1));
        assert_eq!(decode("a1 7f 61 6b ff 01"), dict("k", 1));
        assert_eq!(decode("a1 d9d9f7 61 6b 01"), dict("k", 1));
        assert_eq!(
            decode("a1 61 ff 01"),
            error("at byte 2: a string is not valid UTF-8")
        );
        assert_eq!(
            decode("a1 01 02"),
            error("at byte 1: dict keys must be strings, got integer")
        );
        let inside = error("at byte 2: the input ends inside an indefinite length item");
        assert_eq!(decode("bf 9f"), inside);
        let too_deep = error("at byte 2: lists and dicts nest deeper than the limit of 1");
        assert_eq!(decode_hex(decode_tape, "a1 80 01", 1), too_deep);
    }

    #[test]
    fn tags_describe_or_make_integers() {
        assert_eq!(
            decode("d9d9f7 d9d9f7 81 d9d9f7 01"),
            Ok(Value::List(vec![Value::Integer(1)]))
        );
        // What wampy.js's cbor-x sends for bytes it received: a typed array of uint8.
        assert_eq!(
            decode("d840 43 000102"),
            Ok(Value::Bytes(Bytes::from_static(&[0, 1, 2])))
        );
        let two_to_the_64 = Value::Integer(1 << 64);
        assert_eq!(decode("c2 5f 41 01 48 0000000000000000 ff"), Ok(two_to_the_64));
        assert_eq!(decode("c2 d9d9f7 42 0005"), Ok(Value::Integer(5)));
        assert_eq!(
            decode("c3 49 010000000000000000"),
            Ok(Value::Integer(-1 - (1 << 64)))
        );
        assert_eq!(
            decode("c2 50 7fffffffffffffffffffffffffffffff"),
            Ok(Value::Integer(i128::MAX))
        );
        assert_eq!(
            decode("c3 50 7fffffffffffffffffffffffffffffff"),
            Ok(Value::Integer(i128::MIN))
        );
        let too_wide = error("at byte 0: bignums beyond 128 bits are not supported");
        assert_eq!(decode("c2 50 80000000000000000000000000000000"), too_wide);
        assert_eq!(decode("c2 51 0100000000000000000000000000000000"), too_wide);
        assert_eq!(
            decode("81 c2 01"),
            error("at byte 2: a bignum must be a byte string, got integer")
        );
        assert_eq!(
            decode("c2 9f"),
            error("at byte 2: the input ends inside an indefinite length item")
        );
    }

    #[test]
    fn truncated_values_are_refused_where_they_end() {
        let cases = [
            ("18", "at byte 1: the input ends inside an 8-bit argument"),
            (
                "19 01",
                "at byte 1: a 16-bit argument of 2 bytes runs past the end of the input (1 bytes left)",
            ),
            (
                "3b 00",
                "at byte 1: a 64-bit argument of 8 bytes runs past the end of the input (1 bytes left)",
            ),
            (
                "fb 00",
                "at byte 1: a double float of 8 bytes runs past the end of the input (1 bytes left)",
            ),
            (
                "62 61",
                "at byte 1: a string of 2 bytes runs past the end of the input (1 bytes left)",
            ),
            ("a1 61 61", "at byte 3: the input ends inside a value"),
            ("f8 20", "at byte 0: CBOR simple value 32 is not supported"),
            ("f8 17", "at byte 0: simple value 23 cannot take an extra byte"),
            ("f8", "at byte 1: the input ends inside a simple value"),
            ("f0", "at byte 0: CBOR simple value 16 is not supported"),
        ];
        for (hex, expected) in cases {
            assert_eq!(decode(hex), error(expected), "{hex}");
        }
        assert_eq!(decode("f7"), Ok(Value::Null));
    }
}
