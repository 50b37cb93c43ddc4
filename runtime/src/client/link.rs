//! What outlives each joined session of a client: its configuration, its latest session, the
//! registrations and subscriptions to restore on the next one, the state users watch, and the
//! task that joins again after a loss.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use futures_util::future::try_join_all;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::client::joined::{
    self, EventQueue, GOODBYE_TIMEOUT, JoinedSession, Procedure, RequestKind, SubscriptionLeft,
};
use crate::client::reconnect::WhileDown;
use crate::client::{ClientConfig, join};
use crate::data::value::Dict;
use crate::error::{Error, ErrorKind};
use crate::wire::Message;

/// Where a client's session stands; watch it with [`Client::state`](crate::Client::state).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SessionState {
    /// Joining again after a loss; `attempt` counts the attempts since the loss, from 1.
    Connecting {
        /// The attempt under way.
        attempt: u32,
    },
    /// Joined, with every registration and subscription made through the client in place.
    Up {
        /// The session id the router assigned.
        session_id: u64,
    },
    /// Lost; the next attempt to join starts after `retry_in`.
    Down {
        /// Why the session was lost, or why the last attempt to join failed.
        reason: Error,
        /// How long until the next attempt.
        retry_in: Duration,
    },
    /// Closed for good: by [`Client::close`](crate::Client::close), by dropping every handle,
    /// or after a loss with reconnecting off or given up.
    Closed {
        /// Why.
        reason: Error,
    },
}

/// A registration made through the client, to make again on every new session.
struct Registered {
    /// The client's id, which the user's [`crate::Registration`] holds: stable across sessions.
    local: u64,
    /// The router's id in the latest session.
    id: u64,
    procedure: String,
    options: Dict,
    handler: Arc<Procedure>,
}

/// A subscription made through the client, to make again on every new session. Its event
/// queue, and so the task that delivers its events in order, lives across sessions.
struct Subscribed {
    local: u64,
    id: u64,
    topic: String,
    options: Dict,
    queue: EventQueue,
}

/// Registrations and subscriptions in the order they were made.
#[derive(Default)]
struct Registry {
    registrations: Vec<Registered>,
    subscriptions: Vec<Subscribed>,
}

/// The durable part of a client, shared by its handles and its supervising task.
pub(crate) struct Link {
    pub(crate) config: ClientConfig,
    /// The latest joined session: live while the state is [`SessionState::Up`].
    latest: RwLock<Arc<JoinedSession>>,
    state: watch::Sender<SessionState>,
    registry: Mutex<Registry>,
    /// The request ids of all the client's sessions.
    requests: Arc<AtomicU64>,
    /// The client's ids of registrations and subscriptions, stable across sessions.
    locals: AtomicU64,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("state", &*self.state.borrow())
            .field("session", &*self.latest())
            .finish_non_exhaustive()
    }
}

