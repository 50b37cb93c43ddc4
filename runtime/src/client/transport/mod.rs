//! The transports a WAMP message travels over: WebSocket (`ws://`, `wss://`) and RawSocket
//! (`rs://` or `tcp://`, over TLS `rss://`), over TCP or a unix domain socket (`unix://` or
//! `unix+ws://` for WebSocket, `unix+rs://` for RawSocket, followed by the socket's path).
//! Connecting (TCP or the unix socket, TLS, then the WebSocket upgrade or the RawSocket
//! handshake), reading frames, and laying out the frames the client sends.
//!
//! Both protocols are framed here rather than by a WebSocket library, so that a caller can put
//! its frame on the socket itself, in one system call, without handing it to another task.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, ReadHalf, WriteHalf};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpStream, UnixStream, unix};
use tokio_rustls::client::TlsStream;

use crate::error::{Error, ErrorKind};
use crate::wire::{self, Serializer};

mod rawsocket;
mod websocket;

use rawsocket::{append_rawsocket_frame, rawsocket_handshake, take_rawsocket_frame};
use websocket::{
    CLOSE_NORMAL, append_websocket_frame, take_websocket_frame, upgrade_to_websocket, websocket_url,
};

/// The least room the read buffer makes for each read.
const READ_ROOM: usize = 16 * 1024;
/// The capacity the read buffer keeps after a large message, so that one large message does
/// not pin its size in memory for the session's lifetime.
const READ_BUFFER_KEPT: usize = 64 * 1024;

/// A frame received from the router.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// One serialized WAMP message.
    Message(Vec<u8>),
    /// A ping, to be answered with a pong carrying the same payload.
    Ping(Vec<u8>),
}

/// What kind of frame the client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameKind {
    Message,
    /// A keepalive probe, which the router answers with a pong.
    Ping,
    Pong,
    /// The WebSocket close frame; RawSocket has none.
    Close,
}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub(crate) struct TransportConfig {
    pub(crate) url: String,
    pub(crate) serializer: Serializer,
    pub(crate) max_message_size: usize,
    pub(crate) tls: Option<Arc<rustls::ClientConfig>>,
    /// How soon the kernel probes a silent TCP connection (see [`connect_tcp`]).
    pub(crate) keepalive: Option<Duration>,
}

/// How outgoing frames are laid out.
#[derive(Debug)]
pub(crate) enum Framing {
    WebSocket {
        /// Whether messages go in binary frames (text frames carry JSON).
        binary: bool,
        /// Where the masks of the client's frames come from (RFC 6455 §5.3).
        masks: fastrand::Rng,
    },
    RawSocket,
}

impl Framing {
    /// Appends one frame, header and payload, to `buffer`: one copy of each chunk of `payload`.
    pub(crate) fn append(
        &mut self,
        kind: FrameKind,
        payload: &wire::Frame,
        buffer: &mut Vec<u8>,
    ) -> Result<(), Error> {
        match self {
            Framing::WebSocket { binary, masks } => {
                let mask = masks.u32(..).to_ne_bytes();
                match kind {
                    FrameKind::Message if *binary => append_websocket_frame(buffer, 0x2, mask, payload),
                    FrameKind::Message => append_websocket_frame(buffer, 0x1, mask, payload),
                    FrameKind::Ping => append_websocket_frame(buffer, 0x9, mask, payload),
                    FrameKind::Pong => append_websocket_frame(buffer, 0xA, mask, payload),
                    FrameKind::Close => {
                        append_websocket_frame(buffer, 0x8, mask, &wire::Frame::from(CLOSE_NORMAL.to_vec()))
                    }
                }
            }
            Framing::RawSocket => match kind {
                FrameKind::Message => append_rawsocket_frame(buffer, 0, payload),
                FrameKind::Ping => append_rawsocket_frame(buffer, 1, payload),
                FrameKind::Pong => append_rawsocket_frame(buffer, 2, payload),
                FrameKind::Close => Ok(()),
            },
        }
    }
}

