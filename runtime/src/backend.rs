//! The contract between the session handle and what runs it: [`SessionBackend`], the
//! options, invocations and events it passes, and calls in flight.
//!
//! Generated code and users hold a [`Session`](crate::Session) handle; the WAMP client of this
//! crate is a backend over a real router, and [`crate::memory::MemorySession`] one in memory.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt as _};

use crate::context::{CallContext, EventContext};
use crate::data::payload::{Payload, PayloadStream};
use crate::data::value::Dict;
use crate::error::{Error, ErrorKind, WampError};

/// A boxed, sendable future, as returned by the object-safe [`SessionBackend`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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
