//! The frames a session sends, and who writes them: the task that queues a frame writes it
//! itself, straight onto the socket, when nothing else is about to be sent, nobody else is
//! writing and the socket has room; otherwise the session's writer task does (many operations
//! in flight, a full socket, TLS, closing).
//!
//! A lone call so costs one system call and no hand-over between tasks or threads; with many
//! in flight, the frames their tasks queue in one round leave together in one write.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::net::tcp::OwnedWriteHalf;
use tokio::runtime::RuntimeFlavor;
use tokio::sync::Notify;

use crate::client::transport::{ByteWriter, FrameKind, Framing, write_error};
use crate::error::{Error, ErrorKind};
use crate::wire::Frame;

/// The capacity the queue keeps after a large write, so that one large message does not pin
/// its size in memory for the session's lifetime.
const KEPT_CAPACITY: usize = 64 * 1024;

/// Who writes a queued message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flush {
    /// The task queuing it, if it can: nothing else is about to be sent.
    Now,
    /// The writer task, together with what the session's other tasks are about to queue.
    Batched,
}

/// The queue of frames to send, shared by a session's handles and its writer task.
#[derive(Debug)]
pub(crate) struct Outbox {
    queue: Mutex<Queue>,
    /// Wakes the writer task when the frames became its job.
    writer_needed: Notify,
}

#[derive(Debug)]
struct Queue {
    /// Frames not yet written, headers included.
    bytes: Vec<u8>,
    framing: Framing,
    /// The socket, while those who queue may write to it themselves (plain TCP).
    direct: Option<Arc<OwnedWriteHalf>>,
    /// Whether writing is the writer task's job; while it is, nobody else writes.
    writer_owns: bool,
    /// Whether the transport closes once the frames queued are written; nothing more is queued.
    closing: bool,
    /// Whether a pong waits in `bytes`; while one does, further pings go unanswered, so a
    /// router that pings faster than it reads cannot grow the queue.
    pong_waiting: bool,
}

impl Queue {
    fn written(&mut self) {
        self.bytes.clear();
        self.bytes.shrink_to(KEPT_CAPACITY);
        self.pong_waiting = false;
    }
}

impl Outbox {
    pub(crate) fn new(framing: Framing, writer: &ByteWriter) -> Outbox {
        let direct = match writer {
            ByteWriter::Tcp(socket) => Some(Arc::clone(socket)),
            ByteWriter::Tls(_) | ByteWriter::Unix(_) => None,
        };
        Outbox {
            queue: Mutex::new(Queue {
                bytes: Vec::new(),
                framing,
                direct,
                writer_owns: false,
                closing: false,
                pong_waiting: false,
            }),
            writer_needed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // No code path panics while holding the lock; should one ever, the queue is still usable.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues one serialized message; writes it when `flush` says so and the writer task does
    /// not have the job. Framing it is the one copy of its long binary values the client makes.
    pub(crate) fn send(&self, message: &Frame, flush: Flush) -> Result<(), Error> {
        let mut queue = self.lock();
        if queue.closing {
            return Err(Error::new(ErrorKind::SessionClosed(
                "the connection is closing".to_owned(),
            )));
        }
        let Queue { framing, bytes, .. } = &mut *queue;
        framing.append(FrameKind::Message, message, bytes)?;
        match flush {
            Flush::Now => self.write_or_hand_over(queue),
            Flush::Batched => self.hand_over(queue),
        }
        Ok(())
    }

    /// Queues a pong, unless one waits already.
    pub(crate) fn send_pong(&self, payload: Vec<u8>) {
        let mut queue = self.lock();
        if queue.closing || queue.pong_waiting {
            return;
        }
        let Queue { framing, bytes, .. } = &mut *queue;
        if framing
            .append(FrameKind::Pong, &Frame::from(payload), bytes)
            .is_ok()
        {
            queue.pong_waiting = true;
            self.write_or_hand_over(queue);
        }
    }

    /// Queues a keepalive ping, which the router answers with a pong.
    pub(crate) fn send_ping(&self) {
        let mut queue = self.lock();
        if queue.closing {
            return;
        }
        let Queue { framing, bytes, .. } = &mut *queue;
        if framing.append(FrameKind::Ping, &Frame::new(), bytes).is_ok() {
            self.write_or_hand_over(queue);
        }
    }

    /// Queues the last message, if any, and has the writer task close the transport after it.
    pub(crate) fn close(&self, last_words: Option<&Frame>) {
        let mut queue = self.lock();
        if queue.closing {
            return;
        }
        let Queue { framing, bytes, .. } = &mut *queue;
        // Neither can fail but for a message too large for RawSocket, which then stays unsaid.
        if let Some(message) = last_words {
            let _ = framing.append(FrameKind::Message, message, bytes);
        }
        let _ = framing.append(FrameKind::Close, &Frame::new(), bytes);
        queue.closing = true;
        // The writer task's handle is then the socket's last: the connection closes with it.
        queue.direct = None;
        self.hand_over(queue);
    }

    /// Writes what is queued now, without waiting; what the socket does not take, and any
    /// failure, the writer task takes over (the failure ends the session there).
    fn write_or_hand_over(&self, mut queue: MutexGuard<'_, Queue>) {
        if queue.writer_owns {
            return;
        }
        if let Some(socket) = &queue.direct {
            // A write that never waits: holding the lock across it keeps the frames in order.
            match socket.try_write(&queue.bytes) {
                Ok(written) if written == queue.bytes.len() => {
                    queue.written();
                    return;
                }
                Ok(written) => {
                    queue.bytes.drain(..written);
                }
                Err(_) => {}
            }
        }
        self.hand_over(queue);
    }

    fn hand_over(&self, mut queue: MutexGuard<'_, Queue>) {
        if !queue.writer_owns {
            queue.writer_owns = true;
            self.writer_needed.notify_one();
        }
    }

    /// The writer task: writes what was handed over, until the transport is closed or fails.
    pub(crate) async fn run_writer(&self, mut writer: ByteWriter) -> Result<(), Error> {
        let mut writing = Vec::new();
        // The task that hands the writing over is often the first of many about to queue a
        // frame, and one write should carry them all. The current-thread runtime runs the
        // writer after the tasks already waiting; the multi-thread runtime runs it next, in the
        // waker's worker, unless it yields.
        let yields = tokio::runtime::Handle::try_current()
            .is_ok_and(|runtime| runtime.runtime_flavor() != RuntimeFlavor::CurrentThread);
        loop {
            self.writer_needed.notified().await;
            if yields {
                tokio::task::yield_now().await;
            }
            loop {
                {
                    let mut queue = self.lock();
                    if !queue.writer_owns {
                        break;
                    }
                    if queue.bytes.is_empty() {
                        if queue.closing {
                            break;
                        }
                        queue.writer_owns = false;
                        break;
                    }
                    std::mem::swap(&mut queue.bytes, &mut writing);
                    queue.pong_waiting = false;
                }
                writer.write_all(&writing).await.map_err(write_error)?;
                writing.clear();
                writing.shrink_to(KEPT_CAPACITY);
            }
            if self.lock().closing {
                return writer.shutdown().await.map_err(write_error);
            }
        }
    }
}
