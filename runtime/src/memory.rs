//! An in-memory [`SessionBackend`]: a router and its sessions in one value, for tests and
//! examples. [`MemorySession::session`] (or `Session::from`) gives the [`Session`] handle.
//!
//! It needs no executor of its own: a call runs the callee's handler inside the caller's
//! future (a progressive call, inside whoever reads its [`PendingCall`]), and a publish
//! delivers the event to every matching subscriber, one after the other, before it completes.
//! URI matching follows WAMP's advanced profile: exact registrations win over prefix ones (the
//! longest prefix first), which win over wildcard ones; handlers read the concrete URI from
//! their context ([`CallContext::procedure`], [`EventContext::topic`]).
//!
//! Being a whole realm in one value, it delivers every event to every matching
//! subscription (there is no "other session" to exclude), ignores call timeouts, and
//! discloses no caller or publisher. Cancelling a progressive call, in any mode, drops the
//! handler's future, interrupts its context and ends the call with `wamp.error.canceled`.
//!
//! ```
//! use wamp_idl_runtime::{CallOptions, Invocation, MemorySession, Payload, RegisterOptions, Value};
//!
//! # futures_util::FutureExt::now_or_never(async {
//! let session = MemorySession::new().session();
//! let add2 = |invocation: Invocation| async move {
//!     let sum = invocation.payload.args().to_list().iter().map(|value| match value {
//!         Value::Integer(value) => *value,
//!         _ => 0,
//!     }).sum();
//!     Ok(Payload::new(vec![Value::Integer(sum)], Default::default()))
//! };
//! let _registration = session.register("com.example.add2", RegisterOptions::default(), add2).await?;
//! let arguments = Payload::new(vec![Value::Integer(2), Value::Integer(3)], Default::default());
//! let result = session.call("com.example.add2", arguments, CallOptions::default()).await?;
//! assert_eq!(result.payload.args().to_list(), vec![Value::Integer(5)]);
//! # Ok::<(), wamp_idl_runtime::Error>(())
//! # }).expect("the memory session needs no executor").expect("the call succeeds");
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures_util::StreamExt as _;
use tokio::sync::mpsc;

use crate::backend::{
    BoxFuture, CANCELED, CallOptions, CallProgress, CallResult, CallUpdate, CancelMode, Event, EventHandler,
    Invocation, InvocationHandler, MatchPolicy, PendingCall, PublishOptions, RegisterOptions, SessionBackend,
    SubscribeOptions,
};
use crate::context::{CallContext, EventContext, Interrupt, ProgressSink};
use crate::data::payload::{Payload, PayloadStream};
use crate::data::value::{Dict, Value};
use crate::error::{Error, ErrorKind, WampError};
use crate::handle::Session;

/// A [`SessionBackend`] that routes calls and events in memory. Clones share the same realm.
#[derive(Debug, Clone, Default)]
pub struct MemorySession {
    realm: Arc<Realm>,
}

#[derive(Default)]
struct Realm {
    next_id: AtomicU64,
    routes: Mutex<Routes>,
}

impl std::fmt::Debug for Realm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let routes = self.routes();
        f.debug_struct("Realm")
            .field("registrations", &routes.registrations.len())
            .field("subscriptions", &routes.subscriptions.len())
            .finish()
    }
}

#[derive(Default)]
struct Routes {
    registrations: Vec<Route<InvocationHandler>>,
    subscriptions: Vec<Route<EventHandler>>,
}

struct Route<H> {
    id: u64,
    uri: String,
    policy: MatchPolicy,
    handler: H,
}

impl<H> Route<H> {
    /// How well the route matches `uri`: `None` if not at all, higher is more specific.
    fn rank(&self, uri: &str) -> Option<(u8, usize)> {
        match self.policy {
            MatchPolicy::Exact => (self.uri == uri).then_some((2, 0)),
            MatchPolicy::Prefix => uri.starts_with(&self.uri).then_some((1, self.uri.len())),
            MatchPolicy::Wildcard => {
                let mut pattern = self.uri.split('.');
                let mut concrete = uri.split('.');
                loop {
                    match (pattern.next(), concrete.next()) {
                        (None, None) => return Some((0, 0)),
                        (Some(expected), Some(actual)) if expected.is_empty() || expected == actual => {}
                        _ => return None,
                    }
                }
            }
        }
    }
}

