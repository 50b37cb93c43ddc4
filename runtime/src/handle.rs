//! The session handle users and generated code hold, [`Session`], and the handles of what it
//! registers and subscribes: [`Registration`], [`Subscription`] and their groups
//! [`Registrations`] and [`Subscriptions`], which undo themselves when asked, or when dropped
//! once turned into drop guards.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::Stream;

use crate::backend::{
    CallOptions, CallResult, Event, EventHandler, Invocation, InvocationHandler, PendingCall, PublishOptions,
    RegisterOptions, SessionBackend, SubscribeOptions,
};
use crate::data::payload::Payload;
use crate::error::{Error, WampError};

/// A joined WAMP session: what generated `Caller`s, `register` and `subscribe` take.
///
/// Cheap to clone (one `Arc`), usable from any task. A [`Client`](crate::Client) gives one
/// ([`Client::session`](crate::Client::session), or `Session::from(client)`), and so does a [`MemorySession`](crate::MemorySession); a mock
/// of your own implements [`SessionBackend`] and goes through [`Session::from_backend`]. A
/// handle made from a client keeps the client open as any clone of it does.
#[derive(Clone)]
pub struct Session {
    backend: Arc<dyn SessionBackend>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}

impl Session {
    /// The handle of a session that `backend` runs.
    pub fn from_backend(backend: impl SessionBackend + 'static) -> Session {
        Session {
            backend: Arc::new(backend),
        }
    }

    /// What runs the session.
    pub fn backend(&self) -> &dyn SessionBackend {
        &*self.backend
    }

    /// Calls a procedure. Dropping the future before the result cancels the call
    /// (CANCEL `killnowait`); [`call_progressive`](Self::call_progressive) cancels in other
    /// modes.
    pub async fn call(
        &self,
        procedure: &str,
        payload: Payload,
        options: CallOptions,
    ) -> Result<CallResult, Error> {
        self.backend.call(procedure, payload, options).await
    }

    /// Starts a call that asks for progressive results: read them, and the final result, from
    /// the [`PendingCall`], which can also cancel the call.
    pub async fn call_progressive(
        &self,
        procedure: &str,
        payload: Payload,
        options: CallOptions,
    ) -> Result<PendingCall, Error> {
        self.backend.call_progressive(procedure, payload, options).await
    }

    /// Starts a progressive call invocation: each of `items` goes in a CALL of its own as the
    /// stream yields it, and the [`PendingCall`] reads the progressive results and the final
    /// one, which may come before the items end (docs/wamp-idl.md §7.2). The callee reads the
    /// items with [`Invocation::items`]. The router must route progressive call invocations
    /// (docs/compatibility.md).
    pub async fn call_streaming(
        &self,
        procedure: &str,
        items: impl Stream<Item = Payload> + Send + 'static,
        options: CallOptions,
    ) -> Result<PendingCall, Error> {
        self.backend
            .call_streaming(procedure, Box::pin(items), options)
            .await
    }

    /// Publishes an event.
    pub async fn publish(&self, topic: &str, payload: Payload, options: PublishOptions) -> Result<(), Error> {
        self.backend.publish(topic, payload, options).await
    }

    /// Registers `handler` for a procedure (or a pattern of procedures). It receives each
    /// invocation's payload and [`CallContext`](crate::CallContext); its `Err` is answered as
    /// that WAMP error.
    pub async fn register<F, Fut>(
        &self,
        procedure: &str,
        options: RegisterOptions,
        handler: F,
    ) -> Result<Registration, Error>
    where
        F: Fn(Invocation) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Payload, WampError>> + Send + 'static,
    {
        let handler: InvocationHandler = Arc::new(move |invocation| Box::pin(handler(invocation)));
        self.register_handler(procedure, options, handler).await
    }

    /// Registers a boxed handler, as generated code does.
    pub async fn register_handler(
        &self,
        procedure: &str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> Result<Registration, Error> {
        let id = self.backend.register(procedure, options, handler).await?;
        Ok(Registration {
            id,
            session: self.clone(),
        })
    }

    /// Subscribes `handler` to a topic (or a pattern of topics). It receives each event's
    /// payload and [`EventContext`](crate::EventContext), one event after the other.
    pub async fn subscribe<F, Fut>(
        &self,
        topic: &str,
        options: SubscribeOptions,
        handler: F,
    ) -> Result<Subscription, Error>
    where
        F: Fn(Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: EventHandler = Arc::new(move |event| Box::pin(handler(event)));
        self.subscribe_handler(topic, options, handler).await
    }

    /// Subscribes a boxed handler, as generated code does.
    pub async fn subscribe_handler(
        &self,
        topic: &str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> Result<Subscription, Error> {
        let id = self.backend.subscribe(topic, options, handler).await?;
        Ok(Subscription {
            id,
            session: self.clone(),
        })
    }
}

impl From<&Session> for Session {
    fn from(session: &Session) -> Session {
        session.clone()
    }
}

/// Which of the two kinds a handle undoes.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Registration,
    Subscription,
}

/// One registration or subscription of a session.
#[derive(Clone)]
struct Handle {
    kind: Kind,
    id: u64,
    session: Session,
}

impl Handle {
    async fn undo(self) -> Result<(), Error> {
        match self.kind {
            Kind::Registration => self.session.backend.unregister(self.id).await,
            Kind::Subscription => self.session.backend.unsubscribe(self.id).await,
        }
    }

