//! An in-memory [`Session`]: a router and its sessions in one value, for tests and examples.
//!
//! It needs no executor of its own: a call runs the callee's handler inside the caller's
//! future, and a publish delivers the event to every matching subscriber, one after the
//! other, before it completes. URI matching follows WAMP's advanced profile: exact
//! registrations win over prefix ones (the longest prefix first), which win over
//! wildcard ones; a pattern-based registration or subscription is told the concrete URI
//! (`Invocation::procedure`, `Event::topic`).
//!
//! Being a whole realm in one value, it delivers every event to every matching
//! subscription (there is no "other session" to exclude), ignores call timeouts, and
//! discloses no caller or publisher.
//!
//! ```
//! use std::sync::Arc;
//! use wamp_idl_runtime::{CallOptions, InvocationHandler, MemorySession, Payload, RegisterOptions, Session, Value};
//!
//! # futures_util::FutureExt::now_or_never(async {
//! let session = MemorySession::default();
//! let add2: InvocationHandler = Arc::new(|invocation| {
//!     Box::pin(async move {
//!         let sum = invocation.payload.args().to_list().iter().map(|value| match value {
//!             Value::Integer(value) => *value,
//!             _ => 0,
//!         }).sum();
//!         Ok(Payload::new(vec![Value::Integer(sum)], Default::default()))
//!     })
//! });
//! session.register("com.example.add2", RegisterOptions::default(), add2).await?;
//! let arguments = Payload::new(vec![Value::Integer(2), Value::Integer(3)], Default::default());
//! let result = session.call("com.example.add2", arguments, CallOptions::default()).await?;
//! assert_eq!(result.payload.args().to_list(), vec![Value::Integer(5)]);
//! # Ok::<(), wamp_idl_runtime::Error>(())
//! # }).expect("the memory session needs no executor").expect("the call succeeds");
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::error::{Error, WampError};
use crate::session::{
    BoxFuture, CallOptions, CallResult, Event, EventHandler, Invocation, InvocationHandler, MatchPolicy,
    Payload, PublishOptions, RegisterOptions, Registration, Session, SubscribeOptions, Subscription,
};
use crate::value::Dict;

/// A [`Session`] that routes calls and events in memory. Clones share the same realm.
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

impl Session for MemorySession {
    fn call<'a>(
        &'a self,
        procedure: &'a str,
        payload: Payload,
        _options: CallOptions,
    ) -> BoxFuture<'a, Result<CallResult, Error>> {
        Box::pin(async move {
            let target = {
                let routes = self.realm.routes();
                let best = routes
                    .registrations
                    .iter()
                    .filter_map(|route| route.rank(procedure).map(|rank| (rank, route)))
                    .max_by_key(|(rank, _)| *rank);
                best.map(|(_, route)| (Arc::clone(&route.handler), route.policy))
            };
            let Some((handler, policy)) = target else {
                return Err(WampError::with_message(
                    "wamp.error.no_such_procedure",
                    format!("no callee registered for procedure `{procedure}`"),
                )
                .into());
            };
            let invocation = Invocation {
                payload,
                procedure: (policy != MatchPolicy::Exact).then(|| procedure.to_owned()),
                caller: None,
                details: Dict::new(),
            };
            let payload = handler(invocation).await?;
            Ok(CallResult {
                payload,
                details: Dict::new(),
            })
        })
    }

    fn register<'a>(
        &'a self,
        procedure: &'a str,
        options: RegisterOptions,
        handler: InvocationHandler,
    ) -> BoxFuture<'a, Result<Registration, Error>> {
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
            Ok(Registration { id })
        })
    }

    fn unregister(&self, registration: Registration) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let mut routes = self.realm.routes();
            let before = routes.registrations.len();
            routes.registrations.retain(|route| route.id != registration.id);
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
            let targets = {
                let routes = self.realm.routes();
                let matching = routes
                    .subscriptions
                    .iter()
                    .filter(|route| route.rank(topic).is_some());
                matching
                    .map(|route| (Arc::clone(&route.handler), route.policy))
                    .collect::<Vec<_>>()
            };
            for (handler, policy) in targets {
                let event = Event {
                    payload: payload.clone(),
                    topic: (policy != MatchPolicy::Exact).then(|| topic.to_owned()),
                    publisher: None,
                    details: Dict::new(),
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
    ) -> BoxFuture<'a, Result<Subscription, Error>> {
        Box::pin(async move {
            let id = self.realm.next_id();
            self.realm.routes().subscriptions.push(Route {
                id,
                uri: topic.to_owned(),
                policy: options.match_policy,
                handler,
            });
            Ok(Subscription { id })
        })
    }

    fn unsubscribe(&self, subscription: Subscription) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            let mut routes = self.realm.routes();
            let before = routes.subscriptions.len();
            routes.subscriptions.retain(|route| route.id != subscription.id);
            if routes.subscriptions.len() == before {
                return Err(WampError::new("wamp.error.no_such_subscription").into());
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn echo_procedure() -> InvocationHandler {
        Arc::new(|invocation: Invocation| {
            Box::pin(async move {
                let procedure = invocation.procedure.unwrap_or_default();
                Ok(Payload::new(vec![Value::String(procedure.into())], Dict::new()))
            })
        })
    }

    fn register(session: &MemorySession, uri: &str, policy: MatchPolicy) {
        let options = RegisterOptions {
            match_policy: policy,
            ..RegisterOptions::default()
        };
        let registered = block_on(session.register(uri, options, echo_procedure()));
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
        register(&session, "com.app", MatchPolicy::Prefix);
        register(&session, "com.app.x.get", MatchPolicy::Exact);
        let call = |uri: &str| {
            let result = block_on(session.call(uri, Payload::default(), CallOptions::default()));
            result
                .map(|result| result.payload.args().to_list())
                .map_err(|error| error.to_string())
        };
        assert_eq!(call("com.app.x.get"), Ok(vec![Value::String("".into())]));
        assert_eq!(
            call("com.app.y.get"),
            Ok(vec![Value::String("com.app.y.get".into())])
        );
        assert_eq!(
            call("com.app.y.put"),
            Ok(vec![Value::String("com.app.y.put".into())])
        );
        assert_eq!(
            call("org.other"),
            Err("wamp.error.no_such_procedure: no callee registered for procedure `org.other`".to_owned())
        );
    }
}
