//! What the generated callee accepts, answers and rejects on the wire: raw args and
//! kwargs sent through a `MemorySession` to the registered `IBehaviour` service.

use crate::support;

use support::{NODE, dict, float, int, list, payload, session_with_service, string};
use wamp_idl_runtime::{CallOptions, Payload, Value};

/// Calls `procedure` (below the interface prefix on node [`NODE`]) with `request`, and
/// compares the answer: the result payload, or the error URI and message.
async fn check(procedure: &str, request: Payload, expected: Result<Payload, (&str, &str)>) {
    let (session, _) = session_with_service().await;
    let uri = format!("com.example.{NODE}.behaviour.{procedure}");
    let actual = session.call(&uri, request, CallOptions::default()).await;
    let actual = actual.map(|result| result.payload).map_err(|error| {
        let uri = error.uri().unwrap_or("(not a WAMP error)").to_owned();
        let message = error
            .as_wamp()
            .and_then(|wamp| wamp.message())
            .unwrap_or_default()
            .to_owned();
        (uri, message)
    });
    let expected = expected.map_err(|(uri, message)| (uri.to_owned(), message.to_owned()));
    assert_eq!(actual, expected, "calling {uri}");
}

/// A call the service must reject with `wamp.error.invalid_argument` and `message`.
async fn check_rejected(procedure: &str, request: Payload, message: &str) {
    check(procedure, request, Err(("wamp.error.invalid_argument", message))).await;
}

fn scalars() -> Vec<Value> {
    vec![
        Value::Bool(true),
        int(-128),
        int(255),
        int(-32768),
        int(65535),
        int(-2_147_483_648),
        int(4_294_967_295),
        int(i128::from(i64::MIN)),
        int(i128::from(u64::MAX)),
        float(1.5),
        float(-0.25),
    ]
}

fn compound() -> Vec<Value> {
    vec![
        string("text"),
        Value::Bytes(vec![0, 1, 255].into()),
        list([int(1), int(2)]),
        list([string("a"), string("b")]),
        dict([("name", string("inner")), ("level", int(3))]),
        list([
            dict([("name", string("first")), ("level", int(1))]),
            dict([("level", int(2))]),
        ]),
        dict([
            ("point", dict([("x", int(-1)), ("y", int(2))])),
            ("colour", int(1)),
            ("samples", list([int(1), int(2), int(3)])),
        ]),
        int(3),
        int(5),
        dict([("Label", dict([("text", string("hi"))]))]),
    ]
}

fn with_arg(mut args: Vec<Value>, index: usize, value: Value) -> Vec<Value> {
    args[index] = value;
    args
}

#[tokio::test]
async fn every_scalar_travels_as_a_positional_arg() {
    check(
        "echo_scalars",
        payload(scalars(), vec![]),
        Ok(payload(scalars(), vec![])),
    )
    .await;
}

#[tokio::test]
async fn floats_accept_integers() {
    let args = with_arg(scalars(), 10, int(2));
    check(
        "echo_scalars",
        payload(args, vec![]),
        Ok(payload(with_arg(scalars(), 10, float(2.0)), vec![])),
    )
    .await;
}

#[tokio::test]
async fn strings_bytes_vectors_tables_structs_enums_flags_and_unions_travel_as_values() {
    check(
        "echo_compound",
        payload(compound(), vec![]),
        Ok(payload(compound(), vec![])),
    )
    .await;
}

#[tokio::test]
async fn nested_tables_get_defaults_and_structs_may_be_lists() {
    let sent = with_arg(compound(), 4, dict([]));
    let sent = with_arg(
        sent,
        6,
        list([list([int(-1), int(2)]), int(1), list([int(1), int(2), int(3)])]),
    );
    let answered = with_arg(compound(), 4, dict([("level", int(7))]));
    check(
        "echo_compound",
        payload(sent, vec![]),
        Ok(payload(answered, vec![])),
    )
    .await;
}

#[tokio::test]
async fn keyword_args_are_optional_with_schema_defaults() {
    let defaults = [
        "n1:cats",
        "limit=10",
        "scope=None",
        "colour=Blue",
        "offset=None",
        "inner=None",
    ];
    let answer = |lines: &[&str]| payload(vec![list(lines.iter().map(|line| string(line)))], vec![]);
    check(
        "search",
        payload(vec![string("cats")], vec![]),
        Ok(answer(&defaults)),
    )
    .await;
    let kwargs = vec![
        ("limit", int(3)),
        ("scope", string("all")),
        ("colour", int(1)),
        ("offset", int(-5)),
        ("inner", dict([("name", string("x"))])),
    ];
    let given = [
        "n1:cats",
        "limit=3",
        "scope=Some(\"all\")",
        "colour=Red",
        "offset=Some(-5)",
        "inner=Some(Inner { name: Some(\"x\"), level: 7 })",
    ];
    check(
        "search",
        payload(vec![string("cats")], kwargs),
        Ok(answer(&given)),
    )
    .await;
    let nulls = vec![("scope", Value::Null), ("offset", Value::Null)];
    check(
        "search",
        payload(vec![string("cats")], nulls),
        Ok(answer(&defaults)),
    )
    .await;
}

