//! The plumbing generated stubs share: a caller's session, prefix and options, and
//! registering or subscribing a method's URI template with a typed handler.
//!
//! Generated code only wires these to its types: a `Caller` method is one
//! [`CallerCore::call`], a procedure one [`Registrations::add`] with a closure that calls
//! the `Callee`, a topic one [`Subscriptions::add`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::error::{Error, PayloadError, WampError};
use crate::payload::{FromPayload, IntoPayload};
use crate::session::{
    CallOptions, Event, EventHandler, Invocation, InvocationHandler, PublishOptions, RegisterOptions,
    Registration, Session, SubscribeOptions, Subscription,
};
use crate::uri::{Placeholders, Prefix, Template};

/// A placeholder value a caller fills into a URI.
pub type UriValue<'a> = &'a (dyn fmt::Display + Sync);

/// The error URI a callee answers a payload that does not fit the schema with.
pub const INVALID_ARGUMENT: &str = "wamp.error.invalid_argument";

/// A payload error answered to the peer: `wamp.error.invalid_argument`, whose message
/// names the offending place (`args[1] (limit): expected uint32, got string`).
impl From<PayloadError> for WampError {
    fn from(error: PayloadError) -> WampError {
        WampError::with_message(INVALID_ARGUMENT, error.to_string())
    }
}

/// The future a `Callee` method returns: the reply, or the WAMP error to answer with.
///
/// Implement the method as `async fn name(&self, ...) -> Result<T, WampError>`; the
/// future must be `Send`, since invocations run on the session's tasks.
pub trait Reply<T>: Future<Output = Result<T, WampError>> + Send {}

impl<F: Future<Output = Result<T, WampError>> + Send, T> Reply<T> for F {}

/// The future a `Subscriber` method returns, handling one event. Implement the method
/// as an `async fn` without a result; the future must be `Send`.
pub trait Handled: Future<Output = ()> + Send {}

impl<F: Future<Output = ()> + Send> Handled for F {}

/// What a generated `Caller` holds: the session, the prefix with its placeholder values,
/// and the options of every call and publication.
#[derive(Clone)]
pub struct CallerCore {
    session: Arc<dyn Session>,
    prefix: Prefix,
    call_options: CallOptions,
    publish_options: PublishOptions,
}

impl CallerCore {
    /// A caller under the schema's prefix template `schema_prefix`, its placeholders
    /// filled with `values`.
    pub fn new(session: Arc<dyn Session>, schema_prefix: &str, values: &[UriValue<'_>]) -> CallerCore {
        CallerCore {
            session,
            prefix: Prefix::new(schema_prefix, values),
            call_options: CallOptions::default(),
            publish_options: PublishOptions::default(),
        }
    }

    /// Uses the prefix template `prefix`, which must have the placeholders of
    /// `schema_prefix`; they keep their values.
    pub fn with_prefix(self, prefix: &str, schema_prefix: &str) -> Result<CallerCore, Error> {
        Ok(CallerCore {
            prefix: self.prefix.with_template(prefix, schema_prefix)?,
            ..self
        })
    }

    /// Sends every call with `options`.
    pub fn with_call_options(self, options: CallOptions) -> CallerCore {
        CallerCore {
            call_options: options,
            ..self
        }
    }

    /// Publishes every event with `options`.
    pub fn with_publish_options(self, options: PublishOptions) -> CallerCore {
        CallerCore {
            publish_options: options,
            ..self
        }
    }

    /// The prefix template in use.
    pub fn prefix(&self) -> &str {
        self.prefix.template()
    }

    /// Calls the procedure `suffix` (its placeholders filled with `values`) under the
    /// prefix and reads the result as `R`.
    ///
    /// The URI and the payload are made before the returned future runs, so that it holds
    /// neither `values` nor `request`.
    pub fn call<R: FromPayload>(
        &self,
        suffix: &str,
        values: &[UriValue<'_>],
        request: impl IntoPayload,
    ) -> impl Future<Output = Result<R, Error>> + Send + '_ {
        let uri = self.prefix.uri(suffix, values);
        let payload = request.into_payload();
        async move {
            let result = self
                .session
                .call(&uri?, payload, self.call_options.clone())
                .await?;
            Ok(R::from_payload(&result.payload)?)
        }
    }

    /// Publishes `event` to the topic `suffix` (its placeholders filled with `values`)
    /// under the prefix.
    pub fn publish(
        &self,
        suffix: &str,
        values: &[UriValue<'_>],
        event: impl IntoPayload,
    ) -> impl Future<Output = Result<(), Error>> + Send + '_ {
        let uri = self.prefix.uri(suffix, values);
        let payload = event.into_payload();
        async move {
            self.session
                .publish(&uri?, payload, self.publish_options.clone())
                .await
        }
    }
}

impl fmt::Debug for CallerCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallerCore")
            .field("prefix", &self.prefix)
            .field("call_options", &self.call_options)
            .field("publish_options", &self.publish_options)
            .finish_non_exhaustive()
    }
}

