//! Tests of the WAMP analysis on hand-built schemas, one `check` helper for every case.

use std::path::PathBuf;

use super::analyze;
use crate::diagnostic::{Diagnostics, SourceMap, Span};
use crate::locations::{Item, Locations};
use crate::model::{
    Attributes, Field, Interface, MethodKind, Object, Presence, QualifiedName, RpcCall, Scalar, Schema,
    Service, Stream, Type,
};

fn name(text: &str) -> QualifiedName {
    QualifiedName(text.to_owned())
}

/// Attributes from `key=value` pairs; a bare `key` gets the value `"0"`.
fn attributes(specs: &[&str]) -> Attributes {
    specs
        .iter()
        .map(|spec| {
            let (key, value) = spec.split_once('=').unwrap_or((spec, "0"));
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

/// A table `name` whose fields are `field:attr,attr` specs (all `uint`).
fn table(table_name: &str, fields: &[&str]) -> Object {
    Object {
        name: name(table_name),
        is_struct: false,
        fields: fields
            .iter()
            .zip(0u16..)
            .map(|(spec, id)| {
                let (field_name, field_attributes) = spec.split_once(':').unwrap_or((spec, ""));
                Field {
                    name: field_name.to_owned(),
                    id,
                    ty: Type::Scalar(Scalar::UInt),
                    default: None,
                    presence: Presence::Default,
                    deprecated: false,
                    key: false,
                    attributes: attributes(
                        &field_attributes
                            .split(',')
                            .filter(|a| !a.is_empty())
                            .collect::<Vec<_>>(),
                    ),
                    docs: Vec::new(),
                }
            })
            .collect(),
        attributes: Attributes::new(),
        docs: Vec::new(),
    }
}

/// A table raised under `uri`.
fn error_table(table_name: &str, uri: &str, fields: &[&str]) -> Object {
    Object {
        attributes: attributes(&[&format!("wampuri={uri}")]),
        ..table(table_name, fields)
    }
}

/// A call `name(Request): Response` with attributes.
fn call(call_name: &str, request: &str, response: &str, call_attributes: &[&str]) -> RpcCall {
    RpcCall {
        name: call_name.to_owned(),
        request: name(request),
        response: name(response),
        attributes: attributes(call_attributes),
        docs: vec![format!(" Does {call_name}.")],
    }
}

fn service(service_name: &str, service_attributes: &[&str], calls: Vec<RpcCall>) -> Service {
    Service {
        name: name(service_name),
        calls,
        attributes: attributes(service_attributes),
        docs: Vec::new(),
    }
}

/// A schema with the tables every case uses (`t.Void`, `t.Id`, `t.Mixed`, `t.Event`) and the services.
fn schema(services: Vec<Service>) -> Schema {
    let mut objects = vec![
        table("t.Void", &[]),
        table("t.Id", &["value:arg"]),
        table("t.Mixed", &["a", "b:kwarg"]),
        table("t.Event", &["when:kwarg"]),
        error_table("t.Failed", "t.error.failed", &["reason", "code:kwarg"]),
        error_table("Denied", "denied", &[]),
    ];
    objects.sort_by(|a, b| a.name.cmp(&b.name));
    let mut services = services;
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Schema {
        objects,
        services,
        ..Schema::default()
    }
}

/// One line per interface (`name uuid prefix`) and per method (`  kind name uri | suffix (args | kwargs)`).
fn summary(interfaces: &[Interface]) -> String {
    let mut out = String::new();
    for interface in interfaces {
        let uuid = interface.uuid.as_deref().unwrap_or("-");
        out.push_str(&format!("{} {uuid} {}\n", interface.name, interface.prefix.text));
        for method in &interface.methods {
            let kind = match method.kind {
                MethodKind::Procedure => "procedure",
                MethodKind::Topic => "topic",
            };
            out.push_str(&format!(
                "  {kind} {} {} | {} ({} | {}) -> ({} | {})",
                method.name,
                method.uri.text,
                method.suffix.text,
                method.request.args.join(" "),
                method.request.kwargs.join(" "),
                method.response.args.join(" "),
                method.response.kwargs.join(" "),
            ));
            if method.stream != Stream::None {
                out.push_str(&format!(" stream={}", method.stream.as_str()));
            }
            for error in &method.raises {
                out.push_str(&format!(
                    " raises {} {} ({} | {})",
                    error.uri,
                    error.payload.table,
                    error.payload.args.join(" "),
                    error.payload.kwargs.join(" ")
                ));
            }
            out.push('\n');
        }
    }
    out
}

/// Analyzes the services; expects the interface summary and the diagnostics (`error: …`/`warning: …`).
fn check(services: Vec<Service>, expected_summary: &str, expected_diagnostics: &[&str]) {
    let schema = schema(services);
    let mut diagnostics = Diagnostics::default();
    let interfaces = analyze(&schema, &Locations::default(), &mut diagnostics);
    let rendered = diagnostics.render(&SourceMap::default());
    let actual_diagnostics = rendered.lines().collect::<Vec<_>>();
    assert_eq!(actual_diagnostics, expected_diagnostics);
    assert_eq!(summary(&interfaces), expected_summary);
}

#[test]
fn absolute_method_uris_under_a_prefix() {
    check(
        vec![service(
            "t.IMeta",
            &[
                "type=interface",
                "uuid=88711231-3D95-44BC-9464-58D871DD7FD7",
                "wampuri=wamp",
            ],
            vec![
                call(
                    "list",
                    "t.Void",
                    "t.Id",
                    &["type=procedure", "wampuri=wamp.session.list"],
                ),
                call("root", "t.Void", "t.Void", &["type=procedure", "wampuri=wamp"]),
                call(
                    "on_join",
                    "t.Event",
                    "t.Void",
                    &["type=topic", "wampuri=wamp.session.on_join"],
                ),
            ],
        )],
        "t.IMeta 88711231-3d95-44bc-9464-58d871dd7fd7 wamp\n\
         \x20 procedure list wamp.session.list | session.list ( | ) -> (value | )\n\
         \x20 procedure root wamp |  ( | ) -> ( | )\n\
         \x20 topic on_join wamp.session.on_join | session.on_join ( | when) -> ( | )\n",
        &[],
    );
}

#[test]
fn relative_and_absent_method_uris_with_placeholders() {
    check(
        vec![service(
            "t.IClock",
            &["type=interface", "wampuri=demo.clock.<uuid:clock>"],
            vec![
                call("get_address", "t.Mixed", "t.Id", &["type=procedure"]),
                call(
                    "on_tick",
                    "t.Event",
                    "t.Void",
                    &["type=topic", "wampuri=on_tick.<int:warp_level>"],
                ),
                call(
                    "node",
                    "t.Void",
                    "t.Void",
                    &["type=procedure", "wampuri=node.<node_id:str>.get"],
                ),
            ],
        )],
        "t.IClock - demo.clock.<uuid:clock>\n\
         \x20 procedure get_address demo.clock.<uuid:clock>.get_address | get_address (a | b) -> (value | )\n\
         \x20 topic on_tick demo.clock.<uuid:clock>.on_tick.<int:warp_level> | on_tick.<int:warp_level> ( | when) -> ( | )\n\
         \x20 procedure node demo.clock.<uuid:clock>.node.<node_id:str>.get | node.<node_id:str>.get ( | ) -> ( | )\n",
        &[],
    );
}

#[test]
fn placeholder_names_are_unique_across_prefix_and_method() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=a.<uuid:id>"],
            vec![call(
                "get",
                "t.Void",
                "t.Void",
                &["type=procedure", "wampuri=b.<int:id>"],
            )],
        )],
        "",
        &["error: placeholder name `id` appears twice in `a.<uuid:id>.b.<int:id>`"],
    );
}

