//! The payload rules routers rely on, on both sides of the wire: trailing `optional`
//! args, positional scalars declared `= null`, `cbor`/`flexbuffer` values passed through
//! as is, nested dicts with extra keys, and `[null]` as an empty result.

use crate::support;

use std::sync::{Arc, Mutex, PoisonError};

use support::{dict, int, list, payload, received, session_answering, string};
use wamp_idl_behaviour_tests::payload_rules_schema::rules::{Changed, Details, Range, Testament, i_rules};
use wamp_idl_runtime::{
    CallContext, CallOptions, EventContext, MemorySession, Payload, PublishOptions, Value, WampError,
};

const PREFIX: &str = "com.example.rules";

/// Answers the procedure `name` of `IRules` with `answer`, whatever the request, and
/// gives what a typed call sent and how the caller read the answer.
async fn check_call<T: PartialEq + std::fmt::Debug>(
    name: &str,
    answer: Payload,
    call: impl AsyncFnOnce(i_rules::Caller) -> Result<T, wamp_idl_runtime::Error>,
    expected_request: Payload,
    expected: Result<T, String>,
) {
    let uri = format!("{PREFIX}.{name}");
    let (session, requests) = session_answering(&uri, answer).await;
    let caller = i_rules::Caller::new(session);
    let actual = call(caller).await.map_err(|error| error.to_string());
    assert_eq!(actual, expected, "calling {uri}");
    assert_eq!(
        received(&requests),
        vec![expected_request],
        "the request of {uri}"
    );
}

/// Echoes what it receives, so that a raw call shows how the callee read the request.
struct Rules;

impl i_rules::Callee for Rules {
    async fn count_sessions(&self, _ctx: CallContext, roles: Option<Vec<String>>) -> Result<u64, WampError> {
        Ok(roles.map_or(99, |roles| roles.len() as u64))
    }

    async fn describe_range(&self, _ctx: CallContext, request: Range) -> Result<Range, WampError> {
        Ok(request)
    }

    async fn lookup(&self, _ctx: CallContext) -> Result<Option<u64>, WampError> {
        Ok(None)
    }

    async fn add_testament(&self, _ctx: CallContext, request: Testament) -> Result<Testament, WampError> {
        Ok(request)
    }

    async fn details(&self, _ctx: CallContext) -> Result<Details, WampError> {
        Ok(Details::default())
    }

    async fn kill(&self, _ctx: CallContext) -> Result<(), WampError> {
        Ok(())
    }
}

/// Calls the procedure `name` of a registered [`Rules`] with `request` and compares the
/// answer: the result payload, or the `wamp.error.invalid_argument` message.
async fn check_served(name: &str, request: Payload, expected: Result<Payload, &str>) {
    let session = MemorySession::new().session();
    let registered = i_rules::register(&session, Arc::new(Rules)).await;
    assert!(registered.is_ok(), "{registered:?}");
    let uri = format!("{PREFIX}.{name}");
    let actual = session.call(&uri, request, CallOptions::default()).await;
    let actual = actual.map(|result| result.payload).map_err(|error| {
        assert_eq!(error.uri(), Some("wamp.error.invalid_argument"), "{error}");
        error
            .as_wamp()
            .and_then(|wamp| wamp.message())
            .unwrap_or_default()
            .to_owned()
    });
    let expected = expected.map_err(str::to_owned);
    assert_eq!(actual, expected, "calling {uri}");
}

fn range(first: u32, last: Option<u32>, label: Option<&str>) -> Range {
    Range {
        first,
        last,
        step: 1,
        label: label.map(str::to_owned),
    }
}

#[tokio::test]
async fn a_single_optional_arg_is_an_optional_parameter_left_out_when_absent() {
    let roles = || Some(vec!["admin".to_owned()]);
    let answer = || payload(vec![int(3)], vec![]);
    let call = async |caller: i_rules::Caller| caller.count_sessions(None).await;
    check_call("count_sessions", answer(), call, payload(vec![], vec![]), Ok(3)).await;
    let call = async |caller: i_rules::Caller| caller.count_sessions(roles()).await;
    let sent = payload(vec![list([string("admin")])], vec![]);
    check_call("count_sessions", answer(), call, sent, Ok(3)).await;
}

#[tokio::test]
async fn absent_optional_args_are_left_out_at_the_end_and_null_before_a_present_one() {
    let answer = || payload(vec![int(1)], vec![]);
    let cases = [
        (range(5, None, None), vec![int(5), Value::Null, int(1)]),
        (range(5, Some(9), None), vec![int(5), int(9), int(1)]),
        (
            range(5, None, Some("x")),
            vec![int(5), Value::Null, int(1), string("x")],
        ),
    ];
    for (request, sent) in cases {
        let expected = Ok(range(1, None, None));
        let call = async |caller: i_rules::Caller| caller.describe_range(request).await;
        check_call("describe_range", answer(), call, payload(sent, vec![]), expected).await;
    }
}

#[tokio::test]
async fn a_receiver_reads_missing_and_null_optional_args_as_absent() {
    let echoed = |args: Vec<Value>| Ok(payload(args, vec![]));
    check_served("count_sessions", payload(vec![], vec![]), echoed(vec![int(99)])).await;
    check_served(
        "count_sessions",
        payload(vec![Value::Null], vec![]),
        echoed(vec![int(99)]),
    )
    .await;
    check_served(
        "count_sessions",
        payload(vec![list([string("a"), string("b")])], vec![]),
        echoed(vec![int(2)]),
    )
    .await;
    check_served(
        "describe_range",
        payload(vec![int(5)], vec![]),
        echoed(vec![int(5), Value::Null, int(1)]),
    )
    .await;
    check_served(
        "describe_range",
        payload(vec![int(5), Value::Null, Value::Null, string("x")], vec![]),
        echoed(vec![int(5), Value::Null, int(1), string("x")]),
    )
    .await;
}