/// The procedures of one callee `C` with their handlers, registered all or nothing.
pub struct Registrations<C: ?Sized> {
    callee: Arc<C>,
    /// The prefix, and each procedure's URI template and handler; or the first error.
    procedures: Result<(Template, Vec<(Template, InvocationHandler)>), Error>,
}

impl<C: Send + Sync + 'static + ?Sized> Registrations<C> {
    /// Starts the procedures of `callee` under `prefix`, a template with the
    /// placeholders of `schema_prefix`.
    pub fn new(prefix: &str, schema_prefix: &str, callee: Arc<C>) -> Registrations<C> {
        Registrations {
            callee,
            procedures: Template::conforming(prefix, schema_prefix).map(|prefix| (prefix, Vec::new())),
        }
    }

    /// Adds the procedure `suffix` under the prefix; a bad prefix or suffix is reported
    /// by [`Registrations::register`].
    ///
    /// Every invocation's payload is read as `Q` and handed to `handle` with the callee
    /// and the placeholder values of the concrete URI; its `Err` is sent back as the WAMP
    /// ERROR. A payload or URI that does not fit is answered with
    /// `wamp.error.invalid_argument` without calling `handle`.
    pub fn add<Q, R, F, Fut>(mut self, suffix: &str, handle: F) -> Registrations<C>
    where
        Q: FromPayload,
        R: IntoPayload,
        F: Fn(Arc<C>, Placeholders, Q) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, WampError>> + Send + 'static,
    {
        let callee = Arc::clone(&self.callee);
        self.procedures = self.procedures.and_then(|(prefix, mut procedures)| {
            let template = prefix.join(suffix)?;
            let uri = template.clone();
            let handler: InvocationHandler = Arc::new(move |invocation: Invocation| {
                let placeholders = uri.placeholders_of(invocation.procedure.as_deref());
                let answer = placeholders
                    .matched()
                    .and_then(|()| Q::from_payload(&invocation.payload))
                    .map(|request| handle(Arc::clone(&callee), placeholders, request));
                Box::pin(async move { Ok(answer?.await?.into_payload()) })
            });
            procedures.push((template, handler));
            Ok((prefix, procedures))
        });
        self
    }

    /// Registers every procedure on `session`, as a wildcard pattern when its URI has
    /// placeholders. All or nothing: on an error, the registrations made so far are
    /// undone.
    pub async fn register(self, session: &dyn Session) -> Result<Vec<Registration>, Error> {
        let mut made = Vec::new();
        let (_, procedures) = self.procedures?;
        for (template, handler) in procedures {
            let options = RegisterOptions {
                match_policy: template.match_policy(),
                ..RegisterOptions::default()
            };
            match session.register(&template.pattern(), options, handler).await {
                Ok(registration) => made.push(registration),
                Err(error) => {
                    for registration in made {
                        // The registration error is what the caller must see; a failed
                        // clean-up leaves a registration the session drops when it closes.
                        let _ = session.unregister(registration).await;
                    }
                    return Err(error);
                }
            }
        }
        Ok(made)
    }
}

impl<C: ?Sized> fmt::Debug for Registrations<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let procedures = self.procedures.as_ref().map(|(_, procedures)| {
            procedures
                .iter()
                .map(|(template, _)| template.as_str())
                .collect::<Vec<_>>()
        });
        f.debug_struct("Registrations")
            .field("procedures", &procedures)
            .finish_non_exhaustive()
    }
}

