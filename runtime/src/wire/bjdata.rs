//! WAMP's "ubjson" serializer, which Crossbar and Autobahn implement with BJData (Binary JData).
//!
//! The encoder writes what Python's `bjdata.dumpb` (0.6.6, default options) writes: little-endian
//! numbers, unsigned markers (`U` `u` `m` `M`) for non-negative integers and signed ones
//! (`i` `I` `l` `L`) for negative, `H` (a decimal string) beyond 64 bits, float64 except zero as
//! float32, one-byte strings as `C`, binary values as the optimized container `[$B#`, and other
//! containers unsized. Subnormal floats, which `bjdata` writes as `H`, are written as float64.
//! The decoder reads sized and typed containers too, except N-dimensional arrays.

use compact_str::CompactString;

use crate::value::{Dict, List, Value};
use crate::wire::Message;
use crate::wire::frame::Binaries;
use crate::wire::input::{Input, decode_message_list, decode_whole};
use crate::wire::message::MessageWriter;
use crate::wire::{DecodeError, DecodeLimits, EncodeError, Source, f16_to_f64};

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
            Value::Null => self.out.push(NULL),
            Value::Bool(false) => self.out.push(FALSE),
            Value::Bool(true) => self.out.push(TRUE),
            Value::Integer(integer) => self.integer(*integer),
            Value::Float(float) => self.float(*float),
            Value::String(text) => self.string(text),
            Value::Bytes(bytes) => {
                self.out
                    .extend_from_slice(&[ARRAY_START, CONTAINER_TYPE, BYTE, CONTAINER_COUNT]);
                self.length(bytes.len());
                self.binaries.write(self.out, bytes);
            }
            Value::List(list) => self.array(list)?,
            Value::Dict(dict) => self.object(dict)?,
        }
        Ok(())
    }

    fn integer(&mut self, integer: i128) {
        if let Ok(unsigned) = u64::try_from(integer) {
            self.unsigned(unsigned);
        } else if let Ok(small) = i8::try_from(integer) {
            self.out.push(INT8);
            self.out.extend_from_slice(&small.to_le_bytes());
        } else if let Ok(small) = i16::try_from(integer) {
            self.out.push(INT16);
            self.out.extend_from_slice(&small.to_le_bytes());
        } else if let Ok(small) = i32::try_from(integer) {
            self.out.push(INT32);
            self.out.extend_from_slice(&small.to_le_bytes());
        } else if let Ok(small) = i64::try_from(integer) {
            self.out.push(INT64);
            self.out.extend_from_slice(&small.to_le_bytes());
        } else {
            let digits = integer.to_string();
            self.out.push(HIGH_PRECISION);
            self.length(digits.len());
            self.out.extend_from_slice(digits.as_bytes());
        }
    }

    #[inline]
    fn unsigned(&mut self, unsigned: u64) {
        if let Ok(small) = u8::try_from(unsigned) {
            self.out.extend_from_slice(&[UINT8, small]);
        } else if let Ok(small) = u16::try_from(unsigned) {
            self.out.push(UINT16);
            self.out.extend_from_slice(&small.to_le_bytes());
        } else if let Ok(small) = u32::try_from(unsigned) {
            self.out.push(UINT32);
            self.out.extend_from_slice(&small.to_le_bytes());
        } else {
            self.out.push(UINT64);
            self.out.extend_from_slice(&unsigned.to_le_bytes());
        }
    }

    #[inline]
    fn length(&mut self, len: usize) {
        self.unsigned(len as u64);
    }

    fn float(&mut self, float: f64) {
        if float == 0.0 {
            // bjdata writes (signed) zero as float32; the cast is exact.
            self.out.push(FLOAT32);
            self.out.extend_from_slice(&(float as f32).to_le_bytes());
        } else {
            self.out.push(FLOAT64);
            self.out.extend_from_slice(&float.to_le_bytes());
        }
    }

    #[inline]
    fn string(&mut self, text: &str) {
        if let [byte] = text.as_bytes() {
            self.out.extend_from_slice(&[CHAR, *byte]);
        } else {
            self.out.push(STRING);
            self.length(text.len());
            self.out.extend_from_slice(text.as_bytes());
        }
    }

    fn array(&mut self, list: &List) -> Result<(), EncodeError> {
        self.out.push(ARRAY_START);
        list.iter().try_for_each(|item| self.value(item))?;
        self.out.push(ARRAY_END);
        Ok(())
    }

    fn object(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.out.push(OBJECT_START);
        for (key, value) in dict {
            self.length(key.len());
            self.out.extend_from_slice(key.as_bytes());
            self.value(value)?;
        }
        self.out.push(OBJECT_END);
        Ok(())
    }
}

