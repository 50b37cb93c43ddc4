//! The WAMP wire layer, sans I/O: messages and the four serializers Crossbar speaks.
//!
//! [`Serializer::encode`] turns a [`Message`] into the bytes of one WebSocket message or
//! RawSocket frame, [`Serializer::encode_frame`] into a [`Frame`] that shares its long binary
//! values instead of copying them; [`Serializer::decode`] reads them back: a message's fixed
//! fields into the [`Message`], its payload onto a tape over the received bytes (`tape`), which
//! [`crate::FromPayload`] reads from. Generated types are written without a tree of values in
//! between, through the [`ValueWriter`] every serializer implements.
//! Encoders choose the representations Autobahn|Python chooses (smallest integer formats, how
//! binary values travel), so that a message whose dicts Python keeps in sorted key order is
//! encoded byte for byte as Autobahn encodes it. Decoders take untrusted input: they never panic,
//! bound nesting by [`DecodeLimits`], and check every length prefix against the bytes left
//! before allocating for it.

pub(crate) mod bjdata;
pub(crate) mod cbor;
mod frame;
mod input;
pub(crate) mod json;
mod message;
pub(crate) mod msgpack;
mod output;

use std::fmt;

use bytes::Bytes;
use frame::Binaries;
pub use frame::{Chunks, Frame};
pub use message::{Message, MessageType};
use output::{Output, WriteAt as _};

use crate::data::tape::{self, Tape};
use crate::data::value::Value;
pub use crate::data::write::ValueWriter;
pub use crate::error::EncodeError;

/// A WAMP serializer: how messages become bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Serializer {
    /// JSON; binary values travel as strings `"\u0000" + base64`.
    Json,
    /// MessagePack; binary values as `bin`.
    MsgPack,
    /// CBOR; binary values as byte strings.
    Cbor,
    /// What WAMP calls "ubjson": in Crossbar and Autobahn, BJData (little-endian UBJSON).
    UbJson,
}

impl Serializer {
    /// Every serializer, in RawSocket id order.
    pub const ALL: [Serializer; 4] = [
        Serializer::Json,
        Serializer::MsgPack,
        Serializer::Cbor,
        Serializer::UbJson,
    ];

    /// The WebSocket subprotocol (`"wamp.2.json"`).
    pub fn subprotocol(self) -> &'static str {
        match self {
            Serializer::Json => "wamp.2.json",
            Serializer::MsgPack => "wamp.2.msgpack",
            Serializer::Cbor => "wamp.2.cbor",
            Serializer::UbJson => "wamp.2.ubjson",
        }
    }

    /// The serializer of a WebSocket subprotocol, if it is one of these.
    pub fn from_subprotocol(subprotocol: &str) -> Option<Serializer> {
        Serializer::ALL
            .into_iter()
            .find(|serializer| serializer.subprotocol() == subprotocol)
    }

    /// The serializer id of the RawSocket handshake (1 to 4).
    pub fn rawsocket_id(self) -> u8 {
        match self {
            Serializer::Json => 1,
            Serializer::MsgPack => 2,
            Serializer::Cbor => 3,
            Serializer::UbJson => 4,
        }
    }

    /// The serializer of a RawSocket handshake id, if it is one of these.
    pub fn from_rawsocket_id(id: u8) -> Option<Serializer> {
        Serializer::ALL
            .into_iter()
            .find(|serializer| serializer.rawsocket_id() == id)
    }

    /// Whether WebSocket messages are binary (all but JSON, which travels as text).
    pub fn is_binary(self) -> bool {
        self != Serializer::Json
    }

    /// The short name Crossbar's configuration uses (`"json"`, `"msgpack"`, `"cbor"`, `"ubjson"`).
    pub fn name(self) -> &'static str {
        match self {
            Serializer::Json => "json",
            Serializer::MsgPack => "msgpack",
            Serializer::Cbor => "cbor",
            Serializer::UbJson => "ubjson",
        }
    }

    /// Encodes a message into a new buffer.
    pub fn encode(self, message: &Message) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode_into(message, &mut out)?;
        Ok(out)
    }

    /// Appends the encoding of a message to `out` (which callers may reuse between messages).
    ///
    /// On error, `out` may hold a partial encoding after its original contents.
    pub fn encode_into(self, message: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.write_message(message, Output::new(out), Binaries::COPIED)
    }

    /// Encodes a message into a new [`Frame`], which shares the message's long binary values.
    pub fn encode_frame(self, message: &Message) -> Result<Frame, EncodeError> {
        let mut frame = Frame::new();
        self.encode_frame_into(message, &mut frame)?;
        Ok(frame)
    }

    /// Appends the encoding of a message to `frame` (which callers may reuse between messages,
    /// after [`Frame::clear`]). The binary serializers splice binary values of 512 bytes and
    /// more into it; JSON, which writes them in base64, copies everything.
    ///
    /// On error, `frame` may hold a partial encoding after its original contents.
    pub fn encode_frame_into(self, message: &Message, frame: &mut Frame) -> Result<(), EncodeError> {
        let (out, binaries) = frame.output();
        self.write_message(message, out, binaries)
    }

    fn write_message(
        self,
        message: &Message,
        out: Output<'_>,
        binaries: Binaries<'_>,
    ) -> Result<(), EncodeError> {
        match self {
            Serializer::Json => message.write_to(&mut json::Writer::new(out)),
            Serializer::MsgPack => message.write_to(&mut msgpack::Writer::new(out, binaries)),
            Serializer::Cbor => message.write_to(&mut cbor::Writer::new(out, binaries)),
            Serializer::UbJson => message.write_to(&mut bjdata::Writer::new(out, binaries)),
        }
    }

    /// Decodes one message, with the default [`DecodeLimits`].
    pub fn decode(self, bytes: &[u8]) -> Result<Message, DecodeError> {
        self.decode_with(bytes, &DecodeLimits::default())
    }

    /// Decodes one message.
    pub fn decode_with(self, bytes: &[u8], limits: &DecodeLimits) -> Result<Message, DecodeError> {
        self.decode_message(Source::Borrowed(bytes), limits)
    }

    /// Decodes one message from a shared buffer, which its long binary values then share
    /// instead of copying them.
    pub fn decode_shared_with(self, bytes: &Bytes, limits: &DecodeLimits) -> Result<Message, DecodeError> {
        self.decode_message(Source::Shared(bytes), limits)
    }

    fn decode_message(self, source: Source<'_>, limits: &DecodeLimits) -> Result<Message, DecodeError> {
        Message::from_tape(self.decode_tape(source, limits)?)
    }

    /// Appends the encoding of one value on its own, as this serializer writes it inside messages.
    pub fn encode_value(self, value: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Serializer::Json => json::Writer::new(Output::new(out)).write_value(value),
            Serializer::MsgPack => {
                msgpack::Writer::new(Output::new(out), Binaries::COPIED).write_value(value)
            }
            Serializer::Cbor => cbor::Writer::new(Output::new(out), Binaries::COPIED).write_value(value),
            Serializer::UbJson => bjdata::Writer::new(Output::new(out), Binaries::COPIED).write_value(value),
        }
    }

    /// Decodes one value that must span all of `bytes`; a value inside it that the serializer
    /// can carry but a [`Value`] cannot is an error here.
    pub fn decode_value_with(self, bytes: &[u8], limits: &DecodeLimits) -> Result<Value, DecodeError> {
        let tape = self.decode_tape(Source::Borrowed(bytes), limits)?;
        match tape.unreadable() {
            Some(unreadable) => Err(DecodeError::at(unreadable.offset, unreadable.message.as_str())),
            None => Ok(tape.to_value(0)),
        }
    }

    fn decode_tape(self, source: Source<'_>, limits: &DecodeLimits) -> Result<Tape, DecodeError> {
        let source = source.shared();
        if source.len() > tape::MAX_SOURCE_LEN {
            return Err(DecodeError::message(format!(
                "messages stop at {} bytes, got {}",
                tape::MAX_SOURCE_LEN,
                source.len()
            )));
        }
        match self {
            Serializer::Json => json::decode_tape(source, limits),
            Serializer::MsgPack => msgpack::decode_tape(source, limits),
            Serializer::Cbor => cbor::decode_tape(source, limits),
            Serializer::UbJson => bjdata::decode_tape(source, limits),
        }
    }
}

