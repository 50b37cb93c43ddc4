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
use compact_str::CompactString;

use crate::value::{Dict, List, Value};
use crate::wire::input::{Scratch, utf8};
use crate::wire::message::MessageWriter;
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
pub(super) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// Whether the next message element is the first, which takes no comma.
    first: bool,
}

impl<'a> Writer<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>) -> Writer<'a> {
        Writer { out, first: true }
    }

    pub(super) fn value(&mut self, value: &Value) -> Result<(), EncodeError> {
        match value {
            Value::Null => self.out.extend_from_slice(b"null"),
            Value::Bool(false) => self.out.extend_from_slice(b"false"),
            Value::Bool(true) => self.out.extend_from_slice(b"true"),
            Value::Integer(integer) => write_integer(self.out, *integer),
            Value::Float(float) => write_float(self.out, *float),
            Value::String(text) => write_string(self.out, text),
            Value::Bytes(bytes) => write_bytes(self.out, bytes),
            Value::List(list) => self.array(list)?,
            Value::Dict(dict) => self.object(dict)?,
        }
        Ok(())
    }

    fn array(&mut self, list: &List) -> Result<(), EncodeError> {
        self.out.push(b'[');
        for (index, item) in list.iter().enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            self.value(item)?;
        }
        self.out.push(b']');
        Ok(())
    }

    fn object(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.out.push(b'{');
        for (index, (key, value)) in dict.iter().enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            write_string(self.out, key);
            self.out.push(b':');
            self.value(value)?;
        }
        self.out.push(b'}');
        Ok(())
    }

    fn separate(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.out.push(b',');
        }
    }
}

impl MessageWriter for Writer<'_> {
    type Error = EncodeError;

    fn begin(&mut self, _len: usize) -> Result<(), EncodeError> {
        self.out.push(b'[');
        self.first = true;
        Ok(())
    }

    fn id(&mut self, id: u64) -> Result<(), EncodeError> {
        self.separate();
        write_unsigned(self.out, id);
        Ok(())
    }

    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.separate();
        write_string(self.out, text);
        Ok(())
    }

    fn dict(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.separate();
        self.object(dict)
    }

    fn list(&mut self, list: &List) -> Result<(), EncodeError> {
        self.separate();
        self.array(list)
    }

    fn end(&mut self) -> Result<(), EncodeError> {
        self.out.push(b']');
        Ok(())
    }
}

