//! WebSocket (RFC 6455) as the client speaks it: the URL, the upgrade, and the frames.

use std::io;

use tungstenite::handshake::client::generate_key;
use tungstenite::handshake::derive_accept_key;
use tungstenite::http::Uri;

use super::{
    Connection, Endpoint, Protocol, RawFrame, TransportConfig, caused, payload, protocol_error,
    transport_error,
};
use crate::error::Error;
use crate::wire::{self};

/// The largest WebSocket upgrade response accepted from the router.
const MAX_UPGRADE_RESPONSE: usize = 16 * 1024;

/// The largest payload of a WebSocket control frame (RFC 6455 §5.5).
const MAX_CONTROL_PAYLOAD: usize = 125;

/// The WebSocket close status of a normal closure.
pub(super) const CLOSE_NORMAL: [u8; 2] = 1000u16.to_be_bytes();

/// Appends one final, masked WebSocket frame (the client masks every frame it sends); a text
/// frame (opcode 1) must be UTF-8.
pub(super) fn append_websocket_frame(
    buffer: &mut Vec<u8>,
    opcode: u8,
    mask: [u8; 4],
    payload: &wire::Frame,
) -> Result<(), Error> {
    let frame_start = buffer.len();
    let length = payload.len();
    buffer.reserve(14 + length);
    buffer.push(0x80 | opcode);
    match length {
        0..=125 => buffer.push(0x80 | length as u8),
        126..=0xFFFF => {
            buffer.push(0x80 | 126);
            buffer.extend_from_slice(&(length as u16).to_be_bytes());
        }
        _ => {
            buffer.push(0x80 | 127);
            buffer.extend_from_slice(&(length as u64).to_be_bytes());
        }
    }
    buffer.extend_from_slice(&mask);
    let start = buffer.len();
    payload.chunks().for_each(|chunk| buffer.extend_from_slice(chunk));
    let copy = buffer.get_mut(start..).unwrap_or_default();
    // Checked on the contiguous copy, which no chunk boundary splits a character of.
    if opcode == 0x1 && std::str::from_utf8(copy).is_err() {
        buffer.truncate(frame_start);
        return Err(transport_error("a JSON message is not UTF-8".to_owned()));
    }
    // Masked as one run, so that the mask's phase carries on from one chunk to the next.
    let mut words = copy.chunks_exact_mut(4);
    for word in words.by_ref() {
        word.iter_mut().zip(mask).for_each(|(byte, mask)| *byte ^= mask);
    }
    let rest = words.into_remainder();
    rest.iter_mut().zip(mask).for_each(|(byte, mask)| *byte ^= mask);
    Ok(())
}

/// A `ws://` or `wss://` URL taken apart.
pub(super) fn websocket_url(url: &str) -> Result<(Endpoint, Protocol), Error> {
    let uri: Uri = url
        .parse()
        .map_err(|error| transport_error(format!("invalid WebSocket URL `{url}`: {error}")))?;
    let secure = uri.scheme_str() == Some("wss");
    let host = uri
        .host()
        .ok_or_else(|| transport_error(format!("invalid WebSocket URL `{url}`: no host")))?;
    let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let endpoint = Endpoint::Tcp {
        address: format!("{host}:{port}"),
        tls_name: secure.then(|| bare_host.to_owned()),
    };
    let authority = uri.authority().map_or(host, |authority| authority.as_str());
    let path = uri.path_and_query().map_or("/", |path| path.as_str());
    let protocol = Protocol::WebSocket {
        authority: authority.to_owned(),
        path: path.to_owned(),
    };
    Ok((endpoint, protocol))
}

pub(super) async fn upgrade_to_websocket(
    connection: &mut Connection,
    authority: &str,
    path: &str,
    config: &TransportConfig,
) -> Result<(), Error> {
    let url = &config.url;
    let subprotocol = config.serializer.subprotocol();
    let key = generate_key();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {subprotocol}\r\n\r\n"
    );
    let io_error = |error: io::Error| caused(format!("cannot connect to {url}: {error}"), error);
    connection
        .writer
        .write_all(request.as_bytes())
        .await
        .map_err(io_error)?;
    let buffer = &mut connection.reader.buffer;
    let header_length = loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(buffer) {
            Ok(httparse::Status::Complete(length)) => {
                check_upgrade_response(&response, &key, subprotocol, url)?;
                break length;
            }
            Ok(httparse::Status::Partial) if buffer.len() < MAX_UPGRADE_RESPONSE => {}
            Ok(httparse::Status::Partial) => {
                return Err(transport_error(format!(
                    "{url} answered the WebSocket upgrade with more than {MAX_UPGRADE_RESPONSE} bytes of headers"
                )));
            }
            Err(error) => {
                let start = String::from_utf8_lossy(buffer.get(..60).unwrap_or(buffer));
                return Err(transport_error(format!(
                    "{url} answered the WebSocket upgrade with invalid HTTP ({error}): {start:?}"
                )));
            }
        }
        buffer.reserve(MAX_UPGRADE_RESPONSE);
        if connection
            .reader
            .stream
            .read_buf(buffer)
            .await
            .map_err(io_error)?
            == 0
        {
            return Err(transport_error(format!(
                "{url} closed the connection during the WebSocket upgrade"
            )));
        }
    };
    // Frames the router sent right behind its answer stay for the reader.
    buffer.drain(..header_length);
    Ok(())
}