impl Realm {
    fn routes(&self) -> MutexGuard<'_, Routes> {
        // A handler never runs under the lock, so a poisoned lock still holds consistent routes.
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }
}

impl MemorySession {
    /// An empty session: nothing registered, nothing subscribed.
    pub fn new() -> MemorySession {
        MemorySession::default()
    }
}

impl From<MemorySession> for Session {
    fn from(session: MemorySession) -> Session {
        Session::from_backend(session)
    }
}

impl From<&MemorySession> for Session {
    fn from(session: &MemorySession) -> Session {
        Session::from_backend(session.clone())
    }
}

impl MemorySession {
    /// The handle generated code takes, on this realm.
    pub fn session(&self) -> Session {
        Session::from(self)
    }

    /// The handler of the registration that best matches `procedure`, and the invocation's
    /// context with the interrupt that cancels it; `details` asks for progressive results.
    fn invocation(
        &self,
        procedure: &str,
        details: Dict,
    ) -> Result<(InvocationHandler, CallContext, Interrupt), Error> {
        let handler = {
            let routes = self.realm.routes();
            let best = routes
                .registrations
                .iter()
                .filter_map(|route| route.rank(procedure).map(|rank| (rank, route)))
                .max_by_key(|(rank, _)| *rank);
            best.map(|(_, route)| Arc::clone(&route.handler))
        };
        let Some(handler) = handler else {
            return Err(WampError::with_message(
                "wamp.error.no_such_procedure",
                format!("no callee registered for procedure `{procedure}`"),
            )
            .into());
        };
        let (context, interrupt) = CallContext::new(procedure, details);
        Ok((handler, context, interrupt))
    }
}

impl MemorySession {
    /// Starts a call that asks for progressive results, with `further` items after `payload`
    /// for a progressive call invocation.
    fn start_progressive(
        &self,
        procedure: &str,
        payload: Payload,
        further: Option<PayloadStream>,
    ) -> Result<PendingCall, Error> {
        let mut details = Dict::from([("receive_progress".to_owned(), Value::Bool(true))]);
        if further.is_some() {
            details.insert("progress".to_owned(), Value::Bool(true));
        }
        let (handler, context, interrupt) = self.invocation(procedure, details)?;
        let (sender, updates) = mpsc::unbounded_channel();
        let sink: ProgressSink = Arc::new(move |payload| {
            let result = CallResult {
                payload,
                details: Dict::from([("progress".to_owned(), Value::Bool(true))]),
            };
            sender
                .send(CallUpdate::Progress(result))
                .map_err(|_| Error::new(ErrorKind::Canceled))
        });
        let mut context = context.with_progress(sink);
        if let Some(further) = further {
            context = context.with_further_items(further);
        }
        Ok(PendingCall::new(MemoryCall {
            running: Some(handler(Invocation { payload, context })),
            updates,
            outcome: None,
            interrupt,
        }))
    }
}

