//! What a handler knows about the invocation or event it handles: [`CallContext`] and
//! [`EventContext`], handed to untyped handlers inside [`Invocation`](crate::Invocation) and
//! [`Event`](crate::Event) and to generated `Callee` and `Subscriber` methods as their first
//! parameter.
//!
//! Both are cheap to clone and `'static`, so a handler may move its context into a task of its
//! own: progressive results can be sent, and cancellation learnt of, from there.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;

use crate::data::payload::{Payload, PayloadStream};
use crate::data::value::{Dict, Value};
use crate::error::{Error, ErrorKind};

/// Sends one progressive result of an invocation; see [`CallContext::with_progress`].
pub type ProgressSink = Arc<dyn Fn(Payload) -> Result<(), Error> + Send + Sync>;

/// The placeholder values of a concrete URI, by placeholder name, in the order of the template.
type PlaceholderValues = Arc<[(String, String)]>;

/// The context of one invocation: who called, which procedure, the INVOCATION details, and
/// the means to send progressive results and to learn that the call was cancelled.
///
/// What the caller disclosed is only there when the router discloses it: Crossbar.io does
/// when the caller asks (`disclose_me`) or the realm's role is configured to.
#[derive(Clone)]
pub struct CallContext {
    shared: Arc<UriAndDetails>,
    placeholders: PlaceholderValues,
    progress: Option<ProgressSink>,
    /// The further items of a progressive call invocation, until a handler takes them.
    items: Option<Arc<Mutex<Option<PayloadStream>>>>,
    cancelled: watch::Receiver<bool>,
}

/// What every clone of a context reads, made once per invocation or event.
struct UriAndDetails {
    uri: String,
    details: Dict,
}

impl CallContext {
    /// The context of an invocation of `procedure` (the concrete URI called) with the
    /// INVOCATION `details`, and the [`Interrupt`] that tells the handler the call was
    /// cancelled. For [`SessionBackend`](crate::SessionBackend)s, mocks among them.
    pub fn new(procedure: impl Into<String>, details: Dict) -> (CallContext, Interrupt) {
        let (interrupt, cancelled) = watch::channel(false);
        let context = CallContext {
            shared: Arc::new(UriAndDetails {
                uri: procedure.into(),
                details,
            }),
            placeholders: Arc::new([]),
            progress: None,
            items: None,
            cancelled,
        };
        (context, Interrupt(Arc::new(interrupt)))
    }

    /// Sends what [`progress`](Self::progress) is given through `sink`; without one,
    /// progressive results cannot be sent.
    pub fn with_progress(self, sink: ProgressSink) -> CallContext {
        CallContext {
            progress: Some(sink),
            ..self
        }
    }

    /// Hands `items` to the handler as the further items of a progressive call invocation,
    /// after the payload of its first INVOCATION; see [`Invocation::items`](crate::Invocation::items).
    pub fn with_further_items(self, items: PayloadStream) -> CallContext {
        CallContext {
            items: Some(Arc::new(Mutex::new(Some(items)))),
            ..self
        }
    }