#[test]
fn the_uid_typo_is_a_warning() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=x"],
            vec![call(
                "get",
                "t.Void",
                "t.Void",
                &["type=procedure", "wampuri=book.<uid:book>.get"],
            )],
        )],
        "t.I - x\n  procedure get x.book.<uid:book>.get | book.<uid:book>.get ( | ) -> ( | )\n",
        &["warning: placeholder type `uid` in `<uid:book>` is read as `uuid`"],
    );
}

#[test]
fn malformed_uuid_and_uris_are_errors() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "uuid=not-a-uuid", "wampuri=a..b"],
            vec![call(
                "get",
                "t.Void",
                "t.Void",
                &["type=procedure", "wampuri=x.<float:f>"],
            )],
        )],
        "",
        &[
            "error: interface `t.I` has a malformed `uuid` `not-a-uuid`: expected 8-4-4-4-12 hex digits",
            "error: invalid URI `a..b`: empty component",
            "error: unknown placeholder type in `<float:f>`: expected `str`, `string`, `int` or `uuid`",
        ],
    );
}

#[test]
fn method_type_must_be_procedure_or_topic() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=x"],
            vec![call("a", "t.Void", "t.Void", &["type=event", "wampuri=a..b"])],
        )],
        "",
        &[
            "error: method `a` of interface `t.I` has an unknown `type:` value \"event\": \
             expected \"procedure\" or \"topic\"",
            "error: invalid URI `a..b`: empty component",
        ],
    );
}

