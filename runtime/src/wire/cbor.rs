//! The CBOR serializer, writing what Python's `cbor2.dumps` writes.
//!
//! Definite lengths, shortest integer heads, float64 for finite floats and half precision for
//! infinities and NaN, byte strings for binary values, bignum tags beyond the 64-bit range.
//! The decoder also reads indefinite lengths, half and single floats, `undefined` (as null) and
//! the self-describe tag; other tags are refused, as their meaning would be lost.

use bytes::Bytes;
use compact_str::CompactString;

use crate::value::{Dict, List, Value};
use crate::wire::Message;
use crate::wire::frame::Binaries;
use crate::wire::input::{Input, decode_in_place, decode_short_message, read_dict_entry};
use crate::wire::message::MessageWriter;
use crate::wire::{DecodeError, DecodeLimits, EncodeError, Source, f16_to_f64};

const UNSIGNED: u8 = 0;
const NEGATIVE: u8 = 1;
const BYTES: u8 = 2;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;

const TAG_POSITIVE_BIGNUM: u64 = 2;
const TAG_NEGATIVE_BIGNUM: u64 = 3;
const TAG_SELF_DESCRIBE: u64 = 55799;

/// The additional-information value that opens an indefinite length item, or closes one.
const INDEFINITE: u8 = 31;
const BREAK: u8 = 0xff;

/// Appends CBOR to a buffer, one message or one value; long binary values go where `binaries`
/// says.
pub(super) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    binaries: Binaries<'a>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>, binaries: Binaries<'a>) -> Writer<'a> {
        Writer { out, binaries }
    }

    pub(super) fn value(&mut self, value: &Value) -> Result<(), EncodeError> {
        match value {
            Value::Null => self.out.push(0xf6),
            Value::Bool(false) => self.out.push(0xf4),
            Value::Bool(true) => self.out.push(0xf5),
            Value::Integer(integer) => self.integer(*integer),
            Value::Float(float) => self.float(*float),
            Value::String(text) => self.text(text),
            Value::Bytes(bytes) => {
                self.head(BYTES, bytes.len() as u64);
                self.binaries.write(self.out, bytes);
            }
            Value::List(list) => self.array(list)?,
            Value::Dict(dict) => self.map(dict)?,
        }
        Ok(())
    }

    #[inline]
    fn head(&mut self, major: u8, argument: u64) {
        let major = major << 5;
        if argument < 24 {
            self.out.push(major | argument as u8);
        } else if let Ok(small) = u8::try_from(argument) {
            self.out.extend_from_slice(&[major | 24, small]);
        } else if let Ok(small) = u16::try_from(argument) {
            self.out.push(major | 25);
            self.out.extend_from_slice(&small.to_be_bytes());
        } else if let Ok(small) = u32::try_from(argument) {
            self.out.push(major | 26);
            self.out.extend_from_slice(&small.to_be_bytes());
        } else {
            self.out.push(major | 27);
            self.out.extend_from_slice(&argument.to_be_bytes());
        }
    }

    fn integer(&mut self, integer: i128) {
        // CBOR stores a negative n as -1 - n, so heads cover -2^64 to 2^64-1.
        let (major, magnitude, bignum_tag) = if integer >= 0 {
            (UNSIGNED, integer.unsigned_abs(), TAG_POSITIVE_BIGNUM)
        } else {
            (NEGATIVE, (-1 - integer).unsigned_abs(), TAG_NEGATIVE_BIGNUM)
        };
        match u64::try_from(magnitude) {
            Ok(argument) => self.head(major, argument),
            Err(_) => {
                let bytes = magnitude.to_be_bytes();
                let first = bytes.iter().position(|byte| *byte != 0).unwrap_or(bytes.len());
                self.head(TAG, bignum_tag);
                self.head(BYTES, (bytes.len() - first) as u64);
                self.out.extend_from_slice(&bytes[first..]);
            }
        }
    }

    fn float(&mut self, float: f64) {
        if float.is_nan() {
            self.out.extend_from_slice(&[0xf9, 0x7e, 0x00]);
        } else if float.is_infinite() {
            let high = if float > 0.0 { 0x7c } else { 0xfc };
            self.out.extend_from_slice(&[0xf9, high, 0x00]);
        } else {
            self.out.push(0xfb);
            self.out.extend_from_slice(&float.to_be_bytes());
        }
    }

    #[inline]
    fn text(&mut self, text: &str) {
        self.head(TEXT, text.len() as u64);
        self.out.extend_from_slice(text.as_bytes());
    }

    fn array(&mut self, list: &List) -> Result<(), EncodeError> {
        self.head(ARRAY, list.len() as u64);
        list.iter().try_for_each(|item| self.value(item))
    }

    fn map(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.head(MAP, dict.len() as u64);
        for (key, value) in dict {
            self.text(key);
            self.value(value)?;
        }
        Ok(())
    }
}