/// The reading half of a connection's byte stream.
#[derive(Debug)]
enum ByteReader {
    Tcp(OwnedReadHalf),
    Tls(ReadHalf<TlsStream<TcpStream>>),
    Unix(unix::OwnedReadHalf),
}

impl ByteReader {
    async fn read_buf(&mut self, buffer: &mut Vec<u8>) -> io::Result<usize> {
        match self {
            ByteReader::Tcp(stream) => stream.read_buf(buffer).await,
            ByteReader::Tls(stream) => stream.read_buf(buffer).await,
            ByteReader::Unix(stream) => stream.read_buf(buffer).await,
        }
    }
}

/// The writing half of a connection's byte stream.
#[derive(Debug)]
pub(crate) enum ByteWriter {
    /// Plain TCP, which callers may also write to directly, without waiting.
    Tcp(Arc<OwnedWriteHalf>),
    /// TLS, written only by the session's writer task.
    Tls(WriteHalf<TlsStream<TcpStream>>),
    /// A unix domain socket, written only by the session's writer task.
    Unix(unix::OwnedWriteHalf),
}

impl ByteWriter {
    /// Writes all of `bytes`, waiting for room in the socket.
    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            ByteWriter::Tcp(socket) => {
                let mut written = 0;
                while written < bytes.len() {
                    socket.writable().await?;
                    match socket.try_write(bytes.get(written..).unwrap_or_default()) {
                        Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                        Ok(count) => written += count,
                        Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                        Err(error) => return Err(error),
                    }
                }
                Ok(())
            }
            ByteWriter::Tls(stream) => {
                stream.write_all(bytes).await?;
                stream.flush().await
            }
            ByteWriter::Unix(stream) => stream.write_all(bytes).await,
        }
    }

    /// Ends the stream: TLS says close_notify; TCP shuts down when its last handle goes.
    pub(crate) async fn shutdown(self) -> io::Result<()> {
        match self {
            ByteWriter::Tcp(_) => Ok(()),
            ByteWriter::Tls(mut stream) => stream.shutdown().await,
            ByteWriter::Unix(mut stream) => stream.shutdown().await,
        }
    }
}

/// A connected transport, and the largest message the router accepts on it, if it said.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) reader: FrameReader,
    pub(crate) writer: ByteWriter,
    pub(crate) framing: Framing,
    pub(crate) max_outgoing_size: Option<usize>,
    /// Whether the router answers pings: WebSocket's are part of the protocol. RawSocket's
    /// are too, but Crossbar.io (Autobahn's RawSocket) reads a ping's type byte as part of a
    /// frame length and drops the connection, so RawSocket relies on TCP keepalive instead.
    pub(crate) answers_pings: bool,
}

/// Where a router's bytes flow.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    /// A TCP `host:port`, with the TLS server name when TLS runs over it.
    Tcp {
        address: String,
        tls_name: Option<String>,
    },
    /// The path of a unix domain socket.
    Unix(String),
}

/// What flows over an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Protocol {
    /// WebSocket, upgraded from HTTP with this `Host` and request path.
    WebSocket {
        authority: String,
        path: String,
    },
    RawSocket,
}

