//! One joined session: what it shares between its handles and its I/O tasks, and how it ends;
//! `calls` sends what the client asks, `dispatch` applies what the router sends, `tasks` are its
//! reader, writer, keepalive and timeouts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::backend::{Event, InvocationHandler};
use crate::client::outbox::{Flush, Outbox};
use crate::client::progress::ItemSender;
use crate::client::transport::{ByteWriter, FrameReader, Framing};
use crate::context::Interrupt;
use crate::data::value::Dict;
use crate::error::{Error, ErrorKind};
use crate::wire::{self, DecodeLimits, Message, Serializer};

mod calls;
mod dispatch;
mod tasks;

use calls::WaitingCall;
pub(crate) use calls::{CallReceiver, PendingRequest, RequestKind};
use tasks::{run_keepalive, run_reader, run_timeouts, run_writer};

/// A registration's handler with the URI it was registered for, which an invocation's context
/// names when the router does not say (an exact registration).
pub(crate) struct Procedure {
    pub(crate) uri: String,
    pub(crate) handler: InvocationHandler,
}

/// The local subscriptions that one router subscription serves, with the topic they were made
/// for, which an event's context names when the router does not say.
#[derive(Default)]
struct Topic {
    uri: String,
    /// Each local subscription's id and event queue.
    queues: Vec<(u64, EventQueue)>,
}

/// The GOODBYE reason of a router going down, which a client rejoins after.
const SYSTEM_SHUTDOWN: &str = "wamp.close.system_shutdown";

/// WAMP ids are integers in [1, 2^53].
const MAX_ID: u64 = 1 << 53;

/// How long closing waits on the router: for its GOODBYE, and then for it to take the last
/// messages off the connection.
pub(crate) const GOODBYE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a subscription's events go, to be delivered to its handler in order.
pub(crate) type EventQueue = mpsc::UnboundedSender<Delivery>;

/// An event on its way to a handler, holding its place among the invocations and events the
/// client has in hand until the handler is done with it.
#[derive(Debug)]
pub(crate) struct Delivery {
    pub(crate) event: Event,
    /// JoinedSession by the queues of the local subscriptions that share one router subscription.
    pub(crate) _slot: Option<Arc<OwnedSemaphorePermit>>,
}

/// The mutable part of a session.
#[derive(Default)]
struct State {
    /// Why the session ended, once it has.
    ended: Option<Error>,
    /// Whether the router ended the session on purpose (GOODBYE or ABORT, a kill among them),
    /// rather than losing it: such a session is not joined again.
    ended_by_router: bool,
    /// Whether the client sent GOODBYE and waits for the router's.
    goodbye_sent: bool,
    calls: HashMap<u64, WaitingCall>,
    /// When the timeouts task looks for expired calls next: at the earliest deadline of the
    /// pending calls, or before it, as calls that ended leave it in place.
    next_deadline: Option<Instant>,
    requests: HashMap<u64, PendingRequest>,
    registrations: HashMap<u64, Arc<Procedure>>,
    /// Several local subscriptions may share one router subscription (same topic and options).
    subscriptions: HashMap<u64, Topic>,
    /// Running invocations, by INVOCATION request id, to abort and interrupt on INTERRUPT.
    invocations: HashMap<u64, (AbortHandle, Interrupt)>,
    /// Where the further INVOCATIONs of progressive call invocations go, by request id, until
    /// the final one (its handler may be done before).
    streams: HashMap<u64, ItemSender>,
    /// The router's ids of the registrations and subscriptions it revoked (UNREGISTERED or
    /// UNSUBSCRIBED with details): kept past the session's end, so that they are not made again
    /// on the next.
    revoked: Revoked,
}

/// What is left of a router subscription once one local subscription is dropped from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubscriptionLeft {
    /// Other local subscriptions receive its events.
    JoinedSession,
    /// Nobody receives its events: it is to be undone.
    Unused,
    /// The session does not hold it (revoked by the router, or the session ended).
    Gone,
}

/// The router's ids of what it revoked in one session.
#[derive(Debug, Default, Clone)]
pub(crate) struct Revoked {
    pub(crate) registrations: Vec<u64>,
    pub(crate) subscriptions: Vec<u64>,
}

impl State {
    /// How to write a message: at once, unless other operations are in flight, whose
    /// messages are better sent together with it.
    fn flush(&self) -> Flush {
        if self.calls.len() + self.requests.len() + self.invocations.len() > 1 {
            Flush::Batched
        } else {
            Flush::Now
        }
    }
}

