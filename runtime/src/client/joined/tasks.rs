//! The I/O tasks of a joined session: the reader, the writer, the keepalive and the timeouts.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

use super::{GOODBYE_TIMEOUT, JoinedSession};
use crate::client::transport::{ByteWriter, FrameReader, Incoming};
use crate::error::{Error, ErrorKind};
use crate::wire::Message;

/// Reads frames and applies them, until the session ends.
pub(super) async fn run_reader(shared: Arc<JoinedSession>, mut reader: FrameReader) {
    // One wait for the end, kept across frames, rather than a new one for every frame.
    let ended = shared.wait_ended();
    tokio::pin!(ended);
    loop {
        let frame = tokio::select! {
            frame = reader.next() => frame,
            () = &mut ended => return,
        };
        match frame {
            None => {
                let reason = Error::new(ErrorKind::Transport(
                    "the router closed the connection without GOODBYE".to_owned(),
                ));
                shared.terminate(reason, None);
                return;
            }
            Some(Err(error)) => {
                match error.kind() {
                    ErrorKind::Protocol(problem) => shared.protocol_violation(problem.clone()),
                    _ => shared.terminate(error, None),
                }
                return;
            }
            Some(Ok(Incoming::Ping(payload))) => shared.outbox.send_pong(payload),
            Some(Ok(Incoming::Message(bytes))) => {
                // Long binary values of the message become slices of its buffer, not copies.
                let bytes = bytes::Bytes::from(bytes);
                let message = match shared
                    .serializer
                    .decode_shared_with(&bytes, &shared.decode_limits)
                {
                    Ok(message) => message,
                    Err(error) => {
                        shared.protocol_violation(format!(
                            "the router sent a message that is not valid {}: {error}",
                            shared.serializer
                        ));
                        return;
                    }
                };
                // An invocation or event waits for a place in the client's hands; meanwhile
                // nothing more is read, and the router's messages wait in the transport.
                let slot = if matches!(message, Message::Event { .. } | Message::Invocation { .. }) {
                    match Arc::clone(&shared.slots).try_acquire_owned() {
                        Ok(slot) => Some(slot),
                        Err(_) => match shared.wait_for_place(&mut ended).await {
                            Place::Granted(slot) => Some(slot),
                            Place::Closing => continue,
                            Place::Ended => return,
                        },
                    }
                } else {
                    None
                };
                if !shared.handle(message, slot) {
                    return;
                }
            }
        }
    }
}

/// What a reader waiting for a place in the client's hands gets.
pub(super) enum Place {
    Granted(OwnedSemaphorePermit),
    /// The client said GOODBYE: the message is dropped unread.
    Closing,
    Ended,
}

impl JoinedSession {
    /// Waits for a place for an invocation or event, unless the client closes or the session
    /// ends first.
    async fn wait_for_place(&self, ended: &mut (impl Future<Output = ()> + Unpin)) -> Place {
        // Listening before looking: a GOODBYE said in between still wakes the wait.
        let goodbye = self.goodbye_said.notified();
        if self.lock().goodbye_sent {
            return Place::Closing;
        }
        tokio::select! {
            slot = Arc::clone(&self.slots).acquire_owned() => match slot {
                Ok(slot) => Place::Granted(slot),
                Err(_) => Place::Ended,
            },
            () = goodbye => Place::Closing,
            () = ended => Place::Ended,
        }
    }
}

/// Pings a router that has been silent for `interval`, and ends the session as lost when it
/// stays silent for another `interval`: a router gone without closing the connection (a
/// half-open TCP connection) is noticed within two intervals.
pub(super) async fn run_keepalive(shared: Arc<JoinedSession>, reads: Arc<AtomicU64>, interval: Duration) {
    let ended = shared.wait_ended();
    tokio::pin!(ended);
    let mut ticks = tokio::time::interval_at(Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut heard = reads.load(Ordering::Relaxed);
    let mut pinged = false;
    loop {
        tokio::select! {
            () = &mut ended => return,
            _ = ticks.tick() => {}
        }
        let now = reads.load(Ordering::Relaxed);
        if now != heard {
            heard = now;
            pinged = false;
        } else if pinged {
            let reason = format!("the router stayed silent for {:?}, a ping included", interval * 2);
            shared.terminate(Error::new(ErrorKind::Transport(reason)), None);
            return;
        } else {
            shared.outbox.send_ping();
            pinged = true;
        }
    }
}

/// Fails calls whose timeout passed, until the session ends.
///
/// One timer serves all the session's calls, set to the earliest deadline and moved only
/// when a call's deadline comes before it: a timer of each call's own would be registered
/// and removed again on every call.
pub(super) async fn run_timeouts(shared: Arc<JoinedSession>) {
    let ended = shared.wait_ended();
    tokio::pin!(ended);
    loop {
        let next_deadline = shared.lock().next_deadline;
        let expired = async {
            match next_deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = &mut ended => return,
            // A permit stored by a call that started since the deadline was read ends the
            // wait at once, so that no earlier deadline is missed.
            () = shared.deadline_moved.notified() => {}
            () = expired => shared.expire_calls(),
        }
    }
}

/// Writes what callers handed over until the transport closes or fails; once the session has
/// ended, only for [`GOODBYE_TIMEOUT`] more.
///
/// A router that stopped reading would otherwise keep the writer blocked, and with it the
/// task and the connection, after the session is long gone.
pub(super) async fn run_writer(shared: Arc<JoinedSession>, writer: ByteWriter) {
    let mut ended = shared.ended.subscribe();
    let writing = shared.outbox.run_writer(writer);
    tokio::pin!(writing);
    let finished = tokio::select! {
        written = &mut writing => Some(written),
        _ = ended.wait_for(|ended| *ended) => None,
    };
    let written = match finished {
        Some(written) => written,
        None => tokio::time::timeout(GOODBYE_TIMEOUT, writing)
            .await
            .unwrap_or_else(|_| {
                tracing::debug!(
                    session = shared.session_id,
                    "the router did not take the last messages; the connection is dropped"
                );
                Ok(())
            }),
    };
    if let Err(error) = written {
        shared.terminate(error, None);
    }
}
