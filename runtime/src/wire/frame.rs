//! An encoded message that refers to its long binary values instead of copying them.
//!
//! The client copies every outgoing message once more anyway, when it frames it for the socket
//! (masking it, for WebSocket); a [`Frame`] lets that copy be the only one of a long binary
//! value, where encoding into a `Vec<u8>` copies it first into the encoding.

use bytes::Bytes;

use crate::wire::output::Output;

/// The length from which the binary serializers splice a binary value into a [`Frame`] rather
/// than copy it, the length from which decoders share binary values with the received buffer.
/// A splice has a fixed cost: a reference count (for a `Bytes` made from a `Vec`, an allocation
/// on its first clone), the splice list (allocated once per frame) and, when the frame is
/// written, a chunk of its own. Measured as the client sends (a new frame per message, values
/// made from a `Vec`), encoding and framing a 512-byte value cost about the same either way
/// (83 ns spliced, 88 ns copied, on the 2-core machine of 2026-11-21); spliced, the cost
/// then grows with one copy instead of two (1.5 µs against 2.2 µs at 128 KiB). Much below 512
/// bytes, the fixed cost would exceed the copy saved.
const SPLICE_THRESHOLD: usize = 512;

/// An encoded message whose long binary values are shared with the message rather than copied.
///
/// Its bytes are the [`chunks`](Frame::chunks) in order: encoded bytes, with each spliced value
/// inserted at its offset. [`Serializer::encode_frame`](crate::wire::Serializer::encode_frame)
/// makes one; a `Vec<u8>` converts into one that splices nothing.
#[derive(Clone, Default)]
pub struct Frame {
    /// The encoding, without the spliced values, up to `len`; past it, room that the next
    /// encoding writes over (see [`Output::keeping_room`]).
    bytes: Vec<u8>,
    len: usize,
    /// Each spliced value, with the offset of `bytes` at which it goes; offsets never decrease.
    spliced: Vec<(usize, Bytes)>,
}

impl PartialEq for Frame {
    fn eq(&self, other: &Frame) -> bool {
        self.encoded() == other.encoded() && self.spliced == other.spliced
    }
}

impl Eq for Frame {}

impl std::fmt::Debug for Frame {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Frame")
            .field("bytes", &self.encoded())
            .field("spliced", &self.spliced)
            .finish()
    }
}

impl Frame {
    /// An empty frame.
    pub fn new() -> Frame {
        Frame::default()
    }

    /// The length of the encoding, spliced values included.
    pub fn len(&self) -> usize {
        self.spliced
            .iter()
            .fold(self.len, |len, (_, value)| len + value.len())
    }

    /// Whether the encoding is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0 && self.spliced.is_empty()
    }

    /// Empties the frame, keeping the capacity of its buffers for the next encoding.
    pub fn clear(&mut self) {
        self.len = 0;
        self.spliced.clear();
    }

    /// The encoding without the spliced values.
    fn encoded(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// The pieces of the encoding, in order; none is empty.
    pub fn chunks(&self) -> Chunks<'_> {
        Chunks {
            bytes: self.encoded(),
            at: 0,
            spliced: self.spliced.iter(),
            pending: None,
        }
    }

    /// The encoding as contiguous bytes, copied.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut contiguous = Vec::with_capacity(self.len());
        self.chunks()
            .for_each(|chunk| contiguous.extend_from_slice(chunk));
        contiguous
    }

    /// The encoding as contiguous bytes; copied only if the frame spliced values.
    pub fn into_vec(self) -> Vec<u8> {
        if self.spliced.is_empty() {
            let mut bytes = self.bytes;
            bytes.truncate(self.len);
            bytes
        } else {
            self.to_vec()
        }
    }

    /// The output a writer appends to, and where it puts binary values.
    pub(super) fn output(&mut self) -> (Output<'_>, Binaries<'_>) {
        (
            Output::keeping_room(&mut self.bytes, &mut self.len),
            Binaries(Some(&mut self.spliced)),
        )
    }
}

impl From<Vec<u8>> for Frame {
    fn from(bytes: Vec<u8>) -> Frame {
        Frame {
            len: bytes.len(),
            bytes,
            spliced: Vec::new(),
        }
    }
}

/// The pieces of a [`Frame`], in order: see [`Frame::chunks`].
#[derive(Debug, Clone)]
pub struct Chunks<'a> {
    bytes: &'a [u8],
    /// Where in `bytes` the next piece of them starts.
    at: usize,
    spliced: std::slice::Iter<'a, (usize, Bytes)>,
    /// The spliced value that follows the piece of `bytes` last returned.
    pending: Option<&'a [u8]>,
}

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            // Spliced values are never empty: they are at least SPLICE_THRESHOLD bytes long.
            if let Some(value) = self.pending.take() {
                return Some(value);
            }
            let end = match self.spliced.next() {
                Some((offset, value)) => {
                    self.pending = Some(value);
                    *offset
                }
                None if self.at < self.bytes.len() => self.bytes.len(),
                None => return None,
            };
            let piece = self.bytes.get(self.at..end).unwrap_or_default();
            self.at = end;
            if !piece.is_empty() {
                return Some(piece);
            }
        }
    }
}

/// Where a binary serializer's writer puts binary values: always into its output (when encoding
/// into a `Vec<u8>`), or from [`SPLICE_THRESHOLD`] bytes up into a frame's splice list.
pub(super) struct Binaries<'a>(Option<&'a mut Vec<(usize, Bytes)>>);