/// What a subscriber stub's handler gives back: `()`, or, when the topic has
/// placeholders, `Result<(), PayloadError>` with the error of a placeholder it could not
/// read.
pub trait Delivery {
    /// Whether the event was delivered.
    fn into_result(self) -> Result<(), PayloadError>;
}

impl Delivery for () {
    fn into_result(self) -> Result<(), PayloadError> {
        Ok(())
    }
}

impl Delivery for Result<(), PayloadError> {
    fn into_result(self) -> Result<(), PayloadError> {
        self
    }
}

/// The topics of one subscriber `S` with their handlers, subscribed all or nothing.
pub struct Subscriptions<S: ?Sized, I> {
    subscriber: Arc<S>,
    /// Receives the events that do not fit the schema.
    on_invalid: Arc<I>,
    /// The prefix, and each topic's URI template and handler; or the first error.
    topics: Result<(Template, Vec<(Template, EventHandler)>), Error>,
}

impl<S: Send + Sync + 'static + ?Sized, I: Send + Sync + 'static> Subscriptions<S, I> {
    /// Starts the topics of `subscriber` under `prefix`, a template with the
    /// placeholders of `schema_prefix`.
    ///
    /// Every event whose topic or payload does not fit the schema goes to `on_invalid`
    /// with the subscriber, the topic and the error.
    pub fn new<Fut>(
        prefix: &str,
        schema_prefix: &str,
        subscriber: Arc<S>,
        on_invalid: I,
    ) -> Subscriptions<S, I>
    where
        I: Fn(Arc<S>, String, PayloadError) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Subscriptions {
            subscriber,
            on_invalid: Arc::new(on_invalid),
            topics: Template::conforming(prefix, schema_prefix).map(|prefix| (prefix, Vec::new())),
        }
    }

    /// Adds the topic `suffix` under the prefix; a bad prefix or suffix is reported by
    /// [`Subscriptions::subscribe`].
    ///
    /// Every event's payload is read as `E` and handed to `deliver` with the subscriber
    /// and the placeholder values of the concrete topic; a payload or topic that does not
    /// fit, or a placeholder `deliver` cannot read, goes to the `on_invalid` handler.
    pub fn add<E, F, Fut, InvalidFut>(mut self, suffix: &str, deliver: F) -> Subscriptions<S, I>
    where
        E: FromPayload,
        F: Fn(Arc<S>, Placeholders, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output: Delivery> + Send + 'static,
        I: Fn(Arc<S>, String, PayloadError) -> InvalidFut,
        InvalidFut: Future<Output = ()> + Send + 'static,
    {
        let subscriber = Arc::clone(&self.subscriber);
        let on_invalid = Arc::clone(&self.on_invalid);
        self.topics = self.topics.and_then(|(prefix, mut topics)| {
            let template = prefix.join(suffix)?;
            let uri = template.clone();
            let handler: EventHandler = Arc::new(move |event: Event| {
                let placeholders = uri.placeholders_of(event.topic.as_deref());
                let topic = event.topic.unwrap_or_else(|| uri.as_str().to_owned());
                let delivery = placeholders
                    .matched()
                    .and_then(|()| E::from_payload(&event.payload))
                    .map(|event| deliver(Arc::clone(&subscriber), placeholders, event));
                let subscriber = Arc::clone(&subscriber);
                let on_invalid = Arc::clone(&on_invalid);
                Box::pin(async move {
                    let delivered = match delivery {
                        Ok(delivering) => delivering.await.into_result(),
                        Err(error) => Err(error),
                    };
                    if let Err(error) = delivered {
                        on_invalid(subscriber, topic, error).await;
                    }
                })
            });
            topics.push((template, handler));
            Ok((prefix, topics))
        });
        self
    }

    /// Subscribes every topic on `session`, as a wildcard pattern when its URI has
    /// placeholders. All or nothing: on an error, the subscriptions made so far are
    /// undone.
    pub async fn subscribe(self, session: &dyn Session) -> Result<Vec<Subscription>, Error> {
        let mut made = Vec::new();
        let (_, topics) = self.topics?;
        for (template, handler) in topics {
            let options = SubscribeOptions {
                match_policy: template.match_policy(),
                ..SubscribeOptions::default()
            };
            match session.subscribe(&template.pattern(), options, handler).await {
                Ok(subscription) => made.push(subscription),
                Err(error) => {
                    for subscription in made {
                        // As for registrations: the subscribe error is the one to report.
                        let _ = session.unsubscribe(subscription).await;
                    }
                    return Err(error);
                }
            }
        }
        Ok(made)
    }
}

