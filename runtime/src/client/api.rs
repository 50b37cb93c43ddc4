//! The client's handle, [`Client`]: what it does for its users, its calls in flight, and its
//! implementation of the [`SessionBackend`] contract.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::backend::{
    BoxFuture, CallOptions, CallProgress, CallResult, CallUpdate, CancelMode, EventHandler,
    InvocationHandler, InvokePolicy, MatchPolicy, PendingCall, PublishOptions, RegisterOptions,
    SessionBackend, SubscribeOptions,
};
use crate::client::joined::{
    CallReceiver, Delivery, GOODBYE_TIMEOUT, JoinedSession, Procedure, RequestKind, SubscriptionLeft,
};
use crate::client::link::{Link, SessionState, say_goodbye};
use crate::data::payload::{Payload, PayloadStream};
use crate::data::value::{Dict, Value};
use crate::error::{Error, ErrorKind};
use crate::handle::{Registration, Session, Subscription};
use crate::wire::{Message, Serializer};

/// A WAMP session with a router: cheap to clone, usable from any task.
///
/// [`session`](Client::session) gives the [`Session`] handle that calls, registers and
/// subscribes, and that generated stubs take; the client itself offers its
/// [`state`](Client::state) to watch, what the router said of it, and a final
/// [`close`](Client::close). After a loss it
/// joins again as configured ([`ClientConfig::reconnect`](crate::ClientConfig::reconnect)),
/// making every registration and subscription made through it again before it reports itself
/// up. When the last clone is dropped, the session says GOODBYE.
#[derive(Clone)]
pub struct Client {
    link: Arc<Link>,
    _close_on_drop: Arc<CloseOnDrop>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.link.fmt(f)
    }
}

/// Closes the client when its last handle goes, so an unused session does not linger.
#[derive(Debug)]
struct CloseOnDrop(Arc<Link>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let reason = Error::new(ErrorKind::SessionClosed(
            "every handle of the client was dropped".to_owned(),
        ));
        if let Some(live) = self.0.close(reason) {
            say_goodbye(live);
        }
    }
}

impl Client {
    pub(crate) fn new(link: Arc<Link>) -> Client {
        Client {
            _close_on_drop: Arc::new(CloseOnDrop(Arc::clone(&link))),
            link,
        }
    }

    /// The handle that calls, registers and subscribes on this client's sessions, and that
    /// generated stubs take. It keeps the client open as a clone of the client does.
    pub fn session(&self) -> Session {
        Session::from(self)
    }

    /// The router's id of `registration`, made through this client, in the latest session (the
    /// router gives another on each reconnect): what the WAMP Meta API names it by. `None` for a
    /// registration the client does not hold.
    pub fn router_registration_id(&self, registration: &Registration) -> Option<u64> {
        self.link.router_registration_id(registration.id())
    }

    /// The router's id of `subscription`, made through this client, in the latest session, as
    /// [`router_registration_id`](Self::router_registration_id) for a registration.
    pub fn router_subscription_id(&self, subscription: &Subscription) -> Option<u64> {
        self.link.router_subscription_id(subscription.id())
    }

    /// The id of the latest session the router assigned (a new one after each reconnect).
    pub fn session_id(&self) -> u64 {
        self.link.latest().session_id
    }

    /// The details of the latest WELCOME (`authid`, `authrole`, `authmethod`, `roles`...).
    pub fn welcome_details(&self) -> Dict {
        self.link.latest().welcome_details.clone()
    }

    /// The identity the router authenticated, from the latest WELCOME.
    pub fn authid(&self) -> Option<String> {
        self.welcome_string("authid")
    }

    /// The role the router assigned, from the latest WELCOME.
    pub fn authrole(&self) -> Option<String> {
        self.welcome_string("authrole")
    }

    fn welcome_string(&self, key: &str) -> Option<String> {
        match self.link.latest().welcome_details.get(key) {
            Some(Value::String(text)) => Some(text.to_string()),
            _ => None,
        }
    }

    /// The serializer the session speaks.
    pub fn serializer(&self) -> Serializer {
        self.link.config.serializer
    }

    /// Where the session stands, now and as it changes: up, down (with why, and when the next
    /// attempt to join starts), joining again, or closed for good.
    ///
    /// ```no_run
    /// # async fn example(client: wamp_idl_runtime::Client) {
    /// let mut state = client.state();
    /// while state.changed().await.is_ok() {
    ///     println!("session: {:?}", *state.borrow());
    /// }
    /// # }
    /// ```
    pub fn state(&self) -> watch::Receiver<SessionState> {
        self.link.watch_state()
    }

    /// Whether the client is closed for good (by [`close`](Self::close), or after a loss with
    /// reconnecting off or given up). A client that is down and joining again is not.
    pub fn is_closed(&self) -> bool {
        self.link.is_closed()
    }

