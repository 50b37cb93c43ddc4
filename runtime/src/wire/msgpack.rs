//! The MessagePack serializer, writing what Python's `msgpack.packb(use_bin_type=True)` writes.
//!
//! Integers take the smallest format (unsigned formats for non-negative values), floats are
//! always float64, binary values are `bin`. The decoder also reads float32 and refuses
//! extension types, which no WAMP peer sends.

use crate::value::{Dict, List, Value};
use crate::wire::Message;
use crate::wire::frame::Binaries;
use crate::wire::input::{Input, decode_in_place, decode_short_message, read_dict_entry};
use crate::wire::message::MessageWriter;
use crate::wire::{DecodeError, DecodeLimits, EncodeError, Source};

/// Appends MessagePack to a buffer, one message or one value; long binary values go where `binaries`
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
            Value::Null => self.out.push(0xc0),
            Value::Bool(false) => self.out.push(0xc2),
            Value::Bool(true) => self.out.push(0xc3),
            Value::Integer(integer) => self.integer(*integer)?,
            Value::Float(float) => {
                self.out.push(0xcb);
                self.out.extend_from_slice(&float.to_be_bytes());
            }
            Value::String(text) => self.string(text)?,
            Value::Bytes(bytes) => {
                self.header(bytes.len(), [0xc4, 0xc5, 0xc6])?;
                self.binaries.write(self.out, bytes);
            }
            Value::List(list) => self.list_values(list)?,
            Value::Dict(dict) => self.dict_entries(dict)?,
        }
        Ok(())
    }

    fn integer(&mut self, integer: i128) -> Result<(), EncodeError> {
        if let Ok(unsigned) = u64::try_from(integer) {
            self.unsigned(unsigned);
        } else if let Ok(signed) = i64::try_from(integer) {
            if signed >= -32 {
                // Negative fixint: the byte is the two's complement value.
                self.out.push(signed as u8);
            } else if let Ok(small) = i8::try_from(signed) {
                self.out.push(0xd0);
                self.out.extend_from_slice(&small.to_be_bytes());
            } else if let Ok(small) = i16::try_from(signed) {
                self.out.push(0xd1);
                self.out.extend_from_slice(&small.to_be_bytes());
            } else if let Ok(small) = i32::try_from(signed) {
                self.out.push(0xd2);
                self.out.extend_from_slice(&small.to_be_bytes());
            } else {
                self.out.push(0xd3);
                self.out.extend_from_slice(&signed.to_be_bytes());
            }
        } else {
            return Err(EncodeError::new(format!(
                "MessagePack integers range from -2^63 to 2^64-1, got {integer}"
            )));
        }
        Ok(())
    }

    #[inline]
    fn unsigned(&mut self, unsigned: u64) {
        if unsigned < 0x80 {
            self.out.push(unsigned as u8);
        } else if let Ok(small) = u8::try_from(unsigned) {
            self.out.extend_from_slice(&[0xcc, small]);
        } else if let Ok(small) = u16::try_from(unsigned) {
            self.out.push(0xcd);
            self.out.extend_from_slice(&small.to_be_bytes());
        } else if let Ok(small) = u32::try_from(unsigned) {
            self.out.push(0xce);
            self.out.extend_from_slice(&small.to_be_bytes());
        } else {
            self.out.push(0xcf);
            self.out.extend_from_slice(&unsigned.to_be_bytes());
        }
    }

    #[inline]
    fn string(&mut self, text: &str) -> Result<(), EncodeError> {
        match u8::try_from(text.len()) {
            Ok(len @ 0..32) => self.out.push(0xa0 | len),
            _ => self.header(text.len(), [0xd9, 0xda, 0xdb])?,
        }
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// Writes the length header of the 8-, 16- or 32-bit format (a `0` in `formats` means
    /// there is no 8-bit format), for lengths too long for a fix format.
    fn header(&mut self, len: usize, formats: [u8; 3]) -> Result<(), EncodeError> {
        if let (Ok(small), true) = (u8::try_from(len), formats[0] != 0) {
            self.out.extend_from_slice(&[formats[0], small]);
        } else if let Ok(small) = u16::try_from(len) {
            self.out.push(formats[1]);
            self.out.extend_from_slice(&small.to_be_bytes());
        } else if let Ok(large) = u32::try_from(len) {
            self.out.push(formats[2]);
            self.out.extend_from_slice(&large.to_be_bytes());
        } else {
            return Err(EncodeError::new(format!(
                "MessagePack lengths stop at 2^32-1, got {len}"
            )));
        }
        Ok(())
    }

    #[inline]
    fn list_header(&mut self, len: usize) -> Result<(), EncodeError> {
        match u8::try_from(len) {
            Ok(len @ 0..16) => {
                self.out.push(0x90 | len);
                Ok(())
            }
            _ => self.header(len, [0, 0xdc, 0xdd]),
        }
    }

    #[inline]
    fn dict_header(&mut self, len: usize) -> Result<(), EncodeError> {
        match u8::try_from(len) {
            Ok(len @ 0..16) => {
                self.out.push(0x80 | len);
                Ok(())
            }
            _ => self.header(len, [0, 0xde, 0xdf]),
        }
    }

    fn list_values(&mut self, list: &List) -> Result<(), EncodeError> {
        self.list_header(list.len())?;
        list.iter().try_for_each(|item| self.value(item))
    }

    fn dict_entries(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.dict_header(dict.len())?;
        for (key, value) in dict {
            self.string(key)?;
            self.value(value)?;
        }
        Ok(())
    }
}

