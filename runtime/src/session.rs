//! The contract between the session handle and what runs it: [`SessionBackend`], the
//! payloads, options, invocations and events it passes, and calls in flight.
//!
//! Generated code and users hold a [`Session`](crate::Session) handle; the WAMP client of this
//! crate is a backend over a real router, and [`crate::memory::MemorySession`] one in memory.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use futures_util::stream::{self, StreamExt as _};

use crate::context::{CallContext, EventContext};
use crate::error::{Error, ErrorKind, PayloadError, WampError};
use crate::payload::WritePayload;
use crate::value::{Dict, List};
use crate::view::{DictRef, ListRef};
use crate::wire::tape::{Tag, Tape};
use crate::wire::{Typed, payload_on_tape, payload_problem};

/// A boxed, sendable future, as returned by the object-safe [`SessionBackend`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A WAMP payload: positional args and keyword args.
///
/// A payload built to send holds [`Value`](crate::Value)s, or the typed value it was made from
/// ([`Payload::typed`]), which is written straight to the wire; a received one stays on the tape
/// its message was decoded into, and [`FromPayload`](crate::FromPayload) reads it from there.
/// [`Payload::args`] and [`Payload::kwargs`] read either; [`Payload::into_parts`] gives owned
/// values. A received payload keeps the frame it came in alive.
///
/// A received payload may hold what the runtime cannot read (a MessagePack extension, a CBOR
/// tag, a string that is not UTF-8) or args and kwargs of the wrong kind: [`Payload::check`]
/// says what and where, and every [`FromPayload`](crate::FromPayload) fails with that error.
/// The views read such a value as null, and such args or kwargs as empty.
#[derive(Clone, Default)]
pub struct Payload(Parts);

#[derive(Clone)]
enum Parts {
    Built {
        args: List,
        kwargs: Dict,
    },
    /// The tape of the message the payload came in: its args and kwargs are the elements after
    /// the message's fixed fields. (Not keeping their indices keeps messages small enough to
    /// move cheaply.)
    Received(Tape),
    /// A typed value, written when the message is encoded.
    Typed(Typed),
}

impl Default for Parts {
    fn default() -> Parts {
        Parts::Built {
            args: List::new(),
            kwargs: Dict::new(),
        }
    }
}

impl Payload {
    /// A payload of these arguments.
    pub fn new(args: List, kwargs: Dict) -> Payload {
        Payload(Parts::Built { args, kwargs })
    }

    /// A payload of a typed value, kept as it is and written straight to the wire when its
    /// message is encoded: [`IntoPayload`](crate::IntoPayload) of generated types makes one.
    /// Reading it as values ([`Payload::args`]) turns it into values once.
    pub fn typed<T: WritePayload + Send + Sync + 'static>(value: T) -> Payload {
        Payload(Parts::Typed(Typed::new(value)))
    }

    /// The typed value of a payload made by [`Payload::typed`].
    pub(crate) fn typed_value(&self) -> Option<&Typed> {
        match &self.0 {
            Parts::Typed(typed) => Some(typed),
            _ => None,
        }
    }

    /// The payload of a decoded message, on its tape (the decoder checked the kinds of its
    /// args and kwargs).
    pub(crate) fn received(tape: Tape) -> Payload {
        Payload(Parts::Received(tape))
    }

    /// The positional arguments.
    pub fn args(&self) -> ListRef<'_> {
        match &self.0 {
            Parts::Built { args, .. } => ListRef::from(args.as_slice()),
            Parts::Typed(typed) => ListRef::from(typed.values().0.as_slice()),
            Parts::Received(tape) => match payload_on_tape(tape).0 {
                Some(index) if tape.node(index).tag == Tag::List => ListRef::on_tape(tape, index),
                _ => ListRef::EMPTY,
            },
        }
    }

    /// The keyword arguments.
    pub fn kwargs(&self) -> DictRef<'_> {
        match &self.0 {
            Parts::Built { kwargs, .. } => DictRef::from(kwargs),
            Parts::Typed(typed) => DictRef::from(&typed.values().1),
            Parts::Received(tape) => match payload_on_tape(tape).1 {
                Some(index) if tape.node(index).tag == Tag::Dict => DictRef::on_tape(tape, index),
                _ => DictRef::EMPTY,
            },
        }
    }

    /// Whether the payload can be read whole: for a received one, the first value its decoder
    /// could not represent, or args or kwargs of the wrong kind, as an error whose path says
    /// where (`args[2]`, `kwargs.name`, `args[0].tick.mode`). A built payload always can.
    pub fn check(&self) -> Result<(), PayloadError> {
        match &self.0 {
            Parts::Built { .. } | Parts::Typed(_) => Ok(()),
            Parts::Received(tape) => payload_problem(tape).map_or(Ok(()), Err),
        }
    }

    /// The args and kwargs of a payload built to send.
    pub(crate) fn built_parts(&self) -> Option<(&List, &Dict)> {
        match &self.0 {
            Parts::Built { args, kwargs } => Some((args, kwargs)),
            Parts::Received(_) | Parts::Typed(_) => None,
        }
    }

    /// The args and kwargs as owned values.
    pub fn into_parts(self) -> (List, Dict) {
        match self.0 {
            Parts::Built { args, kwargs } => (args, kwargs),
            Parts::Typed(typed) => typed.into_values(),
            received => {
                let payload = Payload(received);
                (payload.args().to_list(), payload.kwargs().to_dict())
            }
        }
    }
}