    /// Leaves the realm with GOODBYE, closes the connection and stops reconnecting: final.
    ///
    /// Pending calls fail with [`ErrorKind::SessionClosed`], and so does everything tried
    /// after. Closing a closed client does nothing.
    pub async fn close(&self) -> Result<(), Error> {
        let reason = Error::new(ErrorKind::SessionClosed("closed by the client".to_owned()));
        let Some(live) = self.link.close(reason) else {
            return Ok(());
        };
        live.send_goodbye()?;
        if tokio::time::timeout(GOODBYE_TIMEOUT, live.wait_ended())
            .await
            .is_err()
        {
            let reason = "the router did not answer GOODBYE".to_owned();
            live.terminate(Error::new(ErrorKind::SessionClosed(reason.clone())), None);
            return Err(Error::new(ErrorKind::Protocol(reason)));
        }
        Ok(())
    }

    /// Sends a CALL; the session it went on and its request id, where further CALLs of a
    /// progressive call invocation go, beside the call in flight.
    pub(super) async fn start_call(
        &self,
        procedure: &str,
        payload: Payload,
        options: CallOptions,
        receive_progress: bool,
    ) -> Result<(Arc<JoinedSession>, u64, PendingCall), Error> {
        let request = self.link.next_request_id();
        let mut wire_options = options.extra;
        if receive_progress {
            wire_options.insert("receive_progress".to_owned(), Value::Bool(true));
        }
        let message = Message::Call {
            request,
            options: wire_options,
            procedure: procedure.to_owned(),
            payload,
        };
        let deadline = self.deadline(options.timeout);
        let (shared, updates) = self
            .link
            .on_session(deadline, |shared| {
                let updates = shared.start_call(request, &message, receive_progress, deadline)?;
                Ok((Arc::clone(shared), updates))
            })
            .await?;
        let call = PendingCall::new(ClientCall {
            shared: Arc::clone(&shared),
            request,
            updates,
            finished: false,
        });
        Ok((shared, request, call))
    }

    /// When an operation with this timeout of its own (else the configured one) times out.
    fn deadline(&self, timeout: Option<Duration>) -> Option<Instant> {
        let timeout = timeout.or(self.link.config.call_timeout);
        timeout.map(|timeout| Instant::now() + timeout)
    }

    async fn register_procedure(
        &self,
        procedure: &str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> Result<u64, Error> {
        let request = self.link.next_request_id();
        let mut wire_options = options.extra;
        insert_match_policy(&mut wire_options, options.match_policy);
        if options.invoke != InvokePolicy::Single {
            wire_options.insert("invoke".to_owned(), Value::String(options.invoke.as_str().into()));
        }
        let message = Message::Register {
            request,
            options: wire_options.clone(),
            procedure: procedure.to_owned(),
        };
        let shared = self.link.joined(self.deadline(None)).await?;
        let handler = Arc::new(Procedure {
            uri: procedure.to_owned(),
            handler,
        });
        let kind = RequestKind::Register(Arc::clone(&handler));
        let id = shared.request(request, kind, &message).await?;
        let local = self.link.next_local_id();
        self.link
            .remember_registration(local, id, procedure, wire_options, handler);
        Ok(local)
    }

    /// Sends an UNREGISTER or UNSUBSCRIBE, built by `message` around its request id, and
    /// waits for the router's acknowledgement, which carries nothing back, when `held` says
    /// the live session holds what it undoes. While the session is down there is nothing to
    /// undo: the router forgot it with the lost session; nor for what the router revoked.
    async fn release(
        &self,
        kind: RequestKind,
        held: impl FnOnce(&JoinedSession) -> bool,
        message: impl FnOnce(u64) -> Message,
    ) -> Result<(), Error> {
        if !self.link.is_up() {
            return Ok(());
        }
        let shared = self.link.joined(self.deadline(None)).await?;
        if !held(&shared) {
            return Ok(());
        }
        let request = self.link.next_request_id();
        shared.request(request, kind, &message(request)).await?;
        Ok(())
    }
}

impl From<&Client> for Session {
    fn from(client: &Client) -> Session {
        Session::from_backend(client.clone())
    }
}

impl From<Client> for Session {
    fn from(client: Client) -> Session {
        Session::from_backend(client)
    }
}

impl SessionBackend for Client {
    fn call<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<CallResult, Error>> {
        Box::pin(async move {
            let (_, _, call) = self.start_call(procedure, payload, options, false).await?;
            call.result().await
        })
    }

    fn call_progressive<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<PendingCall, Error>> {
        Box::pin(async move {
            let (_, _, call) = self.start_call(procedure, payload, options, true).await?;
            Ok(call)
        })
    }