    /// Undoes the handle without waiting for the router: what can be done at once is (all of
    /// it, for a memory session), the rest on the current tokio runtime; a failure is logged,
    /// as nobody is left to tell.
    fn undo_in_background(self) {
        let kind = self.kind;
        let mut undoing = Box::pin(async move {
            if let Err(error) = self.undo().await {
                tracing::debug!(?kind, %error, "undoing a dropped guard failed");
            }
        });
        if futures_util::FutureExt::now_or_never(&mut undoing).is_some() {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(undoing)),
            Err(_) => tracing::debug!(?kind, "a guard dropped outside a tokio runtime is not undone"),
        }
    }
}

/// A procedure registered through a [`Session`]: [`unregister`](Self::unregister) undoes it,
/// and so does dropping it once it is a [`drop guard`](Self::unregister_on_drop). Dropped as
/// it is, it stays registered for as long as the session lives.
///
/// Its id is the session's own, stable across reconnects: a client registers the procedure
/// again on each new session until it is unregistered, or revoked by the router.
pub struct Registration {
    id: u64,
    session: Session,
}

impl Registration {
    /// The session's id of the registration (not the router's, which changes on reconnect).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Unregisters the procedure. One revoked by the router, or registered on a session that
    /// was lost meanwhile, is gone already: that succeeds too.
    pub async fn unregister(self) -> Result<(), Error> {
        self.into_handle().undo().await
    }

    /// A guard that unregisters the procedure when dropped, in the background.
    pub fn unregister_on_drop(self) -> DropGuard {
        DropGuard(vec![self.into_handle()])
    }

    fn into_handle(self) -> Handle {
        Handle {
            kind: Kind::Registration,
            id: self.id,
            session: self.session,
        }
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration").field("id", &self.id).finish()
    }
}

/// A topic subscribed through a [`Session`]: [`unsubscribe`](Self::unsubscribe) undoes it,
/// and so does dropping it once it is a [`drop guard`](Self::unsubscribe_on_drop). Dropped as
/// it is, it stays subscribed for as long as the session lives. Like a [`Registration`], it
/// survives reconnects.
pub struct Subscription {
    id: u64,
    session: Session,
}

impl Subscription {
    /// The session's id of the subscription (not the router's, which changes on reconnect).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Unsubscribes: its handler receives no more events. Other subscriptions to the same
    /// topic keep theirs.
    pub async fn unsubscribe(self) -> Result<(), Error> {
        self.into_handle().undo().await
    }

    /// A guard that unsubscribes when dropped, in the background.
    pub fn unsubscribe_on_drop(self) -> DropGuard {
        DropGuard(vec![self.into_handle()])
    }

    fn into_handle(self) -> Handle {
        Handle {
            kind: Kind::Subscription,
            id: self.id,
            session: self.session,
        }
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription").field("id", &self.id).finish()
    }
}

/// The registrations of a generated callee, all the procedures one `register` made.
#[derive(Debug, Default)]
pub struct Registrations(Vec<Registration>);

impl Registrations {
    /// A group of these registrations.
    pub fn new(registrations: Vec<Registration>) -> Registrations {
        Registrations(registrations)
    }

    /// The registrations, in the order they were made.
    pub fn iter(&self) -> std::slice::Iter<'_, Registration> {
        self.0.iter()
    }

    /// How many procedures are registered.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Unregisters every procedure; the first failure, after trying them all.
    pub async fn unregister(self) -> Result<(), Error> {
        undo_all(self.0.into_iter().map(Registration::into_handle)).await
    }

    /// A guard that unregisters every procedure when dropped.
    pub fn unregister_on_drop(self) -> DropGuard {
        DropGuard(self.0.into_iter().map(Registration::into_handle).collect())
    }
}

impl IntoIterator for Registrations {
    type Item = Registration;
    type IntoIter = std::vec::IntoIter<Registration>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The subscriptions of a generated subscriber, all the topics one `subscribe` made.
#[derive(Debug, Default)]
pub struct Subscriptions(Vec<Subscription>);

impl Subscriptions {
    /// A group of these subscriptions.
    pub fn new(subscriptions: Vec<Subscription>) -> Subscriptions {
        Subscriptions(subscriptions)
    }

    /// The subscriptions, in the order they were made.
    pub fn iter(&self) -> std::slice::Iter<'_, Subscription> {
        self.0.iter()
    }

    /// How many topics are subscribed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Unsubscribes every topic; the first failure, after trying them all.
    pub async fn unsubscribe(self) -> Result<(), Error> {
        undo_all(self.0.into_iter().map(Subscription::into_handle)).await
    }

    /// A guard that unsubscribes every topic when dropped.
    pub fn unsubscribe_on_drop(self) -> DropGuard {
        DropGuard(self.0.into_iter().map(Subscription::into_handle).collect())
    }
}

impl IntoIterator for Subscriptions {
    type Item = Subscription;
    type IntoIter = std::vec::IntoIter<Subscription>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

async fn undo_all(handles: impl Iterator<Item = Handle>) -> Result<(), Error> {
    let mut first_error = None;
    for handle in handles {
        if let Err(error) = handle.undo().await {
            first_error.get_or_insert(error);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Registrations or subscriptions undone when the guard is dropped (like tokio-util's
/// `CancellationToken::drop_guard`): the unregistering or unsubscribing runs in the
/// background on the current tokio runtime. [`disarm`](Self::disarm) keeps them instead.
#[must_use = "dropping the guard at once undoes what it guards"]
pub struct DropGuard(Vec<Handle>);

impl DropGuard {
    /// Keeps what the guard guards: it then stays for as long as the session lives.
    pub fn disarm(mut self) {
        self.0.clear();
    }
}

impl fmt::Debug for DropGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let guarded = self.0.iter().map(|handle| (handle.kind, handle.id));
        f.debug_list().entries(guarded).finish()
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        for handle in self.0.drain(..) {
            handle.undo_in_background();
        }
    }
}