impl<S: ?Sized, I> fmt::Debug for Subscriptions<S, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let topics = self.topics.as_ref().map(|(_, topics)| {
            topics
                .iter()
                .map(|(template, _)| template.as_str())
                .collect::<Vec<_>>()
        });
        f.debug_struct("Subscriptions")
            .field("topics", &topics)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemorySession;
    use crate::session::Payload;
    use crate::value::{Dict, Value};

    /// Runs a future that never waits on anything outside the memory session.
    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|runtime| runtime.block_on(future))
            .unwrap_or_else(|error| panic!("cannot start a test runtime: {error}"))
    }

    fn call(session: &MemorySession, uri: &str, args: Vec<Value>) -> Result<(), String> {
        let called = session.call(uri, Payload::new(args, Dict::new()), CallOptions::default());
        block_on(called).map(drop).map_err(|error| error.to_string())
    }

    #[test]
    fn registering_and_subscribing_run_on_spawned_tasks() {
        // Servers register from spawned tasks, so these futures must stay `Send`.
        let spawned = block_on(async {
            let session = MemorySession::new();
            tokio::spawn(async move {
                let registered = Registrations::new("com.app", "com.app", Arc::new(()))
                    .add("ping", |_, _, (): ()| async { Ok(()) })
                    .register(&session)
                    .await?;
                let on_invalid = |_: Arc<()>, _: String, _: PayloadError| async {};
                let subscribed = Subscriptions::new("com.app", "com.app", Arc::new(()), on_invalid)
                    .add("tick", |_, _, (): ()| async {})
                    .subscribe(&session)
                    .await?;
                Ok::<_, Error>((registered.len(), subscribed.len()))
            })
            .await
        });
        let counts = spawned.map(|made| made.map_err(|error| error.to_string()));
        assert_eq!(counts.ok(), Some(Ok((1, 1))));
    }

    #[test]
    fn a_bad_suffix_fails_the_registration_of_every_procedure() {
        let session = MemorySession::new();
        let registrations = Registrations::new("com.app", "com.app", Arc::new(()))
            .add("good", |_, _, (): ()| async { Ok(()) })
            .add("bad..suffix", |_, _, (): ()| async { Ok(()) });
        let registered = block_on(registrations.register(&session));
        assert!(matches!(
            registered.map_err(Error::into_kind),
            Err(crate::ErrorKind::InvalidUri(_))
        ));
        assert_eq!(
            call(&session, "com.app.good", Vec::new()),
            Err("wamp.error.no_such_procedure: no callee registered for procedure `com.app.good`".to_owned())
        );
    }

    #[test]
    fn invocations_check_the_uri_then_the_payload_before_the_handler_runs() {
        let session = MemorySession::new();
        let registrations = Registrations::new("com.<int:node>", "com.<int:node>", Arc::new(())).add(
            "reset",
            |_, uri: Placeholders, (): ()| async move {
                match uri.get::<i64>(0)? {
                    0 => Err(WampError::new("com.error.zero")),
                    _ => Ok(()),
                }
            },
        );
        assert!(block_on(registrations.register(&session)).is_ok());
        let invalid = |message: &str| Err(format!("{INVALID_ARGUMENT}: {message}"));
        assert_eq!(
            call(&session, "com.x.reset", vec![Value::Null, Value::Null]),
            invalid("uri.node: `x` is not an integer")
        );
        assert_eq!(
            call(&session, "com.1.reset", vec![Value::Integer(1)]),
            invalid("args[0]: unexpected positional argument: expected 0 arguments, got 1")
        );
        assert_eq!(
            call(&session, "com.0.reset", Vec::new()),
            Err("com.error.zero".to_owned())
        );
        assert_eq!(call(&session, "com.1.reset", Vec::new()), Ok(()));
    }
}