#[inline]
fn write_unsigned(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

fn write_integer(out: &mut Vec<u8>, integer: i128) {
    if integer < 0 {
        out.push(b'-');
    }
    let magnitude = integer.unsigned_abs();
    match u64::try_from(magnitude) {
        Ok(small) => write_unsigned(out, small),
        Err(_) => out.extend_from_slice(magnitude.to_string().as_bytes()),
    }
}

/// Writes a float as Python's `repr` does: the shortest digits that read back exactly, in
/// positional notation from 1e-4 up to 1e16, else in scientific notation with a signed,
/// at least two-digit exponent.
fn write_float(out: &mut Vec<u8>, float: f64) {
    if float.is_nan() {
        out.extend_from_slice(b"NaN");
        return;
    }
    if float.is_infinite() {
        out.extend_from_slice(if float > 0.0 { b"Infinity" } else { b"-Infinity" });
        return;
    }
    if float.is_sign_negative() {
        out.push(b'-');
    }
    let mut buffer = zmij::Buffer::new();
    let (digits, point) = decimal_digits(buffer.format_finite(float.abs()).as_bytes());
    let digits = digits.as_slice();
    let exponent = point - 1;
    if !(-3..=16).contains(&point) {
        let (first, rest) = digits.split_at(1);
        out.extend_from_slice(first);
        if !rest.is_empty() {
            out.push(b'.');
            out.extend_from_slice(rest);
        }
        out.push(b'e');
        out.push(if exponent < 0 { b'-' } else { b'+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push(b'0');
        }
        write_unsigned(out, u64::from(magnitude));
    } else if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', point.unsigned_abs() as usize));
        out.extend_from_slice(digits);
    } else {
        let point = point as usize;
        if point >= digits.len() {
            out.extend_from_slice(digits);
            out.extend(std::iter::repeat_n(b'0', point - digits.len()));
            out.extend_from_slice(b".0");
        } else {
            let (whole, fraction) = digits.split_at(point);
            out.extend_from_slice(whole);
            out.push(b'.');
            out.extend_from_slice(fraction);
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

#[inline]
fn write_string(out: &mut Vec<u8>, text: &str) {
    let mut bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    loop {
        let (run, rest) = bytes.split_at(plain_run_len(bytes));
        out.extend_from_slice(run);
        let Some((&byte, rest)) = rest.split_first() else {
            break;
        };
        let escape = ESCAPES[usize::from(byte)];
        if escape == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0x0f)]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        bytes = rest;
    }
    out.push(b'"');
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(b"\"\\u0000");
    base64_simd::STANDARD.encode_append(bytes, out);
    out.push(b'"');
}

/// Decodes one value that must span all of `bytes`.
pub(super) fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Value, DecodeError> {
    let mut parser = Parser {
        bytes,
        position: 0,
        depth_left: limits.max_depth,
        max_depth: limits.max_depth,
        scratch: Scratch::reuse(),
    };
    let value = parser.value();
    std::mem::take(&mut parser.scratch).recycle();
    let value = value?;
    parser.skip_whitespace();
    if parser.position < bytes.len() {
        return Err(parser.error("unexpected text after the message"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    position: usize,
    depth_left: usize,
    max_depth: usize,
    /// Where lists and dicts collect their elements.
    scratch: Scratch,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::at(self.position, message)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

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

    fn value(&mut self) -> Result<Value, DecodeError> {
        self.skip_whitespace();
        let Some(byte) = self.peek() else {
            return Err(self.error("the input ends where a value must be"));
        };
        match byte {
            b'"' => self.string_value(),
            b'{' => self.object(),
            b'[' => self.array(),
            b'n' => self.literal("null").map(|()| Value::Null),
            b't' => self.literal("true").map(|()| Value::Bool(true)),
            b'f' => self.literal("false").map(|()| Value::Bool(false)),
            b'N' => self.literal("NaN").map(|()| Value::Float(f64::NAN)),
            b'I' => self.literal("Infinity").map(|()| Value::Float(f64::INFINITY)),
            b'-' if self.bytes.get(self.position + 1) == Some(&b'I') => self
                .literal("-Infinity")
                .map(|()| Value::Float(f64::NEG_INFINITY)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error(format!("unexpected {} where a value must be", describe(byte)))),
        }
    }

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

    fn array(&mut self) -> Result<Value, DecodeError> {
        self.enter()?;
        let list_start = self.scratch.list_start();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.position += 1;
        } else {
            loop {
                let element = self.value()?;
                self.scratch.push_value(element);
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
        Ok(Value::List(self.scratch.take_list(list_start)))
    }

    fn object(&mut self) -> Result<Value, DecodeError> {
        self.enter()?;
        let dict_start = self.scratch.dict_start();
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
                let key = self.string()?;
                self.skip_whitespace();
                match self.peek() {
                    Some(b':') => self.position += 1,
                    Some(other) => {
                        return Err(self.error(format!("expected : after a key, got {}", describe(other))));
                    }
                    None => return Err(self.error("the input ends inside a dict")),
                }
                let value = self.value()?;
                self.scratch.push_entry(key, value);
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
        Ok(Value::Dict(self.scratch.take_dict(dict_start)))
    }

    /// Reads a string whose opening quote is next.
    fn string(&mut self) -> Result<CompactString, DecodeError> {
        let start = self.position + 1;
        let mut index = self.plain_run_end(start);
        if self.bytes.get(index) == Some(&b'"') {
            // No escapes: the string is a slice of the input.
            self.position = index + 1;
            return utf8(&self.bytes[start..index], start);
        }
        let mut unescaped = self.bytes[start..index].to_vec();
        loop {
            match self.bytes.get(index) {
                Some(b'"') => {
                    self.position = index + 1;
                    return CompactString::from_utf8(unescaped)
                        .map_err(|_| DecodeError::at(start, "a string is not valid UTF-8"));
                }
                Some(b'\\') => {
                    index = self.escape(index, &mut unescaped)?;
                    let run_end = self.plain_run_end(index);
                    unescaped.extend_from_slice(&self.bytes[index..run_end]);
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

    /// Reads a string value whose opening quote is next: binary if it starts with the binary
    /// prefix, as Autobahn reads it. Base64 needs no escapes, so binary values are decoded
    /// straight from the input.
    fn string_value(&mut self) -> Result<Value, DecodeError> {
        let start = self.position;
        let prefixed = self.bytes.get(start + 1..start + 7) == Some(b"\\u0000");
        if prefixed {
            // Up to the next quote, which closes the string unless it is escaped: then the
            // backslash before it is not base64, and the string is read as any other.
            let encoded_start = start + 7;
            let rest = self.bytes.get(encoded_start..).unwrap_or_default();
            if let Some(encoded) = memchr::memchr(b'"', rest).and_then(|len| rest.get(..len))
                && let Ok(bytes) = base64_simd::STANDARD.decode_to_vec(encoded)
            {
                self.position = encoded_start + encoded.len() + 1;
                return Ok(Value::Bytes(Bytes::from(bytes)));
            }
        }
        let text = self.string()?;
        match text.strip_prefix(BINARY_PREFIX) {
            Some(encoded) => decode_base64(encoded.as_bytes(), start),
            None => Ok(Value::String(text)),
        }
    }

    /// Decodes the escape at `index` (a backslash) into `out`; returns the index after it.
    fn escape(&self, index: usize, out: &mut Vec<u8>) -> Result<usize, DecodeError> {
        let Some(&letter) = self.bytes.get(index + 1) else {
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
                let (character, next) = self.unicode_escape(index)?;
                let mut buffer = [0u8; 4];
                out.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
                return Ok(next);
            }
            other => {
                return Err(DecodeError::at(
                    index,
                    format!("invalid escape \\{}", describe(other)),
                ));
            }
        };
        out.push(simple);
        Ok(index + 2)
    }

    /// Decodes `\uXXXX` at `index`, with the low surrogate that must follow a high one.
    fn unicode_escape(&self, index: usize) -> Result<(char, usize), DecodeError> {
        let high = self.hex4(index)?;
        if !(0xd800..0xe000).contains(&high) {
            return Ok((
                char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER),
                index + 6,
            ));
        }
        let low_index = index + 6;
        let low = if high < 0xdc00 && self.bytes.get(low_index..low_index + 2) == Some(b"\\u") {
            self.hex4(low_index)?
        } else {
            0
        };
        if !(0xdc00..0xe000).contains(&low) {
            return Err(DecodeError::at(index, "a lone UTF-16 surrogate in a \\u escape"));
        }
        let code = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
        Ok((
            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
            index + 12,
        ))
    }

    /// Reads the four hex digits of the `\u` escape at `index`.
    fn hex4(&self, index: usize) -> Result<u32, DecodeError> {
        let digits = self
            .bytes
            .get(index + 2..index + 6)
            .ok_or_else(|| DecodeError::at(index, "a \\u escape needs four hex digits"))?;
        digits.iter().try_fold(0u32, |code, digit| {
            let value = char::from(*digit)
                .to_digit(16)
                .ok_or_else(|| DecodeError::at(index, "a \\u escape needs four hex digits"))?;
            Ok((code << 4) | value)
        })
    }

    fn number(&mut self) -> Result<Value, DecodeError> {
        let start = self.position;
        let mut index = start;
        let negative = self.bytes.get(index) == Some(&b'-');
        if negative {
            index += 1;
        }
        let digits_start = index;
        let mut magnitude: u128 = 0;
        let mut overflow = false;
        while let Some(digit @ b'0'..=b'9') = self.bytes.get(index).copied() {
            match magnitude
                .checked_mul(10)
                .and_then(|value| value.checked_add(u128::from(digit - b'0')))
            {
                Some(value) => magnitude = value,
                None => overflow = true,
            }
            index += 1;
        }
        let digit_count = index - digits_start;
        if digit_count == 0 {
            return Err(DecodeError::at(start, "a number needs digits"));
        }
        if digit_count > 1 && self.bytes.get(digits_start) == Some(&b'0') {
            return Err(DecodeError::at(start, "a number cannot start with 0"));
        }
        let mut is_float = false;
        if self.bytes.get(index) == Some(&b'.') {
            is_float = true;
            index += 1;
            index = self.digits(index, "a fraction needs digits")?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(index) {
            is_float = true;
            index += 1;
            if let Some(b'+' | b'-') = self.bytes.get(index) {
                index += 1;
            }
            index = self.digits(index, "an exponent needs digits")?;
        }
        self.position = index;
        let text = &self.bytes[start..index];
        if is_float {
            // The slice is ASCII by construction.
            let text = std::str::from_utf8(text).unwrap_or_default();
            return text
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|error| DecodeError::at(start, format!("invalid number: {error}")));
        }
        let integer = if overflow {
            None
        } else if negative {
            0i128.checked_sub_unsigned(magnitude)
        } else {
            i128::try_from(magnitude).ok()
        };
        integer
            .map(Value::Integer)
            .ok_or_else(|| DecodeError::at(start, "an integer beyond 128 bits"))
    }

    /// Skips one or more digits from `index`; returns the index after them.
    fn digits(&self, mut index: usize, missing: &str) -> Result<usize, DecodeError> {
        let start = index;
        while let Some(b'0'..=b'9') = self.bytes.get(index) {
            index += 1;
        }
        if index == start {
            return Err(DecodeError::at(index, missing));
        }
        Ok(index)
    }
}

/// Decodes a binary string; the slower `base64` crate only runs to say what is wrong.
fn decode_base64(encoded: &[u8], start: usize) -> Result<Value, DecodeError> {
    match base64_simd::STANDARD.decode_to_vec(encoded) {
        Ok(bytes) => Ok(Value::Bytes(Bytes::from(bytes))),
        Err(_) => {
            let problem = BASE64
                .decode(encoded)
                .err()
                .map_or_else(|| "not canonical".to_owned(), |error| error.to_string());
            Err(DecodeError::at(
                start,
                format!("a binary string is not valid base64: {problem}"),
            ))
        }
    }
}

fn describe(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", char::from(byte))
    } else {
        format!("byte 0x{byte:02x}")
    }
}