impl MessageWriter for Writer<'_> {
    type Error = EncodeError;

    fn begin(&mut self, _len: usize) -> Result<(), EncodeError> {
        self.out.push(ARRAY_START);
        Ok(())
    }

    fn id(&mut self, id: u64) -> Result<(), EncodeError> {
        self.unsigned(id);
        Ok(())
    }

    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.string(text);
        Ok(())
    }

    fn dict(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.object(dict)
    }

    fn list(&mut self, list: &List) -> Result<(), EncodeError> {
        self.array(list)
    }

    fn end(&mut self) -> Result<(), EncodeError> {
        self.out.push(ARRAY_END);
        Ok(())
    }
}

/// Decodes one value that must span all of `bytes`.
pub(super) fn decode(source: Source<'_>, limits: &DecodeLimits) -> Result<Value, DecodeError> {
    decode_whole(source, limits, |input| {
        let start = input.position();
        let marker = input.byte("a value")?;
        read_value(input, marker, start)
    })
}

/// Decodes a message the fast way, if its list is unsized, as encoders write it; `None` for the
/// general way.
pub(super) fn decode_message(
    source: Source<'_>,
    limits: &DecodeLimits,
) -> Option<Result<Message, DecodeError>> {
    let mut input = Input::new(source, limits);
    input.peek().filter(|marker| *marker == ARRAY_START)?;
    input.byte("a message").ok()?;
    if matches!(input.peek(), Some(CONTAINER_TYPE | CONTAINER_COUNT)) {
        return None;
    }
    decode_message_list(input, None, |input, slot| {
        loop {
            let start = input.position();
            match input.byte("a list")? {
                ARRAY_END => return Ok(false),
                NO_OP => {}
                marker => {
                    *slot = read_value(input, marker, start)?;
                    return Ok(true);
                }
            }
        }
    })
}

/// Reads the value that `marker`, read at `start`, opens.
fn read_value(input: &mut Input<'_>, marker: u8, start: usize) -> Result<Value, DecodeError> {
    let value = match marker {
        NULL => Value::Null,
        TRUE => Value::Bool(true),
        FALSE => Value::Bool(false),
        INT8 | UINT8 | INT16 | UINT16 | INT32 | UINT32 | INT64 | UINT64 | BYTE => {
            Value::Integer(read_integer(input, marker, start)?)
        }
        FLOAT16 => Value::Float(f16_to_f64(u16::from_le_bytes(input.array("a float16")?))),
        FLOAT32 => Value::Float(f64::from(f32::from_le_bytes(input.array("a float32")?))),
        FLOAT64 => Value::Float(f64::from_le_bytes(input.array("a float64")?)),
        HIGH_PRECISION => read_high_precision(input)?,
        CHAR => {
            let byte = input.byte("a char")?;
            if !byte.is_ascii() {
                return Err(DecodeError::at(start, "a char must be ASCII"));
            }
            Value::String(std::iter::once(char::from(byte)).collect())
        }
        STRING => {
            let len = read_length(input)?;
            Value::String(input.string(len)?)
        }
        ARRAY_START => read_array(input)?,
        OBJECT_START => read_object(input)?,
        NO_OP => return Err(DecodeError::at(start, "a no-op marker (N) where a value must be")),
        _ => return Err(DecodeError::at(start, unknown_marker(marker))),
    };
    Ok(value)
}

fn unknown_marker(marker: u8) -> String {
    if marker.is_ascii_graphic() {
        format!("unknown marker '{}'", char::from(marker))
    } else {
        format!("unknown marker 0x{marker:02x}")
    }
}

