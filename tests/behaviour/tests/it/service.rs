//! Writing a service, in memory: builders that register or subscribe only what they are given,
//! the context handlers read, default methods that answer "not implemented", `?` on runtime
//! errors, and handles that undo registrations and subscriptions.

use std::sync::{Arc, Mutex, PoisonError};

use wamp_idl_behaviour_tests::behaviour_schema::behaviour::{Reading, i_behaviour};
use wamp_idl_runtime::{
    CallContext, MemorySession, Payload, PublishOptions, Registrations, Session, Subscriptions, Uuid,
    WampError,
};

mod stubbed {
    wamp_idl_runtime::include_wamp_idl!("../data/codegen/behaviour.fbs", default_stubs = true);
}

const NODE: &str = "n1";
const SENSOR: &str = "0f1e2d3c-4b5a-4968-8776-655443322110";

/// The outcome of a call as a user sees it: the value, or the error's text.
fn shown<T>(outcome: wamp_idl_runtime::Result<T>) -> Result<T, String> {
    outcome.map_err(|error| error.to_string())
}

fn no_such_procedure(uri: &str) -> String {
    format!("wamp.error.no_such_procedure: no callee registered for procedure `{uri}`")
}

#[tokio::test]
async fn a_callee_builder_registers_only_its_procedures_and_handlers_read_their_context() {
    let session = MemorySession::new().session();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let registrations = i_behaviour::CalleeBuilder::new()
        .item_names(move |ctx: CallContext, node, item, value| {
            let context = (
                ctx.procedure().to_owned(),
                ctx.placeholder("node").map(str::to_owned),
                ctx.placeholder("item").map(str::to_owned),
                ctx.caller(),
            );
            record
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(context);
            async move { Ok((0..value).map(|index| format!("{node}/{item}/{index}")).collect()) }
        })
        .register(&session)
        .await;
    assert_eq!(
        registrations.as_ref().map(|registrations| registrations.len()),
        Ok(1)
    );
    let caller = i_behaviour::Caller::new(&session, NODE);
    assert_eq!(
        shown(caller.item_names(7, 2).await),
        Ok(vec!["n1/7/0".to_owned(), "n1/7/1".to_owned()])
    );
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner).clone();
    assert_eq!(
        seen,
        vec![(
            "com.example.n1.behaviour.item.7.names".to_owned(),
            Some(NODE.to_owned()),
            Some("7".to_owned()),
            None
        )],
        "what the handler's context showed (the memory session discloses no caller)"
    );
    assert_eq!(
        shown(caller.count().await),
        Err(no_such_procedure("com.example.n1.behaviour.count")),
        "a procedure the builder was not given is not registered"
    );
}

#[tokio::test]
async fn a_subscriber_builder_subscribes_only_its_topics() {
    let session = MemorySession::new().session();
    let topics = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&topics);
    let subscriptions = i_behaviour::SubscriberBuilder::new()
        .on_reset(move |ctx, node| {
            let seen = (ctx.topic().to_owned(), node, ctx.publisher());
            record.lock().unwrap_or_else(PoisonError::into_inner).push(seen);
            async {}
        })
        .subscribe(&session)
        .await;
    assert_eq!(
        subscriptions.as_ref().map(|subscriptions| subscriptions.len()),
        Ok(1)
    );
    let caller = i_behaviour::Caller::new(&session, NODE);
    let sensor = Uuid::try_parse(SENSOR).unwrap_or_else(|error| panic!("{SENSOR}: {error}"));
    let reading = Reading {
        sensor: "thermometer".to_owned(),
        value: 20.0,
    };
    assert_eq!(shown(caller.publish_on_reading(sensor, reading).await), Ok(()));
    assert_eq!(shown(caller.publish_on_reset().await), Ok(()));
    assert_eq!(
        topics.lock().unwrap_or_else(PoisonError::into_inner).clone(),
        vec![(
            "com.example.n1.behaviour.on_reset".to_owned(),
            NODE.to_owned(),
            None
        )]
    );
}

/// Implements one procedure of a trait generated with default methods.
struct Counter;