#[tokio::test]
async fn a_receiver_rejects_missing_mandatory_and_extra_args() {
    check_served(
        "describe_range",
        payload(vec![], vec![]),
        Err("args[0] (first): missing positional argument"),
    )
    .await;
    check_served(
        "describe_range",
        payload(vec![Value::Null], vec![]),
        Err("args[0] (first): expected a value, got null (positional arguments are mandatory)"),
    )
    .await;
    check_served(
        "count_sessions",
        payload(vec![Value::Null, int(1)], vec![]),
        Err("args[1]: unexpected positional argument: expected 0 to 1 arguments, got 2"),
    )
    .await;
}

#[tokio::test]
async fn a_null_positional_scalar_is_absent() {
    let call = async |caller: i_rules::Caller| caller.lookup().await;
    let null = payload(vec![Value::Null], vec![]);
    check_call("lookup", null, call, payload(vec![], vec![]), Ok(None)).await;
    let call = async |caller: i_rules::Caller| caller.lookup().await;
    let id = payload(vec![int(7)], vec![]);
    check_call("lookup", id, call, payload(vec![], vec![]), Ok(Some(7))).await;
    check_served(
        "lookup",
        payload(vec![], vec![]),
        Ok(payload(vec![Value::Null], vec![])),
    )
    .await;
}

#[tokio::test]
async fn events_may_carry_null_for_a_nullable_positional_scalar() {
    struct Changes(Mutex<Vec<Changed>>);
    impl i_rules::Subscriber for Changes {
        async fn on_changed(&self, _ctx: EventContext, event: Changed) {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).push(event);
        }
    }
    let session = MemorySession::new().session();
    let changes = Arc::new(Changes(Mutex::new(Vec::new())));
    let subscribed = i_rules::subscribe(&session, Arc::clone(&changes)).await;
    assert!(subscribed.is_ok(), "{subscribed:?}");
    let topic = format!("{PREFIX}.on_changed");
    for args in [vec![Value::Null, int(8)], vec![int(3), int(9)]] {
        let published = session
            .publish(&topic, payload(args, vec![]), PublishOptions::default())
            .await;
        assert!(published.is_ok(), "{published:?}");
    }
    let caller = i_rules::Caller::new(session.clone());
    let event = Changed {
        session: None,
        registration: 10,
    };
    assert_eq!(caller.publish_on_changed(event).await, Ok(()));
    let seen = changes.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let changed = |session, registration| Changed {
        session,
        registration,
    };
    assert_eq!(
        seen,
        vec![changed(None, 8), changed(Some(3), 9), changed(None, 10)]
    );
}

#[tokio::test]
async fn cbor_and_flexbuffer_fields_carry_any_value_as_is() {
    let args = list([int(1), string("two")]);
    let options = dict([("exclude_me", Value::Bool(false))]);
    let sent = payload(
        vec![string("com.example.gone"), args.clone()],
        vec![("options", options.clone())],
    );
    check_served("add_testament", sent.clone(), Ok(sent)).await;
    let kwargs = dict([("reason", string("bye"))]);
    let sent = payload(
        vec![string("com.example.gone"), args.clone(), kwargs.clone()],
        vec![],
    );
    check_served("add_testament", sent.clone(), Ok(sent)).await;
    let request = Testament {
        topic: "com.example.gone".to_owned(),
        args: args.clone(),
        kwargs: Some(kwargs.clone()),
        options: Some(options.clone()),
    };
    let wire = payload(
        vec![string("com.example.gone"), args, kwargs],
        vec![("options", options)],
    );
    let call = async |caller: i_rules::Caller| caller.add_testament(request.clone()).await;
    check_call(
        "add_testament",
        wire.clone(),
        call,
        wire.clone(),
        Ok(request.clone()),
    )
    .await;
}

#[tokio::test]
async fn nested_dicts_may_have_keys_the_schema_lacks() {
    let transport = dict([
        ("type", string("websocket")),
        ("peer", string("tcp4:127.0.0.1:1")),
    ]);
    let details = dict([
        ("session", int(12)),
        ("transport", transport.clone()),
        ("authextra", Value::Null),
        ("resume_token", Value::Null),
        ("serializer", string("json")),
    ]);
    let call = async |caller: i_rules::Caller| caller.details().await;
    let expected = Details {
        session: 12,
        transport: Some(transport),
        authextra: None,
    };
    let answer = payload(vec![details], vec![]);
    check_call("details", answer, call, payload(vec![], vec![]), Ok(expected)).await;
}

#[tokio::test]
async fn a_single_null_is_an_empty_result() {
    let call = async |caller: i_rules::Caller| caller.kill().await;
    let null = payload(vec![Value::Null], vec![]);
    check_call("kill", null, call, payload(vec![], vec![]), Ok(())).await;
    let call = async |caller: i_rules::Caller| caller.kill().await;
    let two = payload(vec![Value::Null, Value::Null], vec![]);
    let error = "args[0]: unexpected positional argument: expected 0 arguments, got 2";
    check_call("kill", two, call, payload(vec![], vec![]), Err(error.to_owned())).await;
}
