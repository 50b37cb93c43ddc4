//! The transports a WAMP message travels over: WebSocket (`ws://`, `wss://`) and RawSocket over
//! TCP (`rs://`, `tcp://`), each split into a reading and a writing half.

use std::sync::Arc;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::error::{Error, ErrorKind};
use crate::wire::Serializer;

type WebSocket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The largest RawSocket frame length the 3-byte length field can express.
const RAWSOCKET_MAX_FRAME: usize = (1 << 24) - 1;
/// The read buffer's capacity kept between RawSocket frames.
const RAWSOCKET_READ_BUFFER: usize = 64 * 1024;
/// How many bytes of fed RawSocket frames wait for a flush before they are written anyway
/// (tungstenite's WebSocket write buffer does the same at 128 KiB).
const RAWSOCKET_WRITE_BUFFER: usize = 64 * 1024;

/// A frame received from the router.
#[derive(Debug)]
pub(crate) enum Frame {
    /// One serialized WAMP message.
    Message(Vec<u8>),
    /// A RawSocket ping, to be answered with a pong carrying the same payload.
    Ping(Vec<u8>),
}

/// What the writing half sends.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Message(Vec<u8>),
    Pong(Vec<u8>),
    /// Flushes, closes the transport, and ends the writer.
    Close,
}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub(crate) struct TransportConfig {
    pub(crate) url: String,
    pub(crate) serializer: Serializer,
    pub(crate) max_message_size: usize,
    pub(crate) tls: Option<Arc<rustls::ClientConfig>>,
}

/// The reading half of a connected transport.
#[derive(Debug)]
pub(crate) enum FrameReader {
    WebSocket(SplitStream<WebSocket>),
    RawSocket {
        stream: OwnedReadHalf,
        buffer: Vec<u8>,
        max_length: usize,
    },
}

/// The writing half of a connected transport.
///
/// Frames are [fed](FrameWriter::feed) into a buffer and written by [`flush`](FrameWriter::flush),
/// so that frames queued together leave in one system call.
#[derive(Debug)]
pub(crate) enum FrameWriter {
    WebSocket {
        sink: SplitSink<WebSocket, WsMessage>,
        binary: bool,
    },
    RawSocket {
        stream: OwnedWriteHalf,
        /// Fed frames, headers included, not yet written.
        buffer: Vec<u8>,
    },
}

/// A connected transport, and the largest message the router accepts on it, if it said.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) reader: FrameReader,
    pub(crate) writer: FrameWriter,
    pub(crate) max_outgoing_size: Option<usize>,
}

/// Connects to the router at `config.url`, negotiating the serializer.
pub(crate) async fn connect(config: &TransportConfig) -> Result<Connection, Error> {
    let url = config.url.as_str();
    if url.starts_with("ws://") || url.starts_with("wss://") {
        connect_websocket(config).await
    } else if let Some(address) = url.strip_prefix("rs://").or_else(|| url.strip_prefix("tcp://")) {
        connect_rawsocket(address.trim_end_matches('/'), config).await
    } else {
        Err(transport_error(format!(
            "unsupported URL `{url}`: expected ws://, wss://, rs:// or tcp://"
        )))
    }
}

async fn connect_websocket(config: &TransportConfig) -> Result<Connection, Error> {
    let mut request = config
        .url
        .as_str()
        .into_client_request()
        .map_err(|error| transport_error(format!("invalid WebSocket URL `{}`: {error}", config.url)))?;
    let subprotocol = config.serializer.subprotocol();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static(subprotocol));
    let limits = WebSocketConfig::default()
        .max_message_size(Some(config.max_message_size))
        .max_frame_size(Some(config.max_message_size));
    let connector = match &config.tls {
        _ if config.url.starts_with("ws://") => Connector::Plain,
        Some(tls) => Connector::Rustls(Arc::clone(tls)),
        None => Connector::Rustls(default_tls_config()?),
    };
    let (socket, response) =
        tokio_tungstenite::connect_async_tls_with_config(request, Some(limits), true, Some(connector))
            .await
            .map_err(|error| transport_error(format!("cannot connect to {}: {error}", config.url)))?;
    let accepted = response
        .headers()
        .get("Sec-WebSocket-Protocol")
        .and_then(|value| value.to_str().ok());
    if accepted != Some(subprotocol) {
        return Err(transport_error(format!(
            "{} did not accept the subprotocol {subprotocol} (it answered {accepted:?})",
            config.url
        )));
    }
    let (sink, stream) = socket.split();
    Ok(Connection {
        reader: FrameReader::WebSocket(stream),
        writer: FrameWriter::WebSocket {
            sink,
            binary: config.serializer.is_binary(),
        },
        max_outgoing_size: None,
    })
}