impl MessageWriter for Writer<'_> {
    type Error = EncodeError;

    fn begin(&mut self, len: usize) -> Result<(), EncodeError> {
        self.head(ARRAY, len as u64);
        Ok(())
    }

    fn id(&mut self, id: u64) -> Result<(), EncodeError> {
        self.head(UNSIGNED, id);
        Ok(())
    }

    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.text(text);
        Ok(())
    }

    fn dict(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.map(dict)
    }

    fn list(&mut self, list: &List) -> Result<(), EncodeError> {
        self.array(list)
    }

    fn end(&mut self) -> Result<(), EncodeError> {
        Ok(())
    }
}

/// Decodes one value that must span all of `bytes`.
pub(super) fn decode(source: Source<'_>, limits: &DecodeLimits) -> Result<Value, DecodeError> {
    decode_in_place(source, limits, read_value)
}

/// Decodes a message the fast way, if its array has a length under 24; `None` for the general
/// way.
pub(super) fn decode_message(
    source: Source<'_>,
    limits: &DecodeLimits,
) -> Option<Result<Message, DecodeError>> {
    decode_short_message(source, limits, 0x80..=0x97, 0x1f, read_value)
}

/// The length of an item: a count, or "until a break byte".
enum Length {
    Definite(usize),
    Indefinite,
}

/// Reads a value into `slot`, where it is to live: returning it would move it through a
/// `Result` at every level of nesting, which costs more than reading it.
fn read_value(input: &mut Input<'_>, slot: &mut Value) -> Result<(), DecodeError> {
    let start = input.position();
    let initial = input.byte("a value")?;
    let (major, info) = (initial >> 5, initial & 0x1f);
    *slot = match major {
        UNSIGNED => Value::Integer(i128::from(read_argument(input, info, start)?)),
        NEGATIVE => Value::Integer(-1 - i128::from(read_argument(input, info, start)?)),
        BYTES => Value::Bytes(match read_length(input, info, start)? {
            Length::Definite(len) => input.bytes(len)?,
            Length::Indefinite => Bytes::from(read_chunks(input, BYTES)?),
        }),
        TEXT => Value::String(match read_length(input, info, start)? {
            Length::Definite(len) => input.string(len)?,
            Length::Indefinite => CompactString::from_utf8(read_chunks(input, TEXT)?)
                .map_err(|_| DecodeError::at(start, "a text string is not valid UTF-8"))?,
        }),
        ARRAY => Value::List(read_array(input, info, start)?),
        MAP => Value::Dict(read_map(input, info, start)?),
        TAG => return read_tagged(input, info, start, slot),
        // Major type 7: floats and simple values.
        _ => read_simple(input, info, start)?,
    };
    Ok(())
}

/// Reads the argument that follows an initial byte with additional information `info`.
fn read_argument(input: &mut Input<'_>, info: u8, start: usize) -> Result<u64, DecodeError> {
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

fn read_length(input: &mut Input<'_>, info: u8, start: usize) -> Result<Length, DecodeError> {
    if info == INDEFINITE {
        return Ok(Length::Indefinite);
    }
    let len = read_argument(input, info, start)?;
    usize::try_from(len)
        .map(Length::Definite)
        .map_err(|_| DecodeError::at(start, format!("length {len} does not fit in memory")))
}

/// Joins the chunks of an indefinite length byte or text string, up to its break byte.
fn read_chunks(input: &mut Input<'_>, major: u8) -> Result<Vec<u8>, DecodeError> {
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
        match read_length(input, initial & 0x1f, chunk_start)? {
            Length::Definite(len) => joined.extend_from_slice(input.take(len, "a string chunk")?),
            Length::Indefinite => {
                return Err(DecodeError::at(
                    chunk_start,
                    "indefinite length strings cannot nest",
                ));
            }
        }
    }
}