/// A router URL taken apart.
fn parse_url(url: &str) -> Result<(Endpoint, Protocol), Error> {
    let invalid = |problem: &str| transport_error(format!("invalid router URL `{url}`: {problem}"));
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        invalid("expected ws://, wss://, rs://, rss://, tcp://, unix://, unix+ws:// or unix+rs://")
    })?;
    let tcp_address = |rest: &str| {
        let address = rest.trim_end_matches('/');
        match address.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(address.to_owned()),
            _ => Err(invalid("expected host:port")),
        }
    };
    let unix_path = |rest: &str| match rest {
        "" => Err(invalid("expected the socket's path after the scheme")),
        path => Ok(Endpoint::Unix(path.to_owned())),
    };
    let unix_websocket = || Protocol::WebSocket {
        authority: "localhost".to_owned(),
        path: "/".to_owned(),
    };
    match scheme {
        "ws" | "wss" => websocket_url(url),
        "rs" | "tcp" => Ok((
            Endpoint::Tcp {
                address: tcp_address(rest)?,
                tls_name: None,
            },
            Protocol::RawSocket,
        )),
        "rss" => {
            let address = tcp_address(rest)?;
            let host = address.rsplit_once(':').map_or("", |(host, _)| host);
            let tls_name = host.trim_start_matches('[').trim_end_matches(']').to_owned();
            Ok((
                Endpoint::Tcp {
                    address,
                    tls_name: Some(tls_name),
                },
                Protocol::RawSocket,
            ))
        }
        "unix" | "unix+ws" => Ok((unix_path(rest)?, unix_websocket())),
        "unix+rs" => Ok((unix_path(rest)?, Protocol::RawSocket)),
        _ => Err(transport_error(format!(
            "unsupported URL `{url}`: expected ws://, wss://, rs://, rss://, tcp://, unix://, unix+ws:// or unix+rs://"
        ))),
    }
}

/// Connects to the router at `config.url`, negotiating the serializer.
pub(crate) async fn connect(config: &TransportConfig) -> Result<Connection, Error> {
    let (endpoint, protocol) = parse_url(&config.url)?;
    let (stream, writer) = open(&endpoint, config).await?;
    let reader = FrameReader {
        stream,
        buffer: Vec::new(),
        taken: 0,
        reads: Arc::default(),
        protocol: match protocol {
            Protocol::WebSocket { .. } => ReadProtocol::WebSocket {
                max_message_size: config.max_message_size,
                fragments: None,
            },
            Protocol::RawSocket => ReadProtocol::RawSocket {
                max_length: config.max_message_size,
            },
        },
    };
    match protocol {
        Protocol::WebSocket { authority, path } => {
            let mut connection = Connection {
                reader,
                writer,
                framing: Framing::WebSocket {
                    binary: config.serializer.is_binary(),
                    masks: fastrand::Rng::new(),
                },
                max_outgoing_size: None,
                answers_pings: true,
            };
            upgrade_to_websocket(&mut connection, &authority, &path, config).await?;
            Ok(connection)
        }
        Protocol::RawSocket => rawsocket_handshake(reader, writer, config).await,
    }
}

/// Opens the byte stream to an endpoint, TLS included.
async fn open(endpoint: &Endpoint, config: &TransportConfig) -> Result<(ByteReader, ByteWriter), Error> {
    let url = config.url.as_str();
    match endpoint {
        Endpoint::Unix(path) => {
            let stream = UnixStream::connect(path)
                .await
                .map_err(|error| caused(format!("cannot connect to {url}: {error}"), error))?;
            let (reader, writer) = stream.into_split();
            Ok((ByteReader::Unix(reader), ByteWriter::Unix(writer)))
        }
        Endpoint::Tcp {
            address,
            tls_name: None,
        } => {
            let (reader, writer) = connect_tcp(address, config).await?.into_split();
            Ok((ByteReader::Tcp(reader), ByteWriter::Tcp(Arc::new(writer))))
        }
        Endpoint::Tcp {
            address,
            tls_name: Some(name),
        } => {
            let tcp = connect_tcp(address, config).await?;
            let tls = match &config.tls {
                Some(tls) => Arc::clone(tls),
                None => default_tls_config()?,
            };
            let server_name = rustls::pki_types::ServerName::try_from(name.clone())
                .map_err(|error| transport_error(format!("invalid TLS server name `{name}`: {error}")))?;
            let stream = tokio_rustls::TlsConnector::from(tls)
                .connect(server_name, tcp)
                .await
                .map_err(|error| caused(format!("cannot connect to {url}: TLS: {error}"), error))?;
            let (reader, writer) = tokio::io::split(stream);
            Ok((ByteReader::Tls(reader), ByteWriter::Tls(writer)))
        }
    }
}

