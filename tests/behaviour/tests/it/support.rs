//! What the behaviour tests share: a callee of `behaviour.IBehaviour`, a subscriber that
//! records events, and raw payload builders.

use std::sync::{Arc, Mutex, PoisonError};

use wamp_idl_behaviour_tests::behaviour_schema::behaviour::{
    Compound, Keywords, Query, Reading, Scalars, i_behaviour,
};
use wamp_idl_runtime::wire::{Message, Serializer};
use wamp_idl_runtime::{
    CallContext, Dict, EventContext, InvocationHandler, MemorySession, Payload, PayloadError,
    RegisterOptions, Session, Uuid, Value, WampError,
};

/// The node placeholder every test mounts the interface under.
pub const NODE: &str = "n1";

/// Implements every procedure in the simplest way that shows what it received.
#[derive(Debug, Default)]
pub struct Service {
    pub resets: Mutex<u32>,
}

impl i_behaviour::Callee for Service {
    async fn echo_scalars(
        &self,
        _ctx: CallContext,
        node: String,
        request: Scalars,
    ) -> Result<Scalars, WampError> {
        assert_eq!(node, NODE);
        Ok(request)
    }

    async fn echo_compound(
        &self,
        _ctx: CallContext,
        _node: String,
        request: Compound,
    ) -> Result<Compound, WampError> {
        Ok(request)
    }

    async fn search(
        &self,
        _ctx: CallContext,
        node: String,
        request: Query,
    ) -> Result<Vec<String>, WampError> {
        Ok(vec![
            format!("{node}:{}", request.text),
            format!("limit={}", request.limit),
            format!("scope={:?}", request.scope),
            format!("colour={:?}", request.colour),
            format!("offset={:?}", request.offset),
            format!("inner={:?}", request.inner),
        ])
    }

    async fn count(&self, _ctx: CallContext, _node: String) -> Result<u64, WampError> {
        Ok(42)
    }

    async fn reset(&self, _ctx: CallContext, _node: String) -> Result<(), WampError> {
        *self.resets.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        Ok(())
    }

    async fn item_names(
        &self,
        _ctx: CallContext,
        node: String,
        item: i64,
        value: u64,
    ) -> Result<Vec<String>, WampError> {
        Ok((0..value).map(|index| format!("{node}/{item}/{index}")).collect())
    }

    async fn fail(&self, _ctx: CallContext, _node: String) -> Result<(), WampError> {
        Err(WampError::with_message(
            "com.example.error.failed",
            "failing as asked",
        ))
    }

    async fn r#match(
        &self,
        _ctx: CallContext,
        _node: String,
        request: Keywords,
    ) -> Result<Keywords, WampError> {
        Ok(Keywords {
            r#type: request.r#type.to_uppercase(),
            r#match: request.r#match + 1,
            self_: !request.self_,
        })
    }
}

/// One event as the subscriber saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Reading {
        node: String,
        sensor: Uuid,
        reading: Reading,
    },
    Reset {
        node: String,
    },
    Invalid {
        topic: String,
        error: PayloadError,
    },
}

/// Records every event it receives.
#[derive(Debug, Default)]
pub struct Recorder {
    seen: Mutex<Vec<Seen>>,
}

impl Recorder {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn record(&self, seen: Seen) {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(seen);
    }
}

impl i_behaviour::Subscriber for Recorder {
    async fn on_reading(&self, _ctx: EventContext, node: String, sensor: Uuid, event: Reading) {
        self.record(Seen::Reading {
            node,
            sensor,
            reading: event,
        });
    }

    async fn on_reset(&self, _ctx: EventContext, node: String) {
        self.record(Seen::Reset { node });
    }

    async fn on_invalid_event(&self, topic: String, error: PayloadError) {
        self.record(Seen::Invalid { topic, error });
    }
}

/// A session with [`Service`] registered under the schema's prefix (any node).
pub async fn session_with_service() -> (Session, Arc<Service>) {
    let session = MemorySession::new().session();
    let service = Arc::new(Service::default());
    let registrations = i_behaviour::register(&session, Arc::clone(&service)).await;
    assert_eq!(registrations.map(|registrations| registrations.len()), Ok(8));
    (session, service)
}

/// The requests a raw procedure received, in order.
pub type Requests = Arc<Mutex<Vec<Payload>>>;

/// A session where the procedure `uri` answers every call with `answer`, as a router
/// would, and records the requests it receives.
pub async fn session_answering(uri: &str, answer: Payload) -> (Session, Requests) {
    let session = MemorySession::new().session();
    let requests = Requests::default();
    let handler: InvocationHandler = {
        let requests = Arc::clone(&requests);
        Arc::new(move |invocation| {
            requests
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(invocation.payload);
            let answer = answer.clone();
            Box::pin(async move { Ok(answer) })
        })
    };
    let registered = session
        .register_handler(uri, RegisterOptions::default(), handler)
        .await;
    assert!(registered.is_ok(), "registering {uri}: {registered:?}");
    (session, requests)
}

/// The requests received so far.
pub fn received(requests: &Requests) -> Vec<Payload> {
    requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// A caller on node [`NODE`] of `session`.
pub fn caller(session: &Session) -> i_behaviour::Caller {
    i_behaviour::Caller::new(session, NODE)
}

pub fn int(value: i128) -> Value {
    Value::Integer(value)
}

pub fn float(value: f64) -> Value {
    Value::Float(value)
}

pub fn string(value: &str) -> Value {
    Value::String(value.into())
}

pub fn list(values: impl IntoIterator<Item = Value>) -> Value {
    Value::List(values.into_iter().collect())
}

pub fn dict<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::Dict(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

/// A payload as a peer sends it: encoded and decoded again, so that stubs read it as they
/// read what a router delivers.
pub fn payload(args: Vec<Value>, kwargs: Vec<(&str, Value)>) -> Payload {
    let kwargs: Dict = kwargs
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    received_over_the_wire(Payload::new(args, kwargs))
}

/// `payload` after a trip in a RESULT through CBOR, which carries every integer a `Value` holds.
pub fn received_over_the_wire(payload: Payload) -> Payload {
    let message = Message::Result {
        request: 1,
        details: Dict::new(),
        payload,
    };
    let bytes = Serializer::Cbor
        .encode(&message)
        .unwrap_or_else(|error| panic!("test payloads encode: {error}"));
    match Serializer::Cbor.decode(&bytes) {
        Ok(Message::Result { payload, .. }) => payload,
        other => panic!("a RESULT decodes as one, got {other:?}"),
    }
}