#[test]
fn a_method_without_type_is_left_out_with_a_warning() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=x"],
            vec![
                call("fixme", "t.Void", "t.Void", &[]),
                call("get", "t.Void", "t.Void", &["type=procedure"]),
            ],
        )],
        "t.I - x\n  procedure get x.get | get ( | ) -> ( | )\n",
        &[
            "warning: method `fixme` of interface `t.I` has no `type`, so it is left out of the interface: \
           write `type: \"procedure\"` or `type: \"topic\"`",
        ],
    );
}

#[test]
fn services_that_are_not_interfaces() {
    check(
        vec![
            service("t.Grpc", &[], vec![call("a", "t.Void", "t.Void", &[])]),
            service("t.Old", &["uuid=4b740947-31d5-4a10-b7ce-4149bbc9ee1e"], vec![]),
            service("t.Typo", &["type=interfcae", "wampuri=x"], vec![]),
        ],
        "",
        &[
            "warning: rpc_service `t.Old` has WAMP attributes but no `type: \"interface\"`: \
             it is not a WAMP interface",
            "warning: rpc_service `t.Typo` has `type: \"interfcae\"`, not `\"interface\"`: \
             it is not a WAMP interface",
        ],
    );
}

#[test]
fn duplicate_uris_of_the_same_kind_warn() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=wamp"],
            vec![
                call(
                    "count",
                    "t.Void",
                    "t.Id",
                    &["type=procedure", "wampuri=wamp.session.count"],
                ),
                call(
                    "get",
                    "t.Id",
                    "t.Id",
                    &["type=procedure", "wampuri=wamp.session.count"],
                ),
                call(
                    "on_count",
                    "t.Void",
                    "t.Void",
                    &["type=topic", "wampuri=session.count"],
                ),
                call(
                    "by_int",
                    "t.Void",
                    "t.Void",
                    &["type=procedure", "wampuri=x.<int:a>"],
                ),
                call(
                    "by_str",
                    "t.Void",
                    "t.Void",
                    &["type=procedure", "wampuri=x.<str:b>"],
                ),
            ],
        )],
        "t.I - wamp\n\
         \x20 procedure count wamp.session.count | session.count ( | ) -> (value | )\n\
         \x20 procedure get wamp.session.count | session.count (value | ) -> (value | )\n\
         \x20 topic on_count wamp.session.count | session.count ( | ) -> ( | )\n\
         \x20 procedure by_int wamp.x.<int:a> | x.<int:a> ( | ) -> ( | )\n\
         \x20 procedure by_str wamp.x.<str:b> | x.<str:b> ( | ) -> ( | )\n",
        &[
            "warning: procedure `get` of interface `t.I` has the same URI `wamp.session.count` as `count`",
            "note: `count` is declared here",
            "warning: procedure `by_str` of interface `t.I` has the same URI `wamp.x.<str:b>` as `by_int`",
            "note: `by_int` is declared here",
        ],
    );
}

#[test]
fn topic_with_a_response_warns() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=x"],
            vec![call("on_survey", "t.Event", "t.Id", &["type=topic"])],
        )],
        "t.I - x\n  topic on_survey x.on_survey | on_survey ( | when) -> (value | )\n",
        &[
            "warning: topic `on_survey` of interface `t.I` has the response `t.Id`, not `Void`: \
           acknowledged event delivery is not supported",
        ],
    );
}

#[test]
fn older_dialects_load_with_warnings() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wrn=wamp"],
            vec![
                call(
                    "list",
                    "t.Void",
                    "t.Id",
                    &["type=procedure", "wrn=wamp.session.list"],
                ),
                call(
                    "store",
                    "t.Id",
                    "t.Void",
                    &["type=procedure", "raises=t.Id", "stream=in"],
                ),
                call(
                    "retrieve",
                    "t.Void",
                    "t.Id",
                    &["type=procedure", "streaming=result"],
                ),
            ],
        )],
        "t.I - wamp\n\
         \x20 procedure list wamp.session.list | session.list ( | ) -> (value | )\n\
         \x20 procedure store wamp.store | store (value | ) -> ( | ) stream=in\n\
         \x20 procedure retrieve wamp.retrieve | retrieve ( | ) -> (value | )\n",
        &[
            "warning: `wrn` is the 2022 spelling of `wampuri` (used on interface `t.I` and 1 method); \
             write `wampuri`",
            "warning: table `t.Id` raised by method `store` of interface `t.I` has no `wampuri`, \
             so it has no error URI and is left out of the method's errors",
            "warning: `streaming` (2018 dialect) is not supported: write `stream: \"in\"`, `\"out\"` or `\"inout\"`",
        ],
    );
}