/// Connects over TCP, without Nagle's delay, and with the kernel's keepalive probes: after
/// `keepalive` of silence, three probes `keepalive / 3` apart, so that a router whose host or
/// network went away is noticed within about twice `keepalive` on any protocol.
async fn connect_tcp(address: &str, config: &TransportConfig) -> Result<TcpStream, Error> {
    let url = &config.url;
    let stream = TcpStream::connect(address)
        .await
        .map_err(|error| caused(format!("cannot connect to {url}: {error}"), error))?;
    stream
        .set_nodelay(true)
        .map_err(|error| caused(format!("cannot set TCP_NODELAY: {error}"), error))?;
    if let Some(idle) = config.keepalive {
        // The kernel counts these in whole seconds, and refuses zero.
        let seconds = |duration: Duration| Duration::from_secs(duration.as_secs().max(1));
        let probes = socket2::TcpKeepalive::new()
            .with_time(seconds(idle))
            .with_interval(seconds(idle / 3))
            .with_retries(3);
        socket2::SockRef::from(&stream)
            .set_tcp_keepalive(&probes)
            .map_err(|error| caused(format!("cannot set TCP keepalive: {error}"), error))?;
    }
    Ok(stream)
}

/// The TLS configuration when none is given: Mozilla's root certificates, the ring provider.
// rustls 0.23.48 deprecates its *ring* provider for lacking post-quantum key exchange; the
// provider that has it (aws-lc-rs) needs a C and CMake build in every user's crate. Allowed,
// not expected: with an older rustls in the lock file there is nothing to allow.
#[allow(
    deprecated,
    reason = "the ring provider, without post-quantum key exchange: see above"
)]
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

/// The reading half of a connected transport: bytes read, and frames taken off their front.
#[derive(Debug)]
pub(crate) struct FrameReader {
    stream: ByteReader,
    /// Bytes read; those from `taken` on are not yet taken as frames.
    buffer: Vec<u8>,
    taken: usize,
    /// How many reads brought bytes: a sign of life of the router, even in the middle of a
    /// long message, for the session's keepalive.
    reads: Arc<AtomicU64>,
    protocol: ReadProtocol,
}

#[derive(Debug)]
enum ReadProtocol {
    RawSocket {
        max_length: usize,
    },
    WebSocket {
        max_message_size: usize,
        /// The parts of a fragmented message received so far.
        fragments: Option<Vec<u8>>,
    },
}

/// A frame taken off the read buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RawFrame {
    Message(Vec<u8>),
    Ping(Vec<u8>),
    /// A frame that needs no answer (a pong, a WebSocket message fragment).
    Nothing,
    /// The router closes the transport.
    Close,
}

impl FrameReader {
    /// A counter of the reads that brought bytes, which grows as long as the router talks.
    pub(crate) fn reads(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.reads)
    }

    /// The next frame; `None` when the router closed the transport.
    ///
    /// Cancel-safe: a frame partly read stays buffered for the next call. Reads only when the
    /// buffer holds no whole frame, so that frames that arrived together cost one read.
    pub(crate) async fn next(&mut self) -> Option<Result<Incoming, Error>> {
        loop {
            let unread = self.buffer.get(self.taken..).unwrap_or_default();
            let taken = match &mut self.protocol {
                ReadProtocol::RawSocket { max_length } => take_rawsocket_frame(unread, *max_length),
                ReadProtocol::WebSocket {
                    max_message_size,
                    fragments,
                } => take_websocket_frame(unread, *max_message_size, fragments),
            };
            match taken {
                Ok(Some((frame, length))) => {
                    self.taken += length;
                    match frame {
                        RawFrame::Message(payload) => return Some(Ok(Incoming::Message(payload))),
                        RawFrame::Ping(payload) => return Some(Ok(Incoming::Ping(payload))),
                        RawFrame::Nothing => continue,
                        RawFrame::Close => return None,
                    }
                }
                Ok(None) => {}
                Err(error) => return Some(Err(error)),
            }
            compact(&mut self.buffer, self.taken);
            self.taken = 0;
            self.buffer.reserve(READ_ROOM);
            match self.stream.read_buf(&mut self.buffer).await {
                Ok(0) if self.buffer.is_empty() => return None,
                Ok(0) => {
                    return Some(Err(transport_error(
                        "the router closed the connection in the middle of a frame".to_owned(),
                    )));
                }
                Ok(_) => {
                    self.reads.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => return Some(Err(caused(format!("read failed: {error}"), error))),
            }
        }
    }
}