impl SessionBackend for MemorySession {
    fn call<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        _options: CallOptions,
    ) -> BoxFuture<'a, Result<CallResult, Error>> {
        Box::pin(async move {
            let (handler, context, _interrupt) = self.invocation(procedure, Dict::new())?;
            let payload = handler(Invocation { payload, context }).await?;
            Ok(CallResult {
                payload,
                details: Dict::new(),
            })
        })
    }

    fn call_progressive<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        _options: CallOptions,
    ) -> BoxFuture<'a, Result<PendingCall, Error>> {
        Box::pin(async move { self.start_progressive(procedure, payload, None) })
    }

    /// The first item is the first INVOCATION's payload; the others reach the handler as it
    /// reads them, pulled from the caller's stream in the task that reads the call.
    fn call_streaming<'a>(
        &'a self,
        procedure: &'a str,
        mut items: PayloadStream,
        _options: CallOptions,
    ) -> BoxFuture<'a, Result<PendingCall, Error>> {
        Box::pin(async move {
            match items.next().await {
                Some(first) => self.start_progressive(procedure, first, Some(items)),
                // No item at all: one CALL whose empty payload ends the items at once.
                None => self.start_progressive(procedure, Payload::default(), None),
            }
        })
    }

    fn register<'a>(
        &'a self,
        procedure: &'a str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            let mut routes = self.realm.routes();
            let taken = routes
                .registrations
                .iter()
                .any(|route| route.uri == procedure && route.policy == options.match_policy);
            if taken {
                return Err(WampError::with_message(
                    "wamp.error.procedure_already_exists",
                    format!("procedure `{procedure}` is already registered"),
                )
                .into());
            }
            let id = self.realm.next_id();
            routes.registrations.push(Route {
                id,
                uri: procedure.to_owned(),
                policy: options.match_policy,
                handler,
            });
            Ok(id)
        })
    }

    fn unregister(&self, id: u64) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let mut routes = self.realm.routes();
            let before = routes.registrations.len();
            routes.registrations.retain(|route| route.id != id);
            if routes.registrations.len() == before {
                return Err(WampError::new("wamp.error.no_such_registration").into());
            }
            Ok(())
        })
    }

    fn publish<'a>(
        &'a self,
        topic: &'a str,
        payload: Payload,
        _options: PublishOptions,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let handlers = {
                let routes = self.realm.routes();
                let matching = routes
                    .subscriptions
                    .iter()
                    .filter(|route| route.rank(topic).is_some());
                matching
                    .map(|route| Arc::clone(&route.handler))
                    .collect::<Vec<_>>()
            };
            let context = EventContext::new(topic, Dict::new());
            for handler in handlers {
                let event = Event {
                    payload: payload.clone(),
                    context: context.clone(),
                };
                handler(event).await;
            }
            Ok(())
        })
    }

    fn subscribe<'a>(
        &'a self,
        topic: &'a str,
        options: SubscribeOptions,
        handler: EventHandler,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            let id = self.realm.next_id();
            self.realm.routes().subscriptions.push(Route {
                id,
                uri: topic.to_owned(),
                policy: options.match_policy,
                handler,
            });
            Ok(id)
        })
    }

    fn unsubscribe(&self, id: u64) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let mut routes = self.realm.routes();
            let before = routes.subscriptions.len();
            routes.subscriptions.retain(|route| route.id != id);
            if routes.subscriptions.len() == before {
                return Err(WampError::new("wamp.error.no_such_subscription").into());
            }
            Ok(())
        })
    }
}

/// A progressive call in memory: the handler's future, driven by whoever reads the call's
/// updates, and the progressive results it sent.
struct MemoryCall {
    /// `None` once the handler finished or the call was cancelled.
    running: Option<BoxFuture<'static, Result<Payload, WampError>>>,
    updates: mpsc::UnboundedReceiver<CallUpdate>,
    /// The final outcome, held back until the progressive results sent before it are read.
    outcome: Option<Result<CallResult, Error>>,
    interrupt: Interrupt,
}