#[tokio::test]
async fn void_and_single_field_wrappers_are_bare_payloads() {
    check(
        "count",
        payload(vec![], vec![]),
        Ok(payload(vec![int(42)], vec![])),
    )
    .await;
    check(
        "admin.reset",
        payload(vec![], vec![]),
        Ok(payload(vec![], vec![])),
    )
    .await;
    let names = list([string("n1/7/0"), string("n1/7/1")]);
    check(
        "item.7.names",
        payload(vec![int(2)], vec![]),
        Ok(payload(vec![names], vec![])),
    )
    .await;
}

#[tokio::test]
async fn rust_keywords_keep_their_schema_names_on_the_wire() {
    let request = payload(
        vec![string("a")],
        vec![("match", int(1)), ("self", Value::Bool(true))],
    );
    let answer = payload(
        vec![string("A")],
        vec![("match", int(2)), ("self", Value::Bool(false))],
    );
    check("match", request, Ok(answer)).await;
}

#[tokio::test]
async fn handler_errors_become_wamp_errors() {
    check(
        "fail",
        payload(vec![], vec![]),
        Err(("com.example.error.failed", "failing as asked")),
    )
    .await;
}

#[tokio::test]
async fn missing_and_extra_positional_args_are_rejected() {
    let mut short = scalars();
    short.pop();
    check_rejected(
        "echo_scalars",
        payload(short, vec![]),
        "args[10] (double_): missing positional argument",
    )
    .await;
    let mut long = scalars();
    long.push(int(1));
    check_rejected(
        "echo_scalars",
        payload(long, vec![]),
        "args[11]: unexpected positional argument: expected 11 arguments, got 12",
    )
    .await;
    check_rejected(
        "count",
        payload(vec![int(1)], vec![]),
        "args[0]: unexpected positional argument: expected 0 arguments, got 1",
    )
    .await;
    check_rejected(
        "echo_scalars",
        payload(with_arg(scalars(), 0, Value::Null), vec![]),
        "args[0] (flag): expected a value, got null (positional arguments are mandatory)",
    )
    .await;
}

#[tokio::test]
async fn unknown_kwargs_are_rejected_and_unknown_nested_keys_ignored() {
    let request = payload(vec![string("cats")], vec![("limits", int(3))]);
    check_rejected("search", request, "kwargs.limits: unknown keyword argument").await;
    check_rejected(
        "count",
        payload(vec![], vec![("x", int(1))]),
        "kwargs.x: unknown keyword argument",
    )
    .await;
    let inner = dict([("name", string("x")), ("nickname", string("y"))]);
    let request = payload(vec![string("cats")], vec![("inner", inner)]);
    let expected = list(
        [
            "n1:cats",
            "limit=10",
            "scope=None",
            "colour=Blue",
            "offset=None",
            "inner=Some(Inner { name: Some(\"x\"), level: 7 })",
        ]
        .map(string),
    );
    check("search", request, Ok(payload(vec![expected], vec![]))).await;
    let point = dict([("x", int(-1)), ("y", int(2)), ("z", int(0))]);
    let tick = dict([
        ("point", point),
        ("colour", int(1)),
        ("samples", list([int(1), int(2), int(3)])),
    ]);
    let request = payload(with_arg(compound(), 6, tick), vec![]);
    check_rejected(
        "echo_compound",
        request,
        "args[6] (tick).point.z: unknown field of behaviour.types.Point",
    )
    .await;
}

#[tokio::test]
async fn a_void_payload_may_be_a_single_null() {
    check(
        "admin.reset",
        payload(vec![Value::Null], vec![]),
        Ok(payload(vec![], vec![])),
    )
    .await;
    check_rejected(
        "admin.reset",
        payload(vec![Value::Null, Value::Null], vec![]),
        "args[0]: unexpected positional argument: expected 0 arguments, got 2",
    )
    .await;
}