/// The state of one joined session.
pub(crate) struct JoinedSession {
    pub(crate) serializer: Serializer,
    pub(crate) session_id: u64,
    pub(crate) welcome_details: Dict,
    pub(crate) default_timeout: Option<Duration>,
    /// The largest message the router accepts, when the transport says.
    max_outgoing_size: Option<usize>,
    decode_limits: DecodeLimits,
    outbox: Outbox,
    /// The client's request ids, shared by all its sessions: unique across them, so that an
    /// operation built for a lost session can be sent on the next.
    requests: Arc<AtomicU64>,
    state: Mutex<State>,
    /// A place for each invocation or event the client has in hand (running, or queued for
    /// its handler); with none left, the reader stops reading, and the router's messages wait
    /// in the transport.
    slots: Arc<Semaphore>,
    /// Wakes a reader waiting for a place when the client says GOODBYE: from then on the
    /// router's invocations and events are dropped unread, so that its GOODBYE gets through.
    goodbye_said: Notify,
    /// Wakes the timeouts task when a call's deadline comes before `next_deadline`.
    deadline_moved: Notify,
    ended: watch::Sender<bool>,
}

impl std::fmt::Debug for JoinedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.session_id)
            .field("serializer", &self.serializer)
            .finish_non_exhaustive()
    }
}

/// The parts of a joined session its I/O tasks are made of.
pub(crate) struct JoinedParts {
    pub(crate) serializer: Serializer,
    pub(crate) session_id: u64,
    pub(crate) welcome_details: Dict,
    pub(crate) default_timeout: Option<Duration>,
    pub(crate) max_outgoing_size: Option<usize>,
    pub(crate) decode_limits: DecodeLimits,
    /// How long the router may stay silent before it is pinged, and then again before the
    /// connection counts as lost; `None` never pings.
    pub(crate) keepalive: Option<Duration>,
    /// How many invocations and events the client may have in hand at once.
    pub(crate) max_in_flight: usize,
    pub(crate) requests: Arc<AtomicU64>,
    pub(crate) reader: FrameReader,
    pub(crate) writer: ByteWriter,
    pub(crate) framing: Framing,
}

impl JoinedSession {
    /// Starts the I/O tasks of a joined session on the current tokio runtime.
    pub(crate) fn start(joined: JoinedParts) -> Arc<JoinedSession> {
        let shared = Arc::new(JoinedSession {
            serializer: joined.serializer,
            session_id: joined.session_id,
            welcome_details: joined.welcome_details,
            default_timeout: joined.default_timeout,
            max_outgoing_size: joined.max_outgoing_size,
            decode_limits: joined.decode_limits,
            outbox: Outbox::new(joined.framing, &joined.writer),
            requests: joined.requests,
            slots: Arc::new(Semaphore::new(joined.max_in_flight)),
            goodbye_said: Notify::new(),
            state: Mutex::new(State::default()),
            deadline_moved: Notify::new(),
            ended: watch::Sender::new(false),
        });
        if let Some(interval) = joined.keepalive {
            tokio::spawn(run_keepalive(
                Arc::clone(&shared),
                joined.reader.reads(),
                interval,
            ));
        }
        tokio::spawn(run_writer(Arc::clone(&shared), joined.writer));
        tokio::spawn(run_reader(Arc::clone(&shared), joined.reader));
        tokio::spawn(run_timeouts(Arc::clone(&shared)));
        shared
    }