/// The TLS configuration when none is given: Mozilla's root certificates, the ring provider.
fn default_tls_config() -> Result<Arc<rustls::ClientConfig>, Error> {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| transport_error(format!("cannot set up TLS: {error}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

async fn connect_rawsocket(address: &str, config: &TransportConfig) -> Result<Connection, Error> {
    let mut stream = TcpStream::connect(address)
        .await
        .map_err(|error| transport_error(format!("cannot connect to {}: {error}", config.url)))?;
    stream
        .set_nodelay(true)
        .map_err(|error| transport_error(format!("cannot set TCP_NODELAY: {error}")))?;
    let our_exponent = rawsocket_length_exponent(config.max_message_size);
    let serializer_id = config.serializer.rawsocket_id();
    let handshake = [0x7F, (our_exponent << 4) | serializer_id, 0, 0];
    let io_error = |error: std::io::Error| transport_error(format!("RawSocket handshake failed: {error}"));
    stream.write_all(&handshake).await.map_err(io_error)?;
    let mut reply = [0; 4];
    stream.read_exact(&mut reply).await.map_err(io_error)?;
    let router_max = check_rawsocket_reply(reply, serializer_id)?;
    let (read_half, write_half) = stream.into_split();
    Ok(Connection {
        reader: FrameReader::RawSocket {
            stream: read_half,
            buffer: Vec::new(),
            max_length: rawsocket_max_length(our_exponent).min(config.max_message_size),
        },
        writer: FrameWriter::RawSocket {
            stream: write_half,
            buffer: Vec::new(),
        },
        max_outgoing_size: Some(router_max),
    })
}

/// The smallest handshake exponent `n` whose length `2^(9 + n)` admits `max_message_size`.
fn rawsocket_length_exponent(max_message_size: usize) -> u8 {
    (0..15)
        .find(|exponent| rawsocket_max_length(*exponent) >= max_message_size)
        .unwrap_or(15)
}

fn rawsocket_max_length(exponent: u8) -> usize {
    (1usize << (9 + u32::from(exponent))).min(RAWSOCKET_MAX_FRAME)
}

/// Checks the router's handshake reply; returns the largest frame the router accepts.
fn check_rawsocket_reply(reply: [u8; 4], serializer_id: u8) -> Result<usize, Error> {
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

impl FrameReader {
    /// The next frame; `None` when the router closed the transport.
    ///
    /// Cancel-safe: a frame partly read stays buffered for the next call.
    pub(crate) async fn next(&mut self) -> Option<Result<Frame, Error>> {
        match self {
            FrameReader::WebSocket(stream) => loop {
                let message = match stream.next().await? {
                    Ok(message) => message,
                    Err(tungstenite::Error::ConnectionClosed) => return None,
                    Err(error) => return Some(Err(websocket_read_error(error))),
                };
                match message {
                    WsMessage::Text(text) => return Some(Ok(Frame::Message(text.as_bytes().to_vec()))),
                    WsMessage::Binary(bytes) => return Some(Ok(Frame::Message(bytes.to_vec()))),
                    WsMessage::Close(_) => return None,
                    // tungstenite answers pings itself; pongs need no answer.
                    WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_) => {}
                }
            },
            FrameReader::RawSocket {
                stream,
                buffer,
                max_length,
            } => loop {
                match take_rawsocket_frame(buffer, *max_length) {
                    Ok(Some(RawFrame::Message(payload))) => return Some(Ok(Frame::Message(payload))),
                    Ok(Some(RawFrame::Ping(payload))) => return Some(Ok(Frame::Ping(payload))),
                    Ok(Some(RawFrame::Pong)) => continue,
                    Ok(None) => {}
                    Err(error) => return Some(Err(error)),
                }
                match stream.read_buf(buffer).await {
                    Ok(0) if buffer.is_empty() => return None,
                    Ok(0) => {
                        return Some(Err(transport_error(
                            "the router closed the RawSocket in the middle of a frame".to_owned(),
                        )));
                    }
                    Ok(_) => {}
                    Err(error) => {
                        return Some(Err(transport_error(format!("RawSocket read failed: {error}"))));
                    }
                }
            },
        }
    }
}

fn websocket_read_error(error: tungstenite::Error) -> Error {
    match error {
        tungstenite::Error::Capacity(problem) => Error::new(ErrorKind::Protocol(format!(
            "the router sent an oversized message: {problem}"
        ))),
        tungstenite::Error::Protocol(problem) => Error::new(ErrorKind::Protocol(format!(
            "WebSocket protocol violation: {problem}"
        ))),
        other => transport_error(format!("WebSocket read failed: {other}")),
    }
}

enum RawFrame {
    Message(Vec<u8>),
    Ping(Vec<u8>),
    Pong,
}

/// Takes one complete frame off the front of `buffer`, if there is one.
fn take_rawsocket_frame(buffer: &mut Vec<u8>, max_length: usize) -> Result<Option<RawFrame>, Error> {
    let Some(&[kind, length_high, length_mid, length_low]) = buffer.first_chunk::<4>() else {
        return Ok(None);
    };
    let length = usize::from(length_high) << 16 | usize::from(length_mid) << 8 | usize::from(length_low);
    if kind & 0xF8 != 0 {
        return Err(Error::new(ErrorKind::Protocol(format!(
            "the router sent a RawSocket frame header with reserved bits set ({kind:#04x})"
        ))));
    }
    if length > max_length {
        return Err(Error::new(ErrorKind::Protocol(format!(
            "the router sent a RawSocket frame of {length} bytes, more than the {max_length} negotiated"
        ))));
    }
    if buffer.len() < 4 + length {
        return Ok(None);
    }
    let payload = buffer.drain(..4 + length).skip(4).collect();
    // One large message must not pin its size in memory for the session's lifetime.
    buffer.shrink_to(RAWSOCKET_READ_BUFFER);
    match kind {
        0 => Ok(Some(RawFrame::Message(payload))),
        1 => Ok(Some(RawFrame::Ping(payload))),
        2 => Ok(Some(RawFrame::Pong)),
        other => Err(Error::new(ErrorKind::Protocol(format!(
            "the router sent a RawSocket frame of unknown type {other}"
        )))),
    }
}

impl FrameWriter {
    /// Sends one frame at once.
    pub(crate) async fn send(&mut self, outgoing: Outgoing) -> Result<(), Error> {
        let closing = matches!(outgoing, Outgoing::Close);
        self.feed(outgoing).await?;
        if closing { Ok(()) } else { self.flush().await }
    }

    /// Buffers one frame for the next [`flush`](Self::flush); writes only when the buffer is
    /// full. [`Outgoing::Close`] is the exception: it flushes and closes at once.
    pub(crate) async fn feed(&mut self, outgoing: Outgoing) -> Result<(), Error> {
        match (self, outgoing) {
            (FrameWriter::WebSocket { sink, binary }, Outgoing::Message(bytes)) => {
                let message = if *binary {
                    WsMessage::Binary(bytes.into())
                } else {
                    let text = String::from_utf8(bytes)
                        .map_err(|_| transport_error("a JSON message is not UTF-8".to_owned()))?;
                    WsMessage::Text(text.into())
                };
                sink.feed(message).await.map_err(websocket_write_error)
            }
            (FrameWriter::WebSocket { sink, .. }, Outgoing::Pong(payload)) => sink
                .feed(WsMessage::Pong(payload.into()))
                .await
                .map_err(websocket_write_error),
            (FrameWriter::WebSocket { sink, .. }, Outgoing::Close) => {
                sink.close().await.map_err(websocket_write_error)
            }
            (FrameWriter::RawSocket { stream, buffer }, Outgoing::Message(payload)) => {
                buffer_rawsocket_frame(buffer, 0, &payload)?;
                if buffer.len() >= RAWSOCKET_WRITE_BUFFER {
                    write_rawsocket_buffer(stream, buffer).await?;
                }
                Ok(())
            }
            (FrameWriter::RawSocket { stream, buffer }, Outgoing::Pong(payload)) => {
                buffer_rawsocket_frame(buffer, 2, &payload)?;
                if buffer.len() >= RAWSOCKET_WRITE_BUFFER {
                    write_rawsocket_buffer(stream, buffer).await?;
                }
                Ok(())
            }
            (FrameWriter::RawSocket { stream, buffer }, Outgoing::Close) => {
                write_rawsocket_buffer(stream, buffer).await?;
                stream
                    .shutdown()
                    .await
                    .map_err(|error| transport_error(format!("RawSocket shutdown failed: {error}")))
            }
        }
    }

    /// Writes every frame fed so far.
    pub(crate) async fn flush(&mut self) -> Result<(), Error> {
        match self {
            FrameWriter::WebSocket { sink, .. } => sink.flush().await.map_err(websocket_write_error),
            FrameWriter::RawSocket { stream, buffer } => write_rawsocket_buffer(stream, buffer).await,
        }
    }
}

/// Appends one frame, header and payload, to the write buffer.
fn buffer_rawsocket_frame(buffer: &mut Vec<u8>, kind: u8, payload: &[u8]) -> Result<(), Error> {
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
    buffer.extend_from_slice(&[kind, length_high, length_mid, length_low]);
    buffer.extend_from_slice(payload);
    Ok(())
}

async fn write_rawsocket_buffer(stream: &mut OwnedWriteHalf, buffer: &mut Vec<u8>) -> Result<(), Error> {
    if buffer.is_empty() {
        return Ok(());
    }
    let written = stream
        .write_all(buffer)
        .await
        .map_err(|error| transport_error(format!("RawSocket write failed: {error}")));
    buffer.clear();
    // One large message must not pin its size in memory for the session's lifetime.
    buffer.shrink_to(RAWSOCKET_WRITE_BUFFER);
    written
}

fn websocket_write_error(error: tungstenite::Error) -> Error {
    transport_error(format!("WebSocket write failed: {error}"))
}

fn transport_error(message: String) -> Error {
    Error::new(ErrorKind::Transport(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_take(bytes: &[u8], max_length: usize, expected: Result<Option<(u8, &[u8])>, &str>) {
        let mut buffer = bytes.to_vec();
        let taken = take_rawsocket_frame(&mut buffer, max_length).map_err(|error| error.to_string());
        let taken = taken.as_ref().map(|frame| {
            frame.as_ref().map(|frame| match frame {
                RawFrame::Message(payload) => (0, payload.as_slice()),
                RawFrame::Ping(payload) => (1, payload.as_slice()),
                RawFrame::Pong => (2, &[][..]),
            })
        });
        assert_eq!(taken.map_err(String::as_str), expected, "frame {bytes:02x?}");
    }

    #[test]
    fn rawsocket_frames_are_taken_whole_or_not_at_all() {
        check_take(&[0, 0, 0], 100, Ok(None));
        check_take(&[0, 0, 0, 3, b'a', b'b'], 100, Ok(None));
        check_take(&[0, 0, 0, 3, b'a', b'b', b'c', 9], 100, Ok(Some((0, b"abc"))));
        check_take(&[1, 0, 0, 1, 7], 100, Ok(Some((1, &[7]))));
        check_take(&[2, 0, 0, 0], 100, Ok(Some((2, &[]))));
        check_take(
            &[0, 0, 1, 0],
            255,
            Err(
                "protocol error: the router sent a RawSocket frame of 256 bytes, more than the 255 negotiated",
            ),
        );
        check_take(
            &[3, 0, 0, 0],
            255,
            Err("protocol error: the router sent a RawSocket frame of unknown type 3"),
        );
        check_take(
            &[0x10, 0, 0, 0],
            255,
            Err("protocol error: the router sent a RawSocket frame header with reserved bits set (0x10)"),
        );
    }

    #[test]
    fn a_large_frame_does_not_keep_its_memory() {
        let length = 1 << 20;
        let mut buffer = vec![0, 0x10, 0, 0];
        buffer.resize(4 + length, b'x');
        buffer.extend_from_slice(&[2, 0, 0, 0]);
        let taken = take_rawsocket_frame(&mut buffer, length).map_err(|error| error.to_string());
        assert!(
            matches!(&taken, Ok(Some(RawFrame::Message(payload))) if payload.len() == length),
            "the large frame"
        );
        assert_eq!(buffer, [2, 0, 0, 0], "what is left after the large frame");
        assert!(
            buffer.capacity() <= RAWSOCKET_READ_BUFFER,
            "the read buffer keeps {} bytes",
            buffer.capacity()
        );
    }

    #[test]
    fn fed_frames_are_buffered_back_to_back() {
        let mut buffer = Vec::new();
        assert_eq!(
            buffer_rawsocket_frame(&mut buffer, 0, b"abc").map_err(|e| e.to_string()),
            Ok(())
        );
        assert_eq!(
            buffer_rawsocket_frame(&mut buffer, 2, b"").map_err(|e| e.to_string()),
            Ok(())
        );
        assert_eq!(buffer, [0, 0, 0, 3, b'a', b'b', b'c', 2, 0, 0, 0]);
        check_take(&buffer, 100, Ok(Some((0, b"abc"))));
    }

    #[test]
    fn handshake_exponent_covers_the_configured_size() {
        assert_eq!(rawsocket_length_exponent(512), 0);
        assert_eq!(rawsocket_length_exponent(513), 1);
        assert_eq!(rawsocket_length_exponent(1 << 20), 11);
        assert_eq!(rawsocket_length_exponent(usize::MAX), 15);
        assert_eq!(rawsocket_max_length(15), RAWSOCKET_MAX_FRAME);
    }

    #[test]
    fn handshake_replies_are_checked() {
        assert_eq!(
            check_rawsocket_reply([0x7F, 0xF2, 0, 0], 2).map_err(|e| e.to_string()),
            Ok(RAWSOCKET_MAX_FRAME)
        );
        assert_eq!(
            check_rawsocket_reply([0x7F, 0x10, 0, 0], 2).map_err(|e| e.to_string()),
            Err("transport error: the router refused the RawSocket handshake: serializer unsupported (code 1)"
                .to_owned())
        );
        assert_eq!(
            check_rawsocket_reply([0x48, 0x54, 0x54, 0x50], 2).map_err(|e| e.to_string()),
            Err(
                "transport error: the RawSocket handshake reply starts with 0x48, not 0x7f: \
                 not a WAMP RawSocket router"
                    .to_owned()
            )
        );
    }
}
