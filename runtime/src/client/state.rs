//! What a joined session shares between its handles and its I/O tasks, and how every message
//! from the router changes it.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, oneshot, watch};
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::client::outbox::{Flush, Outbox};
use crate::client::progress::{Item, ItemSender, further_invocations};
use crate::client::transport::{ByteWriter, Frame, FrameReader, Framing};
use crate::context::{CallContext, EventContext, Interrupt, ProgressSink};
use crate::data::payload::Payload;
use crate::data::value::{Dict, Value};
use crate::error::{Error, ErrorKind, PayloadError, WampError};
use crate::session::{CANCELED, CallResult, CallUpdate, Event, Invocation, InvocationHandler};
use crate::wire::{self, DecodeLimits, Message, MessageType, Serializer};

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

/// Where the router's answers to a call go: a one-shot slot when its caller wants only the
/// final result, which spares the queue's allocation on every call, or a queue when the
/// caller also receives progressive results.
#[derive(Debug)]
pub(crate) enum CallSender {
    Final(oneshot::Sender<Result<CallResult, Error>>),
    Progressive(mpsc::UnboundedSender<CallUpdate>),
}

impl CallSender {
    /// Hands over a progressive result, which a caller that did not ask for them never sees.
    fn progress(&self, result: CallResult) {
        if let CallSender::Progressive(updates) = self {
            let _ = updates.send(CallUpdate::Progress(result));
        }
    }

    fn finish(self, outcome: Result<CallResult, Error>) {
        // A caller that gave up is gone; nobody is left to tell.
        match self {
            CallSender::Final(slot) => {
                let _ = slot.send(outcome);
            }
            CallSender::Progressive(updates) => {
                let _ = updates.send(CallUpdate::Final(outcome));
            }
        }
    }
}

/// A call waiting for its final result.
#[derive(Debug)]
struct WaitingCall {
    updates: CallSender,
    /// When the call times out, if it does.
    deadline: Option<Instant>,
}

/// The receiving end of a [`CallSender`].
#[derive(Debug)]
pub(crate) enum CallReceiver {
    /// `None` once the slot delivered (or was dropped): it must not be awaited again.
    Final(Option<oneshot::Receiver<Result<CallResult, Error>>>),
    Progressive(mpsc::UnboundedReceiver<CallUpdate>),
}

impl CallReceiver {
    /// The next update; `None` when the session dropped the call without an answer.
    ///
    /// Cancel-safe: an update not yet received stays for the next call.
    pub(crate) async fn recv(&mut self) -> Option<CallUpdate> {
        match self {
            CallReceiver::Final(slot) => {
                let outcome = (slot.as_mut()?).await.ok();
                *slot = None;
                outcome.map(CallUpdate::Final)
            }
            CallReceiver::Progressive(updates) => updates.recv().await,
        }
    }
}

/// Where a subscription's events go, to be delivered to its handler in order.
pub(crate) type EventQueue = mpsc::UnboundedSender<Delivery>;

/// An event on its way to a handler, holding its place among the invocations and events the
/// client has in hand until the handler is done with it.
#[derive(Debug)]
pub(crate) struct Delivery {
    pub(crate) event: Event,
    /// Shared by the queues of the local subscriptions that share one router subscription.
    pub(crate) _slot: Option<Arc<OwnedSemaphorePermit>>,
}

/// A REGISTER, UNREGISTER, SUBSCRIBE, UNSUBSCRIBE or acknowledged PUBLISH waiting for the router.
pub(crate) struct PendingRequest {
    pub(crate) kind: RequestKind,
    /// Receives the new registration, subscription or publication id (0 for the others).
    pub(crate) reply: oneshot::Sender<Result<u64, Error>>,
}

/// Removes a pending request when its requester stops waiting: on timeout, and also when the
/// requesting future is dropped, so that abandoned requests do not pile up in the session and a
/// late answer installs no handler that nobody can remove.
struct ForgetRequest<'a> {
    shared: &'a Shared,
    request: u64,
}

