//! `wamp_idl_runtime::meta`, the bundled WAMP Meta API, reading the answers and events
//! exactly as Crossbar.io 26.10 sends them (`/work/shared/crossbar-meta-api-observed.md`).

use crate::support;

use std::sync::{Arc, Mutex, PoisonError};

use support::{dict, int, list, payload, received, session_answering, string};
use wamp_idl_runtime::meta::{
    self, KillSession, Lookup, LookupOptions, MatchPolicyLists, RegistrationChanged, RegistrationCreated,
    SessionDetails, SessionLeft, SessionStats, SubscriptionChanged, SubscriptionCreated,
};
use wamp_idl_runtime::{EventContext, MemorySession, Payload, PublishOptions, Value};

/// Lets the router answer `uri` with `answer`, makes the typed call, and compares the
/// request the router received and what the call returned.
async fn check<T: PartialEq + std::fmt::Debug>(
    uri: &str,
    answer: Payload,
    call: impl AsyncFnOnce(meta::Caller) -> Result<T, wamp_idl_runtime::Error>,
    expected_request: Payload,
    expected: T,
) {
    let (session, requests) = session_answering(uri, answer).await;
    let actual = call(meta::Caller::new(session)).await;
    assert_eq!(actual, Ok(expected), "calling {uri}");
    assert_eq!(
        received(&requests),
        vec![expected_request],
        "the request of {uri}"
    );
}

fn answer(value: Value) -> Payload {
    payload(vec![value], vec![])
}

fn request(args: Vec<Value>) -> Payload {
    payload(args, vec![])
}

#[tokio::test]
async fn session_count_and_list_take_an_optional_filter() {
    let call = async |caller: meta::Caller| caller.session_count(None).await;
    check("wamp.session.count", answer(int(3)), call, request(vec![]), 3).await;
    let call = async |caller: meta::Caller| caller.session_list(Some(vec!["anonymous".to_owned()])).await;
    let ids = list([int(11), int(12)]);
    let sent = request(vec![list([string("anonymous")])]);
    check("wamp.session.list", answer(ids), call, sent, vec![11, 12]).await;
}

#[tokio::test]
async fn session_details_keep_router_dicts_and_ignore_unknown_keys() {
    let transport = dict([
        ("type", string("websocket")),
        ("peer", string("tcp4:127.0.0.1:50412")),
        (
            "http_headers_received",
            dict([("host", string("localhost:8080"))]),
        ),
    ]);
    let authextra = dict([
        ("x_cb_node", string("node1")),
        ("x_cb_worker", string("worker001")),
    ]);
    let details = dict([
        ("authextra", authextra.clone()),
        ("authid", string("YFTH-ML5Q-MF6V-3P7H-MAJL-WSJ7")),
        ("authmethod", string("anonymous")),
        ("authprovider", string("static")),
        ("authrole", string("anonymous")),
        ("realm", string("realm1")),
        ("resumable", Value::Bool(false)),
        ("resume_token", Value::Null),
        ("resumed", Value::Bool(false)),
        ("serializer", string("json")),
        ("session", int(4_207_355_135_437_617)),
        ("transport", transport.clone()),
        // A key this schema does not know, as a later router may add.
        ("x_cb_node", string("node1")),
    ]);
    let expected = SessionDetails {
        session: 4_207_355_135_437_617,
        realm: Some("realm1".to_owned()),
        authid: Some("YFTH-ML5Q-MF6V-3P7H-MAJL-WSJ7".to_owned()),
        authrole: Some("anonymous".to_owned()),
        authmethod: Some("anonymous".to_owned()),
        authprovider: Some("static".to_owned()),
        authextra: Some(authextra),
        serializer: Some(string("json")),
        transport: Some(transport),
        resumed: false,
        resumable: false,
        resume_token: None,
    };
    let call = async |caller: meta::Caller| caller.session_get(4_207_355_135_437_617).await;
    let sent = request(vec![int(4_207_355_135_437_617)]);
    check("wamp.session.get", answer(details), call, sent, expected).await;
}

#[tokio::test]
async fn lookups_and_matches_read_null_as_none() {
    let lookup = || Lookup {
        uri: "com.example.nope".to_owned(),
        options: None,
    };
    let call = async |caller: meta::Caller| caller.registration_lookup(lookup()).await;
    let sent = request(vec![string("com.example.nope")]);
    check("wamp.registration.lookup", answer(Value::Null), call, sent, None).await;
    let prefix = Lookup {
        uri: "com.example.proc.".to_owned(),
        options: Some(LookupOptions {
            r#match: Some("prefix".to_owned()),
        }),
    };
    let call = async |caller: meta::Caller| caller.registration_lookup(prefix).await;
    let sent = request(vec![
        string("com.example.proc."),
        dict([("match", string("prefix"))]),
    ]);
    check("wamp.registration.lookup", answer(int(5)), call, sent, Some(5)).await;
    let matching = |uri: &str| request(vec![string(uri)]);
    let call = async |caller: meta::Caller| caller.subscription_match("com.example.nope".to_owned()).await;
    let sent = matching("com.example.nope");
    check("wamp.subscription.match", answer(Value::Null), call, sent, None).await;
    let call = async |caller: meta::Caller| caller.subscription_match("com.example.topic1".to_owned()).await;
    let ids = list([int(1), int(2)]);
    let sent = matching("com.example.topic1");
    check(
        "wamp.subscription.match",
        answer(ids),
        call,
        sent,
        Some(vec![1, 2]),
    )
    .await;
}

