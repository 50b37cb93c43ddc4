//! The JSON serializer, writing what Autobahn's `json.dumps(separators=(",", ":"), ensure_ascii=False)`
//! writes.
//!
//! Binary values travel as strings: `"\u0000"` followed by standard, padded base64. Floats are
//! written as Python's `repr` writes them (`1.0`, `1e+16`), non-finite ones as Python's
//! `NaN`/`Infinity`, which the decoder reads back too. Integers are exact up to 128 bits.
//!
//! Binary values are what makes JSON slow, so base64 is SIMD-accelerated (`base64-simd`; the
//! `base64` crate only runs to explain invalid input), and strings are scanned eight bytes at
//! a time for the bytes that need escaping.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use bytes::Bytes;

use crate::data::tape::{Tape, TapeBuilder};
use crate::data::value::{Dict, List, Value};
use crate::data::write::{EncodedKey, ErasedPayload, Part, ValueWriter};
use crate::wire::input::NOT_UTF8;
use crate::wire::message::MessageWriter;
use crate::wire::output::{Output, SHORT, copy_short};
use crate::wire::{DecodeError, DecodeLimits, EncodeError};

/// The first character of a string that carries a binary value.
const BINARY_PREFIX: char = '\0';

/// What each byte turns into inside a JSON string: 0 for itself, `u` for `\u00XX`, else the
/// letter after the backslash.
static ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Appends JSON to a buffer: one message, or one value.
///
/// Its methods take the position to write at and return the position after what they wrote
/// (see [`Output`]).
pub(crate) struct Writer<'a> {
    out: Output<'a>,
    /// Whether the next message element is the first, which takes no comma.
    first: bool,
}

impl<'a> Writer<'a> {
    pub(super) fn new(out: Output<'a>) -> Writer<'a> {
        Writer { out, first: true }
    }

    /// Appends one value.
    pub(super) fn write_value(&mut self, value: &Value) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.value(at, value));
        Ok(())
    }

    /// Runs `write` at the end of the output, and keeps what it wrote.
    #[inline]
    fn append(&mut self, write: impl FnOnce(&mut Self, usize) -> usize) {
        let end = write(self, self.out.end());
        self.out.commit(end);
    }

    /// Inlined into the loops over list items and dict values, so that only containers cost
    /// a call.
    #[inline(always)]
    fn value(&mut self, at: usize, value: &Value) -> usize {
        match value {
            Value::Null => self.out.extend(at, b"null"),
            Value::Bool(false) => self.out.extend(at, b"false"),
            Value::Bool(true) => self.out.extend(at, b"true"),
            Value::Integer(integer) => write_integer(&mut self.out, at, *integer),
            Value::Float(float) => write_float(&mut self.out, at, *float),
            Value::String(text) => write_string(&mut self.out, at, text),
            Value::Bytes(bytes) => write_bytes(&mut self.out, at, bytes),
            Value::List(list) => self.array(at, list),
            Value::Dict(dict) => self.object(at, dict),
        }
    }

    #[inline(never)]
    fn array(&mut self, at: usize, list: &List) -> usize {
        let mut at = self.out.push(at, b'[');
        for (index, item) in list.iter().enumerate() {
            if index > 0 {
                at = self.out.push(at, b',');
            }
            at = self.value(at, item);
        }
        self.out.push(at, b']')
    }

    #[inline(never)]
    fn object(&mut self, at: usize, dict: &Dict) -> usize {
        let mut at = self.out.push(at, b'{');
        for (index, (key, value)) in dict.iter().enumerate() {
            if index > 0 {
                at = self.out.push(at, b',');
            }
            at = write_string(&mut self.out, at, key);
            at = self.out.push(at, b':');
            at = self.value(at, value);
        }
        self.out.push(at, b'}')
    }

    /// Writes an element of the list or dict being written, after a comma unless it is the first.
    #[inline]
    fn element(&mut self, write: impl FnOnce(&mut Self, usize) -> usize) -> Result<(), EncodeError> {
        self.append(|writer, at| {
            let at = writer.separate(at);
            write(writer, at)
        });
        Ok(())
    }

    /// Copies a key's encoding, its comma included or not; the value after it takes none.
    #[inline(always)]
    fn copy_key(&mut self, encoding: &[u8]) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.out.extend(at, encoding));
        self.first = true;
        Ok(())
    }

    /// Starts a message element: a comma, unless it is the first. Inlined into every value's
    /// writing, where a call cost more than the test it makes.
    #[inline(always)]
    fn separate(&mut self, at: usize) -> usize {
        if self.first {
            self.first = false;
            at
        } else {
            self.out.push(at, b',')
        }
    }
}

impl MessageWriter for Writer<'_> {
    type Error = EncodeError;

    fn begin(&mut self, _len: usize) -> Result<(), EncodeError> {
        self.first = true;
        self.append(|writer, at| writer.out.push(at, b'['));
        Ok(())
    }

    fn id(&mut self, id: u64) -> Result<(), EncodeError> {
        self.append(|writer, at| {
            let at = writer.separate(at);
            write_unsigned(&mut writer.out, at, id)
        });
        Ok(())
    }

    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.append(|writer, at| {
            let at = writer.separate(at);
            write_string(&mut writer.out, at, text)
        });
        Ok(())
    }

    fn dict(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.append(|writer, at| {
            let at = writer.separate(at);
            writer.object(at, dict)
        });
        Ok(())
    }

    fn list(&mut self, list: &List) -> Result<(), EncodeError> {
        self.append(|writer, at| {
            let at = writer.separate(at);
            writer.array(at, list)
        });
        Ok(())
    }

    fn end(&mut self) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.out.push(at, b']'));
        Ok(())
    }

    fn typed(&mut self, payload: &dyn ErasedPayload, part: Part) -> Result<(), EncodeError> {
        payload.write_json(self, part)
    }
}