fn read_array(input: &mut Input<'_>, info: u8, start: usize) -> Result<List, DecodeError> {
    input.enter()?;
    let list = match read_length(input, info, start)? {
        Length::Definite(len) => {
            let mut list = input.list_with_capacity(len, 1)?;
            for _ in 0..len {
                read_element(input, &mut list)?;
            }
            list
        }
        Length::Indefinite => {
            let mut list = List::new();
            while !at_break(input)? {
                read_element(input, &mut list)?;
            }
            list
        }
    };
    input.leave();
    Ok(list)
}

fn read_element(input: &mut Input<'_>, list: &mut List) -> Result<(), DecodeError> {
    list.push(Value::Null);
    match list.last_mut() {
        Some(slot) => read_value(input, slot),
        None => Ok(()),
    }
}

fn read_map(input: &mut Input<'_>, info: u8, start: usize) -> Result<Dict, DecodeError> {
    input.enter()?;
    let mut entries = Vec::new();
    match read_length(input, info, start)? {
        Length::Definite(len) => {
            input.check_count(len, 2, "a map")?;
            entries.reserve_exact(len);
            for _ in 0..len {
                read_entry(input, &mut entries)?;
            }
        }
        Length::Indefinite => {
            while !at_break(input)? {
                read_entry(input, &mut entries)?;
            }
        }
    }
    input.leave();
    Ok(Dict::from_entries(entries))
}

fn read_entry(input: &mut Input<'_>, entries: &mut Vec<(CompactString, Value)>) -> Result<(), DecodeError> {
    read_dict_entry(input, entries, 0x60..=0x77, 0x1f, read_value)
}

/// Consumes the break byte that ends an indefinite length item, if it is next.
fn at_break(input: &mut Input<'_>) -> Result<bool, DecodeError> {
    match input.peek() {
        Some(BREAK) => {
            input.byte("a break")?;
            Ok(true)
        }
        Some(_) => Ok(false),
        None => Err(input.error("the input ends inside an indefinite length item")),
    }
}

fn read_tagged(input: &mut Input<'_>, info: u8, start: usize, slot: &mut Value) -> Result<(), DecodeError> {
    let tag = read_argument(input, info, start)?;
    match tag {
        TAG_SELF_DESCRIBE => read_value(input, slot),
        TAG_POSITIVE_BIGNUM | TAG_NEGATIVE_BIGNUM => {
            let magnitude_start = input.position();
            let mut magnitude = Value::Null;
            read_value(input, &mut magnitude)?;
            let magnitude = match magnitude {
                Value::Bytes(bytes) => bytes,
                other => {
                    return Err(DecodeError::at(
                        magnitude_start,
                        format!("a bignum must be a byte string, got {}", other.kind_name()),
                    ));
                }
            };
            let significant = magnitude.iter().skip_while(|byte| **byte == 0).copied();
            let mut value: u128 = 0;
            for (index, byte) in significant.enumerate() {
                if index == 16 {
                    return Err(DecodeError::at(
                        start,
                        "bignums beyond 128 bits are not supported",
                    ));
                }
                value = (value << 8) | u128::from(byte);
            }
            let value = i128::try_from(value)
                .map_err(|_| DecodeError::at(start, "bignums beyond 128 bits are not supported"))?;
            *slot = Value::Integer(if tag == TAG_POSITIVE_BIGNUM {
                value
            } else {
                -1 - value
            });
            Ok(())
        }
        _ => Err(DecodeError::at(start, format!("CBOR tag {tag} is not supported"))),
    }
}

fn read_simple(input: &mut Input<'_>, info: u8, start: usize) -> Result<Value, DecodeError> {
    match info {
        20 => Ok(Value::Bool(false)),
        21 => Ok(Value::Bool(true)),
        22 | 23 => Ok(Value::Null),
        25 => Ok(Value::Float(f16_to_f64(u16::from_be_bytes(
            input.array("a half float")?,
        )))),
        26 => Ok(Value::Float(f64::from(f32::from_be_bytes(
            input.array("a single float")?,
        )))),
        27 => Ok(Value::Float(f64::from_be_bytes(input.array("a double float")?))),
        INDEFINITE => Err(DecodeError::at(
            start,
            "a break byte outside an indefinite length item",
        )),
        _ => Err(DecodeError::at(
            start,
            format!("CBOR simple value {info} is not supported"),
        )),
    }
}
