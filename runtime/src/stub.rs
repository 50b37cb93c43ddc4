//! The plumbing generated stubs share: a caller's session, prefix and options, and
//! registering or subscribing a method's URI template with a typed handler.
//!
//! Generated code only wires these to its types: a `Caller` method is one
//! [`CallerCore::call`], a procedure one [`Procedures::add`] with a closure that calls
//! the `Callee` (or the closure given to a `CalleeBuilder`), a topic one [`Topics::add`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::backend::{
    BoxFuture, CallOptions, Event, EventHandler, Invocation, InvocationHandler, PublishOptions,
    RegisterOptions, SubscribeOptions,
};
use crate::context::{CallContext, EventContext};
use crate::data::convert::{FromPayload, IntoPayload};
use crate::error::{Error, PayloadError, WampError};
use crate::handle::{Registrations, Session, Subscriptions};
use crate::uri::{Placeholders, Prefix, Template};

mod progressive;

pub use progressive::{ItemSink, Items, declared_error, error_payload, item_sink};

/// A placeholder value a caller fills into a URI.
pub type UriValue<'a> = &'a (dyn fmt::Display + Sync);

/// What a `Callee` method of a trait generated with default methods answers when it is not
/// implemented: `wamp.error.no_such_procedure`, with a message naming the procedure.
///
/// That URI is what the caller would get from the router had nothing registered the procedure,
/// so a caller handles both alike; WAMP defines no URI of its own for a callee that registered a
/// procedure it does not serve (`wamp.error.unavailable` asks the router to reroute the call
/// to another callee, which Crossbar.io does not do).
pub fn not_implemented<T: Send>(procedure: &str) -> impl Reply<T> + use<T> {
    std::future::ready(Err(not_implemented_error(procedure)))
}

/// The error of [`not_implemented`], for a method that fails with an error enum of its own.
pub fn not_implemented_error(procedure: &str) -> WampError {
    WampError::with_message(
        NO_SUCH_PROCEDURE,
        format!("`{procedure}` is not implemented by this callee"),
    )
}

/// The error URI of a call to a procedure nobody serves.
const NO_SUCH_PROCEDURE: &str = "wamp.error.no_such_procedure";

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
    session: Session,
    prefix: Prefix,
    call_options: CallOptions,
    publish_options: PublishOptions,
}