/// Drops the first `taken` bytes of the read buffer, and the memory a large message left.
fn compact(buffer: &mut Vec<u8>, taken: usize) {
    buffer.drain(..taken);
    if buffer.len() <= READ_BUFFER_KEPT {
        buffer.shrink_to(READ_BUFFER_KEPT);
    }
}

/// The payload of a frame at the start of `bytes`, after its `header`.
fn payload(bytes: &[u8], header: usize, length: usize) -> Vec<u8> {
    bytes.get(header..header + length).unwrap_or_default().to_vec()
}

fn protocol_error(problem: String) -> Error {
    Error::new(ErrorKind::Protocol(problem))
}

pub(crate) fn write_error(error: io::Error) -> Error {
    caused(format!("write failed: {error}"), error)
}

/// A transport error caused by `error` (an I/O or TLS failure), which
/// [`source`](std::error::Error::source) gives back.
fn caused(message: String, error: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::with_source(ErrorKind::Transport(message), error)
}

pub(crate) fn transport_error(message: String) -> Error {
    Error::new(ErrorKind::Transport(message))
}

#[cfg(test)]
mod tests {
    use super::rawsocket::{
        RAWSOCKET_MAX_FRAME, check_rawsocket_reply, rawsocket_length_exponent, rawsocket_max_length,
    };
    use super::*;
    use crate::Payload;
    use crate::data::value::{Dict, Value};
    use crate::wire::Message;

    fn describe(frame: Result<Option<(RawFrame, usize)>, Error>) -> Result<Option<RawFrame>, String> {
        frame
            .map(|frame| frame.map(|(frame, _)| frame))
            .map_err(|error| error.to_string())
    }

    fn check_rawsocket(bytes: &[u8], max_length: usize, expected: Result<Option<RawFrame>, &str>) {
        let taken = describe(take_rawsocket_frame(bytes, max_length));
        assert_eq!(
            taken,
            expected.map_err(str::to_owned),
            "RawSocket frame {bytes:02x?}"
        );
    }

    #[test]
    fn router_urls_name_their_endpoint_and_protocol() {
        let tcp = |address: &str, tls_name: Option<&str>| Endpoint::Tcp {
            address: address.to_owned(),
            tls_name: tls_name.map(str::to_owned),
        };
        let websocket = |authority: &str, path: &str| Protocol::WebSocket {
            authority: authority.to_owned(),
            path: path.to_owned(),
        };
        let unix = |path: &str| Endpoint::Unix(path.to_owned());
        let cases = [
            (
                "ws://127.0.0.1:8080/ws",
                Ok((tcp("127.0.0.1:8080", None), websocket("127.0.0.1:8080", "/ws"))),
            ),
            (
                "wss://example.com/ws",
                Ok((
                    tcp("example.com:443", Some("example.com")),
                    websocket("example.com", "/ws"),
                )),
            ),
            (
                "rs://127.0.0.1:8081",
                Ok((tcp("127.0.0.1:8081", None), Protocol::RawSocket)),
            ),
            (
                "tcp://localhost:8081/",
                Ok((tcp("localhost:8081", None), Protocol::RawSocket)),
            ),
            (
                "rss://[::1]:8443",
                Ok((tcp("[::1]:8443", Some("::1")), Protocol::RawSocket)),
            ),
            (
                "unix:///run/router.sock",
                Ok((unix("/run/router.sock"), websocket("localhost", "/"))),
            ),
            (
                "unix+ws:///run/router.sock",
                Ok((unix("/run/router.sock"), websocket("localhost", "/"))),
            ),
            (
                "unix+rs:///run/router-rs.sock",
                Ok((unix("/run/router-rs.sock"), Protocol::RawSocket)),
            ),
            (
                "rs://127.0.0.1",
                Err("transport error: invalid router URL `rs://127.0.0.1`: expected host:port"),
            ),
            (
                "unix+rs://",
                Err(
                    "transport error: invalid router URL `unix+rs://`: expected the socket's path after the scheme",
                ),
            ),
            (
                "http://127.0.0.1:1/",
                Err(
                    "transport error: unsupported URL `http://127.0.0.1:1/`: expected ws://, wss://, rs://, rss://, tcp://, unix://, unix+ws:// or unix+rs://",
                ),
            ),
        ];
        for (url, expected) in cases {
            let parsed = parse_url(url).map_err(|error| error.to_string());
            assert_eq!(parsed, expected.map_err(str::to_owned), "{url}");
        }
    }