impl Binaries<'_> {
    /// Binary values are copied into the output.
    pub(super) const COPIED: Binaries<'static> = Binaries(None);

    /// Writes a binary value at `at` of `out`, or splices it in there if it is to be spliced;
    /// returns the position after it in `out`.
    #[inline]
    pub(super) fn write(&mut self, out: &mut Output<'_>, at: usize, value: &Bytes) -> usize {
        match &mut self.0 {
            Some(spliced) if value.len() >= SPLICE_THRESHOLD => {
                spliced.push((at, value.clone()));
                at
            }
            _ => out.extend(at, value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Payload;
    use crate::data::value::{Dict, Value};
    use crate::wire::{Message, Serializer};

    fn bytes(len: usize, seed: u8) -> Value {
        Value::Bytes(
            (0..len)
                .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
                .collect(),
        )
    }

    fn event(args: Vec<Value>, kwargs: Dict) -> Message {
        Message::Event {
            subscription: 1,
            publication: 2,
            details: Dict::new(),
            payload: Payload::new(args, kwargs),
        }
    }

    /// Messages with binary values of every length around the threshold, alone, nested, several
    /// in a row and last in the message.
    fn messages() -> Vec<Message> {
        let mut messages = vec![
            Message::Goodbye {
                details: Dict::new(),
                reason: "wamp.close.normal".to_owned(),
            },
            event(vec![], Dict::new()),
        ];
        for len in [
            0,
            1,
            255,
            256,
            SPLICE_THRESHOLD - 1,
            SPLICE_THRESHOLD,
            SPLICE_THRESHOLD + 1,
            65_536,
            70_000,
        ] {
            messages.push(event(vec![bytes(len, 1)], Dict::new()));
            messages.push(event(
                vec![Value::Null, Value::List(vec![bytes(len, 2), Value::Integer(7)])],
                Dict::from([
                    ("frame".to_owned(), bytes(len, 3)),
                    ("z".to_owned(), Value::Bool(true)),
                ]),
            ));
        }
        let nested = Value::Dict(Dict::from([
            ("a".to_owned(), bytes(600, 4)),
            (
                "b".to_owned(),
                Value::List(vec![bytes(10, 5), bytes(4096, 6), bytes(600, 7)]),
            ),
            ("c".to_owned(), Value::String("text".into())),
        ]));
        messages.push(event(
            vec![bytes(512, 8), bytes(513, 9), nested.clone()],
            Dict::new(),
        ));
        messages.push(event(
            vec![Value::List(vec![nested])],
            Dict::from([("x".to_owned(), bytes(1000, 10))]),
        ));
        messages
    }

    #[test]
    fn chunks_concatenated_are_the_copying_encoding() {
        for serializer in Serializer::ALL {
            for message in messages() {
                let expected = serializer.encode(&message).expect("the test messages encode");
                let frame = serializer
                    .encode_frame(&message)
                    .expect("the test messages encode");
                let concatenated: Vec<u8> = frame.chunks().flatten().copied().collect();
                assert_eq!(concatenated, expected, "{serializer} {message:?}");
                assert_eq!(frame.len(), expected.len(), "{serializer}");
                assert_eq!(frame.to_vec(), expected, "{serializer}");
                assert!(frame.chunks().all(|chunk| !chunk.is_empty()), "{serializer}");
                assert_eq!(frame.clone().into_vec(), expected, "{serializer}");
            }
        }
    }

    #[test]
    fn long_binary_values_are_spliced_by_binary_serializers_only() {
        let value = bytes(SPLICE_THRESHOLD, 1);
        let Value::Bytes(shared) = &value else {
            unreachable!("bytes() makes a binary value")
        };
        let message = event(
            vec![value.clone(), bytes(SPLICE_THRESHOLD - 1, 2), value.clone()],
            Dict::new(),
        );
        for serializer in Serializer::ALL {
            let frame = serializer.encode_frame(&message).expect("the message encodes");
            let spliced: Vec<_> = frame.spliced.iter().map(|(_, value)| value.as_ptr()).collect();
            let expected = if serializer.is_binary() {
                vec![shared.as_ptr(); 2]
            } else {
                vec![]
            };
            assert_eq!(spliced, expected, "{serializer}");
        }
    }

    #[test]
    fn frames_append_and_clear() {
        let message = event(vec![bytes(1000, 1)], Dict::new());
        let mut frame = Frame::new();
        assert!(frame.is_empty());
        assert_eq!(frame.chunks().count(), 0);
        for serializer in Serializer::ALL {
            let once = serializer.encode(&message).expect("the message encodes");
            serializer
                .encode_frame_into(&message, &mut frame)
                .expect("the message encodes");
            serializer
                .encode_frame_into(&message, &mut frame)
                .expect("the message encodes");
            assert_eq!(frame.to_vec(), [once.clone(), once].concat(), "{serializer}");
            frame.clear();
            assert!(frame.is_empty());
        }
    }

    #[test]
    fn a_vec_is_a_frame_of_one_chunk() {
        let frame = Frame::from(b"abc".to_vec());
        assert_eq!(frame.chunks().collect::<Vec<_>>(), [&b"abc"[..]]);
        assert_eq!(frame.len(), 3);
        assert_eq!(frame.into_vec(), b"abc");
    }
}