/// Every value is an element of the list or dict around it, which `separate` puts commas
/// between; opening a container or writing a key makes the next value its first.
impl ValueWriter for Writer<'_> {
    #[inline]
    fn null(&mut self) -> Result<(), EncodeError> {
        self.element(|writer, at| writer.out.extend(at, b"null"))
    }

    #[inline]
    fn bool(&mut self, value: bool) -> Result<(), EncodeError> {
        self.element(|writer, at| writer.value(at, &Value::Bool(value)))
    }

    #[inline]
    fn unsigned(&mut self, value: u64) -> Result<(), EncodeError> {
        self.element(|writer, at| write_unsigned(&mut writer.out, at, value))
    }

    #[inline]
    fn signed(&mut self, value: i64) -> Result<(), EncodeError> {
        self.element(|writer, at| write_integer(&mut writer.out, at, i128::from(value)))
    }

    #[inline]
    fn float(&mut self, value: f64) -> Result<(), EncodeError> {
        self.element(|writer, at| write_float(&mut writer.out, at, value))
    }

    /// Inlined where a typed value writes a string, as a short one is copied in a few moves;
    /// not through `element`, whose closure the compiler keeps out of line there.
    #[inline(always)]
    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        let at = self.out.end();
        let at = self.separate(at);
        let end = write_string(&mut self.out, at, text);
        self.out.commit(end);
        Ok(())
    }

    #[inline]
    fn bytes(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.element(|writer, at| write_bytes(&mut writer.out, at, bytes))
    }

    #[inline]
    fn value(&mut self, value: &Value) -> Result<(), EncodeError> {
        self.element(|writer, at| writer.value(at, value))
    }

    #[inline]
    fn begin_list(&mut self, _len: usize) -> Result<(), EncodeError> {
        self.element(|writer, at| writer.out.push(at, b'['))?;
        self.first = true;
        Ok(())
    }

    #[inline]
    fn end_list(&mut self) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.out.push(at, b']'));
        self.first = false;
        Ok(())
    }

    #[inline]
    fn begin_dict(&mut self, _len: usize) -> Result<(), EncodeError> {
        self.element(|writer, at| writer.out.push(at, b'{'))?;
        self.first = true;
        Ok(())
    }

    #[inline(always)]
    fn key(&mut self, key: &str) -> Result<(), EncodeError> {
        self.element(|writer, at| {
            let at = write_string(&mut writer.out, at, key);
            writer.out.push(at, b':')
        })?;
        self.first = true;
        Ok(())
    }

    /// The key's encoding holds the comma before it, left out of the first entry.
    #[inline(always)]
    fn encoded_key(&mut self, key: &EncodedKey) -> Result<(), EncodeError> {
        let encoding = match self.first {
            true => key.json.get(1..).unwrap_or_default(),
            false => key.json,
        };
        self.copy_key(encoding)
    }

    #[inline(always)]
    fn encoded_next_key(&mut self, key: &EncodedKey) -> Result<(), EncodeError> {
        self.copy_key(key.json)
    }

    #[inline]
    fn end_dict(&mut self) -> Result<(), EncodeError> {
        self.append(|writer, at| writer.out.push(at, b'}'));
        self.first = false;
        Ok(())
    }
}

/// The eight decimal digits of `value` (below 10^8, with leading zeros), first digit first,
/// found together in the lanes of one integer rather than a division or a table load per pair:
/// a WAMP id is often 16 digits, two of these.
#[inline(always)]
fn eight_digit_text(value: u32) -> u64 {
    let value = u64::from(value);
    // Four digits in each 32-bit lane, the first four in the low lane, which is written first.
    let fours = (value / 10_000) | ((value % 10_000) << 32);
    // x * 10486 >> 20 is x / 100 below 10^4, and no lane's product reaches the next lane.
    let high_pairs = ((fours * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = ((fours - 100 * high_pairs) << 16) | high_pairs;
    // x * 103 >> 10 is x / 10 below 100.
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    let digits = ((pairs - 10 * tens) << 8) | tens;
    digits | u64::from_ne_bytes([b'0'; 8])
}

/// Writes the decimal digits of `value`: the leading ones (up to eight) as the end of eight
/// digits, then the rest eight at a time, each eight a single store.
#[inline]
fn write_unsigned(out: &mut Output<'_>, at: usize, value: u64) -> usize {
    const EIGHT: u64 = 100_000_000;
    const ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);
    // Every part is below 10^8, so narrowing loses nothing.
    let digits = |part: u64| eight_digit_text(part as u32);
    let room = out.room(at, 20);
    if value < EIGHT {
        // Most integers are short: their length is told by the leading zeros (the low bytes
        // that hold '0'; a zero keeps one), cheaper than a logarithm.
        let text = digits(value);
        let zeros = ((text ^ ZEROS).trailing_zeros() / 8).min(7) as usize;
        room[..8].copy_from_slice(&(text >> (8 * zeros)).to_le_bytes());
        return at + 8 - zeros;
    }
    let len = value.ilog10() as usize + 1;
    let (head, head_len) = match len {
        ..=16 => (value / EIGHT, len - 8),
        _ => (value / (EIGHT * EIGHT), len - 16),
    };
    // The head's leading zeros shifted out; the bytes past it are overwritten or past the end.
    let head = digits(head) >> (8 * (8 - head_len));
    room[..8].copy_from_slice(&head.to_le_bytes());
    if len > 16 {
        room[len - 16..len - 8].copy_from_slice(&digits(value / EIGHT % EIGHT).to_le_bytes());
    }
    room[len - 8..len].copy_from_slice(&digits(value % EIGHT).to_le_bytes());
    at + len
}

fn write_integer(out: &mut Output<'_>, at: usize, integer: i128) -> usize {
    let at = if integer < 0 { out.push(at, b'-') } else { at };
    let magnitude = integer.unsigned_abs();
    match u64::try_from(magnitude) {
        Ok(small) => write_unsigned(out, at, small),
        Err(_) => out.extend(at, magnitude.to_string().as_bytes()),
    }
}

/// Writes a float as Python's `repr` does: the shortest digits that read back exactly, in
/// positional notation from 1e-4 up to 1e16, else in scientific notation with a signed,
/// at least two-digit exponent.
///
/// zmij writes the same digits, and the same positional notation from 1e-4 up to 1e16; only
/// what it writes outside that range needs rewriting.
fn write_float(out: &mut Output<'_>, at: usize, float: f64) -> usize {
    if !float.is_finite() {
        return write_non_finite(out, at, float);
    }
    // zmij writes positional notation from 1e-5 up, and a one-digit exponent beyond: outside
    // Python's range the digits are rewritten. Told by the magnitude, not by scanning the text.
    let magnitude = float.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        return write_python_repr(out, at, float);
    }
    let mut buffer = zmij::Buffer::new();
    out.extend(at, buffer.format_finite(float).as_bytes())
}

#[cold]
fn write_non_finite(out: &mut Output<'_>, at: usize, float: f64) -> usize {
    if float.is_nan() {
        out.extend(at, b"NaN")
    } else if float > 0.0 {
        out.extend(at, b"Infinity")
    } else {
        out.extend(at, b"-Infinity")
    }
}

/// Writes a finite float as Python's `repr` does, in whichever notation it takes, from the
/// digits zmij finds.
fn write_python_repr(out: &mut Output<'_>, mut at: usize, float: f64) -> usize {
    if float.is_sign_negative() {
        at = out.push(at, b'-');
    }
    let mut buffer = zmij::Buffer::new();
    let (digits, point) = decimal_digits(buffer.format_finite(float.abs()).as_bytes());
    let digits = digits.as_slice();
    let exponent = point - 1;
    if !(-3..=16).contains(&point) {
        let (first, rest) = digits.split_at(1);
        at = out.extend(at, first);
        if !rest.is_empty() {
            at = out.push(at, b'.');
            at = out.extend(at, rest);
        }
        at = out.extend(at, if exponent < 0 { b"e-" } else { b"e+" });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            at = out.push(at, b'0');
        }
        write_unsigned(out, at, u64::from(magnitude))
    } else if point <= 0 {
        at = out.extend(at, b"0.");
        for _ in point..0 {
            at = out.push(at, b'0');
        }
        out.extend(at, digits)
    } else {
        let point = point as usize;
        if point >= digits.len() {
            at = out.extend(at, digits);
            for _ in digits.len()..point {
                at = out.push(at, b'0');
            }
            out.extend(at, b".0")
        } else {
            let (whole, fraction) = digits.split_at(point);
            at = out.extend(at, whole);
            at = out.push(at, b'.');
            out.extend(at, fraction)
        }
    }
}