/// Payloads are equal when their values are, however they are held.
impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        self.args().to_list() == other.args().to_list() && self.kwargs().to_dict() == other.kwargs().to_dict()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("args", &self.args())
            .field("kwargs", &self.kwargs())
            .finish()
    }
}

/// How a URI given to `register` or `subscribe` is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchPolicy {
    #[default]
    Exact,
    Prefix,
    /// Empty URI components match any one component.
    Wildcard,
}

impl MatchPolicy {
    /// The name in WAMP options (`"exact"`, `"prefix"`, `"wildcard"`).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchPolicy::Exact => "exact",
            MatchPolicy::Prefix => "prefix",
            MatchPolicy::Wildcard => "wildcard",
        }
    }
}

/// Which callee of a shared registration is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvokePolicy {
    #[default]
    Single,
    RoundRobin,
    Random,
    First,
    Last,
}

impl InvokePolicy {
    /// The name in WAMP options (`"single"`, `"roundrobin"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            InvokePolicy::Single => "single",
            InvokePolicy::RoundRobin => "roundrobin",
            InvokePolicy::Random => "random",
            InvokePolicy::First => "first",
            InvokePolicy::Last => "last",
        }
    }
}

/// Options of a CALL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    /// Give up after this long; `None` uses the session's default.
    pub timeout: Option<Duration>,
    /// Further options sent as they are.
    pub extra: Dict,
}

/// A RESULT.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallResult {
    /// The result's arguments.
    pub payload: Payload,
    /// The RESULT details (`progress`, ...), as the router sent them.
    pub details: Dict,
}

/// Options of a REGISTER.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterOptions {
    /// How the procedure URI is matched.
    pub match_policy: MatchPolicy,
    /// Which callee the router picks when several registered.
    pub invoke: InvokePolicy,
    /// Further options sent as they are.
    pub extra: Dict,
}

/// An INVOCATION handed to a callee: the call's arguments and its context.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The call's arguments.
    pub payload: Payload,
    /// Who called which procedure, with the means to send progressive results and to learn of
    /// cancellation.
    pub context: CallContext,
}

impl Invocation {
    /// The call's items, for a procedure that takes them one by one (`stream: "in"` or
    /// `"inout"`; docs/wamp-idl.md §7.2): this invocation's payload, then those of the further
    /// INVOCATIONs of a progressive call invocation, in order. A final INVOCATION with an empty
    /// payload only ends them, and so does the payload of a call of one INVOCATION that is
    /// empty: a caller with no items sends that. The further items can be taken once; later,
    /// only this payload is left.
    pub fn items(&self) -> PayloadStream {
        let further = self.context.take_further_items();
        let first_is_item = further.is_some() || !ends_stream(&self.payload);
        let first = stream::iter(first_is_item.then(|| self.payload.clone()));
        match further {
            Some(further) => Box::pin(first.chain(further)),
            None => Box::pin(first),
        }
    }
}

/// Payloads one after the other: the items of a progressive call invocation.
pub type PayloadStream = Pin<Box<dyn Stream<Item = Payload> + Send>>;