impl Drop for ForgetRequest<'_> {
    fn drop(&mut self) {
        self.shared.lock().requests.remove(&self.request);
    }
}

/// The request's kind, with what its success installs.
pub(crate) enum RequestKind {
    Register(Arc<Procedure>),
    Unregister(u64),
    /// A local subscription: its id, topic and event queue.
    Subscribe(u64, String, EventQueue),
    Unsubscribe(u64),
    Publish,
}

impl RequestKind {
    /// The type of the request's message, and of the router's answer to it.
    fn message_types(&self) -> (MessageType, MessageType) {
        match self {
            RequestKind::Register(_) => (MessageType::Register, MessageType::Registered),
            RequestKind::Unregister(_) => (MessageType::Unregister, MessageType::Unregistered),
            RequestKind::Subscribe(..) => (MessageType::Subscribe, MessageType::Subscribed),
            RequestKind::Unsubscribe(_) => (MessageType::Unsubscribe, MessageType::Unsubscribed),
            RequestKind::Publish => (MessageType::Publish, MessageType::Published),
        }
    }
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
    Shared,
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
pub(crate) struct Shared {
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

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.session_id)
            .field("serializer", &self.serializer)
            .finish_non_exhaustive()
    }
}

/// The parts of a joined session its I/O tasks are made of.
pub(crate) struct Joined {
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

impl Shared {
    /// Starts the I/O tasks of a joined session on the current tokio runtime.
    pub(crate) fn start(joined: Joined) -> Arc<Shared> {
        let shared = Arc::new(Shared {
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
            return Err(Shared::closed_error(reason));
        }
        self.outbox.send(frame, state.flush())
    }

    /// Sends a message that expects no answer.
    pub(crate) fn send(&self, message: &Message) -> Result<(), Error> {
        let frame = self.encode(message)?;
        self.queue(&self.lock(), &frame)
    }

    /// Sends a further CALL of a call in flight (progressive call invocations); fails once the
    /// call is over, as the router would take it for a new call.
    pub(crate) fn send_further_call(&self, request: u64, message: &Message) -> Result<(), Error> {
        let frame = self.encode(message)?;
        let state = self.lock();
        if let Some(reason) = &state.ended {
            return Err(Shared::closed_error(reason));
        }
        if !state.calls.contains_key(&request) {
            return Err(Error::new(ErrorKind::Canceled));
        }
        self.queue(&state, &frame)
    }

    /// Sends a CALL and returns where its results arrive (progressive ones only when
    /// `progressive`); the call fails with [`ErrorKind::Timeout`] once `deadline` passes.
    pub(crate) fn start_call(
        &self,
        request: u64,
        message: &Message,
        progressive: bool,
        deadline: Option<Instant>,
    ) -> Result<CallReceiver, Error> {
        let frame = self.encode(message)?;
        let (updates, receiver) = if progressive {
            let (sender, receiver) = mpsc::unbounded_channel();
            (
                CallSender::Progressive(sender),
                CallReceiver::Progressive(receiver),
            )
        } else {
            let (sender, receiver) = oneshot::channel();
            (CallSender::Final(sender), CallReceiver::Final(Some(receiver)))
        };
        let (flush, deadline_moved) = {
            let mut state = self.lock();
            if let Some(reason) = &state.ended {
                return Err(Shared::closed_error(reason));
            }
            state.calls.insert(request, WaitingCall { updates, deadline });
            // Calls with the same timeout reach their deadlines in the order they start: of
            // those in flight together, only the first moves the timeouts task's next look.
            let earlier = deadline.filter(|deadline| state.next_deadline.is_none_or(|next| *deadline < next));
            if earlier.is_some() {
                state.next_deadline = earlier;
            }
            (state.flush(), earlier.is_some())
        };
        if deadline_moved {
            self.deadline_moved.notify_one();
        }
        // Written without the session's lock, which the reader needs to deliver results. Should
        // the session end meanwhile, its end fails the call listed above.
        if let Err(error) = self.outbox.send(&frame, flush) {
            self.lock().calls.remove(&request);
            return Err(error);
        }
        Ok(receiver)
    }

    /// Forgets a call whose caller gave up, and asks the router to cancel it.
    pub(crate) fn abandon_call(&self, request: u64) {
        let mut state = self.lock();
        if state.calls.remove(&request).is_some() {
            self.cancel_forgotten(&state, request);
        }
    }

    /// Fails the calls whose deadline passed, asking the router to cancel them, and sets when
    /// to look again.
    fn expire_calls(&self) {
        let now = Instant::now();
        let mut state = self.lock();
        let expired: Vec<(u64, WaitingCall)> = state
            .calls
            .extract_if(|_, call| call.deadline.is_some_and(|deadline| deadline <= now))
            .collect();
        state.next_deadline = state.calls.values().filter_map(|call| call.deadline).min();
        for (request, _) in &expired {
            self.cancel_forgotten(&state, *request);
        }
        drop(state);
        for (_, call) in expired {
            call.updates.finish(Err(Error::new(ErrorKind::Timeout)));
        }
    }

    /// Asks the router to cancel a call the session no longer waits for.
    fn cancel_forgotten(&self, state: &State, request: u64) {
        if state.ended.is_some() {
            return;
        }
        let cancel = Message::Cancel {
            request,
            options: Dict::from([("mode".to_owned(), Value::String("killnowait".into()))]),
        };
        if let Ok(frame) = self.encode(&cancel) {
            // The session may end meanwhile; nothing waits for this CANCEL.
            let _ = self.queue(state, &frame);
        }
    }

    /// Sends a request and waits for the router's answer (within the default timeout).
    pub(crate) async fn request(
        &self,
        request: u64,
        kind: RequestKind,
        message: &Message,
    ) -> Result<u64, Error> {
        let frame = self.encode(message)?;
        let (reply, answer) = oneshot::channel();
        {
            let mut state = self.lock();
            self.queue(&state, &frame)?;
            state.requests.insert(request, PendingRequest { kind, reply });
        }
        let _forget_on_exit = ForgetRequest {
            shared: self,
            request,
        };
        let answer = match self.default_timeout {
            Some(timeout) => match tokio::time::timeout(timeout, answer).await {
                Ok(answer) => answer,
                Err(_) => return Err(Error::new(ErrorKind::Timeout)),
            },
            None => answer.await,
        };
        answer.unwrap_or_else(|_| {
            Err(Error::new(ErrorKind::SessionClosed(
                "the session ended".to_owned(),
            )))
        })
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
            SubscriptionLeft::Shared
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

    /// Ends the session because the router broke the protocol, telling it why with ABORT.
    fn protocol_violation(&self, problem: String) {
        tracing::warn!(session = self.session_id, %problem, "protocol violation by the router");
        let abort = Message::Abort {
            details: Dict::from([("message".to_owned(), Value::String(problem.as_str().into()))]),
            reason: "wamp.error.protocol_violation".to_owned(),
        };
        self.terminate(Error::new(ErrorKind::Protocol(problem)), Some(abort));
    }

    /// Applies one message from the router; `false` when the session ended.
    fn handle(self: &Arc<Shared>, message: Message, slot: Option<OwnedSemaphorePermit>) -> bool {
        match message {
            Message::Result {
                request,
                details,
                payload,
            } => self.handle_result(request, details, payload),
            Message::Error {
                request_type,
                request,
                details,
                error,
                payload,
            } => {
                // An error whose payload cannot be read fails its request all the same, with
                // what is wrong in that payload and the error's URI.
                let error = match payload.check() {
                    Ok(()) => {
                        let (args, kwargs) = payload.into_parts();
                        Error::from(WampError {
                            uri: error,
                            args,
                            kwargs,
                        })
                    }
                    Err(problem) => Error::from(PayloadError::new(
                        problem.path,
                        format!("{}, in the payload of error {error}", problem.message),
                    )),
                };
                self.handle_error(request_type, request, error, details)
            }
            Message::Registered {
                request,
                registration,
            } => self.complete_request(request, MessageType::Registered, registration),
            Message::Unregistered { request: 0, details } => {
                if let Some(registration) = details.get("registration").and_then(as_id) {
                    let mut state = self.lock();
                    state.registrations.remove(&registration);
                    state.revoked.registrations.push(registration);
                }
                true
            }
            Message::Unregistered { request, .. } => {
                self.complete_request(request, MessageType::Unregistered, 0)
            }
            Message::Subscribed {
                request,
                subscription,
            } => self.complete_request(request, MessageType::Subscribed, subscription),
            Message::Unsubscribed { request: 0, details } => {
                if let Some(subscription) = details.get("subscription").and_then(as_id) {
                    let mut state = self.lock();
                    state.subscriptions.remove(&subscription);
                    state.revoked.subscriptions.push(subscription);
                }
                true
            }
            Message::Unsubscribed { request, .. } => {
                self.complete_request(request, MessageType::Unsubscribed, 0)
            }
            Message::Published { request, publication } => {
                self.complete_request(request, MessageType::Published, publication)
            }
            Message::Event {
                subscription,
                details,
                payload,
                ..
            } => {
                self.handle_event(subscription, details, payload, slot);
                true
            }
            Message::Invocation {
                request,
                registration,
                details,
                payload,
            } => self.handle_invocation(request, registration, details, payload, slot),
            Message::Interrupt { request, options } => {
                self.handle_interrupt(request, &options);
                true
            }
            Message::Goodbye { details, reason } => {
                self.handle_goodbye(&details, reason);
                false
            }
            Message::Abort { details, reason } => {
                let error = WampError {
                    uri: reason,
                    args: Vec::new(),
                    kwargs: details,
                };
                let reason = format!("the router aborted the session: {error}");
                self.end_by_router(Error::new(ErrorKind::SessionClosed(reason)), None);
                false
            }
            other @ (Message::Hello { .. }
            | Message::Welcome { .. }
            | Message::Challenge { .. }
            | Message::Authenticate { .. }
            | Message::Publish { .. }
            | Message::Subscribe { .. }
            | Message::Unsubscribe { .. }
            | Message::Call { .. }
            | Message::Cancel { .. }
            | Message::Register { .. }
            | Message::Unregister { .. }
            | Message::Yield { .. }) => {
                self.protocol_violation(format!(
                    "a router does not send {} to a joined client",
                    other.message_type()
                ));
                false
            }
        }
    }

    fn handle_result(&self, request: u64, details: Dict, payload: Payload) -> bool {
        let is_progress = matches!(details.get("progress"), Some(Value::Bool(true)));
        let result = match payload.check() {
            Ok(()) => Ok(CallResult { payload, details }),
            Err(problem) => Err(Error::from(problem)),
        };
        let mut state = self.lock();
        match result {
            Ok(result) if is_progress => {
                if let Some(call) = state.calls.get(&request) {
                    call.updates.progress(result);
                }
            }
            // A progressive result that cannot be read ends its call, as a final one does.
            result => {
                // Handed over without the lock: waking the caller may wake a thread, which the
                // callers starting calls meanwhile should not wait for.
                let call = state.calls.remove(&request);
                drop(state);
                if let Some(call) = call {
                    call.updates.finish(result);
                }
            }
        }
        // A result for an unknown request belongs to a call its caller gave up on.
        true
    }

    fn handle_error(&self, request_type: MessageType, request: u64, error: Error, details: Dict) -> bool {
        let mut state = self.lock();
        if request_type == MessageType::Call {
            let call = state.calls.remove(&request);
            drop(state);
            if let Some(call) = call {
                call.updates.finish(Err(error));
            }
            return true;
        }
        match state.requests.remove(&request) {
            Some(pending) if pending.kind.message_types().0 == request_type => {
                let _ = pending.reply.send(Err(error));
                true
            }
            Some(pending) => {
                state.requests.insert(request, pending);
                drop(state);
                self.protocol_violation(format!(
                    "ERROR for {request_type} answers request {request}, which is no {request_type}"
                ));
                false
            }
            None => {
                tracing::debug!(session = self.session_id, %request_type, request, ?details, "ERROR for an unknown request");
                true
            }
        }
    }

    /// Completes a pending request with its answer, installing what it creates.
    fn complete_request(&self, request: u64, answer: MessageType, id: u64) -> bool {
        let mut state = self.lock();
        let Some(pending) = state.requests.remove(&request) else {
            // The requester gave up; what it asked for happened anyway, unknown to anyone.
            tracing::debug!(session = self.session_id, %answer, request, "answer to an unknown request");
            self.release_abandoned(&state, answer, id);
            return true;
        };
        let (asked, expected) = pending.kind.message_types();
        if answer != expected {
            state.requests.insert(request, pending);
            drop(state);
            self.protocol_violation(format!("{answer} answers request {request}, a {asked}"));
            return false;
        }
        match pending.kind {
            RequestKind::Register(handler) => {
                state.registrations.insert(id, handler);
            }
            RequestKind::Unregister(registration) => {
                state.registrations.remove(&registration);
            }
            RequestKind::Subscribe(local, topic, queue) => {
                let topic_of = state.subscriptions.entry(id).or_insert_with(|| Topic {
                    uri: topic,
                    queues: Vec::new(),
                });
                topic_of.queues.push((local, queue));
            }
            RequestKind::Unsubscribe(subscription) => {
                state.subscriptions.remove(&subscription);
            }
            RequestKind::Publish => {}
        }
        let _ = pending.reply.send(Ok(id));
        true
    }

    /// Undoes a registration or subscription whose requester gave up before the router
    /// answered, so that the router does not route to this session what nobody handles. One
    /// the session holds anyway (a second SUBSCRIBE to the same topic) stays.
    fn release_abandoned(&self, state: &State, answer: MessageType, id: u64) {
        let release = match answer {
            MessageType::Registered if !state.registrations.contains_key(&id) => Message::Unregister {
                request: self.next_request_id(),
                registration: id,
            },
            MessageType::Subscribed if !state.subscriptions.contains_key(&id) => Message::Unsubscribe {
                request: self.next_request_id(),
                subscription: id,
            },
            _ => return,
        };
        if let Ok(frame) = self.encode(&release) {
            let _ = self.queue(state, &frame);
        }
    }

    fn handle_event(
        &self,
        subscription: u64,
        details: Dict,
        payload: Payload,
        slot: Option<OwnedSemaphorePermit>,
    ) {
        let slot = slot.map(Arc::new);
        let state = self.lock();
        // An event for an unknown subscription raced an UNSUBSCRIBE.
        if let Some(topic) = state.subscriptions.get(&subscription) {
            let uri = details
                .get("topic")
                .and_then(as_string)
                .unwrap_or_else(|| topic.uri.clone());
            let event = Event {
                payload,
                context: EventContext::new(uri, details),
            };
            for (_, queue) in &topic.queues {
                let delivery = Delivery {
                    event: event.clone(),
                    _slot: slot.clone(),
                };
                let _ = queue.send(delivery);
            }
        }
    }

    fn handle_invocation(
        self: &Arc<Shared>,
        request: u64,
        registration: u64,
        details: Dict,
        payload: Payload,
        slot: Option<OwnedSemaphorePermit>,
    ) -> bool {
        let progressive = matches!(details.get("progress"), Some(Value::Bool(true)));
        let handler = {
            let mut state = self.lock();
            if let Some(items) = state.streams.get(&request) {
                // A handler done with its items has dropped their receiver: the rest is not read.
                let _ = items.send(Item {
                    payload,
                    last: !progressive,
                    _slot: slot,
                });
                if !progressive {
                    state.streams.remove(&request);
                }
                return true;
            }
            if state.invocations.contains_key(&request) {
                drop(state);
                // Listing it would orphan the running task, which INTERRUPT and the session's end
                // could then no longer abort.
                self.protocol_violation(format!(
                    "INVOCATION {request} reuses the request id of an invocation still running"
                ));
                return false;
            }
            let Some(handler) = state.registrations.get(&registration).cloned() else {
                let error = invocation_error(
                    request,
                    WampError::with_message(
                        "wamp.error.no_such_registration",
                        format!("this callee has no registration {registration}"),
                    ),
                );
                if let Ok(frame) = self.encode(&error) {
                    let _ = self.queue(&state, &frame);
                }
                return true;
            };
            if let Err(problem) = payload.check() {
                // Answered for every handler, as a typed one answers a payload that does not fit
                // the schema: no handler could see what was sent.
                if let Ok(frame) = self.encode(&invocation_error(request, WampError::from(problem))) {
                    let _ = self.queue(&state, &frame);
                }
                return true;
            }
            handler
        };
        let uri = details
            .get("procedure")
            .and_then(as_string)
            .unwrap_or_else(|| handler.uri.clone());
        let (context, interrupt) = CallContext::new(uri, details);
        let progress = Arc::clone(self);
        let sink: ProgressSink = Arc::new(move |payload| progress.send_progress(request, payload));
        let mut context = context.with_progress(sink);
        let mut items = None;
        if progressive {
            let (sender, further) = further_invocations();
            context = context.with_further_items(further);
            items = Some(sender);
        }
        let invocation = Invocation { payload, context };
        // The handler is called without the lock: it may use the session before it returns its
        // future, and may panic there, which must fail the invocation, not the reader.
        let running = std::panic::catch_unwind(AssertUnwindSafe(|| (handler.handler)(invocation)))
            .map(|future| AssertUnwindSafe(future).catch_unwind());
        let mut state = self.lock();
        if state.ended.is_some() {
            return false;
        }
        let shared = Arc::clone(self);
        // The lock is held until the task is listed, so the task cannot finish unlisted.
        let task = tokio::spawn(async move {
            // Held until the answer is queued, or the task is aborted.
            let _slot = slot;
            let outcome = match running {
                Ok(running) => running.await.unwrap_or_else(|_| Err(handler_panicked())),
                Err(_) => Err(handler_panicked()),
            };
            shared.finish_invocation(request, outcome);
        });
        state
            .invocations
            .insert(request, (task.abort_handle(), interrupt));
        if let Some(items) = items {
            state.streams.insert(request, items);
        }
        true
    }

    /// Sends a progressive result of a running invocation (a YIELD with `progress: true`).
    ///
    /// Fails when the invocation was interrupted or the session ended.
    fn send_progress(&self, request: u64, payload: Payload) -> Result<(), Error> {
        let message = Message::Yield {
            request,
            options: Dict::from([("progress".to_owned(), Value::Bool(true))]),
            payload,
        };
        let frame = self.encode(&message)?;
        let state = self.lock();
        if !state.invocations.contains_key(&request) && state.ended.is_none() {
            return Err(Error::new(ErrorKind::Canceled));
        }
        self.queue(&state, &frame)
    }

    /// Sends a handler's outcome as YIELD or ERROR, unless the invocation was interrupted.
    fn finish_invocation(&self, request: u64, outcome: Result<Payload, WampError>) {
        let mut state = self.lock();
        if state.invocations.remove(&request).is_none() {
            return;
        }
        let message = match outcome {
            Ok(payload) => Message::Yield {
                request,
                options: Dict::new(),
                payload,
            },
            Err(error) => invocation_error(request, error),
        };
        let frame = self.encode(&message).or_else(|problem| {
            let error = WampError::with_message("wamp.error.invalid_argument", problem.to_string());
            self.encode(&invocation_error(request, error))
        });
        if let Ok(frame) = frame {
            let _ = self.queue(&state, &frame);
        }
    }

    /// Cancels a running invocation: its handler's future is dropped, its context told, and
    /// the router answered `wamp.error.canceled`, unless it said not to wait (`killnowait`),
    /// when any answer would be discarded.
    fn handle_interrupt(&self, request: u64, options: &Dict) {
        let mut state = self.lock();
        // The call is over: the router sends no further INVOCATION of it.
        state.streams.remove(&request);
        let Some((invocation, interrupt)) = state.invocations.remove(&request) else {
            return;
        };
        invocation.abort();
        interrupt.interrupt();
        if matches!(options.get("mode"), Some(Value::String(mode)) if mode == "killnowait") {
            return;
        }
        let error = invocation_error(request, WampError::with_message(CANCELED, "interrupted"));
        if let Ok(frame) = self.encode(&error) {
            let _ = self.queue(&state, &frame);
        }
    }

    fn handle_goodbye(&self, details: &Dict, reason: String) {
        let client_initiated = self.lock().goodbye_sent;
        if client_initiated {
            self.terminate(
                Error::new(ErrorKind::SessionClosed("closed by the client".to_owned())),
                None,
            );
            return;
        }
        let shutting_down = reason == SYSTEM_SHUTDOWN;
        let message = match details.get("message") {
            Some(Value::String(message)) => format!("{reason}: {message}"),
            _ => reason,
        };
        let reply = Message::Goodbye {
            details: Dict::new(),
            reason: "wamp.close.goodbye_and_out".to_owned(),
        };
        let reason = Error::new(ErrorKind::SessionClosed(format!(
            "the router closed the session: {message}"
        )));
        if shutting_down {
            self.terminate(reason, Some(reply));
        } else {
            self.end_by_router(reason, Some(reply));
        }
    }
}

fn handler_panicked() -> WampError {
    WampError::with_message("wamp.error.runtime_error", "the callee's handler panicked")
}

fn invocation_error(request: u64, error: WampError) -> Message {
    Message::Error {
        request_type: MessageType::Invocation,
        request,
        details: Dict::new(),
        error: error.uri,
        payload: Payload::new(error.args, error.kwargs),
    }
}

fn as_id(value: &Value) -> Option<u64> {
    match value {
        Value::Integer(id) => u64::try_from(*id).ok(),
        _ => None,
    }
}

fn as_string(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.to_string()),
        _ => None,
    }
}

/// Reads frames and applies them, until the session ends.
async fn run_reader(shared: Arc<Shared>, mut reader: FrameReader) {
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
            Some(Ok(Frame::Ping(payload))) => shared.outbox.send_pong(payload),
            Some(Ok(Frame::Message(bytes))) => {
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
enum Place {
    Granted(OwnedSemaphorePermit),
    /// The client said GOODBYE: the message is dropped unread.
    Closing,
    Ended,
}

impl Shared {
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

/// A new request id from a client's counter: ids run from 1 to 2^53 and round again.
pub(crate) fn next_request_id(requests: &AtomicU64) -> u64 {
    requests.fetch_add(1, Ordering::Relaxed) % MAX_ID + 1
}

/// Pings a router that has been silent for `interval`, and ends the session as lost when it
/// stays silent for another `interval`: a router gone without closing the connection (a
/// half-open TCP connection) is noticed within two intervals.
async fn run_keepalive(shared: Arc<Shared>, reads: Arc<AtomicU64>, interval: Duration) {
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
async fn run_timeouts(shared: Arc<Shared>) {
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
async fn run_writer(shared: Arc<Shared>, writer: ByteWriter) {
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