impl MessageWriter for Writer<'_> {
    type Error = EncodeError;

    fn begin(&mut self, len: usize) -> Result<(), EncodeError> {
        self.list_header(len)
    }

    fn id(&mut self, id: u64) -> Result<(), EncodeError> {
        self.unsigned(id);
        Ok(())
    }

    fn str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.string(text)
    }

    fn dict(&mut self, dict: &Dict) -> Result<(), EncodeError> {
        self.dict_entries(dict)
    }

    fn list(&mut self, list: &List) -> Result<(), EncodeError> {
        self.list_values(list)
    }

    fn end(&mut self) -> Result<(), EncodeError> {
        Ok(())
    }
}

/// Decodes one value that must span all of `bytes`.
pub(super) fn decode(source: Source<'_>, limits: &DecodeLimits) -> Result<Value, DecodeError> {
    decode_in_place(source, limits, read_value)
}

/// Decodes a message the fast way, if its list is a fixarray; `None` for the general way.
pub(super) fn decode_message(
    source: Source<'_>,
    limits: &DecodeLimits,
) -> Option<Result<Message, DecodeError>> {
    decode_short_message(source, limits, 0x90..=0x9f, 0x0f, read_value)
}

/// Reads a value into `slot`, where it is to live: returning it would move it through a
/// `Result` at every level of nesting, which costs more than reading it.
fn read_value(input: &mut Input<'_>, slot: &mut Value) -> Result<(), DecodeError> {
    let start = input.position();
    let marker = input.byte("a value")?;
    *slot = match marker {
        0x00..=0x7f => Value::Integer(i128::from(marker)),
        0x80..=0x8f => Value::Dict(read_dict(input, usize::from(marker & 0x0f))?),
        0x90..=0x9f => Value::List(read_list(input, usize::from(marker & 0x0f))?),
        0xa0..=0xbf => Value::String(input.string(usize::from(marker & 0x1f))?),
        0xc0 => Value::Null,
        0xc2 => Value::Bool(false),
        0xc3 => Value::Bool(true),
        0xc4 => {
            let len = read_len::<1>(input)?;
            Value::Bytes(input.bytes(len)?)
        }
        0xc5 => {
            let len = read_len::<2>(input)?;
            Value::Bytes(input.bytes(len)?)
        }
        0xc6 => {
            let len = read_len::<4>(input)?;
            Value::Bytes(input.bytes(len)?)
        }
        0xca => Value::Float(f64::from(f32::from_be_bytes(input.array("a float32")?))),
        0xcb => Value::Float(f64::from_be_bytes(input.array("a float64")?)),
        0xcc => Value::Integer(i128::from(u8::from_be_bytes(input.array("a uint8")?))),
        0xcd => Value::Integer(i128::from(u16::from_be_bytes(input.array("a uint16")?))),
        0xce => Value::Integer(i128::from(u32::from_be_bytes(input.array("a uint32")?))),
        0xcf => Value::Integer(i128::from(u64::from_be_bytes(input.array("a uint64")?))),
        0xd0 => Value::Integer(i128::from(i8::from_be_bytes(input.array("an int8")?))),
        0xd1 => Value::Integer(i128::from(i16::from_be_bytes(input.array("an int16")?))),
        0xd2 => Value::Integer(i128::from(i32::from_be_bytes(input.array("an int32")?))),
        0xd3 => Value::Integer(i128::from(i64::from_be_bytes(input.array("an int64")?))),
        0xd9 => {
            let len = read_len::<1>(input)?;
            Value::String(input.string(len)?)
        }
        0xda => {
            let len = read_len::<2>(input)?;
            Value::String(input.string(len)?)
        }
        0xdb => {
            let len = read_len::<4>(input)?;
            Value::String(input.string(len)?)
        }
        0xdc => {
            let len = read_len::<2>(input)?;
            Value::List(read_list(input, len)?)
        }
        0xdd => {
            let len = read_len::<4>(input)?;
            Value::List(read_list(input, len)?)
        }
        0xde => {
            let len = read_len::<2>(input)?;
            Value::Dict(read_dict(input, len)?)
        }
        0xdf => {
            let len = read_len::<4>(input)?;
            Value::Dict(read_dict(input, len)?)
        }
        0xe0..=0xff => Value::Integer(i128::from(marker as i8)),
        0xc7..=0xc9 | 0xd4..=0xd8 => {
            return Err(DecodeError::at(
                start,
                format!("MessagePack extension types are not supported (marker 0x{marker:02x})"),
            ));
        }
        0xc1 => return Err(DecodeError::at(start, "0xc1 is not a MessagePack marker")),
    };
    Ok(())
}

/// Reads an `N`-byte big-endian length.
fn read_len<const N: usize>(input: &mut Input<'_>) -> Result<usize, DecodeError> {
    let bytes: [u8; N] = input.array("a length")?;
    let len = bytes.iter().fold(0u64, |len, byte| (len << 8) | u64::from(*byte));
    usize::try_from(len).map_err(|_| input.error(format!("length {len} does not fit in memory")))
}

fn read_list(input: &mut Input<'_>, len: usize) -> Result<List, DecodeError> {
    input.enter()?;
    let mut list = input.list_with_capacity(len, 1)?;
    for _ in 0..len {
        list.push(Value::Null);
        if let Some(slot) = list.last_mut() {
            read_value(input, slot)?;
        }
    }
    input.leave();
    Ok(list)
}

fn read_dict(input: &mut Input<'_>, len: usize) -> Result<Dict, DecodeError> {
    input.enter()?;
    input.check_count(len, 2, "a dict")?;
    let mut entries = Vec::with_capacity(len);
    for _ in 0..len {
        read_dict_entry(input, &mut entries, 0xa0..=0xbf, 0x1f, read_value)?;
    }
    input.leave();
    Ok(Dict::from_entries(entries))
}
