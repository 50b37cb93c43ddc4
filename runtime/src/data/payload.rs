//! [`Payload`]: the args and kwargs of a message, built to send (as values or as the typed value
//! they were made from) or received (on the tape of their message).

use std::fmt;
use std::fmt::Write as _;
use std::pin::Pin;

use futures_util::Stream;

use crate::data::convert::WritePayload;
use crate::data::tape::{Tag, Tape};
use crate::data::value::{Dict, List};
use crate::data::view::{DictRef, ListRef};
use crate::data::write::Typed;
use crate::error::PayloadError;

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
pub struct Payload(Held);

/// How a payload is held: as built, as received, or as the typed value it was made from.
#[derive(Clone)]
enum Held {
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

impl Default for Held {
    fn default() -> Held {
        Held::Built {
            args: List::new(),
            kwargs: Dict::new(),
        }
    }
}

impl Payload {
    /// A payload of these arguments.
    pub fn new(args: List, kwargs: Dict) -> Payload {
        Payload(Held::Built { args, kwargs })
    }

    /// A payload of a typed value, kept as it is and written straight to the wire when its
    /// message is encoded: `IntoPayload` of generated types makes one.
    /// Reading it as values ([`Payload::args`]) turns it into values once. Generated code's
    /// plumbing: users make payloads with `into_payload`.
    #[doc(hidden)]
    pub fn typed<T: WritePayload + Send + Sync + 'static>(value: T) -> Payload {
        Payload(Held::Typed(Typed::new(value)))
    }

    /// The typed value of a payload made by [`Payload::typed`].
    pub(crate) fn typed_value(&self) -> Option<&Typed> {
        match &self.0 {
            Held::Typed(typed) => Some(typed),
            _ => None,
        }
    }

    /// The payload of a decoded message, on its tape (the decoder checked the kinds of its
    /// args and kwargs).
    pub(crate) fn received(tape: Tape) -> Payload {
        Payload(Held::Received(tape))
    }

    /// The positional arguments.
    pub fn args(&self) -> ListRef<'_> {
        match &self.0 {
            Held::Built { args, .. } => ListRef::from(args.as_slice()),
            Held::Typed(typed) => ListRef::from(typed.values().0.as_slice()),
            Held::Received(tape) => args_at(tape, payload_on_tape(tape).0),
        }
    }

    /// The keyword arguments.
    pub fn kwargs(&self) -> DictRef<'_> {
        match &self.0 {
            Held::Built { kwargs, .. } => DictRef::from(kwargs),
            Held::Typed(typed) => DictRef::from(&typed.values().1),
            Held::Received(tape) => kwargs_at(tape, payload_on_tape(tape).1),
        }
    }

    /// Whether the payload can be read whole: for a received one, the first value its decoder
    /// could not represent, or args or kwargs of the wrong kind, as an error whose path says
    /// where (`args[2]`, `kwargs.name`, `args[0].tick.mode`). A built payload always can.
    pub fn check(&self) -> Result<(), PayloadError> {
        match &self.0 {
            Held::Built { .. } | Held::Typed(_) => Ok(()),
            Held::Received(tape) => payload_problem(tape).map_or(Ok(()), Err),
        }
    }

    /// The args and kwargs of a payload that [`Payload::check`] passes, found on a received
    /// payload's tape once for both.
    pub(crate) fn checked_parts(&self) -> Result<(ListRef<'_>, DictRef<'_>), PayloadError> {
        match &self.0 {
            Held::Built { .. } | Held::Typed(_) => Ok((self.args(), self.kwargs())),
            Held::Received(tape) => {
                let (args, kwargs) = payload_on_tape(tape);
                match problem_at(tape, args, kwargs) {
                    Some(problem) => Err(problem),
                    None => Ok((args_at(tape, args), kwargs_at(tape, kwargs))),
                }
            }
        }
    }

    /// The args and kwargs of a payload built to send.
    pub(crate) fn built_parts(&self) -> Option<(&List, &Dict)> {
        match &self.0 {
            Held::Built { args, kwargs } => Some((args, kwargs)),
            Held::Received(_) | Held::Typed(_) => None,
        }
    }

    /// The args and kwargs as owned values.
    pub fn into_parts(self) -> (List, Dict) {
        match self.0 {
            Held::Built { args, kwargs } => (args, kwargs),
            Held::Typed(typed) => typed.into_values(),
            received => {
                let payload = Payload(received);
                (payload.args().to_list(), payload.kwargs().to_dict())
            }
        }
    }
}