/// Up to 17 significant digits (what any f64 needs), without leading or trailing zeros.
struct Digits {
    bytes: [u8; 24],
    len: usize,
}

impl Digits {
    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Reads a formatted, non-negative float (`"43.6"`, `"0.0001"`, `"1e16"`, `"1.5e-7"`) as
/// significant digits and a point position: the value is `0.DIGITS * 10^point`.
fn decimal_digits(text: &[u8]) -> (Digits, i32) {
    let exponent_at = text.iter().position(|byte| *byte == b'e').unwrap_or(text.len());
    let (mantissa, exponent) = text.split_at(exponent_at);
    let exponent: i32 = std::str::from_utf8(exponent.get(1..).unwrap_or_default())
        .ok()
        .and_then(|exponent| exponent.parse().ok())
        .unwrap_or(0);
    let mut digits = Digits {
        bytes: [0; 24],
        len: 0,
    };
    let mut point = 0;
    let mut in_fraction = false;
    for &byte in mantissa {
        match byte {
            b'.' => in_fraction = true,
            b'0' if digits.len == 0 => {
                if in_fraction {
                    point -= 1;
                }
            }
            _ => {
                if let Some(slot) = digits.bytes.get_mut(digits.len) {
                    *slot = byte;
                    digits.len += 1;
                }
                if !in_fraction {
                    point += 1;
                }
            }
        }
    }
    while digits.len > 0 && digits.bytes[digits.len - 1] == b'0' {
        digits.len -= 1;
    }
    if digits.len == 0 {
        digits.bytes[0] = b'0';
        return (Digits { len: 1, ..digits }, 1);
    }
    (digits, point + exponent)
}

const LANES: usize = 8;

/// The high bit set in each of the eight bytes of `word` (little-endian) that a JSON string
/// cannot hold as they are: control characters, quotes and backslashes. Exact up to the first
/// such byte, which the lowest set bit marks.
#[inline]
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; LANES]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; LANES]);
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    (word.wrapping_sub(ONES * 0x20) & !word & HIGH)
        | zero_bytes(word ^ (ONES * u64::from(b'"')))
        | zero_bytes(word ^ (ONES * u64::from(b'\\')))
}

/// The length of the run of bytes at the start of `bytes` that a JSON string holds as they are:
/// up to a quote, a backslash or a control character, or the end.
#[inline]
fn plain_run_len(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(LANES);
    let mut len = 0;
    for chunk in &mut chunks {
        let mut lanes = [0; LANES];
        lanes.copy_from_slice(chunk);
        let special = special_bytes(u64::from_le_bytes(lanes));
        if special != 0 {
            return len + special.trailing_zeros() as usize / LANES;
        }
        len += LANES;
    }
    let tail = chunks.remainder();
    len + tail
        .iter()
        .position(|byte| ESCAPES[usize::from(*byte)] != 0)
        .unwrap_or(tail.len())
}

/// Writes a string, quoted and escaped. Most strings are short and need no escapes: they are
/// copied whole, and checked for bytes to escape as they are.
#[inline(always)]
fn write_string(out: &mut Output<'_>, at: usize, text: &str) -> usize {
    let bytes = text.as_bytes();
    if bytes.len() <= SHORT {
        let room = out.room(at, SHORT + 2);
        room[0] = b'"';
        if copy_short(&mut room[1..], bytes, special_bytes) == 0 {
            room[1 + bytes.len()] = b'"';
            return at + bytes.len() + 2;
        }
    }
    write_escaped_string(out, at, bytes)
}

/// Writes a string, quoted and escaped, a run of bytes that need no escape at a time.
#[inline(never)]
fn write_escaped_string(out: &mut Output<'_>, at: usize, mut bytes: &[u8]) -> usize {
    let mut at = out.push(at, b'"');
    loop {
        let (run, rest) = bytes.split_at(plain_run_len(bytes));
        at = out.extend(at, run);
        let Some((&byte, rest)) = rest.split_first() else {
            break;
        };
        let escape = ESCAPES[usize::from(byte)];
        if escape == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            at = out.extend(at, b"\\u00");
            at = out.push(at, HEX[usize::from(byte >> 4)]);
            at = out.push(at, HEX[usize::from(byte & 0x0f)]);
        } else {
            at = out.extend(at, &[b'\\', escape]);
        }
        bytes = rest;
    }
    out.push(at, b'"')
}

fn write_bytes(out: &mut Output<'_>, at: usize, bytes: &[u8]) -> usize {
    let at = out.extend(at, b"\"\\u0000");
    let at = out.write_long(
        at,
        base64_simd::STANDARD.encoded_length(bytes.len()),
        |room| {
            // The encoding is the whole room, which the returned slice is.
            let _ = base64_simd::STANDARD.encode(bytes, base64_simd::Out::from_slice(room));
        },
        |buffer| base64_simd::STANDARD.encode_append(bytes, buffer),
    );
    out.push(at, b'"')
}

/// Decodes one value that must span all of `source` into a tape: strings without escapes are
/// ranges of `source`, the rest goes to the tape's side buffer.
pub(super) fn decode_tape(source: Bytes, limits: &DecodeLimits) -> Result<Tape, DecodeError> {
    let mut parser = Parser {
        bytes: &source,
        position: 0,
        depth_left: limits.max_depth,
        max_depth: limits.max_depth,
        tape: TapeBuilder::new(source.len()),
        unescaped: Vec::new(),
    };
    parser.value()?;
    parser.skip_whitespace();
    if parser.position < source.len() {
        return Err(parser.error("unexpected text after the message"));
    }
    let tape = parser.tape;
    Ok(tape.finish(source))
}

struct Parser<'a> {
    bytes: &'a [u8],
    position: usize,
    depth_left: usize,
    max_depth: usize,
    tape: TapeBuilder,
    /// Where strings with escapes are rewritten before they go to the tape: one buffer for all
    /// of them, as they are rare.
    unescaped: Vec<u8>,
}