    /// A new request id, unique within the session.
    pub(crate) fn next_request_id(&self) -> u64 {
        next_request_id(&self.requests)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No code path panics while holding the lock; should one ever, the state is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the session has ended; cheaper than taking the lock, and at most a moment late.
    pub(crate) fn has_ended(&self) -> bool {
        *self.ended.borrow()
    }

    /// Why the session ended, once it has.
    pub(crate) fn end_reason(&self) -> Option<Error> {
        self.lock().ended.clone()
    }

    /// Whether the router ended the session on purpose: a GOODBYE (but for a router shutting
    /// down, which comes back) or an ABORT. Joining again would undo what the router did, a
    /// kill by an administrator say.
    pub(crate) fn ended_by_router(&self) -> bool {
        self.lock().ended_by_router
    }

    /// Ends the session as the router asked.
    fn end_by_router(&self, reason: Error, last_words: Option<Message>) {
        self.lock().ended_by_router = true;
        self.terminate(reason, last_words);
    }

    /// Waits until the session has ended.
    pub(crate) async fn wait_ended(&self) {
        let mut ended = self.ended.subscribe();
        // The sender lives in `self`, so waiting cannot fail.
        let _ = ended.wait_for(|ended| *ended).await;
    }

    /// The error of an operation started after the session ended.
    pub(crate) fn closed_error(reason: &Error) -> Error {
        match reason.kind() {
            ErrorKind::SessionClosed(_) => reason.clone(),
            _ => Error::with_source(ErrorKind::SessionClosed(reason.to_string()), reason.clone()),
        }
    }

    /// Encodes a message as a frame that shares its long binary values, within the router's
    /// maximum size.
    fn encode(&self, message: &Message) -> Result<wire::Frame, Error> {
        let frame = self.serializer.encode_frame(message).map_err(|error| {
            Error::new(ErrorKind::Protocol(format!(
                "cannot encode {} as {}: {error}",
                message.message_type(),
                self.serializer
            )))
        })?;
        match self.max_outgoing_size {
            Some(max) if frame.len() > max => Err(Error::new(ErrorKind::Protocol(format!(
                "{} of {} bytes exceeds the router's maximum message size of {max} bytes",
                message.message_type(),
                frame.len()
            )))),
            _ => Ok(frame),
        }
    }

    /// Sends one encoded message, if the session has not ended.
    fn queue(&self, state: &State, frame: &wire::Frame) -> Result<(), Error> {
        if let Some(reason) = &state.ended {
            return Err(JoinedSession::closed_error(reason));
        }
        self.outbox.send(frame, state.flush())
    }

    /// Sends a message that expects no answer.
    pub(crate) fn send(&self, message: &Message) -> Result<(), Error> {
        let frame = self.encode(message)?;
        self.queue(&self.lock(), &frame)
    }

    /// Whether the live session holds the router's registration `id`: not when the router
    /// revoked it, nor once the session ended.
    pub(crate) fn holds_registration(&self, id: u64) -> bool {
        self.lock().registrations.contains_key(&id)
    }

    /// Stops delivering the events of the router's subscription `id` to the local subscription
    /// `local`; whether other local subscriptions still receive them (else the router's
    /// subscription is to be undone, if the session still holds it).
    pub(crate) fn drop_subscriber(&self, id: u64, local: u64) -> SubscriptionLeft {
        let mut state = self.lock();
        let Some(topic) = state.subscriptions.get_mut(&id) else {
            return SubscriptionLeft::Gone;
        };
        topic.queues.retain(|(subscriber, _)| *subscriber != local);
        if topic.queues.is_empty() {
            SubscriptionLeft::Unused
        } else {
            SubscriptionLeft::JoinedSession
        }
    }

    /// What the router revoked in this session.
    pub(crate) fn revoked(&self) -> Revoked {
        self.lock().revoked.clone()
    }

    /// Sends GOODBYE, unless the session already ended or is closing.
    pub(crate) fn send_goodbye(&self) -> Result<(), Error> {
        let goodbye = Message::Goodbye {
            details: Dict::new(),
            reason: "wamp.close.close_realm".to_owned(),
        };
        let frame = self.encode(&goodbye)?;
        let mut state = self.lock();
        if state.ended.is_some() || state.goodbye_sent {
            return Ok(());
        }
        state.goodbye_sent = true;
        self.goodbye_said.notify_waiters();
        self.queue(&state, &frame)
    }

    /// Ends the session: every waiting caller gets `reason`, running invocations are aborted,
    /// and the transport closes after `last_words` (ABORT or GOODBYE), if any.
    pub(crate) fn terminate(&self, reason: Error, last_words: Option<Message>) {
        let last_frame = last_words.and_then(|message| self.encode(&message).ok());
        let mut state = self.lock();
        if state.ended.is_some() {
            return;
        }
        tracing::debug!(session = self.session_id, %reason, "session ended");
        for (_, call) in state.calls.drain() {
            call.updates.finish(Err(reason.clone()));
        }
        for (_, request) in state.requests.drain() {
            let _ = request.reply.send(Err(reason.clone()));
        }
        for (_, (invocation, interrupt)) in state.invocations.drain() {
            invocation.abort();
            interrupt.interrupt();
        }
        state.streams.clear();
        state.registrations.clear();
        state.subscriptions.clear();
        state.ended = Some(reason);
        self.outbox.close(last_frame.as_ref());
        drop(state);
        self.ended.send_replace(true);
    }
}

/// A new request id from a client's counter: ids run from 1 to 2^53 and round again.
pub(crate) fn next_request_id(requests: &AtomicU64) -> u64 {
    requests.fetch_add(1, Ordering::Relaxed) % MAX_ID + 1
}