/// Payloads one after the other: the items of a progressive call invocation.
pub type PayloadStream = Pin<Box<dyn Stream<Item = Payload> + Send>>;

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

/// Where a decoded message's args and kwargs are on its tape, if it has them: the elements after
/// its fixed fields.
pub(crate) fn payload_on_tape(tape: &Tape) -> (Option<usize>, Option<usize>) {
    let mut elements = tape.children(0);
    let fixed_fields = elements
        .next()
        .and_then(|code| tape.integer_of(tape.node(code)))
        .and_then(fields_before_payload);
    let Some(fixed_fields) = fixed_fields else {
        return (None, None);
    };
    let mut payload = elements.skip(fixed_fields);
    (payload.next(), payload.next())
}

/// What keeps a received payload from being read whole, if anything: the first value its decoder
/// could not represent, which reads as null, or args or kwargs of another kind than a list and a
/// dict, which read as empty. `null` args or kwargs are no problem: they read as empty, as
/// Autobahn|JS reads them.
pub(crate) fn payload_problem(tape: &Tape) -> Option<PayloadError> {
    let (args, kwargs) = payload_on_tape(tape);
    problem_at(tape, args, kwargs)
}

/// [`payload_problem`] of a payload whose args and kwargs are at `args` and `kwargs`.
fn problem_at(tape: &Tape, args: Option<usize>, kwargs: Option<usize>) -> Option<PayloadError> {
    if let Some(unreadable) = tape.unreadable() {
        // Inside the payload, or the message would not have decoded.
        let (name, index) = match (args, kwargs) {
            (_, Some(kwargs)) if unreadable.node >= kwargs => ("kwargs", kwargs),
            (Some(args), _) => ("args", args),
            _ => return None,
        };
        let (path, in_key) = path_to(tape, name.to_owned(), index, unreadable.node);
        let key = if in_key { "a key: " } else { "" };
        return Some(PayloadError::new(
            path,
            format!("{key}{} (at byte {})", unreadable.message, unreadable.offset),
        ));
    }
    let kinds = [
        (args, "args", Tag::List, "a list"),
        (kwargs, "kwargs", Tag::Dict, "a dict"),
    ];
    kinds.into_iter().find_map(|(index, name, tag, expected)| {
        let node = tape.node(index?);
        (node.tag != tag && node.tag != Tag::Null)
            .then(|| PayloadError::new(name, format!("expected {expected}, got {}", node.kind_name())))
    })
}

/// The args at `index` of a received payload; empty if there are none or they are not a list.
fn args_at(tape: &Tape, index: Option<usize>) -> ListRef<'_> {
    match index {
        Some(index) if tape.node(index).tag == Tag::List => ListRef::on_tape(tape, index),
        _ => ListRef::EMPTY,
    }
}

/// The kwargs at `index` of a received payload; empty if there are none or they are not a dict.
fn kwargs_at(tape: &Tape, index: Option<usize>) -> DictRef<'_> {
    match index {
        Some(index) if tape.node(index).tag == Tag::Dict => DictRef::on_tape(tape, index),
        _ => DictRef::EMPTY,
    }
}

/// The path of the value at `target` inside the value at `at`, whose path is `path`, written as
/// payload errors write them (`args[2].name`); a dict key has its dict's path, and is told apart
/// by the flag.
fn path_to(tape: &Tape, mut path: String, mut at: usize, target: usize) -> (String, bool) {
    let contains = |child: usize| child <= target && target < tape.next_sibling(child);
    while at != target {
        let node = tape.node(at);
        let next = match node.tag {
            Tag::List => tape
                .children(at)
                .enumerate()
                .find(|(_, child)| contains(*child))
                .map(|(position, child)| {
                    let _ = write!(path, "[{position}]");
                    child
                }),
            Tag::Dict => match tape
                .entries(at)
                .find(|(key, value)| *key == target || contains(*value))
            {
                Some((key, _)) if key == target => return (path, true),
                Some((key, value)) => {
                    let _ = write!(path, ".{}", tape.text_of(tape.node(key)));
                    Some(value)
                }
                None => None,
            },
            _ => None,
        };
        match next {
            Some(child) => at = child,
            None => break,
        }
    }
    (path, false)
}

/// How many elements follow the type code of a received message before its payload, for the
/// messages that carry one: ERROR (8), PUBLISH (16), EVENT (36), CALL (48), INVOCATION (68),
/// RESULT (50) and YIELD (70).
fn fields_before_payload(code: i128) -> Option<usize> {
    match code {
        8 => Some(4),
        16 | 36 | 48 | 68 => Some(3),
        50 | 70 => Some(2),
        _ => None,
    }
}