impl Parser<'_> {
    #[cold]
    fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(self.position, message)
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.position += 1;
        }
    }

    /// Consumes `literal` (whose first byte was peeked), or fails naming what was expected.
    fn literal(&mut self, literal: &str) -> Result<(), DecodeError> {
        let end = self.position + literal.len();
        if self.bytes.get(self.position..end) == Some(literal.as_bytes()) {
            self.position = end;
            Ok(())
        } else {
            Err(self.error(format!("expected {literal}")))
        }
    }

    fn value(&mut self) -> Result<(), DecodeError> {
        self.skip_whitespace();
        let Some(byte) = self.peek() else {
            return Err(self.error("the input ends where a value must be"));
        };
        match byte {
            b'"' => self.string_value(),
            b'{' => self.object(),
            b'[' => self.array(),
            b'-' if self.bytes.get(self.position + 1) == Some(&b'I') => {
                self.literal("-Infinity")?;
                self.tape.float(f64::NEG_INFINITY);
                Ok(())
            }
            b'-' | b'0'..=b'9' => self.number(),
            b'n' => {
                self.literal("null")?;
                self.tape.null();
                Ok(())
            }
            b't' => {
                self.literal("true")?;
                self.tape.bool(true);
                Ok(())
            }
            b'f' => {
                self.literal("false")?;
                self.tape.bool(false);
                Ok(())
            }
            b'N' => {
                self.literal("NaN")?;
                self.tape.float(f64::NAN);
                Ok(())
            }
            b'I' => {
                self.literal("Infinity")?;
                self.tape.float(f64::INFINITY);
                Ok(())
            }
            _ => Err(self.error(format!("unexpected {} where a value must be", describe(byte)))),
        }
    }

    /// Steps into the list or dict whose bracket is next, failing beyond the nesting limit.
    fn enter(&mut self) -> Result<(), DecodeError> {
        if self.depth_left == 0 {
            return Err(self.error(format!(
                "lists and dicts nest deeper than the limit of {}",
                self.max_depth
            )));
        }
        self.depth_left -= 1;
        self.position += 1;
        Ok(())
    }

    fn array(&mut self) -> Result<(), DecodeError> {
        self.enter()?;
        let list = self.tape.open_list();
        let mut count = 0;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.position += 1;
        } else {
            loop {
                self.value()?;
                count += 1;
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.position += 1,
                    Some(b']') => {
                        self.position += 1;
                        break;
                    }
                    Some(other) => {
                        return Err(self.error(format!("expected , or ] in a list, got {}", describe(other))));
                    }
                    None => return Err(self.error("the input ends inside a list")),
                }
            }
        }
        self.depth_left += 1;
        self.tape.close(list, count);
        Ok(())
    }

    fn object(&mut self) -> Result<(), DecodeError> {
        self.enter()?;
        let dict = self.tape.open_dict();
        let mut count = 0;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.position += 1;
        } else {
            loop {
                self.skip_whitespace();
                match self.peek() {
                    Some(b'"') => {}
                    Some(other) => {
                        return Err(self.error(format!("expected a string key, got {}", describe(other))));
                    }
                    None => return Err(self.error("the input ends inside a dict")),
                }
                self.key()?;
                self.skip_whitespace();
                match self.peek() {
                    Some(b':') => self.position += 1,
                    Some(other) => {
                        return Err(self.error(format!("expected : after a key, got {}", describe(other))));
                    }
                    None => return Err(self.error("the input ends inside a dict")),
                }
                self.value()?;
                count += 1;
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.position += 1,
                    Some(b'}') => {
                        self.position += 1;
                        break;
                    }
                    Some(other) => {
                        return Err(
                            self.error(format!("expected , or }} in a dict, got {}", describe(other)))
                        );
                    }
                    None => return Err(self.error("the input ends inside a dict")),
                }
            }
        }
        self.depth_left += 1;
        self.tape.close(dict, count);
        Ok(())
    }

    /// Finds the end of the run of plain bytes that starts a string's contents at `start`: if
    /// it is the closing quote, writes the string as a range of the input (unreadable if it is
    /// not UTF-8) and returns `None`; else returns where the run ends, at an escape or what
    /// must be an error.
    #[inline]
    fn plain_string(&mut self, start: usize) -> Option<usize> {
        let (len, non_ascii) = scan_plain_run(self.bytes.get(start..).unwrap_or_default());
        let end = start + len;
        if self.bytes.get(end) != Some(&b'"') {
            return Some(end);
        }
        self.position = end + 1;
        if non_ascii && let Err(error) = std::str::from_utf8(&self.bytes[start..end]) {
            self.tape.unreadable(start + error.valid_up_to(), NOT_UTF8);
        } else {
            self.tape.text(start, len);
        }
        None
    }

    /// Reads a dict key, whose opening quote is next. Unlike a value, a key is never binary,
    /// as Autobahn reads it.
    fn key(&mut self) -> Result<(), DecodeError> {
        let start = self.position + 1;
        let Some(end) = self.plain_string(start) else {
            return Ok(());
        };
        let lone_surrogate = self.unescape(start, end)?;
        match (lone_surrogate, std::str::from_utf8(&self.unescaped)) {
            (None, Ok(text)) => self.tape.side_text(text),
            (Some(escape), _) => self.tape.unreadable(escape, LONE_SURROGATE),
            (None, Err(_)) => self.tape.unreadable(start, NOT_UTF8),
        }
        Ok(())
    }

    /// Reads a string value whose opening quote is next: binary if it starts with the binary
    /// prefix, as Autobahn reads it (unreadable if that is not base64). Base64 needs no escapes, so binary values are decoded
    /// straight from the input.
    fn string_value(&mut self) -> Result<(), DecodeError> {
        let quote = self.position;
        let start = quote + 1;
        let Some(end) = self.plain_string(start) else {
            return Ok(());
        };
        if end == start && self.bytes.get(start..start + 6) == Some(b"\\u0000") {
            // Up to the next quote, which closes the string unless it is escaped: then the
            // backslash before it is not base64, and the string is read as any other.
            let encoded_start = start + 6;
            let rest = self.bytes.get(encoded_start..).unwrap_or_default();
            if let Some(len) = memchr::memchr(b'"', rest)
                && self
                    .tape
                    .side_binary_with(|side| base64_simd::STANDARD.decode_append(&rest[..len], side))
                    .is_ok()
            {
                self.position = encoded_start + len + 1;
                return Ok(());
            }
        }
        let lone_surrogate = self.unescape(start, end)?;
        let text = match (lone_surrogate, std::str::from_utf8(&self.unescaped)) {
            (None, Ok(text)) => text,
            (Some(escape), _) => {
                self.tape.unreadable(escape, LONE_SURROGATE);
                return Ok(());
            }
            (None, Err(_)) => {
                self.tape.unreadable(start, NOT_UTF8);
                return Ok(());
            }
        };
        match text.strip_prefix(BINARY_PREFIX) {
            Some(encoded) => {
                let decoded = self
                    .tape
                    .side_binary_with(|side| base64_simd::STANDARD.decode_append(encoded, side));
                if decoded.is_err() {
                    let problem = base64_problem(encoded.as_bytes());
                    self.tape.unreadable(quote, problem);
                }
            }
            None => self.tape.side_text(text),
        }
        Ok(())
    }

    /// Rewrites the string that starts at `start`, whose first run of plain bytes ends at
    /// `run_end`, into `unescaped`, and steps past its closing quote. Returns where the first
    /// lone surrogate escape is, if there is one: the string is then read to its end, but
    /// cannot be represented.
    fn unescape(&mut self, start: usize, run_end: usize) -> Result<Option<usize>, DecodeError> {
        self.unescaped.clear();
        self.unescaped.extend_from_slice(&self.bytes[start..run_end]);
        let mut index = run_end;
        let mut lone_surrogate = None;
        loop {
            match self.bytes.get(index) {
                Some(b'"') => {
                    self.position = index + 1;
                    return Ok(lone_surrogate);
                }
                Some(b'\\') => {
                    let (next, whole) = escape(self.bytes, index, &mut self.unescaped)?;
                    if !whole {
                        lone_surrogate = lone_surrogate.or(Some(index));
                    }
                    index = next;
                    let run_end = self.plain_run_end(index);
                    self.unescaped.extend_from_slice(&self.bytes[index..run_end]);
                    index = run_end;
                }
                Some(_) => return Err(DecodeError::at(index, "a control character inside a string")),
                None => return Err(DecodeError::at(start - 1, "a string is not closed")),
            }
        }
    }

    /// The index of the first byte from `from` on that ends a run of plain string bytes: a quote,
    /// a backslash or a control character (or the end of the input).
    fn plain_run_end(&self, from: usize) -> usize {
        from + plain_run_len(self.bytes.get(from..).unwrap_or_default())
    }

    fn number(&mut self) -> Result<(), DecodeError> {
        let start = self.position;
        let negative = self.bytes.get(start) == Some(&b'-');
        let digits_start = start + usize::from(negative);
        let (index, mantissa) = read_digits(self.bytes, digits_start, 0);
        let digit_count = index - digits_start;
        if digit_count == 0 {
            return Err(DecodeError::at(start, "a number needs digits"));
        }
        if digit_count > 1 && self.bytes.get(digits_start) == Some(&b'0') {
            return Err(DecodeError::at(start, "a number cannot start with 0"));
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(index) {
            return self.float(start, index, negative, mantissa, digit_count);
        }
        self.position = index;
        if digit_count <= MAX_U64_DIGITS {
            match (negative, mantissa.checked_sub(1)) {
                (true, Some(magnitude)) => self.tape.negative(magnitude),
                _ => self.tape.unsigned(mantissa),
            }
            return Ok(());
        }
        let magnitude = self.bytes[digits_start..index]
            .iter()
            .try_fold(0u128, |magnitude, digit| {
                magnitude.checked_mul(10)?.checked_add(u128::from(digit - b'0'))
            });
        let integer = magnitude.and_then(|magnitude| {
            if negative {
                0i128.checked_sub_unsigned(magnitude)
            } else {
                i128::try_from(magnitude).ok()
            }
        });
        match integer {
            Some(integer) => self.tape.integer(integer),
            None => self.tape.unreadable(start, "an integer beyond 128 bits"),
        }
        Ok(())
    }

    /// Reads the rest of a number that has a fraction or an exponent, from `index`, after the
    /// `digit_count` digits of its integer part (whose value is `mantissa` when there are few).
    fn float(
        &mut self,
        start: usize,
        mut index: usize,
        negative: bool,
        mut mantissa: u64,
        mut digit_count: usize,
    ) -> Result<(), DecodeError> {
        let mut exponent: i64 = 0;
        if self.bytes.get(index) == Some(&b'.') {
            index += 1;
            let fraction_start = index;
            (index, mantissa) = read_digits(self.bytes, index, mantissa);
            if index == fraction_start {
                return Err(DecodeError::at(index, "a fraction needs digits"));
            }
            digit_count += index - fraction_start;
            exponent = -((index - fraction_start) as i64);
        }
        if let Some(b'e' | b'E') = self.bytes.get(index) {
            index += 1;
            let exponent_negative = self.bytes.get(index) == Some(&b'-');
            if let Some(b'+' | b'-') = self.bytes.get(index) {
                index += 1;
            }
            let exponent_start = index;
            let mut written: i64 = 0;
            while let Some(digit @ b'0'..=b'9') = self.bytes.get(index).copied() {
                // Saturates far beyond any exponent the fast path takes.
                written = (written * 10 + i64::from(digit - b'0')).min(1 << 32);
                index += 1;
            }
            if index == exponent_start {
                return Err(DecodeError::at(index, "an exponent needs digits"));
            }
            exponent += if exponent_negative { -written } else { written };
        }
        self.position = index;
        let float = match exact_float(mantissa, digit_count, exponent) {
            Some(magnitude) if negative => -magnitude,
            Some(magnitude) => magnitude,
            None => {
                // The slice is ASCII by construction.
                let text = std::str::from_utf8(&self.bytes[start..index]).unwrap_or_default();
                text.parse::<f64>()
                    .map_err(|error| DecodeError::at(start, format!("invalid number: {error}")))?
            }
        };
        self.tape.float(float);
        Ok(())
    }
}