pub(super) fn check_upgrade_response(
    response: &httparse::Response<'_, '_>,
    key: &str,
    subprotocol: &str,
    url: &str,
) -> Result<(), Error> {
    if response.code != Some(101) {
        return Err(transport_error(format!(
            "cannot connect to {url}: the router answered the WebSocket upgrade with HTTP {} {}",
            response.code.unwrap_or_default(),
            response.reason.unwrap_or_default()
        )));
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(name))
            .and_then(|header| std::str::from_utf8(header.value).ok())
    };
    let expected_accept = derive_accept_key(key.as_bytes());
    if !header("Upgrade").is_some_and(|upgrade| upgrade.eq_ignore_ascii_case("websocket"))
        || header("Sec-WebSocket-Accept") != Some(expected_accept.as_str())
    {
        return Err(transport_error(format!(
            "cannot connect to {url}: the router's answer is no valid WebSocket upgrade"
        )));
    }
    let accepted = header("Sec-WebSocket-Protocol");
    if accepted != Some(subprotocol) {
        return Err(transport_error(format!(
            "{url} did not accept the subprotocol {subprotocol} (it answered {accepted:?})"
        )));
    }
    Ok(())
}

/// One complete WebSocket frame at the start of `buffer`, if there is one, and its length;
/// the parts of fragmented messages are joined in `fragments`.
pub(super) fn take_websocket_frame(
    buffer: &[u8],
    max_message_size: usize,
    fragments: &mut Option<Vec<u8>>,
) -> Result<Option<(RawFrame, usize)>, Error> {
    let Some(&[first, second]) = buffer.first_chunk::<2>() else {
        return Ok(None);
    };
    let (is_final, opcode) = (first & 0x80 != 0, first & 0x0F);
    if first & 0x70 != 0 {
        return Err(websocket_violation(format!(
            "reserved bits set ({first:#04x}) though no extension was negotiated"
        )));
    }
    if second & 0x80 != 0 {
        return Err(websocket_violation(
            "a frame from the router is masked".to_owned(),
        ));
    }
    let (header, length) = match second & 0x7F {
        126 => match buffer.get(2..4).and_then(|bytes| <[u8; 2]>::try_from(bytes).ok()) {
            Some(length) => (4, u64::from(u16::from_be_bytes(length))),
            None => return Ok(None),
        },
        127 => match buffer
            .get(2..10)
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        {
            Some(length) => (10, u64::from_be_bytes(length)),
            None => return Ok(None),
        },
        length => (2, u64::from(length)),
    };
    let is_control = opcode & 0x8 != 0;
    if is_control && (!is_final || length > MAX_CONTROL_PAYLOAD as u64) {
        return Err(websocket_violation(format!(
            "control frame {opcode:#x} is fragmented or longer than {MAX_CONTROL_PAYLOAD} bytes"
        )));
    }
    let received = fragments.as_ref().map_or(0, Vec::len) as u64;
    if received.saturating_add(length) > max_message_size as u64 {
        return Err(protocol_error(format!(
            "the router sent an oversized message: more than the {max_message_size} bytes accepted"
        )));
    }
    match (opcode, &fragments) {
        (0x0, None) => {
            return Err(websocket_violation(
                "a continuation frame starts no message".to_owned(),
            ));
        }
        (0x1 | 0x2, Some(_)) => {
            return Err(websocket_violation(
                "a new message starts before the fragmented one ended".to_owned(),
            ));
        }
        (0x0..=0x2 | 0x8..=0xA, _) => {}
        (other, _) => return Err(websocket_violation(format!("unknown opcode {other:#x}"))),
    }
    // The length is within `max_message_size`, a `usize`.
    let length = length as usize;
    if buffer.len() < header + length {
        return Ok(None);
    }
    let frame = match opcode {
        0x8 => RawFrame::Close,
        0x9 => RawFrame::Ping(payload(buffer, header, length)),
        0xA => RawFrame::Nothing,
        _ if !is_final => {
            let part = buffer.get(header..header + length).unwrap_or_default();
            fragments.get_or_insert_default().extend_from_slice(part);
            RawFrame::Nothing
        }
        0x0 => {
            let mut message = fragments.take().unwrap_or_default();
            message.extend_from_slice(buffer.get(header..header + length).unwrap_or_default());
            RawFrame::Message(message)
        }
        _ => RawFrame::Message(payload(buffer, header, length)),
    };
    Ok(Some((frame, header + length)))
}

pub(super) fn websocket_violation(problem: String) -> Error {
    protocol_error(format!("WebSocket protocol violation: {problem}"))
}
