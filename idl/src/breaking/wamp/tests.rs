//! Cases of the `wamp` rules that the per-rule fixtures do not show.

use crate::Loader;
use crate::breaking::compare_wamp;

const INTERFACE: &str = "rpc_service IClock (type: \"interface\", wampuri: \"com.example\")\n{\n    \
                         get_time (Query): Time (type: \"procedure\");\n    \
                         on_tick (Time): wamp.Void (type: \"topic\");\n}\n";

/// The (rule, item) pairs of comparing two versions of the tables `Query` and `Time`
/// used by [`INTERFACE`].
fn check(old_tables: &str, new_tables: &str, expected: &[(&str, &str)]) {
    check_schemas(
        &format!("{old_tables}\n{INTERFACE}"),
        &format!("{new_tables}\n{INTERFACE}"),
        expected,
    );
}

/// The (rule, item) pairs of comparing two versions of a schema in namespace `demo`.
fn check_schemas(old: &str, new: &str, expected: &[(&str, &str)]) {
    let load = |declarations: &str| {
        let text = format!("include \"wamp.fbs\";\nnamespace demo;\n{declarations}");
        let loaded = Loader::new().load_fbs_text("clock.fbs", text);
        let rendered = loaded.render_diagnostics();
        loaded.schema.unwrap_or_else(|| panic!("{rendered}"))
    };
    let found: Vec<(String, String)> = compare_wamp(&load(old), &load(new))
        .into_iter()
        .map(|finding| (finding.rule.to_string(), finding.path))
        .collect();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(rule, item)| ((*rule).to_owned(), (*item).to_owned()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_result_gaining_args_or_kwargs_breaks_old_callers() {
    check(
        "table Query { zone: string; }\ntable Time { now: ulong; }",
        "table Query { zone: string; }\ntable Time { now: ulong; leap: bool (optional); zone: string (kwarg); }",
        &[
            ("wamp/result-shape-changed", "demo.IClock.get_time.leap"),
            ("wamp/result-shape-changed", "demo.IClock.get_time.zone"),
        ],
    );
}

#[test]
fn a_call_or_event_may_gain_optional_args_and_kwargs() {
    check(
        "table Query { zone: string; }\ntable Time { now: ulong; }",
        "table Query { zone: string; city: string (optional); precise: bool (kwarg); }\ntable Time { now: ulong; }",
        &[],
    );
}

#[test]
fn an_arg_renamed_in_place_is_the_same_arg_and_a_renamed_kwarg_is_not() {
    check(
        "table Query { zone: string; precise: bool (kwarg); }\ntable Time { now: ulong; }",
        "table Query { time_zone: string; exact: bool (kwarg); }\ntable Time { now: ulong; }",
        &[("wamp/kwarg-renamed", "demo.IClock.get_time.precise")],
    );
}

#[test]
fn a_renamed_method_with_its_uri_kept_is_the_same_method() {
    let tables = "table Query { zone: string; }\ntable Time { now: ulong; }\n";
    let interface = |name: &str| {
        format!(
            "{tables}rpc_service IClock (type: \"interface\", wampuri: \"com.example\")\n\
             {{ {name} (Query): Time (type: \"procedure\", wampuri: \"com.example.get_time\"); }}"
        )
    };
    check_schemas(&interface("get_time"), &interface("current_time"), &[]);
    check_schemas(
        &interface("get_time"),
        &interface("current_time").replace("com.example.get_time", "com.example.now"),
        &[("wamp/method-removed", "demo.IClock.get_time")],
    );
}

#[test]
fn a_declared_error_is_compared_by_its_uri_and_adding_or_removing_one_breaks_no_peer() {
    let schema = |error_tables: &str, raises: &str| {
        format!(
            "table Query {{ zone: string; }}\ntable Time {{ now: ulong; }}\n{error_tables}\n\
             rpc_service IClock (type: \"interface\", wampuri: \"com.example\")\n\
             {{ get_time (Query): Time (type: \"procedure\", raises: \"{raises}\"); }}"
        )
    };
    let unknown_zone = "table UnknownZone (wampuri: \"com.example.error.unknown_zone\") { zone: string; }";
    let renamed = "table NoSuchZone (wampuri: \"com.example.error.unknown_zone\") { zone: ulong; }";
    let closed = "table Closed (wampuri: \"com.example.error.closed\") { }";
    check_schemas(
        &schema(unknown_zone, "UnknownZone"),
        &schema(renamed, "NoSuchZone"),
        &[("wamp/arg-retyped", "demo.IClock.get_time.zone")],
    );
    check_schemas(
        &schema(unknown_zone, "UnknownZone"),
        &schema(&format!("{unknown_zone}\n{closed}"), "Closed"),
        &[],
    );
    check_schemas(
        &schema(closed, "Closed"),
        &schema(&format!("{unknown_zone}\n{closed}"), "Closed, UnknownZone"),
        &[],
    );
}