/// As [`plain_run_len`], and whether the run may hold bytes beyond ASCII, which only then need
/// checking for UTF-8.
#[inline]
fn scan_plain_run(bytes: &[u8]) -> (usize, bool) {
    const HIGH: u64 = u64::from_ne_bytes([0x80; LANES]);
    let mut chunks = bytes.chunks_exact(LANES);
    let mut len = 0;
    let mut high = 0;
    for chunk in &mut chunks {
        let mut lanes = [0; LANES];
        lanes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(lanes);
        let special = special_bytes(word);
        if special != 0 {
            // The bytes before the first special one, whose high bit is the lowest set.
            let before = (special & special.wrapping_neg()) - 1;
            return (
                len + special.trailing_zeros() as usize / LANES,
                (high | (word & before)) & HIGH != 0,
            );
        }
        high |= word;
        len += LANES;
    }
    let tail = chunks.remainder();
    let run = tail
        .iter()
        .position(|byte| ESCAPES[usize::from(*byte)] != 0)
        .unwrap_or(tail.len());
    (len + run, high & HIGH != 0 || !tail[..run].is_ascii())
}

/// Reads the decimal digits from `index` of `bytes` on, after those whose value is `mantissa`;
/// returns the index after them and the value of them all, which wraps beyond 19 digits, where
/// it is not used. Eight digits at a time where there are as many, as ids have 16.
#[inline]
fn read_digits(bytes: &[u8], mut index: usize, mut mantissa: u64) -> (usize, u64) {
    while let Some(chunk) = bytes.get(index..index + 8) {
        let mut lanes = [0; 8];
        lanes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(lanes);
        // Every byte from 0x30 to 0x39: its high nibble is 3, and adding 6 leaves it 3.
        let all_digits = (word & 0xf0f0_f0f0_f0f0_f0f0)
            | ((word.wrapping_add(0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0) >> 4);
        if all_digits != 0x3333_3333_3333_3333 {
            break;
        }
        mantissa = mantissa
            .wrapping_mul(100_000_000)
            .wrapping_add(eight_digits(word));
        index += 8;
    }
    while let Some(digit @ b'0'..=b'9') = bytes.get(index).copied() {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit - b'0'));
        index += 1;
    }
    (index, mantissa)
}