#[tokio::test]
async fn registration_lists_are_grouped_by_match_policy() {
    let lists = dict([
        ("exact", list([int(1), int(2)])),
        ("prefix", list([int(3)])),
        ("wildcard", list([])),
    ]);
    let expected = MatchPolicyLists {
        exact: Some(vec![1, 2]),
        prefix: Some(vec![3]),
        wildcard: Some(vec![]),
    };
    let call = async |caller: meta::Caller| caller.registration_list(None).await;
    check(
        "wamp.registration.list",
        answer(lists),
        call,
        request(vec![]),
        expected,
    )
    .await;
}

#[tokio::test]
async fn killing_a_session_accepts_the_null_result() {
    let kill = KillSession {
        session: 77,
        reason: Some("com.example.bye".to_owned()),
        message: None,
    };
    let call = async |caller: meta::Caller| caller.session_kill(kill).await;
    let sent = payload(vec![int(77)], vec![("reason", string("com.example.bye"))]);
    check("wamp.session.kill", answer(Value::Null), call, sent, ()).await;
}

/// A meta event as the subscriber received it.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Left(SessionLeft),
    Unregistered(RegistrationChanged),
    /// Any other meta event, by method name.
    Other(&'static str),
}

/// Records the meta events it receives.
#[derive(Debug, Default)]
struct Watcher(Mutex<Vec<Seen>>);

impl Watcher {
    fn record(&self, seen: Seen) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(seen);
    }
}

impl meta::Subscriber for Watcher {
    async fn session_on_join(&self, _ctx: EventContext, _: SessionDetails) {
        self.record(Seen::Other("session_on_join"));
    }

    async fn session_on_leave(&self, _ctx: EventContext, event: SessionLeft) {
        self.record(Seen::Left(event));
    }

    async fn session_on_stats(&self, _ctx: EventContext, _: SessionStats) {
        self.record(Seen::Other("session_on_stats"));
    }

    async fn registration_on_create(&self, _ctx: EventContext, _: RegistrationCreated) {
        self.record(Seen::Other("registration_on_create"));
    }

    async fn registration_on_register(&self, _ctx: EventContext, _: RegistrationChanged) {
        self.record(Seen::Other("registration_on_register"));
    }

    async fn registration_on_unregister(&self, _ctx: EventContext, event: RegistrationChanged) {
        self.record(Seen::Unregistered(event));
    }

    async fn registration_on_delete(&self, _ctx: EventContext, _: RegistrationChanged) {
        self.record(Seen::Other("registration_on_delete"));
    }

    async fn subscription_on_create(&self, _ctx: EventContext, _: SubscriptionCreated) {
        self.record(Seen::Other("subscription_on_create"));
    }

    async fn subscription_on_subscribe(&self, _ctx: EventContext, _: SubscriptionChanged) {
        self.record(Seen::Other("subscription_on_subscribe"));
    }

    async fn subscription_on_unsubscribe(&self, _ctx: EventContext, _: SubscriptionChanged) {
        self.record(Seen::Other("subscription_on_unsubscribe"));
    }

    async fn subscription_on_delete(&self, _ctx: EventContext, _: SubscriptionChanged) {
        self.record(Seen::Other("subscription_on_delete"));
    }
}

#[tokio::test]
async fn meta_events_arrive_as_crossbar_sends_them() {
    let session = MemorySession::new().session();
    let watcher = Arc::new(Watcher::default());
    let subscribed = meta::subscribe(&session, Arc::clone(&watcher)).await;
    assert_eq!(subscribed.map(|subscriptions| subscriptions.len()), Ok(11));
    let events = [
        (meta::URI_SESSION_ON_LEAVE, vec![int(42)]),
        (meta::URI_REGISTRATION_ON_UNREGISTER, vec![int(42), int(7)]),
        (meta::URI_REGISTRATION_ON_UNREGISTER, vec![Value::Null, int(8)]),
        (meta::URI_REGISTRATION_ON_DELETE, vec![Value::Null, int(8)]),
    ];
    for (topic, args) in events {
        let published = session
            .publish(topic, request(args), PublishOptions::default())
            .await;
        assert!(published.is_ok(), "{published:?}");
    }
    let left = SessionLeft {
        session: 42,
        authid: None,
        authrole: None,
    };
    let changed = |session, registration| RegistrationChanged {
        session,
        registration,
    };
    let expected = vec![
        Seen::Left(left),
        Seen::Unregistered(changed(Some(42), 7)),
        Seen::Unregistered(changed(None, 8)),
        Seen::Other("registration_on_delete"),
    ];
    assert_eq!(
        *watcher.0.lock().unwrap_or_else(PoisonError::into_inner),
        expected
    );
}