    #[test]
    fn rawsocket_frames_are_taken_whole_or_not_at_all() {
        check_rawsocket(&[0, 0, 0], 100, Ok(None));
        check_rawsocket(&[0, 0, 0, 3, b'a', b'b'], 100, Ok(None));
        check_rawsocket(
            &[0, 0, 0, 3, b'a', b'b', b'c', 9],
            100,
            Ok(Some(RawFrame::Message(b"abc".to_vec()))),
        );
        check_rawsocket(&[1, 0, 0, 1, 7], 100, Ok(Some(RawFrame::Ping(vec![7]))));
        check_rawsocket(&[2, 0, 0, 0], 100, Ok(Some(RawFrame::Nothing)));
        check_rawsocket(
            &[0, 0, 1, 0],
            255,
            Err(
                "protocol error: the router sent a RawSocket frame of 256 bytes, more than the 255 negotiated",
            ),
        );
        check_rawsocket(
            &[3, 0, 0, 0],
            255,
            Err("protocol error: the router sent a RawSocket frame of unknown type 3"),
        );
        check_rawsocket(
            &[0x10, 0, 0, 0],
            255,
            Err("protocol error: the router sent a RawSocket frame header with reserved bits set (0x10)"),
        );
    }

    /// Takes every frame off `bytes` as one WebSocket reader would, then checks what is left.
    fn check_websocket(bytes: &[u8], expected: &[Result<Option<RawFrame>, &str>]) {
        let mut unread = bytes;
        let mut fragments = None;
        let mut taken = Vec::new();
        loop {
            let frame = take_websocket_frame(unread, 1000, &mut fragments);
            if let Ok(Some((_, length))) = &frame {
                unread = unread.get(*length..).unwrap_or_default();
            }
            let frame = describe(frame);
            let done = !matches!(frame, Ok(Some(_)));
            taken.push(frame);
            if done {
                break;
            }
        }
        let expected: Vec<_> = expected
            .iter()
            .map(|frame| frame.clone().map_err(str::to_owned))
            .collect();
        assert_eq!(taken, expected, "WebSocket frames {bytes:02x?}");
    }