impl Link {
    /// The link of a client whose first session is `first`; its supervising task runs on
    /// the current tokio runtime.
    pub(crate) fn start(
        config: ClientConfig,
        first: Arc<JoinedSession>,
        requests: Arc<AtomicU64>,
    ) -> Arc<Link> {
        let link = Arc::new(Link {
            config,
            state: watch::Sender::new(SessionState::Up {
                session_id: first.session_id,
            }),
            latest: RwLock::new(first),
            registry: Mutex::default(),
            requests,
            locals: AtomicU64::new(0),
        });
        tokio::spawn(Arc::clone(&link).supervise());
        link
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        // No code path panics while holding the lock; should one ever, the registry is still usable.
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The latest joined session, live or not.
    pub(crate) fn latest(&self) -> Arc<JoinedSession> {
        Arc::clone(&self.latest.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// A new id of a registration or subscription, which stays its own across sessions.
    pub(crate) fn next_local_id(&self) -> u64 {
        self.locals.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A new request id, unique across the client's sessions.
    pub(crate) fn next_request_id(&self) -> u64 {
        joined::next_request_id(&self.requests)
    }

    pub(crate) fn watch_state(&self) -> watch::Receiver<SessionState> {
        self.state.subscribe()
    }

    pub(crate) fn is_up(&self) -> bool {
        matches!(*self.state.borrow(), SessionState::Up { .. })
    }

    /// Closed for good, or about to be: a lost session that is not joined again closes the
    /// client as soon as the supervising task sees it.
    pub(crate) fn is_closed(&self) -> bool {
        if matches!(*self.state.borrow(), SessionState::Closed { .. }) {
            return true;
        }
        let latest = self.latest();
        latest.has_ended() && (!self.config.reconnect.is_enabled() || latest.ended_by_router())
    }

    /// Moves to `state`, unless the client is closed: `false` then.
    fn set_state(&self, state: SessionState) -> bool {
        self.state.send_if_modified(|current| {
            if matches!(current, SessionState::Closed { .. }) {
                return false;
            }
            *current = state;
            true
        })
    }

    /// Closes the client for good; the live session, if there is one, is left to say GOODBYE.
    pub(crate) fn close(&self, reason: Error) -> Option<Arc<JoinedSession>> {
        let mut was_up = false;
        let closed_now = self.state.send_if_modified(|current| {
            if matches!(current, SessionState::Closed { .. }) {
                return false;
            }
            was_up = matches!(current, SessionState::Up { .. });
            *current = SessionState::Closed { reason };
            true
        });
        (closed_now && was_up).then(|| self.latest())
    }

    /// Waits until the client is closed.
    async fn closed(&self) {
        let mut state = self.state.subscribe();
        // The sender lives in `self`, so waiting cannot fail.
        let _ = state
            .wait_for(|state| matches!(state, SessionState::Closed { .. }))
            .await;
    }

    /// The live session, waiting for one while down (unless configured to fail at once), up to
    /// `deadline`.
    pub(crate) async fn joined(&self, deadline: Option<Instant>) -> Result<Arc<JoinedSession>, Error> {
        if matches!(*self.state.borrow(), SessionState::Up { .. }) {
            let latest = self.latest();
            if !latest.has_ended() {
                return Ok(latest);
            }
        }
        self.wait_joined(deadline).await
    }

    #[cold]
    async fn wait_joined(&self, deadline: Option<Instant>) -> Result<Arc<JoinedSession>, Error> {
        let mut state = self.state.subscribe();
        loop {
            let down_reason = match &*state.borrow_and_update() {
                SessionState::Up { .. } => {
                    let latest = self.latest();
                    if !latest.has_ended() {
                        return Ok(latest);
                    }
                    // Lost a moment ago: the supervising task is about to say so.
                    latest.end_reason()
                }
                SessionState::Closed { reason } => return Err(JoinedSession::closed_error(reason)),
                SessionState::Down { reason, .. } => Some(reason.clone()),
                SessionState::Connecting { .. } => None,
            };
            if self.config.while_down == WhileDown::Fail {
                let why = down_reason.map_or_else(|| "joining again".to_owned(), |reason| reason.to_string());
                return Err(Error::new(ErrorKind::Transport(format!(
                    "the session is down ({why}) and the client is configured not to wait"
                ))));
            }
            let changed = match deadline {
                Some(deadline) => tokio::time::timeout_at(deadline, state.changed())
                    .await
                    .map_err(|_| Error::new(ErrorKind::Timeout))?,
                None => state.changed().await,
            };
            // The sender lives in `self`, so the state cannot stop changing while we wait.
            changed.map_err(|_| Error::new(ErrorKind::SessionClosed("the client is gone".to_owned())))?;
        }
    }

    /// Runs `operation` on the live session; one that meets the session's end as it starts is
    /// tried again on the next session, when configured to wait.
    pub(crate) async fn on_session<T>(
        &self,
        deadline: Option<Instant>,
        operation: impl Fn(&Arc<JoinedSession>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        loop {
            let shared = self.joined(deadline).await?;
            match operation(&shared) {
                Err(_) if shared.has_ended() && self.config.while_down == WhileDown::Wait => {}
                outcome => return outcome,
            }
        }
    }

    /// Remembers a registration made on the live session, to make it again on the next.
    pub(crate) fn remember_registration(
        &self,
        local: u64,
        id: u64,
        procedure: &str,
        options: Dict,
        handler: Arc<Procedure>,
    ) {
        self.registry().registrations.push(Registered {
            local,
            id,
            procedure: procedure.to_owned(),
            options,
            handler,
        });
    }

    /// The router's id of the registration `local` in the latest session.
    pub(crate) fn router_registration_id(&self, local: u64) -> Option<u64> {
        let registry = self.registry();
        let record = registry.registrations.iter().find(|record| record.local == local);
        record.map(|record| record.id)
    }

    /// The router's id of the subscription `local` in the latest session.
    pub(crate) fn router_subscription_id(&self, local: u64) -> Option<u64> {
        let registry = self.registry();
        let record = registry.subscriptions.iter().find(|record| record.local == local);
        record.map(|record| record.id)
    }

    /// Forgets the registration `local`; the router's id of it in the latest session.
    pub(crate) fn forget_registration(&self, local: u64) -> Option<u64> {
        let mut registry = self.registry();
        let index = registry
            .registrations
            .iter()
            .position(|record| record.local == local)?;
        Some(registry.registrations.remove(index).id)
    }

    /// Remembers a subscription made on the live session, to make it again on the next.
    pub(crate) fn remember_subscription(
        &self,
        local: u64,
        id: u64,
        topic: &str,
        options: Dict,
        queue: EventQueue,
    ) {
        self.registry().subscriptions.push(Subscribed {
            local,
            id,
            topic: topic.to_owned(),
            options,
            queue,
        });
    }

    /// Forgets the subscription `local`; the router's id of it in the latest session, which
    /// other local subscriptions may share.
    pub(crate) fn forget_subscription(&self, local: u64) -> Option<u64> {
        let mut registry = self.registry();
        let index = registry
            .subscriptions
            .iter()
            .position(|record| record.local == local)?;
        Some(registry.subscriptions.remove(index).id)
    }

    /// Forgets what the router revoked in the lost session `lost`: it is not made again.
    fn forget_revoked(&self, lost: &JoinedSession) {
        let revoked = lost.revoked();
        let mut registry = self.registry();
        registry
            .registrations
            .retain(|record| !revoked.registrations.contains(&record.id));
        registry
            .subscriptions
            .retain(|record| !revoked.subscriptions.contains(&record.id));
    }

    /// Makes every remembered registration and subscription on a new session, all at once.
    async fn restore(&self, shared: &JoinedSession) -> Result<(), Error> {
        let (registrations, subscriptions) = {
            let registry = self.registry();
            let registrations: Vec<(u64, String, Dict, Arc<Procedure>)> = registry
                .registrations
                .iter()
                .map(|record| {
                    let handler = Arc::clone(&record.handler);
                    (
                        record.local,
                        record.procedure.clone(),
                        record.options.clone(),
                        handler,
                    )
                })
                .collect();
            let subscriptions: Vec<(u64, String, Dict, EventQueue)> = registry
                .subscriptions
                .iter()
                .map(|record| {
                    let queue = record.queue.clone();
                    (record.local, record.topic.clone(), record.options.clone(), queue)
                })
                .collect();
            (registrations, subscriptions)
        };
        let registering = try_join_all(registrations.into_iter().map(
            |(local, procedure, options, handler)| async move {
                let request = shared.next_request_id();
                let message = Message::Register {
                    request,
                    options,
                    procedure: procedure.clone(),
                };
                let id = shared
                    .request(request, RequestKind::Register(handler), &message)
                    .await
                    .map_err(|error| restore_error("registering", &procedure, &error))?;
                Ok::<_, Error>((local, id))
            },
        ));
        let subscribing = try_join_all(subscriptions.into_iter().map(
            |(local, topic, options, queue)| async move {
                let request = shared.next_request_id();
                let message = Message::Subscribe {
                    request,
                    options,
                    topic: topic.clone(),
                };
                let kind = RequestKind::Subscribe(local, topic.clone(), queue);
                let id = shared
                    .request(request, kind, &message)
                    .await
                    .map_err(|error| restore_error("subscribing to", &topic, &error))?;
                Ok::<_, Error>((local, id))
            },
        ));
        let (registered, subscribed) = futures_util::future::try_join(registering, subscribing).await?;
        // What the user undid meanwhile is undone on the new session too.
        let mut undone_registrations = Vec::new();
        let mut undone_subscriptions = Vec::new();
        {
            let mut registry = self.registry();
            for (local, id) in registered {
                let record = registry
                    .registrations
                    .iter_mut()
                    .find(|record| record.local == local);
                match record {
                    Some(record) => record.id = id,
                    None => undone_registrations.push(id),
                }
            }
            for (local, id) in subscribed {
                let record = registry
                    .subscriptions
                    .iter_mut()
                    .find(|record| record.local == local);
                match record {
                    Some(record) => record.id = id,
                    None => undone_subscriptions.push((local, id)),
                }
            }
        }
        for registration in undone_registrations {
            let request = shared.next_request_id();
            let message = Message::Unregister {
                request,
                registration,
            };
            shared
                .request(request, RequestKind::Unregister(registration), &message)
                .await?;
        }
        for (local, subscription) in undone_subscriptions {
            if shared.drop_subscriber(subscription, local) != SubscriptionLeft::Unused {
                continue;
            }
            let request = shared.next_request_id();
            let message = Message::Unsubscribe {
                request,
                subscription,
            };
            shared
                .request(request, RequestKind::Unsubscribe(subscription), &message)
                .await?;
        }
        Ok(())
    }

    /// Keeps the client's session up: after each loss, joins again with backoff, restores the
    /// registrations and subscriptions, then reports the session up. Ends when the client closes
    /// or gives up.
    async fn supervise(self: Arc<Link>) {
        loop {
            let latest = self.latest();
            tokio::select! {
                () = latest.wait_ended() => {}
                () = self.closed() => return,
            }
            let mut reason = latest
                .end_reason()
                .unwrap_or_else(|| Error::new(ErrorKind::SessionClosed("the session ended".to_owned())));
            if latest.ended_by_router() {
                tracing::info!(session = latest.session_id, %reason, "session ended by the router");
                self.set_state(SessionState::Closed { reason });
                return;
            }
            tracing::info!(session = latest.session_id, %reason, "session lost");
            let Some(next) = self.join_again(&mut reason).await else {
                return;
            };
            let session_id = next.session_id;
            *self.latest.write().unwrap_or_else(PoisonError::into_inner) = next;
            if !self.set_state(SessionState::Up { session_id }) {
                say_goodbye(self.latest());
                return;
            }
            tracing::info!(session = session_id, "session up again");
        }
    }

    /// Joins again and restores, attempt after attempt; `None` when the client closed or gave
    /// up (having said so in its state).
    async fn join_again(&self, reason: &mut Error) -> Option<Arc<JoinedSession>> {
        let policy = &self.config.reconnect;
        for attempt in 1.. {
            if !policy.allows(attempt) {
                let reason = if policy.is_enabled() {
                    let tries = attempt - 1;
                    Error::new(ErrorKind::SessionClosed(format!(
                        "gave up joining again after {tries} attempts; the last failed with: {reason}"
                    )))
                } else {
                    reason.clone()
                };
                self.set_state(SessionState::Closed { reason });
                return None;
            }
            let retry_in = policy.delay(attempt, fastrand::f64());
            let down = SessionState::Down {
                reason: reason.clone(),
                retry_in,
            };
            if !self.set_state(down) {
                return None;
            }
            tokio::select! {
                () = tokio::time::sleep(retry_in) => {}
                () = self.closed() => return None,
            }
            if !self.set_state(SessionState::Connecting { attempt }) {
                return None;
            }
            let joined = tokio::select! {
                joined = join::join_any(&self.config, &self.requests) => joined,
                () = self.closed() => return None,
            };
            let next = match joined {
                Ok(next) => next,
                Err(error) => {
                    tracing::debug!(attempt, %error, "joining again failed");
                    *reason = error;
                    continue;
                }
            };
            self.forget_revoked(&self.latest());
            let restored = tokio::select! {
                restored = self.restore(&next) => restored,
                () = self.closed() => {
                    say_goodbye(next);
                    return None;
                }
            };
            match restored {
                Ok(()) => return Some(next),
                Err(error) => {
                    // Say, for one, a registration the router still holds for the lost session.
                    tracing::debug!(attempt, %error, "restoring failed");
                    say_goodbye(next);
                    *reason = error;
                }
            }
        }
        None
    }
}

fn restore_error(action: &str, uri: &str, error: &Error) -> Error {
    Error::new(ErrorKind::SessionClosed(format!(
        "joined again, but {action} `{uri}` failed: {error}"
    )))
}

/// Says GOODBYE on a session nobody uses any more, and ends it should the router not answer.
pub(crate) fn say_goodbye(shared: Arc<JoinedSession>) {
    if shared.send_goodbye().is_err() {
        return;
    }
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            if tokio::time::timeout(GOODBYE_TIMEOUT, shared.wait_ended())
                .await
                .is_err()
            {
                let reason = "the router did not answer GOODBYE".to_owned();
                shared.terminate(Error::new(ErrorKind::SessionClosed(reason)), None);
            }
        });
    }
}