fn read_integer(input: &mut Input<'_>, marker: u8, start: usize) -> Result<i128, DecodeError> {
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
fn read_length(input: &mut Input<'_>) -> Result<usize, DecodeError> {
    let start = input.position();
    let marker = input.byte("a length")?;
    let len = read_integer(input, marker, start)?;
    usize::try_from(len).map_err(|_| DecodeError::at(start, format!("invalid length {len}")))
}

/// Reads a high-precision number, a decimal string: an integer when it is one, else a float.
fn read_high_precision(input: &mut Input<'_>) -> Result<Value, DecodeError> {
    let len = read_length(input)?;
    let start = input.position();
    let digits = input.take(len, "a high-precision number")?;
    let text = std::str::from_utf8(digits)
        .map_err(|_| DecodeError::at(start, "a high-precision number is not ASCII"))?;
    if let Ok(integer) = text.parse::<i128>() {
        return Ok(Value::Integer(integer));
    }
    text.parse::<f64>()
        .map(Value::Float)
        .map_err(|_| DecodeError::at(start, format!("{text:?} is not a number")))
}

/// How a container's elements are laid out, from its `$` and `#` headers.
struct ContainerHeader {
    element_type: Option<u8>,
    count: Option<usize>,
}

fn read_container_header(input: &mut Input<'_>) -> Result<ContainerHeader, DecodeError> {
    let mut header = ContainerHeader {
        element_type: None,
        count: None,
    };
    if input.peek() == Some(CONTAINER_TYPE) {
        input.byte("a container type")?;
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
        input.byte("a container count")?;
        if input.peek() == Some(ARRAY_START) {
            return Err(input.error("N-dimensional arrays are not supported"));
        }
        header.count = Some(read_length(input)?);
    }
    Ok(header)
}

fn read_array(input: &mut Input<'_>) -> Result<Value, DecodeError> {
    input.enter()?;
    let header = read_container_header(input)?;
    let value = match (header.element_type, header.count) {
        (Some(BYTE), Some(count)) => Value::Bytes(input.bytes(count)?),
        (element_type, Some(count)) => {
            let mut list = input.list_with_capacity(count, 1)?;
            for _ in 0..count {
                list.push(read_element(input, element_type)?);
            }
            Value::List(list)
        }
        (_, None) => {
            let list_start = input.scratch.list_start();
            loop {
                let start = input.position();
                match input.byte("a list")? {
                    ARRAY_END => break,
                    NO_OP => {}
                    marker => {
                        let element = read_value(input, marker, start)?;
                        input.scratch.push_value(element);
                    }
                }
            }
            Value::List(input.scratch.take_list(list_start))
        }
    };
    input.leave();
    Ok(value)
}

/// Reads an element of a container, whose marker is either given by the container or next.
fn read_element(input: &mut Input<'_>, element_type: Option<u8>) -> Result<Value, DecodeError> {
    let start = input.position();
    let marker = match element_type {
        Some(marker) => marker,
        None => input.byte("a container element")?,
    };
    read_value(input, marker, start)
}

fn read_object(input: &mut Input<'_>) -> Result<Value, DecodeError> {
    input.enter()?;
    let header = read_container_header(input)?;
    let dict = match header.count {
        Some(count) => {
            input.check_count(count, 2, "a dict")?;
            let mut entries = Vec::with_capacity(count);
            for _ in 0..count {
                let key = read_key(input)?;
                entries.push((key, read_element(input, header.element_type)?));
            }
            Dict::from_entries(entries)
        }
        None => {
            let dict_start = input.scratch.dict_start();
            loop {
                match input.peek() {
                    Some(OBJECT_END) => {
                        input.byte("a dict")?;
                        break;
                    }
                    Some(NO_OP) => {
                        input.byte("a dict")?;
                    }
                    _ => {
                        let key = read_key(input)?;
                        let start = input.position();
                        let marker = input.byte("a dict value")?;
                        let value = read_value(input, marker, start)?;
                        input.scratch.push_entry(key, value);
                    }
                }
            }
            input.scratch.take_dict(dict_start)
        }
    };
    input.leave();
    Ok(Value::Dict(dict))
}

/// Reads a dict key: a length and UTF-8 bytes, without a marker of its own.
fn read_key(input: &mut Input<'_>) -> Result<CompactString, DecodeError> {
    let len = read_length(input)?;
    input.string(len)
}
