//! The plumbing generated callee and subscriber stubs share: registering a method's URI
//! template on a session and routing each invocation or event to a typed handler.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::error::{Error, PayloadError, WampError};
use crate::session::{
    Event, EventHandler, Invocation, InvocationHandler, Payload, RegisterOptions, Registration, Session,
    SubscribeOptions, Subscription,
};
use crate::uri::{Placeholders, Template};

/// The error URI a callee answers a payload that does not fit the schema with.
pub const INVALID_ARGUMENT: &str = "wamp.error.invalid_argument";

/// A payload error answered to the peer: `wamp.error.invalid_argument`, whose message
/// names the offending place (`args[1]: expected uint32, got string`).
impl From<PayloadError> for WampError {
    fn from(error: PayloadError) -> WampError {
        WampError::with_message(INVALID_ARGUMENT, error.to_string())
    }
}

/// Registers one procedure: `prefix` (a template with the placeholders of `schema_prefix`)
/// joined with `suffix`, as a wildcard pattern when it has placeholders.
///
/// Every invocation calls `invoke` with `target`, the placeholder values of the concrete
/// procedure URI and the payload; its error is sent back as the WAMP ERROR.
pub async fn register_procedure<T, F, Fut>(
    session: &dyn Session,
    prefix: &str,
    schema_prefix: &str,
    suffix: &str,
    target: Arc<T>,
    invoke: F,
) -> Result<Registration, Error>
where
    T: Send + Sync + 'static + ?Sized,
    F: Fn(Arc<T>, Placeholders, Payload) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Payload, WampError>> + Send + 'static,
{
    let template = Template::conforming(prefix, schema_prefix)?.join(suffix)?;
    let options = RegisterOptions {
        match_policy: template.match_policy(),
        ..RegisterOptions::default()
    };
    let pattern = template.pattern();
    let handler: InvocationHandler = Arc::new(move |invocation: Invocation| {
        let placeholders = template.placeholders_of(invocation.procedure.as_deref());
        Box::pin(invoke(Arc::clone(&target), placeholders, invocation.payload))
    });
    session.register(&pattern, options, handler).await
}

/// The registrations of one callee, made all or nothing.
pub struct Registrations<'s> {
    session: &'s dyn Session,
    made: Vec<Registration>,
}

impl<'s> Registrations<'s> {
    /// Starts registering on `session`; nothing is registered yet.
    pub fn new(session: &'s dyn Session) -> Registrations<'s> {
        Registrations {
            session,
            made: Vec::new(),
        }
    }

    /// Keeps a registration; on an error, first undoes the ones made so far.
    pub async fn add(&mut self, registered: Result<Registration, Error>) -> Result<(), Error> {
        match registered {
            Ok(registration) => {
                self.made.push(registration);
                Ok(())
            }
            Err(error) => {
                for registration in self.made.drain(..) {
                    // The registration error is what the caller must see; a failed
                    // clean-up leaves a registration the session drops when it closes.
                    let _ = self.session.unregister(registration).await;
                }
                Err(error)
            }
        }
    }

    /// Everything registered, to unregister later.
    pub fn finish(self) -> Vec<Registration> {
        self.made
    }
}

impl fmt::Debug for Registrations<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registrations")
            .field("made", &self.made)
            .finish_non_exhaustive()
    }
}

/// The subscriptions of one subscriber, made all or nothing.
pub struct Subscriptions<'s> {
    session: &'s dyn Session,
    made: Vec<Subscription>,
}

impl<'s> Subscriptions<'s> {
    /// Starts subscribing on `session`; nothing is subscribed yet.
    pub fn new(session: &'s dyn Session) -> Subscriptions<'s> {
        Subscriptions {
            session,
            made: Vec::new(),
        }
    }

    /// Keeps a subscription; on an error, first undoes the ones made so far.
    pub async fn add(&mut self, subscribed: Result<Subscription, Error>) -> Result<(), Error> {
        match subscribed {
            Ok(subscription) => {
                self.made.push(subscription);
                Ok(())
            }
            Err(error) => {
                for subscription in self.made.drain(..) {
                    // As for registrations: the subscribe error is the one to report.
                    let _ = self.session.unsubscribe(subscription).await;
                }
                Err(error)
            }
        }
    }

    /// Everything subscribed, to unsubscribe later.
    pub fn finish(self) -> Vec<Subscription> {
        self.made
    }
}

impl fmt::Debug for Subscriptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscriptions")
            .field("made", &self.made)
            .finish_non_exhaustive()
    }
}

/// An event as a generated subscriber stub receives it.
#[derive(Debug)]
pub struct IncomingEvent {
    /// The concrete topic URI (the subscribed pattern when the router did not say).
    pub topic: String,
    /// The values of the URI template's placeholders, taken from `topic`.
    pub placeholders: Placeholders,
    /// The event's arguments.
    pub payload: Payload,
}

/// Subscribes one topic: `prefix` (a template with the placeholders of `schema_prefix`)
/// joined with `suffix`, as a wildcard pattern when it has placeholders.
pub async fn subscribe_topic<T, F, Fut>(
    session: &dyn Session,
    prefix: &str,
    schema_prefix: &str,
    suffix: &str,
    target: Arc<T>,
    deliver: F,
) -> Result<Subscription, Error>
where
    T: Send + Sync + 'static + ?Sized,
    F: Fn(Arc<T>, IncomingEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let template = Template::conforming(prefix, schema_prefix)?.join(suffix)?;
    let options = SubscribeOptions {
        match_policy: template.match_policy(),
        ..SubscribeOptions::default()
    };
    let pattern = template.pattern();
    let handler: EventHandler = Arc::new(move |event: Event| {
        let incoming = IncomingEvent {
            placeholders: template.placeholders_of(event.topic.as_deref()),
            topic: event.topic.unwrap_or_else(|| template.as_str().to_owned()),
            payload: event.payload,
        };
        Box::pin(deliver(Arc::clone(&target), incoming))
    });
    session.subscribe(&pattern, options, handler).await
}