    #[test]
    fn websocket_frames_are_taken_whole_and_fragments_joined() {
        check_websocket(
            &[0x82, 3, b'a', b'b', b'c', 0x81, 1, b'd', 0x81],
            &[
                Ok(Some(RawFrame::Message(b"abc".to_vec()))),
                Ok(Some(RawFrame::Message(b"d".to_vec()))),
                Ok(None),
            ],
        );
        let mut long = vec![0x82, 126, 0, 200];
        long.resize(4 + 200, b'x');
        check_websocket(&long, &[Ok(Some(RawFrame::Message(vec![b'x'; 200]))), Ok(None)]);
        check_websocket(
            &[
                0x02, 1, b'a', 0x89, 1, 7, 0x00, 1, b'b', 0x80, 1, b'c', 0x8A, 0, 0x88, 2, 3, 0xE8,
            ],
            &[
                Ok(Some(RawFrame::Nothing)),
                Ok(Some(RawFrame::Ping(vec![7]))),
                Ok(Some(RawFrame::Nothing)),
                Ok(Some(RawFrame::Message(b"abc".to_vec()))),
                Ok(Some(RawFrame::Nothing)),
                Ok(Some(RawFrame::Close)),
                Ok(None),
            ],
        );
    }

    #[test]
    fn websocket_violations_are_protocol_errors() {
        check_websocket(
            &[0x82, 126, 0x03, 0xE9],
            &[Err(
                "protocol error: the router sent an oversized message: more than the 1000 bytes accepted",
            )],
        );
        check_websocket(
            &[0x82, 0x81, 0, 0, 0, 0, b'a'],
            &[Err(
                "protocol error: WebSocket protocol violation: a frame from the router is masked",
            )],
        );
        check_websocket(
            &[0xC2, 0],
            &[Err(
                "protocol error: WebSocket protocol violation: reserved bits set (0xc2) though no extension \
                 was negotiated",
            )],
        );
        check_websocket(
            &[0x80, 0],
            &[Err(
                "protocol error: WebSocket protocol violation: a continuation frame starts no message",
            )],
        );
        check_websocket(
            &[0x09, 0],
            &[Err(
                "protocol error: WebSocket protocol violation: control frame 0x9 is fragmented or longer \
                 than 125 bytes",
            )],
        );
        check_websocket(
            &[0x83, 0],
            &[Err(
                "protocol error: WebSocket protocol violation: unknown opcode 0x3",
            )],
        );
    }

    #[test]
    fn a_large_frame_does_not_keep_its_memory() {
        let length = 1 << 20;
        let mut buffer = vec![0, 0x10, 0, 0];
        buffer.resize(4 + length, b'x');
        buffer.extend_from_slice(&[2, 0, 0, 0]);
        let taken = take_rawsocket_frame(&buffer, length).map_err(|error| error.to_string());
        let Ok(Some((RawFrame::Message(payload), taken))) = taken else {
            panic!("the large frame: {taken:?}");
        };
        assert_eq!(payload.len(), length, "the large frame's payload");
        compact(&mut buffer, taken);
        assert_eq!(buffer, [2, 0, 0, 0], "what is left after the large frame");
        assert!(
            buffer.capacity() <= READ_BUFFER_KEPT,
            "the read buffer keeps {} bytes",
            buffer.capacity()
        );
    }

    #[test]
    fn appended_frames_lie_back_to_back() {
        let mut buffer = Vec::new();
        let mut rawsocket = Framing::RawSocket;
        for (kind, payload) in [
            (FrameKind::Message, &b"abc"[..]),
            (FrameKind::Ping, b"p"),
            (FrameKind::Pong, b""),
            (FrameKind::Close, b""),
        ] {
            let appended = rawsocket
                .append(kind, &wire::Frame::from(payload.to_vec()), &mut buffer)
                .map_err(|e| e.to_string());
            assert_eq!(appended, Ok(()), "{kind:?}");
        }
        assert_eq!(
            buffer,
            [0, 0, 0, 3, b'a', b'b', b'c', 1, 0, 0, 1, b'p', 2, 0, 0, 0]
        );
        check_rawsocket(&buffer, 100, Ok(Some(RawFrame::Message(b"abc".to_vec()))));
    }