/// The value of eight ASCII digits, the first in the lowest byte: pairs, then quads, then all
/// eight are combined in parallel lanes of the word.
#[inline]
fn eight_digits(word: u64) -> u64 {
    let digits = word - 0x3030_3030_3030_3030;
    let pairs = (digits.wrapping_mul(10) + (digits >> 8)) & 0x00ff_00ff_00ff_00ff;
    let quads = (pairs.wrapping_mul(100) + (pairs >> 16)) & 0x0000_ffff_0000_ffff;
    (quads.wrapping_mul(10_000) + (quads >> 32)) & 0xffff_ffff
}

/// The most decimal digits whose every value fits a `u64`.
const MAX_U64_DIGITS: usize = 19;

/// The powers of ten an `f64` holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

/// `mantissa * 10^exponent` when both it and the power of ten are exact `f64`s, so that one
/// correctly rounded multiplication or division gives what parsing the text gives (Clinger's
/// fast path), without parsing it again: most floats on the wire have few enough digits.
#[inline]
fn exact_float(mantissa: u64, digit_count: usize, exponent: i64) -> Option<f64> {
    if digit_count > MAX_U64_DIGITS || mantissa > 1 << f64::MANTISSA_DIGITS {
        return None;
    }
    let power = *EXACT_POWERS_OF_TEN.get(usize::try_from(exponent.unsigned_abs()).ok()?)?;
    let mantissa = mantissa as f64;
    Some(if exponent < 0 {
        mantissa / power
    } else {
        mantissa * power
    })
}

/// Decodes the escape at `index` (a backslash) of `bytes` into `out`; returns the index after it,
/// and whether it is a whole character: a lone surrogate is not, and writes nothing.
fn escape(bytes: &[u8], index: usize, out: &mut Vec<u8>) -> Result<(usize, bool), DecodeError> {
    let Some(&letter) = bytes.get(index + 1) else {
        return Err(DecodeError::at(index, "a string is not closed"));
    };
    let simple = match letter {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let (character, next) = unicode_escape(bytes, index)?;
            if let Some(character) = character {
                let mut buffer = [0u8; 4];
                out.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
            }
            return Ok((next, character.is_some()));
        }
        other => {
            return Err(DecodeError::at(
                index,
                format!("invalid escape \\{}", describe(other)),
            ));
        }
    };
    out.push(simple);
    Ok((index + 2, true))
}

/// Decodes `\uXXXX` at `index` of `bytes`, with the low surrogate that must follow a high one;
/// `None` for a lone surrogate, which JavaScript's strings may hold but Unicode text cannot.
fn unicode_escape(bytes: &[u8], index: usize) -> Result<(Option<char>, usize), DecodeError> {
    let high = hex4(bytes, index)?;
    if !(0xd800..0xe000).contains(&high) {
        return Ok((char::from_u32(high), index + 6));
    }
    let low_index = index + 6;
    let low = if high < 0xdc00 && bytes.get(low_index..low_index + 2) == Some(b"\\u") {
        hex4(bytes, low_index)?
    } else {
        0
    };
    if !(0xdc00..0xe000).contains(&low) {
        return Ok((None, index + 6));
    }
    let code = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
    Ok((char::from_u32(code), index + 12))
}

/// Reads the four hex digits of the `\u` escape at `index` of `bytes`.
fn hex4(bytes: &[u8], index: usize) -> Result<u32, DecodeError> {
    let digits = bytes
        .get(index + 2..index + 6)
        .ok_or_else(|| DecodeError::at(index, "a \\u escape needs four hex digits"))?;
    digits.iter().try_fold(0u32, |code, digit| {
        let value = char::from(*digit)
            .to_digit(16)
            .ok_or_else(|| DecodeError::at(index, "a \\u escape needs four hex digits"))?;
        Ok((code << 4) | value)
    })
}

/// Why a binary string is not valid base64: the slower `base64` crate only runs to say what is
/// wrong.
#[cold]
fn base64_problem(encoded: &[u8]) -> String {
    let problem = BASE64
        .decode(encoded)
        .err()
        .map_or_else(|| "not canonical".to_owned(), |error| error.to_string());
    format!("a binary string is not valid base64: {problem}")
}

/// What a `\u` escape of half a surrogate pair is.
const LONE_SURROGATE: &str = "a lone UTF-16 surrogate in a \\u escape";

