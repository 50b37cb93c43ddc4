//! The session API that generated stubs call: the contract between stubs and clients.
//!
//! Generated code only ever talks to `dyn Session`; the WAMP client of this crate
//! implements it over a real router, and [`crate::memory::MemorySession`] in memory.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, PayloadError, WampError};
use crate::payload::WritePayload;
use crate::value::{Dict, List};
use crate::view::{DictRef, ListRef};
use crate::wire::tape::{Tag, Tape};
use crate::wire::{Typed, payload_on_tape, payload_problem};

/// A boxed, sendable future, as returned by the object-safe [`Session`] methods.
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

/// An INVOCATION handed to a callee.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Invocation {
    /// The call's arguments.
    pub payload: Payload,
    /// The concrete procedure URI; routers send it for pattern-based registrations.
    pub procedure: Option<String>,
    /// The caller's session id, when disclosed.
    pub caller: Option<u64>,
    /// The INVOCATION details, as the router sent them.
    pub details: Dict,
}

/// A callee's implementation of one registration. An `Err` is sent as a WAMP ERROR.
///
/// The client answers an invocation whose payload cannot be read whole (see
/// [`Payload::check`]) with `wamp.error.invalid_argument` itself, without calling the handler.
pub type InvocationHandler =
    Arc<dyn Fn(Invocation) -> BoxFuture<'static, Result<Payload, WampError>> + Send + Sync>;

/// A registration, to unregister later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registration {
    /// The router's registration id.
    pub id: u64,
}

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

/// An EVENT handed to a subscriber.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event {
    /// The event's arguments.
    pub payload: Payload,
    /// The concrete topic URI; routers send it for pattern-based subscriptions.
    pub topic: Option<String>,
    /// The publisher's session id, when disclosed.
    pub publisher: Option<u64>,
    /// The EVENT details, as the router sent them.
    pub details: Dict,
}

/// A subscriber's handler of one subscription.
///
/// It receives every event, also one whose payload cannot be read whole: a raw handler that
/// reads the payload itself calls [`Payload::check`] first, as generated subscribers do (they
/// hand such an event to their `on_invalid` handler).
pub type EventHandler = Arc<dyn Fn(Event) -> BoxFuture<'static, ()> + Send + Sync>;

/// A subscription, to unsubscribe later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscription {
    /// The router's subscription id.
    pub id: u64,
}

/// A joined WAMP session, as generated stubs use it.
pub trait Session: Send + Sync {
    /// Calls a procedure.
    fn call<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<CallResult, Error>>;

    /// Registers a procedure (or a pattern of procedures).
    fn register<'a>(
        &'a self,
        procedure: &'a str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> BoxFuture<'a, Result<Registration, Error>>;

    /// Removes a registration.
    fn unregister(&self, registration: Registration) -> BoxFuture<'_, Result<(), Error>>;

    /// Publishes an event.
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        payload: Payload,
        options: PublishOptions,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Subscribes to a topic (or a pattern of topics).
    fn subscribe<'a>(
        &'a self,
        topic: &'a str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> BoxFuture<'a, Result<Subscription, Error>>;

    /// Removes a subscription.
    fn unsubscribe(&self, subscription: Subscription) -> BoxFuture<'_, Result<(), Error>>;
}