/// Whether the payload of a final message ends a stream without being an item: no args and no
/// kwargs, or the args `[null]` (docs/wamp-idl.md §7.2).
pub(crate) fn ends_stream(payload: &Payload) -> bool {
    let args = payload.args();
    let no_args = args.is_empty() || (args.len() == 1 && args.get(0).is_some_and(|value| value.is_null()));
    no_args && payload.kwargs().is_empty()
}

/// A callee's implementation of one registration. An `Err` is sent as a WAMP ERROR.
///
/// The client answers an invocation whose payload cannot be read whole (see
/// [`Payload::check`]) with `wamp.error.invalid_argument` itself, without calling the handler.
/// When the call is cancelled, the handler's future is dropped.
pub type InvocationHandler =
    Arc<dyn Fn(Invocation) -> BoxFuture<'static, Result<Payload, WampError>> + Send + Sync>;

/// Options of a PUBLISH.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublishOptions {
    /// Wait for the router's PUBLISHED.
    pub acknowledge: bool,
    /// Whether the publisher receives its own event (`None`: the router's default, no).
    pub exclude_me: Option<bool>,
    /// Further options sent as they are.
    pub extra: Dict,
}

/// Options of a SUBSCRIBE.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubscribeOptions {
    /// How the topic URI is matched.
    pub match_policy: MatchPolicy,
    /// Further options sent as they are.
    pub extra: Dict,
}

/// An EVENT handed to a subscriber: its arguments and its context.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event's arguments.
    pub payload: Payload,
    /// Who published on which topic.
    pub context: EventContext,
}

/// A subscriber's handler of one subscription.
///
/// It receives every event, also one whose payload cannot be read whole: a raw handler that
/// reads the payload itself calls [`Payload::check`] first, as generated subscribers do (they
/// hand such an event to their `on_invalid_event` handler).
pub type EventHandler = Arc<dyn Fn(Event) -> BoxFuture<'static, ()> + Send + Sync>;

/// How the router should cancel a call (the CANCEL `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CancelMode {
    /// Stop waiting; the callee is not told.
    Skip,
    /// Interrupt the callee and wait for it to acknowledge.
    #[default]
    Kill,
    /// Interrupt the callee without waiting.
    KillNoWait,
}

impl CancelMode {
    /// The name in CANCEL options (`"skip"`, `"kill"`, `"killnowait"`).
    pub fn as_str(self) -> &'static str {
        match self {
            CancelMode::Skip => "skip",
            CancelMode::Kill => "kill",
            CancelMode::KillNoWait => "killnowait",
        }
    }
}

/// What a call in flight receives: a progressive result, or its final outcome.
#[derive(Debug)]
pub enum CallUpdate {
    /// A progressive result (RESULT with `progress: true`).
    Progress(CallResult),
    /// The final result or error.
    Final(Result<CallResult, Error>),
}

/// A backend's side of a call in flight, behind a [`PendingCall`]. Dropping it before the
/// final update abandons the call (a client sends CANCEL `killnowait`).
pub trait CallProgress: Send {
    /// The next update; `None` when the call ended without an answer (the session ended).
    /// Cancel-safe: an update not yet received stays for the next call.
    fn next(&mut self) -> BoxFuture<'_, Option<CallUpdate>>;

    /// Asks for the call to be cancelled; its final update then is the router's answer.
    fn cancel(&mut self, mode: CancelMode) -> Result<(), Error>;
}

/// A call in flight: its progressive results, then its final result; see
/// [`Session::call_progressive`](crate::Session::call_progressive).
///
/// Dropping it before the final result cancels the call (CANCEL `killnowait`).
pub struct PendingCall {
    progress: Box<dyn CallProgress>,
    outcome: Option<Result<CallResult, Error>>,
    cancel_requested: bool,
    finished: bool,
}