#[test]
fn raised_tables_are_found_like_types_and_travel_under_their_uri() {
    check(
        vec![service(
            "t.sub.I",
            &["type=interface", "wampuri=t.sub"],
            vec![
                call(
                    "fetch",
                    "t.Void",
                    "t.Id",
                    &["type=procedure", "stream=out", "raises= Failed ,Denied"],
                ),
                call(
                    "put",
                    "t.Id",
                    "t.Void",
                    &["type=procedure", "stream=inout", "raises=t.Failed"],
                ),
            ],
        )],
        "t.sub.I - t.sub\n\
         \x20 procedure fetch t.sub.fetch | fetch ( | ) -> (value | ) stream=out \
         raises t.error.failed t.Failed (reason | code) raises denied Denied ( | )\n\
         \x20 procedure put t.sub.put | put (value | ) -> ( | ) stream=inout \
         raises t.error.failed t.Failed (reason | code)\n",
        &[],
    );
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=t"],
            vec![call(
                "get",
                "t.Void",
                "t.Id",
                &["type=procedure", "raises=Failed2"],
            )],
        )],
        "",
        &["error: method `get` of interface `t.I` raises `Failed2`, which is not a table of the schema"],
    );
}

#[test]
fn wrn_on_methods_warns_once_per_interface() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=x"],
            vec![
                call("a", "t.Void", "t.Void", &["type=procedure", "wrn=x.a"]),
                call("b", "t.Void", "t.Void", &["type=procedure", "wrn=b"]),
            ],
        )],
        "t.I - x\n  procedure a x.a | a ( | ) -> ( | )\n  procedure b x.b | b ( | ) -> ( | )\n",
        &[
            "warning: `wrn` is the 2022 spelling of `wampuri` (used in interface `t.I` by 2 methods); write `wampuri`",
        ],
    );
}

#[test]
fn wampuri_wins_over_wrn() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=new", "wrn=old"],
            vec![call("get", "t.Void", "t.Void", &["type=procedure"])],
        )],
        "t.I - new\n  procedure get new.get | get ( | ) -> ( | )\n",
        &["warning: `wrn` is the 2022 spelling of `wampuri` (used on interface `t.I`); write `wampuri`"],
    );
}

#[test]
fn an_interface_without_prefix_uses_method_uris_as_written() {
    check(
        vec![service(
            "t.I",
            &["type=interface"],
            vec![
                call("store", "t.Void", "t.Void", &["type=procedure"]),
                call(
                    "get",
                    "t.Void",
                    "t.Void",
                    &["type=procedure", "wampuri=com.example.get"],
                ),
            ],
        )],
        "t.I - \n\
         \x20 procedure store store | store ( | ) -> ( | )\n\
         \x20 procedure get com.example.get | com.example.get ( | ) -> ( | )\n",
        &["warning: interface `t.I` has no `wampuri`: its URI prefix is empty"],
    );
}

#[test]
fn request_and_response_must_be_tables_of_the_schema() {
    check(
        vec![service(
            "t.I",
            &["type=interface", "wampuri=x"],
            vec![call("get", "t.Missing", "t.Void", &["type=procedure"])],
        )],
        "",
        &["error: request `t.Missing` of method `get` of interface `t.I` is not a table of the schema"],
    );
}

#[test]
fn uri_errors_point_at_the_component_inside_the_attribute_value() {
    let text = "rpc_service I (type: \"interface\", wampuri: \"a.<x>.b\") {}\n";
    let mut sources = SourceMap::default();
    let file = sources.add(PathBuf::from("s.fbs"), text.to_owned());
    let value_start = text.find("\"a.").unwrap_or_default();
    let mut locations = Locations::default();
    locations.insert(
        Item::Attribute(Box::new(Item::Service(name("t.I"))), "wampuri".to_owned()),
        Span::new(file, value_start, value_start + "\"a.<x>.b\"".len()),
    );
    let schema = schema(vec![service(
        "t.I",
        &["type=interface", "wampuri=a.<x>.b"],
        vec![],
    )]);
    let mut diagnostics = Diagnostics::default();
    analyze(&schema, &locations, &mut diagnostics);
    assert_eq!(
        diagnostics.render(&sources),
        "s.fbs:1:47: error: malformed placeholder `<x>`: expected `<type:name>` or `<name:type>`\n  |\n\
         1 | rpc_service I (type: \"interface\", wampuri: \"a.<x>.b\") {}\n  |                                               ^^^\n"
    );
}