/// The input of a decoder.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// Bytes that decoded values must copy from.
    Borrowed(&'a [u8]),
    /// A reference-counted buffer that decoded binary values may share.
    Shared(&'a Bytes),
}

impl Source<'_> {
    /// The input as a shared buffer, which a tape's texts and binary values are ranges of:
    /// borrowed bytes are copied once.
    fn shared(self) -> Bytes {
        match self {
            Source::Borrowed(bytes) => Bytes::copy_from_slice(bytes),
            Source::Shared(buffer) => buffer.clone(),
        }
    }
}

impl fmt::Display for Serializer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Bounds a decoder enforces on untrusted input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeLimits {
    /// How deeply lists and dicts may nest; the message list itself is depth 1.
    pub max_depth: usize,
}

impl DecodeLimits {
    /// Limits allowing lists and dicts to nest `max_depth` deep.
    pub fn new(max_depth: usize) -> DecodeLimits {
        DecodeLimits { max_depth }
    }
}

impl Default for DecodeLimits {
    fn default() -> DecodeLimits {
        DecodeLimits { max_depth: 64 }
    }
}

/// Bytes that are not a valid WAMP message for the serializer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Boxed so that a decoder's `Result<Value, DecodeError>` is no larger than a `Value`:
    /// results are moved at every level of nesting, errors are rare.
    problem: Box<Problem>,
}

/// What a [`DecodeError`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    offset: Option<usize>,
    message: String,
}

impl DecodeError {
    /// An error in the encoding itself, at a byte offset of the input.
    #[cold]
    pub(crate) fn at(offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError {
            problem: Box::new(Problem {
                offset: Some(offset),
                message: message.into(),
            }),
        }
    }

    /// An error in the decoded message's structure (arity, field types, message code).
    #[cold]
    pub(crate) fn message(message: impl Into<String>) -> DecodeError {
        DecodeError {
            problem: Box::new(Problem {
                offset: None,
                message: message.into(),
            }),
        }
    }

    /// The byte offset of the problem, for errors in the encoding itself.
    pub fn offset(&self) -> Option<usize> {
        self.problem.offset
    }

    /// What is wrong, without the offset.
    pub fn problem(&self) -> &str {
        &self.problem.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem.offset {
            Some(offset) => write!(f, "at byte {offset}: {}", self.problem.message),
            None => f.write_str(&self.problem.message),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Converts an IEEE 754 half-precision float, exactly.
fn f16_to_f64(half: u16) -> f64 {
    let sign = if half & 0x8000 == 0 { 1.0 } else { -1.0 };
    let exponent = i32::from((half >> 10) & 0x1f);
    let mantissa = f64::from(half & 0x03ff);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + mantissa) * 2f64.powi(exponent - 25),
    };
    sign * magnitude
}