    #[test]
    fn websocket_frames_sent_are_masked() {
        let mut buffer = Vec::new();
        let appended = append_websocket_frame(&mut buffer, 0x2, [1, 2, 3, 4], &b"abcde".to_vec().into());
        assert!(appended.is_ok());
        assert_eq!(
            buffer,
            [
                0x82,
                0x85,
                1,
                2,
                3,
                4,
                b'a' ^ 1,
                b'b' ^ 2,
                b'c' ^ 3,
                b'd' ^ 4,
                b'e' ^ 1
            ]
        );
        let mut buffer = Vec::new();
        let appended = append_websocket_frame(&mut buffer, 0x2, [0; 4], &vec![7; 300].into());
        assert!(appended.is_ok());
        assert_eq!(buffer.get(..8), Some(&[0x82, 0x80 | 126, 1, 44, 0, 0, 0, 0][..]));
        assert_eq!(buffer.len(), 8 + 300);
        let mut json = Framing::WebSocket {
            binary: false,
            masks: fastrand::Rng::with_seed(1),
        };
        let mut buffer = b"queued".to_vec();
        let not_utf8 = json.append(FrameKind::Message, &vec![0xFF].into(), &mut buffer);
        assert_eq!(
            not_utf8.map_err(|error| error.to_string()),
            Err("transport error: a JSON message is not UTF-8".to_owned())
        );
        assert_eq!(buffer, b"queued", "the refused frame is taken back");
    }

    /// A MessagePack EVENT whose binary values are spliced, in chunks of odd lengths.
    fn spliced_message() -> (wire::Frame, Vec<u8>) {
        let value = |len: usize| Value::Bytes((0..len).map(|i| i as u8).collect());
        let event = Message::Event {
            subscription: 1,
            publication: 2,
            details: Dict::new(),
            payload: Payload::new(vec![value(1001), Value::Integer(3), value(70_001)], Dict::new()),
        };
        let frame = Serializer::MsgPack
            .encode_frame(&event)
            .expect("the event encodes");
        assert!(
            frame.chunks().count() > 3,
            "the event's binary values are spliced"
        );
        let contiguous = Serializer::MsgPack.encode(&event).expect("the event encodes");
        (frame, contiguous)
    }

    #[test]
    fn frames_are_laid_out_from_their_chunks() {
        let (frame, contiguous) = spliced_message();
        let mask = [1, 2, 3, 4];
        let mut buffer = Vec::new();
        let appended = append_websocket_frame(&mut buffer, 0x2, mask, &frame);
        assert!(appended.is_ok());
        let mut header = vec![0x82, 0x80 | 127];
        header.extend_from_slice(&(contiguous.len() as u64).to_be_bytes());
        header.extend_from_slice(&mask);
        assert_eq!(buffer.get(..14), Some(&header[..]));
        let unmasked: Vec<u8> = buffer
            .get(14..)
            .unwrap_or_default()
            .iter()
            .zip(mask.iter().cycle())
            .map(|(byte, mask)| byte ^ mask)
            .collect();
        assert_eq!(unmasked, contiguous, "the mask runs on across chunks");

        let mut buffer = Vec::new();
        let appended = Framing::RawSocket.append(FrameKind::Message, &frame, &mut buffer);
        assert!(appended.is_ok());
        let max_length = RAWSOCKET_MAX_FRAME;
        check_rawsocket(&buffer, max_length, Ok(Some(RawFrame::Message(contiguous))));
    }

    #[test]
    fn rawsocket_limit_counts_spliced_values() {
        let long = Value::Bytes(vec![0; RAWSOCKET_MAX_FRAME].into());
        let frame = Serializer::Cbor
            .encode_frame(&Message::Publish {
                request: 1,
                options: Dict::new(),
                topic: "t".into(),
                payload: Payload::new(vec![long], Dict::new()),
            })
            .expect("the message encodes");
        let mut buffer = Vec::new();
        let appended = Framing::RawSocket.append(FrameKind::Message, &frame, &mut buffer);
        assert_eq!(
            appended.map_err(|error| error.to_string()),
            Err(format!(
                "transport error: a frame of {} bytes exceeds RawSocket's limit",
                frame.len()
            ))
        );
        assert!(buffer.is_empty());
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