impl fmt::Debug for PendingCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingCall")
            .field("outcome", &self.outcome)
            .field("cancel_requested", &self.cancel_requested)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl PendingCall {
    /// A call in flight whose updates `progress` receives. For [`SessionBackend`]s.
    pub fn new(progress: impl CallProgress + 'static) -> PendingCall {
        PendingCall {
            progress: Box::new(progress),
            outcome: None,
            cancel_requested: false,
            finished: false,
        }
    }

    /// The next progressive result; `Ok(None)` once the final result is in
    /// (take it with [`result`](Self::result)).
    ///
    /// Fails with [`ErrorKind::Timeout`] when the call's timeout passes first.
    pub async fn next_progress(&mut self) -> Result<Option<CallResult>, Error> {
        if self.outcome.is_some() {
            return Ok(None);
        }
        match self.next_update().await? {
            CallUpdate::Progress(result) => Ok(Some(result)),
            CallUpdate::Final(Err(error)) if matches!(error.kind(), ErrorKind::Timeout) => {
                self.outcome = Some(Err(error.clone()));
                Err(error)
            }
            CallUpdate::Final(outcome) => {
                self.outcome = Some(outcome);
                Ok(None)
            }
        }
    }

    /// The final result, skipping progressive results not yet read.
    pub async fn result(mut self) -> Result<CallResult, Error> {
        while self.next_progress().await?.is_some() {}
        let outcome = self.outcome.take().unwrap_or_else(|| {
            Err(Error::new(ErrorKind::Protocol(
                "the call ended without a result".to_owned(),
            )))
        });
        match outcome {
            Err(error) if self.cancel_requested && error.uri() == Some(CANCELED) => {
                Err(Error::new(ErrorKind::Canceled))
            }
            other => other,
        }
    }

    /// Asks the router to cancel the call; the final result then is [`ErrorKind::Canceled`]
    /// (unless the result won the race).
    pub fn cancel(&mut self, mode: CancelMode) -> Result<(), Error> {
        if self.finished {
            return Ok(());
        }
        self.cancel_requested = true;
        self.progress.cancel(mode)
    }

    async fn next_update(&mut self) -> Result<CallUpdate, Error> {
        match self.progress.next().await {
            Some(update) => {
                self.finished = matches!(update, CallUpdate::Final(_));
                Ok(update)
            }
            None => {
                self.finished = true;
                Err(Error::new(ErrorKind::SessionClosed(
                    "the session ended".to_owned(),
                )))
            }
        }
    }
}

/// The error URI of a cancelled call, which a callee answers an INTERRUPT with.
pub const CANCELED: &str = "wamp.error.canceled";

/// What a session handle runs on: the object-safe operations of a joined WAMP session.
///
/// [`Client`](crate::Client) and [`MemorySession`](crate::MemorySession) implement it; so may
/// a mock of your own, which [`Session::from_backend`](crate::Session::from_backend) turns into
/// the handle generated code takes. Registrations and subscriptions are named by ids the
/// backend chooses, stable for as long as they exist (a client keeps them across reconnects).
pub trait SessionBackend: Send + Sync {
    /// Calls a procedure.
    fn call<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<CallResult, Error>>;

    /// Starts a call that asks for progressive results (`receive_progress`).
    fn call_progressive<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<PendingCall, Error>>;

    /// Starts a progressive call invocation (docs/wamp-idl.md §7.2): each of `items` goes in a
    /// CALL with `progress: true` as the caller's stream yields it, then a final CALL with an
    /// empty payload ends them; progressive results are asked for, as by
    /// [`call_progressive`](Self::call_progressive). The callee reads the items with
    /// [`Invocation::items`]. A backend that cannot send them fails with
    /// `wamp.error.feature_not_supported`, which is what this default does.
    fn call_streaming<'a>(
        &'a self,
        procedure: &'a str,
        items: PayloadStream,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<PendingCall, Error>> {
        let _ = (procedure, items, options);
        Box::pin(async {
            Err(WampError::with_message(
                "wamp.error.feature_not_supported",
                "this session sends no progressive call invocations",
            )
            .into())
        })
    }

    /// Registers a procedure (or a pattern of procedures); the registration's id.
    fn register<'a>(
        &'a self,
        procedure: &'a str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> BoxFuture<'a, Result<u64, Error>>;

    /// Removes the registration `id`. One the router revoked, or that the session lost while
    /// it was down, is removed without error.
    fn unregister(&self, id: u64) -> BoxFuture<'_, Result<(), Error>>;

    /// Publishes an event.
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        payload: Payload,
        options: PublishOptions,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Subscribes to a topic (or a pattern of topics); the subscription's id.
    fn subscribe<'a>(
        &'a self,
        topic: &'a str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> BoxFuture<'a, Result<u64, Error>>;

    /// Removes the subscription `id`, as [`unregister`](Self::unregister) does a registration.
    fn unsubscribe(&self, id: u64) -> BoxFuture<'_, Result<(), Error>>;
}
