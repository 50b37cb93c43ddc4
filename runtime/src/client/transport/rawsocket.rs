//! WAMP RawSocket as the client speaks it: the handshake and the frames.

use std::io;

use super::{
    ByteWriter, Connection, FrameReader, Framing, RawFrame, ReadProtocol, TransportConfig, caused, payload,
    protocol_error, transport_error,
};
use crate::error::Error;
use crate::wire::{self};

/// The largest RawSocket frame length the 3-byte length field can express.
pub(super) const RAWSOCKET_MAX_FRAME: usize = (1 << 24) - 1;

/// Appends one RawSocket frame, header and payload.
pub(super) fn append_rawsocket_frame(
    buffer: &mut Vec<u8>,
    kind: u8,
    payload: &wire::Frame,
) -> Result<(), Error> {
    let length = u32::try_from(payload.len())
        .ok()
        .filter(|length| *length as usize <= RAWSOCKET_MAX_FRAME)
        .ok_or_else(|| {
            transport_error(format!(
                "a frame of {} bytes exceeds RawSocket's limit",
                payload.len()
            ))
        })?;
    let [_, length_high, length_mid, length_low] = length.to_be_bytes();
    buffer.reserve(4 + payload.len());
    buffer.extend_from_slice(&[kind, length_high, length_mid, length_low]);
    payload.chunks().for_each(|chunk| buffer.extend_from_slice(chunk));
    Ok(())
}

/// The RawSocket handshake: the client's maximum length and serializer, then the router's.
pub(super) async fn rawsocket_handshake(
    mut reader: FrameReader,
    mut writer: ByteWriter,
    config: &TransportConfig,
) -> Result<Connection, Error> {
    let our_exponent = rawsocket_length_exponent(config.max_message_size);
    let serializer_id = config.serializer.rawsocket_id();
    let handshake = [0x7F, (our_exponent << 4) | serializer_id, 0, 0];
    let io_error = |error: io::Error| caused(format!("RawSocket handshake failed: {error}"), error);
    writer.write_all(&handshake).await.map_err(io_error)?;
    while reader.buffer.len() < 4 {
        if reader
            .stream
            .read_buf(&mut reader.buffer)
            .await
            .map_err(io_error)?
            == 0
        {
            return Err(transport_error(
                "RawSocket handshake failed: the router closed the connection".to_owned(),
            ));
        }
    }
    let reply = reader.buffer.first_chunk::<4>().copied().unwrap_or_default();
    // Frames the router sent right behind its reply stay for the reader.
    reader.buffer.drain(..4);
    let router_max = check_rawsocket_reply(reply, serializer_id)?;
    reader.protocol = ReadProtocol::RawSocket {
        max_length: rawsocket_max_length(our_exponent).min(config.max_message_size),
    };
    Ok(Connection {
        reader,
        writer,
        framing: Framing::RawSocket,
        max_outgoing_size: Some(router_max),
        answers_pings: false,
    })
}

pub(super) fn rawsocket_length_exponent(max_message_size: usize) -> u8 {
    (0..15)
        .find(|exponent| rawsocket_max_length(*exponent) >= max_message_size)
        .unwrap_or(15)
}

pub(super) fn rawsocket_max_length(exponent: u8) -> usize {
    (1usize << (9 + u32::from(exponent))).min(RAWSOCKET_MAX_FRAME)
}

/// Checks the router's handshake reply; returns the largest frame the router accepts.
pub(super) fn check_rawsocket_reply(reply: [u8; 4], serializer_id: u8) -> Result<usize, Error> {
    let [magic, negotiated, reserved_high, reserved_low] = reply;
    if magic != 0x7F {
        return Err(transport_error(format!(
            "the RawSocket handshake reply starts with {magic:#04x}, not 0x7f: not a WAMP RawSocket router"
        )));
    }
    let (high, low) = (negotiated >> 4, negotiated & 0x0F);
    if low == 0 {
        let problem = match high {
            1 => "serializer unsupported",
            2 => "maximum message length unacceptable",
            3 => "use of reserved bits",
            4 => "maximum connection count reached",
            _ => "unknown error",
        };
        return Err(transport_error(format!(
            "the router refused the RawSocket handshake: {problem} (code {high})"
        )));
    }
    if low != serializer_id || reserved_high != 0 || reserved_low != 0 {
        return Err(transport_error(format!(
            "the router's RawSocket handshake reply {reply:02x?} does not echo serializer {serializer_id}"
        )));
    }
    Ok(rawsocket_max_length(high))
}

/// One complete RawSocket frame at the start of `buffer`, if there is one, and its length.
pub(super) fn take_rawsocket_frame(
    buffer: &[u8],
    max_length: usize,
) -> Result<Option<(RawFrame, usize)>, Error> {
    let Some(&[kind, length_high, length_mid, length_low]) = buffer.first_chunk::<4>() else {
        return Ok(None);
    };
    let length = usize::from(length_high) << 16 | usize::from(length_mid) << 8 | usize::from(length_low);
    if kind & 0xF8 != 0 {
        return Err(protocol_error(format!(
            "the router sent a RawSocket frame header with reserved bits set ({kind:#04x})"
        )));
    }
    if length > max_length {
        return Err(protocol_error(format!(
            "the router sent a RawSocket frame of {length} bytes, more than the {max_length} negotiated"
        )));
    }
    if kind > 2 {
        return Err(protocol_error(format!(
            "the router sent a RawSocket frame of unknown type {kind}"
        )));
    }
    if buffer.len() < 4 + length {
        return Ok(None);
    }
    let frame = match kind {
        0 => RawFrame::Message(payload(buffer, 4, length)),
        1 => RawFrame::Ping(payload(buffer, 4, length)),
        _ => RawFrame::Nothing,
    };
    Ok(Some((frame, 4 + length)))
}