#[tokio::test]
async fn values_of_the_wrong_kind_are_rejected_where_they_are() {
    let cases = [
        (
            with_arg(scalars(), 0, int(1)),
            "args[0] (flag): expected bool, got integer",
        ),
        (
            with_arg(scalars(), 6, string("1")),
            "args[6] (umedium): expected uint32, got string",
        ),
        (
            with_arg(scalars(), 10, string("1.0")),
            "args[10] (double_): expected float64, got string",
        ),
    ];
    for (args, message) in cases {
        check_rejected("echo_scalars", payload(args, vec![]), message).await;
    }
    let tick = dict([
        ("point", dict([("x", int(-1)), ("y", int(2))])),
        ("colour", string("red")),
        ("samples", list([int(1), int(2), int(3)])),
    ]);
    let inners = list([dict([]), dict([("level", string("high"))])]);
    let cases = [
        (
            with_arg(compound(), 1, string("AAE=")),
            "args[1] (data): expected bytes, got string",
        ),
        (
            with_arg(compound(), 2, list([int(1), string("2")])),
            "args[2] (numbers)[1]: expected uint32, got string",
        ),
        (
            with_arg(compound(), 5, inners),
            "args[5] (inners)[1].level: expected uint8, got string",
        ),
        (
            with_arg(compound(), 6, tick),
            "args[6] (tick).colour: expected uint8, got string",
        ),
        (
            with_arg(compound(), 4, list([])),
            "args[4] (inner): expected behaviour.types.Inner (a dict), got list",
        ),
    ];
    for (args, message) in cases {
        check_rejected("echo_compound", payload(args, vec![]), message).await;
    }
    let request = payload(vec![string("cats")], vec![("limit", string("ten"))]);
    check_rejected("search", request, "kwargs.limit: expected uint32, got string").await;
}

#[tokio::test]
async fn integers_out_of_range_are_rejected() {
    let cases = [
        (
            with_arg(scalars(), 1, int(128)),
            "args[1] (tiny): 128 is out of range for int8",
        ),
        (
            with_arg(scalars(), 2, int(300)),
            "args[2] (utiny): 300 is out of range for uint8",
        ),
        (
            with_arg(scalars(), 4, int(-1)),
            "args[4] (usmall): -1 is out of range for uint16",
        ),
        (
            with_arg(scalars(), 8, int(i128::from(u64::MAX) + 1)),
            "args[8] (ularge): 18446744073709551616 is out of range for uint64",
        ),
    ];
    for (args, message) in cases {
        check_rejected("echo_scalars", payload(args, vec![]), message).await;
    }
}

#[tokio::test]
async fn undeclared_enum_values_flags_and_union_members_are_rejected() {
    let request = payload(vec![string("cats")], vec![("colour", int(9))]);
    check_rejected(
        "search",
        request,
        "kwargs.colour: 9 is not a value of enum behaviour.types.Colour",
    )
    .await;
    let cases = [
        (
            with_arg(compound(), 8, int(8)),
            "args[8] (permissions): bits 0x8 are not flags of behaviour.types.Permission",
        ),
        (
            with_arg(compound(), 9, dict([("Square", dict([]))])),
            "args[9] (shape).Square: unknown member of union behaviour.types.Shape",
        ),
        (
            with_arg(compound(), 9, dict([("Circle", dict([])), ("Label", dict([]))])),
            "args[9] (shape): expected union behaviour.types.Shape as a dict of exactly one member, got 2 keys",
        ),
        (
            with_arg(compound(), 9, dict([("Label", dict([]))])),
            "args[9] (shape).Label.text: missing required field",
        ),
    ];
    for (args, message) in cases {
        check_rejected("echo_compound", payload(args, vec![]), message).await;
    }
}

#[tokio::test]
async fn structs_need_every_field() {
    let short_tick = list([list([int(1), int(2)]), int(1)]);
    let tick_without_point = dict([("colour", int(1)), ("samples", list([int(1), int(2), int(3)]))]);
    let short_array = dict([
        ("point", list([int(1), int(2)])),
        ("colour", int(1)),
        ("samples", list([int(1)])),
    ]);
    let cases = [
        (
            short_tick,
            "args[6] (tick): expected behaviour.types.Tick as a list of 3 values, got 2",
        ),
        (tick_without_point, "args[6] (tick).point: missing struct field"),
        (
            short_array,
            "args[6] (tick).samples: expected a list of 3 values, got 1",
        ),
    ];
    for (tick, message) in cases {
        check_rejected(
            "echo_compound",
            payload(with_arg(compound(), 6, tick), vec![]),
            message,
        )
        .await;
    }
}

#[tokio::test]
async fn placeholder_values_are_checked() {
    check_rejected(
        "item.x.names",
        payload(vec![int(1)], vec![]),
        "uri.item: `x` is not an integer",
    )
    .await;
}

#[tokio::test]
async fn unknown_procedures_are_reported() {
    check(
        "nothing",
        payload(vec![], vec![]),
        Err((
            "wamp.error.no_such_procedure",
            "no callee registered for procedure `com.example.n1.behaviour.nothing`",
        )),
    )
    .await;
}