    fn call_streaming<'a>(
        &'a self,
        procedure: &'a str,
        items: PayloadStream,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<PendingCall, Error>> {
        Box::pin(self.start_streaming_call(procedure, items, options))
    }

    fn register<'a>(
        &'a self,
        procedure: &'a str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(self.register_procedure(procedure, options, handler))
    }

    fn unregister(&self, local: u64) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let Some(id) = self.link.forget_registration(local) else {
                return Ok(());
            };
            let message = move |request| Message::Unregister {
                request,
                registration: id,
            };
            let held = |shared: &JoinedSession| shared.holds_registration(id);
            self.release(RequestKind::Unregister(id), held, message).await
        })
    }

    fn publish<'a>(
        &'a self,
        topic: &'a str,
        payload: Payload,
        options: PublishOptions,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let request = self.link.next_request_id();
            let mut wire_options = options.extra;
            if options.acknowledge {
                wire_options.insert("acknowledge".to_owned(), Value::Bool(true));
            }
            if let Some(exclude_me) = options.exclude_me {
                wire_options.insert("exclude_me".to_owned(), Value::Bool(exclude_me));
            }
            let message = Message::Publish {
                request,
                options: wire_options,
                topic: topic.to_owned(),
                payload,
            };
            let deadline = self.deadline(None);
            if options.acknowledge {
                let shared = self.link.joined(deadline).await?;
                shared.request(request, RequestKind::Publish, &message).await?;
                Ok(())
            } else {
                self.link
                    .on_session(deadline, |shared| shared.send(&message))
                    .await
            }
        })
    }

    fn subscribe<'a>(
        &'a self,
        topic: &'a str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            let request = self.link.next_request_id();
            let mut wire_options = options.extra;
            insert_match_policy(&mut wire_options, options.match_policy);
            let message = Message::Subscribe {
                request,
                options: wire_options.clone(),
                topic: topic.to_owned(),
            };
            let shared = self.link.joined(self.deadline(None)).await?;
            let (queue, events) = mpsc::unbounded_channel();
            tokio::spawn(deliver_events(events, handler));
            let local = self.link.next_local_id();
            let kind = RequestKind::Subscribe(local, topic.to_owned(), queue.clone());
            let id = shared.request(request, kind, &message).await?;
            self.link
                .remember_subscription(local, id, topic, wire_options, queue);
            Ok(local)
        })
    }

    fn unsubscribe(&self, local: u64) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let Some(id) = self.link.forget_subscription(local) else {
                return Ok(());
            };
            let message = move |request| Message::Unsubscribe {
                request,
                subscription: id,
            };
            // The router's subscription stays while other local ones receive its events.
            let held = |shared: &JoinedSession| shared.drop_subscriber(id, local) == SubscriptionLeft::Unused;
            self.release(RequestKind::Unsubscribe(id), held, message).await
        })
    }
}

/// Asks the router for `policy` in REGISTER or SUBSCRIBE options; exact matching is the
/// default and goes unsaid.
fn insert_match_policy(wire_options: &mut Dict, policy: MatchPolicy) {
    if policy != MatchPolicy::Exact {
        wire_options.insert("match".to_owned(), Value::String(policy.as_str().into()));
    }
}

/// Hands a subscription's events to its handler one at a time, in the order they arrived;
/// each keeps its place in the client's hands until its handler is done.
async fn deliver_events(mut events: mpsc::UnboundedReceiver<Delivery>, handler: EventHandler) {
    while let Some(delivery) = events.recv().await {
        if AssertUnwindSafe(handler(delivery.event))
            .catch_unwind()
            .await
            .is_err()
        {
            tracing::error!("an event handler panicked; the event is dropped");
        }
    }
}

/// A call in flight on a client's session, behind a [`PendingCall`].
#[derive(Debug)]
struct ClientCall {
    shared: Arc<JoinedSession>,
    request: u64,
    updates: CallReceiver,
    finished: bool,
}

impl CallProgress for ClientCall {
    fn next(&mut self) -> BoxFuture<'_, Option<CallUpdate>> {
        Box::pin(async move {
            let update = self.updates.recv().await;
            self.finished = !matches!(update, Some(CallUpdate::Progress(_)));
            update
        })
    }

    fn cancel(&mut self, mode: CancelMode) -> Result<(), Error> {
        let options = Dict::from([("mode".to_owned(), Value::String(mode.as_str().into()))]);
        self.shared.send(&Message::Cancel {
            request: self.request,
            options,
        })
    }
}

impl Drop for ClientCall {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.abandon_call(self.request);
        }
    }
}

/// The default timeout of calls and requests, unless configured otherwise.
pub(crate) const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);