fn describe(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", char::from(byte))
    } else {
        format!("byte 0x{byte:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tape::Tag;

    /// The tape of `json`, or the error's text (an unreadable value's as a decoding error's).
    fn decode_with(json: &[u8], limits: &DecodeLimits) -> Result<Tape, String> {
        let tape = decode_tape(Bytes::copy_from_slice(json), limits).map_err(|error| error.to_string())?;
        match tape.unreadable() {
            Some(unreadable) => Err(format!("at byte {}: {}", unreadable.offset, unreadable.message)),
            None => Ok(tape),
        }
    }

    fn decode(json: &str) -> Tape {
        decode_with(json.as_bytes(), &DecodeLimits::default())
            .unwrap_or_else(|error| panic!("{json}: {error}"))
    }

    fn error(json: &[u8]) -> String {
        match decode_with(json, &DecodeLimits::default()) {
            Ok(tape) => panic!(
                "{}: decoded {:?}",
                String::from_utf8_lossy(json),
                tape.to_value(0)
            ),
            Err(error) => error,
        }
    }

    /// The tag and value of each node from `first` on, `count` of them.
    fn nodes(tape: &Tape, first: usize, count: usize) -> Vec<(Tag, Value)> {
        (first..first + count)
            .map(|index| (tape.node(index).tag, tape.to_value(index)))
            .collect()
    }

    fn text(text: &str) -> Value {
        Value::String(text.into())
    }

    fn binary(bytes: &[u8]) -> Value {
        Value::Bytes(Bytes::copy_from_slice(bytes))
    }

    #[test]
    fn strings_without_escapes_are_ranges_of_the_input() {
        // Beyond ASCII in the word that holds the closing quote, and after a word of ASCII.
        let tape = decode(r#"["ab","é€","0123456789é","",{"k":"v"}]"#);
        assert_eq!(
            nodes(&tape, 1, 4),
            [
                (Tag::Text, text("ab")),
                (Tag::Text, text("é€")),
                (Tag::Text, text("0123456789é")),
                (Tag::Text, text("")),
            ]
        );
        assert_eq!(
            nodes(&tape, 6, 2),
            [(Tag::Text, text("k")), (Tag::Text, text("v"))]
        );
        assert_eq!(tape.node(1).data, 2, "the offset of the text in the input");
    }

    #[test]
    fn invalid_utf8_is_found_wherever_it_is_in_a_string() {
        let cases: &[(&[u8], &str)] = &[
            (b"[\"\xff\"]", "at byte 2: a string is not valid UTF-8"),
            (b"[\"abcdefgh\xc3(\"]", "at byte 10: a string is not valid UTF-8"),
            // Too close to the end of the input for a whole word.
            (b"\"\xe9\"", "at byte 1: a string is not valid UTF-8"),
            (b"{\"\xff\":1}", "at byte 2: a string is not valid UTF-8"),
            // With an escape, the string is checked once rewritten, from its start.
            (b"[\"\\n\xff\"]", "at byte 2: a string is not valid UTF-8"),
        ];
        for (json, expected) in cases {
            assert_eq!(error(json), *expected, "{}", String::from_utf8_lossy(json));
        }
    }

    #[test]
    fn strings_with_escapes_are_rewritten() {
        let tape = decode(r#"["\nab","ab\n","\u00e9","\"","\ud83d\ude00x",{"k\tey":"\/"}]"#);
        assert_eq!(
            nodes(&tape, 1, 5),
            [
                (Tag::SideText, text("\nab")),
                (Tag::SideText, text("ab\n")),
                (Tag::SideText, text("é")),
                (Tag::SideText, text("\"")),
                (Tag::SideText, text("😀x")),
            ]
        );
        assert_eq!(
            nodes(&tape, 7, 2),
            [(Tag::SideText, text("k\tey")), (Tag::SideText, text("/"))]
        );
    }

    #[test]
    fn only_values_that_start_with_the_binary_prefix_are_binary() {
        let tape = decode(
            r#"{"\u0000AAH/":"\u0000AAH/","a\u0000":"\u0000","\u0000!!":"\u0000AAH\/","b":"a\u0000AAH/"}"#,
        );
        assert_eq!(
            nodes(&tape, 1, 8),
            [
                (Tag::SideText, text("\0AAH/")),
                (Tag::SideBinary, binary(&[0, 1, 0xff])),
                (Tag::SideText, text("a\0")),
                (Tag::SideBinary, binary(&[])),
                (Tag::SideText, text("\0!!")),
                (Tag::SideBinary, binary(&[0, 1, 0xff])),
                (Tag::Text, text("b")),
                (Tag::SideText, text("a\0AAH/")),
            ]
        );
        assert_eq!(
            error(br#"["\u0000AAH\u002f","\u0000AA"]"#),
            "at byte 19: a binary string is not valid base64: Invalid padding"
        );
    }

    #[test]
    fn unicode_escapes_pair_surrogates_or_fail_where_they_start() {
        let cases: &[(&str, &str)] = &[
            (
                r#"["\ude00"]"#,
                "at byte 2: a lone UTF-16 surrogate in a \\u escape",
            ),
            (
                r#"["ab\ud83d\u0041"]"#,
                "at byte 4: a lone UTF-16 surrogate in a \\u escape",
            ),
            (
                r#"["\ud83d"]"#,
                "at byte 2: a lone UTF-16 surrogate in a \\u escape",
            ),
            (
                r#"["\ud83d\ud83d"]"#,
                "at byte 2: a lone UTF-16 surrogate in a \\u escape",
            ),
            (
                r#"["\ud83d\u12"]"#,
                "at byte 8: a \\u escape needs four hex digits",
            ),
            (r#"["\u12"]"#, "at byte 2: a \\u escape needs four hex digits"),
            ("\"\\", "at byte 1: a string is not closed"),
            ("[\"a\\n", "at byte 1: a string is not closed"),
            ("[\"a\u{1}\"]", "at byte 3: a control character inside a string"),
            (
                "[\"a\\n\u{1}\"]",
                "at byte 5: a control character inside a string",
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(error(json.as_bytes()), *expected, "{json}");
        }
    }

    #[test]
    fn nesting_is_limited_to_max_depth_exactly() {
        let limits = DecodeLimits::new(3);
        let at_limit = decode_with(br#"[{"a":[1]},[[2]],{}]"#, &limits).map(|tape| tape.to_value(0));
        assert_eq!(
            at_limit,
            Ok(Value::List(vec![
                Value::Dict([("a", Value::List(vec![Value::Integer(1)]))].into()),
                Value::List(vec![Value::List(vec![Value::Integer(2)])]),
                Value::Dict(Dict::new()),
            ]))
        );
        assert_eq!(
            decode_with(br#"[{"a":[[1]]}]"#, &limits).map(|tape| tape.to_value(0)),
            Err("at byte 7: lists and dicts nest deeper than the limit of 3".to_owned())
        );
        assert_eq!(
            decode_with(b"[1]", &DecodeLimits::new(0)).map(|tape| tape.to_value(0)),
            Err("at byte 0: lists and dicts nest deeper than the limit of 0".to_owned())
        );
    }

    #[test]
    fn integers_are_exact_at_the_edges_of_each_width() {
        let cases: &[(&str, Tag, i128)] = &[
            ("-0", Tag::Unsigned, 0),
            ("-1", Tag::Negative, -1),
            ("12345678", Tag::Unsigned, 12_345_678),
            ("123456789", Tag::Unsigned, 123_456_789),
            ("9223372036854775807", Tag::Unsigned, i64::MAX.into()),
            ("-9223372036854775808", Tag::Negative, i64::MIN.into()),
            ("9999999999999999999", Tag::Unsigned, 9_999_999_999_999_999_999),
            ("10000000000000000000", Tag::Unsigned, 10_000_000_000_000_000_000),
            ("18446744073709551615", Tag::Unsigned, u64::MAX.into()),
            ("18446744073709551616", Tag::Wide, 1 << 64),
            ("-18446744073709551616", Tag::Negative, -(1 << 64)),
            ("-18446744073709551617", Tag::Wide, -(1 << 64) - 1),
            ("170141183460469231731687303715884105727", Tag::Wide, i128::MAX),
            ("-170141183460469231731687303715884105728", Tag::Wide, i128::MIN),
        ];
        for (json, tag, expected) in cases {
            let tape = decode(json);
            assert_eq!(nodes(&tape, 0, 1), [(*tag, Value::Integer(*expected))], "{json}");
        }
        for json in [
            "170141183460469231731687303715884105728",
            "-170141183460469231731687303715884105729",
        ] {
            assert_eq!(error(json.as_bytes()), "at byte 0: an integer beyond 128 bits");
        }
    }

    #[test]
    fn floats_read_as_the_standard_library_reads_them() {
        let floats = [
            "0.0",
            "-0.0",
            "0.1",
            "1.4095842406393382",
            "43.61577550871403",
            "9007199254740993.0",
            "12345678.87654321",
            "1E5",
            "2.5e+3",
            "1e22",
            "1e23",
            "1e-22",
            "1.2345e-23",
            "1.7976931348623157e308",
            "5e-324",
            "1e400",
            "-1e-400",
            "1e99999999999999999999",
            "123456789012345678901234567890.5",
            "0.000000000000000000000000001",
        ];
        for json in floats {
            let tape = decode(json);
            let expected = json
                .parse::<f64>()
                .unwrap_or_else(|error| panic!("{json}: {error}"));
            assert_eq!(tape.node(0).tag, Tag::Float, "{json}");
            assert_eq!(tape.node(0).data, expected.to_bits(), "{json}");
        }
        let cases: &[(&str, &str)] = &[
            ("[1e]", "at byte 3: an exponent needs digits"),
            ("[1.5e+]", "at byte 6: an exponent needs digits"),
            ("[-]", "at byte 1: a number needs digits"),
            ("[-a]", "at byte 1: a number needs digits"),
        ];
        for (json, expected) in cases {
            assert_eq!(error(json.as_bytes()), *expected, "{json}");
        }
    }

    fn encoded(value: &Value) -> String {
        let mut out = Vec::new();
        Writer::new(Output::new(&mut out))
            .write_value(value)
            .expect("JSON encodes every value");
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    /// What `json.dumps(text, ensure_ascii=False)` writes, a character at a time.
    fn python_dumps(text: &str) -> String {
        let mut quoted = String::from('"');
        for character in text.chars() {
            match character {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\u{8}' => quoted.push_str("\\b"),
                '\t' => quoted.push_str("\\t"),
                '\n' => quoted.push_str("\\n"),
                '\u{c}' => quoted.push_str("\\f"),
                '\r' => quoted.push_str("\\r"),
                '\0'..='\u{1f}' => quoted.push_str(&format!("\\u{:04x}", u32::from(character))),
                _ => quoted.push(character),
            }
        }
        quoted.push('"');
        quoted
    }

    #[test]
    fn every_character_is_escaped_as_python_escapes_it_wherever_it_falls() {
        let characters = (0..=0xff_u32)
            .filter_map(char::from_u32)
            .chain(['\u{7ff}', '\u{800}', '€', '\u{ffff}', '😀']);
        for character in characters {
            for len in 0..=2 * SHORT + 2 {
                for at in [0, len / 2, len.saturating_sub(1), len] {
                    let mut text: String = "abcdefgh".chars().cycle().take(len).collect();
                    if at < len {
                        text.replace_range(at..=at, character.encode_utf8(&mut [0; 4]));
                    }
                    assert_eq!(
                        encoded(&Value::String(text.as_str().into())),
                        python_dumps(&text),
                        "{character:?} at {at} of {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn strings_of_quotes_and_controls_alone_are_escaped() {
        for len in 0..=2 * SHORT + 2 {
            for filler in ['"', '\\', '\n', '\u{1}', '\u{1f}', ' ', '\u{7f}', 'é'] {
                let text: String = std::iter::repeat_n(filler, len).collect();
                assert_eq!(
                    encoded(&Value::String(text.as_str().into())),
                    python_dumps(&text),
                    "{filler:?} x {len}"
                );
            }
        }
    }

    #[test]
    fn integers_are_written_in_decimal_at_every_digit_count() {
        let mut integers: Vec<i128> = (0..=1000).collect();
        for digits in 1..=38 {
            let power = 10_i128.pow(digits);
            integers.extend([power - 1, power, power + 1]);
        }
        integers.extend([
            u64::MAX.into(),
            i128::from(u64::MAX) + 1,
            i64::MAX.into(),
            i128::MAX,
        ]);
        for integer in integers {
            for signed in [integer, -integer] {
                assert_eq!(encoded(&Value::Integer(signed)), signed.to_string());
            }
        }
        assert_eq!(encoded(&Value::Integer(i128::MIN)), i128::MIN.to_string());
        assert_eq!(encoded(&Value::Integer(i64::MIN.into())), i64::MIN.to_string());
    }

    /// Through the typed writer's `unsigned` and `signed`, in a list, so that a byte written
    /// past a number's end and not overwritten by the comma or bracket after it would show.
    #[test]
    fn typed_integers_are_written_in_decimal_at_every_digit_count() {
        let mut unsigned: Vec<u64> = (0..=1000).collect();
        for digits in 1..=19 {
            let power = 10_u64.pow(digits);
            unsigned.extend([power - 1, power, power + 1]);
        }
        unsigned.extend([u64::MAX - 1, u64::MAX, 5_512_315_355_012_034]);
        // Every digit in every place, from a simple generator.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..10_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            unsigned.push(state >> (state % 64));
        }
        let mut signed: Vec<i64> = Vec::new();
        for &value in &unsigned {
            if let Ok(value) = i64::try_from(value) {
                signed.extend([value, -value]);
            }
        }
        signed.extend([i64::MIN, i64::MIN + 1, i64::MAX]);
        let mut out = Vec::new();
        let mut writer = Writer::new(Output::new(&mut out));
        let mut expected = String::from("[");
        writer
            .begin_list(unsigned.len() + signed.len())
            .expect("JSON encodes every value");
        for &value in &unsigned {
            writer.unsigned(value).expect("JSON encodes every value");
            expected.push_str(&format!("{value},"));
        }
        for &value in &signed {
            writer.signed(value).expect("JSON encodes every value");
            expected.push_str(&format!("{value},"));
        }
        writer.end_list().expect("JSON encodes every value");
        drop(writer);
        expected.pop();
        expected.push(']');
        assert_eq!(String::from_utf8(out).expect("JSON is UTF-8"), expected);
    }

    #[test]
    fn floats_zmij_writes_as_python_does_are_copied_and_the_others_rewritten() {
        let mut floats = vec![
            0.0,
            -0.0,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            0.1,
            43.61577550871403,
        ];
        for exponent in -330..=310 {
            let power: f64 = format!("1e{exponent}").parse().expect("a float");
            floats.extend([
                power,
                power.next_down(),
                power.next_up(),
                1.5 * power,
                9.5 * power,
            ]);
        }
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        floats.extend((0..100_000).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            f64::from_bits(state)
        }));
        for float in floats.into_iter().filter(|float| float.is_finite()) {
            for signed in [float, -float] {
                let mut copied = Vec::new();
                let mut out = Output::new(&mut copied);
                let end = write_float(&mut out, 0, signed);
                out.commit(end);
                drop(out);
                let mut rewritten = Vec::new();
                let mut out = Output::new(&mut rewritten);
                let end = write_python_repr(&mut out, 0, signed);
                out.commit(end);
                drop(out);
                assert_eq!(
                    String::from_utf8_lossy(&copied),
                    String::from_utf8_lossy(&rewritten)
                );
            }
        }
    }
}