impl stubbed::behaviour::i_behaviour::Callee for Counter {
    async fn count(&self, _ctx: CallContext, _node: String) -> Result<u64, WampError> {
        // A runtime error answers the call through `?`: here, a call to nobody.
        let session = MemorySession::new().session();
        let nobody = stubbed::behaviour::i_behaviour::Caller::new(&session, "elsewhere");
        nobody.reset().await?;
        Ok(1)
    }
}

#[tokio::test]
async fn default_methods_answer_not_implemented_and_question_marks_answer_runtime_errors() {
    let session = MemorySession::new().session();
    let registered = stubbed::behaviour::i_behaviour::register(&session, Arc::new(Counter)).await;
    assert_eq!(
        registered.as_ref().map(|registrations| registrations.len()),
        Ok(8)
    );
    let caller = stubbed::behaviour::i_behaviour::Caller::new(&session, NODE);
    assert_eq!(
        shown(caller.reset().await),
        Err(
            "wamp.error.no_such_procedure: `com.example.n1.behaviour.admin.reset` is not implemented by this callee"
                .to_owned()
        )
    );
    assert_eq!(
        shown(caller.count().await),
        Err(no_such_procedure("com.example.elsewhere.behaviour.admin.reset")),
        "the nested call's WAMP error passes on as it is"
    );
}

/// Registers and subscribes a little service on `session`.
async fn serve(session: &Session, events: &Arc<Mutex<u32>>) -> (Registrations, Subscriptions) {
    let registrations = i_behaviour::CalleeBuilder::new()
        .count(|_, _| async { Ok(42) })
        .register(session)
        .await
        .unwrap_or_else(|error| panic!("register: {error}"));
    let events = Arc::clone(events);
    let subscriptions = i_behaviour::SubscriberBuilder::new()
        .on_reset(move |_, _| {
            *events.lock().unwrap_or_else(PoisonError::into_inner) += 1;
            async {}
        })
        .subscribe(session)
        .await
        .unwrap_or_else(|error| panic!("subscribe: {error}"));
    (registrations, subscriptions)
}

#[tokio::test]
async fn handles_undo_registrations_and_subscriptions_when_asked_or_dropped() {
    let session = MemorySession::new().session();
    let caller = i_behaviour::Caller::new(&session, NODE);
    let events = Arc::new(Mutex::new(0));
    let reset_topic = "com.example.n1.behaviour.on_reset";
    let publish_reset = || session.publish(reset_topic, Payload::default(), PublishOptions::default());

    let (registrations, subscriptions) = serve(&session, &events).await;
    assert_eq!(shown(caller.count().await), Ok(42));
    assert_eq!(shown(registrations.unregister().await), Ok(()));
    assert_eq!(shown(subscriptions.unsubscribe().await), Ok(()));
    assert_eq!(
        shown(caller.count().await),
        Err(no_such_procedure("com.example.n1.behaviour.count"))
    );
    assert_eq!(shown(publish_reset().await), Ok(()));
    assert_eq!(
        *events.lock().unwrap_or_else(PoisonError::into_inner),
        0,
        "unsubscribed"
    );

    let (registrations, subscriptions) = serve(&session, &events).await;
    let guards = (
        registrations.unregister_on_drop(),
        subscriptions.unsubscribe_on_drop(),
    );
    assert_eq!(shown(caller.count().await), Ok(42));
    assert_eq!(shown(publish_reset().await), Ok(()));
    drop(guards);
    assert_eq!(
        shown(caller.count().await),
        Err(no_such_procedure("com.example.n1.behaviour.count")),
        "unregistered on drop"
    );
    assert_eq!(shown(publish_reset().await), Ok(()));
    assert_eq!(
        *events.lock().unwrap_or_else(PoisonError::into_inner),
        1,
        "unsubscribed on drop"
    );

    let (registrations, _subscriptions) = serve(&session, &events).await;
    drop(registrations);
    assert_eq!(
        shown(caller.count().await),
        Ok(42),
        "a handle dropped as it is undoes nothing"
    );
}