impl CallProgress for MemoryCall {
    fn next(&mut self) -> BoxFuture<'_, Option<CallUpdate>> {
        Box::pin(async move {
            loop {
                if let Ok(update) = self.updates.try_recv() {
                    return Some(update);
                }
                if let Some(outcome) = self.outcome.take() {
                    return Some(CallUpdate::Final(outcome));
                }
                let running = self.running.as_mut()?;
                tokio::select! {
                    biased;
                    update = self.updates.recv() => if let Some(update) = update {
                        return Some(update);
                    },
                    outcome = running => {
                        self.running = None;
                        self.outcome = Some(outcome.map(|payload| CallResult { payload, details: Dict::new() }).map_err(Error::from));
                    }
                }
            }
        })
    }

    /// Every mode drops the handler's future and tells its context: in memory nothing else
    /// would run it.
    fn cancel(&mut self, _mode: CancelMode) -> Result<(), Error> {
        if self.running.take().is_some() {
            self.interrupt.interrupt();
            self.outcome = Some(Err(
                WampError::with_message(CANCELED, "the call was cancelled").into()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::value::Value;

    /// Answers which registration (`pattern`) served which concrete procedure.
    fn echo_procedure(pattern: &str) -> InvocationHandler {
        let pattern = Value::String(pattern.into());
        Arc::new(move |invocation: Invocation| {
            let pattern = pattern.clone();
            Box::pin(async move {
                let procedure = Value::String(invocation.context.procedure().into());
                Ok(Payload::new(vec![pattern, procedure], Dict::new()))
            })
        })
    }

    fn register(session: &MemorySession, uri: &str, policy: MatchPolicy) {
        let options = RegisterOptions {
            match_policy: policy,
            ..RegisterOptions::default()
        };
        let registered = block_on(session.register(uri, options, echo_procedure(uri)));
        assert!(registered.is_ok(), "registering {uri}: {registered:?}");
    }

    /// Runs a future that never waits on anything outside the memory session.
    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|runtime| runtime.block_on(future))
            .unwrap_or_else(|error| panic!("cannot start a test runtime: {error}"))
    }

    #[test]
    fn calls_go_to_the_most_specific_registration() {
        let session = MemorySession::new();
        register(&session, "com.app..get", MatchPolicy::Wildcard);
        register(&session, "com.app.y.p", MatchPolicy::Prefix);
        register(&session, "com.app.x.get", MatchPolicy::Exact);
        let call = |uri: &str| {
            let result = block_on(session.call(uri, Payload::default(), CallOptions::default()));
            result
                .map(|result| result.payload.args().to_list())
                .map_err(|error| error.to_string())
        };
        let served = |pattern: &str, procedure: &str| {
            Ok(vec![
                Value::String(pattern.into()),
                Value::String(procedure.into()),
            ])
        };
        assert_eq!(call("com.app.x.get"), served("com.app.x.get", "com.app.x.get"));
        assert_eq!(call("com.app.y.get"), served("com.app..get", "com.app.y.get"));
        assert_eq!(call("com.app.y.put"), served("com.app.y.p", "com.app.y.put"));
        assert_eq!(
            call("org.other"),
            Err("wamp.error.no_such_procedure: no callee registered for procedure `org.other`".to_owned())
        );
    }

    #[test]
    fn progressive_calls_get_each_result_and_cancelling_drops_the_handler() {
        let session = MemorySession::new().session();
        let (contexts, mut context) = mpsc::unbounded_channel();
        let count = move |invocation: Invocation| {
            let _ = contexts.send(invocation.context.clone());
            async move {
                for step in 1..=2 {
                    invocation
                        .context
                        .progress(Payload::new(vec![Value::Integer(step)], Dict::new()))?;
                }
                if !invocation.payload.args().is_empty() {
                    // Asked to wait: until cancelled.
                    std::future::pending::<()>().await;
                }
                Ok(Payload::new(vec![Value::Integer(3)], Dict::new()))
            }
        };
        let registered = block_on(session.register("com.app.count", RegisterOptions::default(), count));
        assert!(registered.is_ok(), "{registered:?}");
        let outcome = block_on(async {
            let mut pending = session
                .call_progressive("com.app.count", Payload::default(), CallOptions::default())
                .await?;
            let mut seen = Vec::new();
            while let Some(result) = pending.next_progress().await? {
                seen.extend(result.payload.args().to_list());
            }
            seen.extend(pending.result().await?.payload.args().to_list());
            Ok::<_, Error>(seen)
        });
        let steps = |values: &[i128]| {
            values
                .iter()
                .map(|value| Value::Integer(*value))
                .collect::<Vec<_>>()
        };
        assert_eq!(outcome, Ok(steps(&[1, 2, 3])));
        let waiting = Payload::new(vec![Value::Bool(true)], Dict::new());
        let cancelled = block_on(async {
            let mut pending = session
                .call_progressive("com.app.count", waiting, CallOptions::default())
                .await?;
            let first = pending.next_progress().await?;
            pending.cancel(CancelMode::Kill)?;
            Ok::<_, Error>((
                first.map(|result| result.payload.args().to_list()),
                pending.result().await,
            ))
        });
        assert_eq!(
            cancelled.map(|(first, result)| (first, result.map_err(Error::into_kind))),
            Ok((Some(steps(&[1])), Err(ErrorKind::Canceled)))
        );
        let _first_call = context.try_recv();
        let cancelled_call = context.try_recv().map(|context| context.is_cancelled());
        assert_eq!(cancelled_call, Ok(true), "the handler's context was told");
    }
}