    /// The further items, the first time they are asked for.
    pub(crate) fn take_further_items(&self) -> Option<PayloadStream> {
        let items = self.items.as_ref()?;
        items.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    /// The context with the placeholder values of the URI, as generated callees read them.
    pub(crate) fn with_placeholders(self, placeholders: PlaceholderValues) -> CallContext {
        CallContext { placeholders, ..self }
    }

    /// The concrete procedure URI called: for a pattern registration, the one that matched.
    pub fn procedure(&self) -> &str {
        &self.shared.uri
    }

    /// The value of the placeholder `name` in the concrete URI, for a procedure registered by
    /// a generated callee with placeholders (`com.app.<int:node>.reset` gives `node`).
    pub fn placeholder(&self, name: &str) -> Option<&str> {
        find_placeholder(&self.placeholders, name)
    }

    /// The caller's session id, when disclosed.
    pub fn caller(&self) -> Option<u64> {
        id_of(self.shared.details.get("caller"))
    }

    /// The caller's authid, when disclosed.
    pub fn caller_authid(&self) -> Option<&str> {
        text_of(self.shared.details.get("caller_authid"))
    }

    /// The caller's authrole, when disclosed.
    pub fn caller_authrole(&self) -> Option<&str> {
        text_of(self.shared.details.get("caller_authrole"))
    }

    /// The INVOCATION details, as the router sent them.
    pub fn details(&self) -> &Dict {
        &self.shared.details
    }

    /// Whether the caller asked for progressive results (`receive_progress`).
    pub fn wants_progress(&self) -> bool {
        self.progress.is_some()
            && matches!(
                self.shared.details.get("receive_progress"),
                Some(Value::Bool(true))
            )
    }

    /// Sends one progressive result ahead of the final one (a YIELD with `progress: true`).
    ///
    /// When the caller did not ask for progressive results, this sends nothing and succeeds:
    /// the final result is what such a caller waits for. Fails with [`ErrorKind::Canceled`]
    /// once the call was cancelled, and when the session ended.
    pub fn progress(&self, payload: Payload) -> Result<(), Error> {
        if self.is_cancelled() {
            return Err(Error::new(ErrorKind::Canceled));
        }
        match &self.progress {
            Some(sink) if self.wants_progress() => sink(payload),
            _ => Ok(()),
        }
    }

    /// Whether the call was cancelled (the router sent INTERRUPT).
    pub fn is_cancelled(&self) -> bool {
        *self.cancelled.borrow()
    }

    /// Completes when the call is cancelled; never, for a call that is not.
    ///
    /// The handler's own future is dropped when its call is cancelled, so this serves work it
    /// handed to tasks of its own.
    pub async fn cancelled(&self) {
        let mut cancelled = self.cancelled.clone();
        if cancelled.wait_for(|cancelled| *cancelled).await.is_err() {
            // The invocation ended without being cancelled: it never will be.
            std::future::pending::<()>().await;
        }
    }
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("procedure", &self.shared.uri)
            .field("placeholders", &self.placeholders)
            .field("details", &self.shared.details)
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}

/// Tells an invocation's handler that its call was cancelled; see [`CallContext::new`].
#[derive(Debug, Clone)]
pub struct Interrupt(Arc<watch::Sender<bool>>);

impl Interrupt {
    /// Marks the call cancelled: [`CallContext::cancelled`] completes, and
    /// [`CallContext::progress`] fails from now on.
    pub fn interrupt(&self) {
        self.0.send_replace(true);
    }
}

/// The context of one event: who published it, on which topic, and the EVENT details.
///
/// The publisher is only there when the router discloses it (Crossbar.io does when the
/// publisher asks, `disclose_me`).
#[derive(Clone)]
pub struct EventContext {
    shared: Arc<UriAndDetails>,
    placeholders: PlaceholderValues,
}

impl EventContext {
    /// The context of an event on `topic` (the concrete URI published to) with the EVENT
    /// `details`. For [`SessionBackend`](crate::SessionBackend)s, mocks among them.
    pub fn new(topic: impl Into<String>, details: Dict) -> EventContext {
        EventContext {
            shared: Arc::new(UriAndDetails {
                uri: topic.into(),
                details,
            }),
            placeholders: Arc::new([]),
        }
    }

    /// The context with the placeholder values of the topic, as generated subscribers read them.
    pub(crate) fn with_placeholders(self, placeholders: PlaceholderValues) -> EventContext {
        EventContext { placeholders, ..self }
    }

    /// The concrete topic URI: for a pattern subscription, the one that matched.
    pub fn topic(&self) -> &str {
        &self.shared.uri
    }

    /// The value of the placeholder `name` in the concrete topic, for a topic subscribed by a
    /// generated subscriber with placeholders.
    pub fn placeholder(&self, name: &str) -> Option<&str> {
        find_placeholder(&self.placeholders, name)
    }

    /// The publisher's session id, when disclosed.
    pub fn publisher(&self) -> Option<u64> {
        id_of(self.shared.details.get("publisher"))
    }

    /// The publisher's authid, when disclosed.
    pub fn publisher_authid(&self) -> Option<&str> {
        text_of(self.shared.details.get("publisher_authid"))
    }

    /// The publisher's authrole, when disclosed.
    pub fn publisher_authrole(&self) -> Option<&str> {
        text_of(self.shared.details.get("publisher_authrole"))
    }

    /// The EVENT details, as the router sent them.
    pub fn details(&self) -> &Dict {
        &self.shared.details
    }
}

impl fmt::Debug for EventContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventContext")
            .field("topic", &self.shared.uri)
            .field("placeholders", &self.placeholders)
            .field("details", &self.shared.details)
            .finish()
    }
}

fn find_placeholder<'a>(placeholders: &'a [(String, String)], name: &str) -> Option<&'a str> {
    placeholders
        .iter()
        .find(|(placeholder, _)| placeholder == name)
        .map(|(_, value)| value.as_str())
}

fn id_of(value: Option<&Value>) -> Option<u64> {
    match value {
        Some(Value::Integer(id)) => u64::try_from(*id).ok(),
        _ => None,
    }
}

fn text_of(value: Option<&Value>) -> Option<&str> {
    match value {
        Some(Value::String(text)) => Some(text),
        _ => None,
    }
}