impl CallerCore {
    /// A caller under the schema's prefix template `schema_prefix`, its placeholders
    /// filled with `values`.
    pub fn new(session: Session, schema_prefix: &str, values: &[UriValue<'_>]) -> CallerCore {
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

/// Makes a procedure's handler once its full URI template is known.
type MakeHandler<H> = Box<dyn FnOnce(Template) -> H + Send>;

/// The prefix template, the schema's prefix it must conform to, and each method's suffix with
/// what makes its handler: the URIs are put together when registering or subscribing, so that
/// the prefix can be changed at any time before.
struct Methods<H> {
    prefix: String,
    schema_prefix: String,
    methods: Vec<(String, MakeHandler<H>)>,
}

impl<H> Methods<H> {
    fn new(prefix: &str, schema_prefix: &str) -> Methods<H> {
        Methods {
            prefix: prefix.to_owned(),
            schema_prefix: schema_prefix.to_owned(),
            methods: Vec::new(),
        }
    }

    /// Each method's URI template with its handler; the first malformed template fails them
    /// all.
    fn handlers(self) -> Result<Vec<(Template, H)>, Error> {
        let prefix = Template::conforming(&self.prefix, &self.schema_prefix)?;
        let templates = self
            .methods
            .iter()
            .map(|(suffix, _)| prefix.join(suffix))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(templates
            .into_iter()
            .zip(self.methods)
            .map(|(template, (_, make))| (template.clone(), make(template)))
            .collect())
    }
}

impl<H> fmt::Debug for Methods<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Methods")
            .field("prefix", &self.prefix)
            .field(
                "suffixes",
                &self.methods.iter().map(|(suffix, _)| suffix).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// `handle` with `target` as its first argument: how a generated `Callee` or `Subscriber`
/// trait's methods become handlers, each call with its own `Arc` of the target.
pub fn bind<T: ?Sized + Send + Sync + 'static, C, Q, Fut>(
    target: &Arc<T>,
    handle: impl Fn(Arc<T>, C, Placeholders, Q) -> Fut + Send + Sync + 'static,
) -> impl Fn(C, Placeholders, Q) -> Fut + Send + Sync + 'static {
    let target = Arc::clone(target);
    move |context, placeholders, request| handle(Arc::clone(&target), context, placeholders, request)
}

/// The procedures of a callee with their handlers, registered all or nothing.
#[derive(Debug)]
pub struct Procedures(Methods<InvocationHandler>);

impl Procedures {
    /// Starts the procedures under `prefix`, a template with the placeholders of
    /// `schema_prefix`.
    pub fn new(prefix: &str, schema_prefix: &str) -> Procedures {
        Procedures(Methods::new(prefix, schema_prefix))
    }

    /// Uses the prefix template `prefix`, which must have the placeholders of the schema's.
    pub fn with_prefix(self, prefix: &str) -> Procedures {
        Procedures(Methods {
            prefix: prefix.to_owned(),
            ..self.0
        })
    }

    /// Adds the procedure `suffix` under the prefix; a bad prefix or suffix is reported
    /// by [`Procedures::register`].
    ///
    /// Every invocation's payload is read as `Q` and handed to `handle` with the context
    /// (which shows the placeholder values too) and the placeholder values of the concrete
    /// URI; its `Err` is sent back as the WAMP ERROR. A payload or URI that does not fit is
    /// answered with `wamp.error.invalid_argument` without calling `handle`.
    pub fn add<Q, R, F, Fut>(self, suffix: &str, handle: F) -> Procedures
    where
        Q: FromPayload + 'static,
        R: IntoPayload,
        F: Fn(CallContext, Placeholders, Q) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, WampError>> + Send + 'static,
    {
        self.add_reading(suffix, |invocation| Q::from_payload(&invocation.payload), handle)
    }

    /// Adds the procedure `suffix` that takes its call as items (`stream: "in"` or
    /// `"inout"`): `handle` gets them read as `Q` ([`Invocation::items`]), each failing alone
    /// when it does not fit.
    pub fn add_items<Q, R, F, Fut>(self, suffix: &str, handle: F) -> Procedures
    where
        Q: FromPayload + Send + 'static,
        R: IntoPayload,
        F: Fn(CallContext, Placeholders, Items<Q>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, WampError>> + Send + 'static,
    {
        self.add_reading(
            suffix,
            |invocation| Ok(progressive::typed_items(invocation.items())),
            handle,
        )
    }

    /// Adds the procedure `suffix` whose request `read` takes from the invocation.
    fn add_reading<Q, R, F, Fut>(
        mut self,
        suffix: &str,
        read: fn(&Invocation) -> Result<Q, PayloadError>,
        handle: F,
    ) -> Procedures
    where
        Q: 'static,
        R: IntoPayload,
        F: Fn(CallContext, Placeholders, Q) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, WampError>> + Send + 'static,
    {
        let make: MakeHandler<InvocationHandler> = Box::new(move |uri: Template| {
            Arc::new(move |invocation: Invocation| {
                let placeholders = uri.placeholders_of(Some(invocation.context.procedure()));
                let answer = placeholders
                    .matched()
                    .and_then(|()| read(&invocation))
                    .map(|request| {
                        let context = invocation.context.with_placeholders(placeholders.named());
                        handle(context, placeholders, request)
                    });
                Box::pin(async move { Ok(answer?.await?.into_payload()) })
            })
        });
        self.0.methods.push((suffix.to_owned(), make));
        self
    }

    /// Registers every procedure on `session`, as a wildcard pattern when its URI has
    /// placeholders. All or nothing: on an error, the registrations made so far are
    /// undone.
    pub async fn register(self, session: &Session) -> Result<Registrations, Error> {
        let mut made = Vec::new();
        for (template, handler) in self.0.handlers()? {
            let options = RegisterOptions {
                match_policy: template.match_policy(),
                ..RegisterOptions::default()
            };
            match session
                .register_handler(&template.pattern(), options, handler)
                .await
            {
                Ok(registration) => made.push(registration),
                Err(error) => {
                    // The registration error is what the caller must see; a failed
                    // clean-up leaves a registration the session drops when it closes.
                    let _ = Registrations::new(made).unregister().await;
                    return Err(error);
                }
            }
        }
        Ok(Registrations::new(made))
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

/// Receives the events whose topic or payload does not fit the schema: the concrete topic and
/// what is wrong.
pub type InvalidEventHandler = Arc<dyn Fn(String, PayloadError) -> BoxFuture<'static, ()> + Send + Sync>;

/// An event handler that has read its event, or the error to hand to the invalid-event handler
/// with the topic.
type TypedEventHandler =
    Arc<dyn Fn(Event) -> BoxFuture<'static, Result<(), (String, PayloadError)>> + Send + Sync>;

/// The topics of a subscriber with their handlers, subscribed all or nothing.
#[derive(Debug)]
pub struct Topics(Methods<TypedEventHandler>);

impl Topics {
    /// Starts the topics under `prefix`, a template with the placeholders of `schema_prefix`.
    pub fn new(prefix: &str, schema_prefix: &str) -> Topics {
        Topics(Methods::new(prefix, schema_prefix))
    }

    /// Uses the prefix template `prefix`, which must have the placeholders of the schema's.
    pub fn with_prefix(self, prefix: &str) -> Topics {
        Topics(Methods {
            prefix: prefix.to_owned(),
            ..self.0
        })
    }

    /// Adds the topic `suffix` under the prefix; a bad prefix or suffix is reported by
    /// [`Topics::subscribe`].
    ///
    /// Every event's payload is read as `E` and handed to `deliver` with the context and the
    /// placeholder values of the concrete topic; a payload or topic that does not fit, or a
    /// placeholder `deliver` cannot read, goes to the invalid-event handler.
    pub fn add<E, F, Fut>(mut self, suffix: &str, deliver: F) -> Topics
    where
        E: FromPayload,
        F: Fn(EventContext, Placeholders, E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output: Delivery> + Send + 'static,
    {
        let make: MakeHandler<TypedEventHandler> = Box::new(move |uri: Template| {
            Arc::new(move |event: Event| {
                let context = event.context;
                let placeholders = uri.placeholders_of(Some(context.topic()));
                let topic = context.topic().to_owned();
                let delivery = placeholders
                    .matched()
                    .and_then(|()| E::from_payload(&event.payload))
                    .map(|event| {
                        let context = context.with_placeholders(placeholders.named());
                        deliver(context, placeholders, event)
                    });
                Box::pin(async move {
                    let delivered = match delivery {
                        Ok(delivering) => delivering.await.into_result(),
                        Err(error) => Err(error),
                    };
                    delivered.map_err(|error| (topic, error))
                })
            })
        });
        self.0.methods.push((suffix.to_owned(), make));
        self
    }

    /// Subscribes every topic on `session`, as a wildcard pattern when its URI has
    /// placeholders; the events that do not fit go to `on_invalid`. All or nothing: on an
    /// error, the subscriptions made so far are undone.
    pub async fn subscribe(
        self,
        session: &Session,
        on_invalid: InvalidEventHandler,
    ) -> Result<Subscriptions, Error> {
        let mut made = Vec::new();
        for (template, handler) in self.0.handlers()? {
            let options = SubscribeOptions {
                match_policy: template.match_policy(),
                ..SubscribeOptions::default()
            };
            let on_invalid = Arc::clone(&on_invalid);
            let handler: EventHandler = Arc::new(move |event| {
                let delivering = handler(event);
                let on_invalid = Arc::clone(&on_invalid);
                Box::pin(async move {
                    if let Err((topic, error)) = delivering.await {
                        on_invalid(topic, error).await;
                    }
                })
            });
            match session
                .subscribe_handler(&template.pattern(), options, handler)
                .await
            {
                Ok(subscription) => made.push(subscription),
                Err(error) => {
                    // As for registrations: the subscribe error is the one to report.
                    let _ = Subscriptions::new(made).unsubscribe().await;
                    return Err(error);
                }
            }
        }
        Ok(Subscriptions::new(made))
    }
}

/// An invalid-event handler that ignores every such event.
pub fn ignore_invalid_events() -> InvalidEventHandler {
    Arc::new(|_, _| Box::pin(std::future::ready(())))
}

/// `handle` as an invalid-event handler.
pub fn invalid_event_handler<F, Fut>(handle: F) -> InvalidEventHandler
where
    F: Fn(String, PayloadError) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |topic, error| Box::pin(handle(topic, error)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::payload::Payload;
    use crate::data::value::{Dict, Value};
    use crate::memory::MemorySession;

    /// Runs a future that never waits on anything outside the memory session.
    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|runtime| runtime.block_on(future))
            .unwrap_or_else(|error| panic!("cannot start a test runtime: {error}"))
    }

    fn call(session: &Session, uri: &str, args: Vec<Value>) -> Result<(), String> {
        let called = session.call(uri, Payload::new(args, Dict::new()), CallOptions::default());
        block_on(called).map(drop).map_err(|error| error.to_string())
    }

    #[test]
    fn registering_and_subscribing_run_on_spawned_tasks() {
        // Servers register from spawned tasks, so these futures must stay `Send`.
        let spawned = block_on(async {
            let session = MemorySession::new().session();
            tokio::spawn(async move {
                let registered = Procedures::new("com.app", "com.app")
                    .add("ping", |_, _, (): ()| async { Ok(()) })
                    .register(&session)
                    .await?;
                let subscribed = Topics::new("com.app", "com.app")
                    .add("tick", |_, _, (): ()| async {})
                    .subscribe(&session, ignore_invalid_events())
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
        let session = MemorySession::new().session();
        let registrations = Procedures::new("com.app", "com.app")
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
        let session = MemorySession::new().session();
        let registrations = Procedures::new("com.<int:node>", "com.<int:node>").add(
            "reset",
            |_, uri: Placeholders, (): ()| async move {
                match uri.get::<i64>(0)? {
                    0 => Err(WampError::new("com.error.zero")),
                    _ => Ok(()),
                }
            },
        );
        assert!(block_on(registrations.register(&session)).is_ok());
        let invalid = |message: &str| Err(format!("wamp.error.invalid_argument: {message}"));
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
