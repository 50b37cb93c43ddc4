//! The handle of a joined session: [`Client`], its calls in flight ([`PendingCall`]), and its
//! implementation of the [`Session`] contract.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::client::link::{Link, SessionState, say_goodbye};
use crate::client::state::{
    CallReceiver, CallUpdate, Delivery, GOODBYE_TIMEOUT, ProgressiveInvocationHandler, RequestKind, Shared,
};
use crate::error::{Error, ErrorKind};
use crate::session::{
    BoxFuture, CallOptions, CallResult, EventHandler, InvocationHandler, InvokePolicy, MatchPolicy, Payload,
    PublishOptions, RegisterOptions, Registration, Session, SubscribeOptions, Subscription,
};
use crate::value::{Dict, Value};
use crate::wire::{Message, Serializer};

/// A WAMP session with a router: cheap to clone, usable from any task.
///
/// Besides the [`Session`] methods it offers progressive calls and registrations, its
/// [`state`](Client::state) to watch, and a final [`close`](Client::close). After a loss it
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

impl Client {
    pub(crate) fn new(link: Arc<Link>) -> Client {
        Client {
            _close_on_drop: Arc::new(CloseOnDrop(Arc::clone(&link))),
            link,
        }
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

    /// Starts a call that asks for progressive results; see [`PendingCall`].
    pub async fn call_progressive(
        &self,
        procedure: &str,
        payload: Payload,
        options: CallOptions,
    ) -> Result<PendingCall, Error> {
        self.start_call(procedure, payload, options, true).await
    }

    async fn start_call(
        &self,
        procedure: &str,
        payload: Payload,
        options: CallOptions,
        receive_progress: bool,
    ) -> Result<PendingCall, Error> {
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
        Ok(PendingCall {
            shared,
            request,
            updates,
            outcome: None,
            cancel_requested: false,
            finished: false,
        })
    }

    /// When an operation with this timeout of its own (else the configured one) times out.
    fn deadline(&self, timeout: Option<Duration>) -> Option<Instant> {
        let timeout = timeout.or(self.link.config.call_timeout);
        timeout.map(|timeout| Instant::now() + timeout)
    }

    /// Registers a procedure whose handler may send progressive results.
    pub async fn register_progressive(
        &self,
        procedure: &str,
        options: RegisterOptions,
        handler: ProgressiveInvocationHandler,
    ) -> Result<Registration, Error> {
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
        let kind = RequestKind::Register(Arc::clone(&handler));
        let id = shared.request(request, kind, &message).await?;
        self.link
            .remember_registration(id, procedure, wire_options, handler);
        Ok(Registration { id })
    }

    /// Sends an UNREGISTER or UNSUBSCRIBE, built by `message` around its request id, and
    /// waits for the router's acknowledgement, which carries nothing back. While the session
    /// is down there is nothing to undo: the router forgot it with the lost session.
    async fn release(&self, kind: RequestKind, message: impl FnOnce(u64) -> Message) -> Result<(), Error> {
        if !self.link.is_up() {
            return Ok(());
        }
        let shared = self.link.joined(self.deadline(None)).await?;
        let request = self.link.next_request_id();
        shared.request(request, kind, &message(request)).await?;
        Ok(())
    }
}

impl Session for Client {
    fn call<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        options: CallOptions,
    ) -> BoxFuture<'a, Result<CallResult, Error>> {
        Box::pin(async move {
            self.start_call(procedure, payload, options, false)
                .await?
                .result()
                .await
        })
    }

    fn register<'a>(
        &'a self,
        procedure: &'a str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> BoxFuture<'a, Result<Registration, Error>> {
        let handler: ProgressiveInvocationHandler =
            Arc::new(move |invocation, _progress| handler(invocation));
        Box::pin(self.register_progressive(procedure, options, handler))
    }

    fn unregister(&self, registration: Registration) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let id = self.link.forget_registration(registration.id);
            let message = move |request| Message::Unregister {
                request,
                registration: id,
            };
            self.release(RequestKind::Unregister(id), message).await
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
    ) -> BoxFuture<'a, Result<Subscription, Error>> {
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
            let kind = RequestKind::Subscribe(queue.clone());
            let id = shared.request(request, kind, &message).await?;
            self.link.remember_subscription(id, topic, wire_options, queue);
            Ok(Subscription { id })
        })
    }

    fn unsubscribe(&self, subscription: Subscription) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let id = self.link.forget_subscription(subscription.id);
            let message = move |request| Message::Unsubscribe {
                request,
                subscription: id,
            };
            self.release(RequestKind::Unsubscribe(id), message).await
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

/// A call in flight: its progressive results, then its final result.
///
/// Dropping it before the final result cancels the call (CANCEL `killnowait`).
#[derive(Debug)]
pub struct PendingCall {
    shared: Arc<Shared>,
    request: u64,
    updates: CallReceiver,
    outcome: Option<Result<CallResult, Error>>,
    cancel_requested: bool,
    finished: bool,
}

impl PendingCall {
    /// The CALL's request id.
    pub fn request_id(&self) -> u64 {
        self.request
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
            Err(error) if self.cancel_requested && error.uri() == Some("wamp.error.canceled") => {
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
        let options = Dict::from([("mode".to_owned(), Value::String(mode.as_str().into()))]);
        self.shared.send(&Message::Cancel {
            request: self.request,
            options,
        })
    }

    /// The next update; a call whose timeout passed gets a final [`ErrorKind::Timeout`] from
    /// the session, which has then asked the router to cancel it.
    async fn next_update(&mut self) -> Result<CallUpdate, Error> {
        match self.updates.recv().await {
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

impl Drop for PendingCall {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.abandon_call(self.request);
        }
    }
}

/// The default timeout of calls and requests, unless configured otherwise.
pub(crate) const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);
