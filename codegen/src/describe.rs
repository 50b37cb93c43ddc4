//! `describe`: a readable text overview of a schema's WAMP interfaces, and the model as JSON.
//!
//! The text form is for people (and golden tests): every interface with its UUID,
//! prefix and docs, every procedure and topic with its resolved URI and the args and
//! kwargs of its request and response, types written as in `.fbs`. It is
//! deterministic: the model is already in canonical order and nothing else is iterated.

use std::collections::HashMap;
use std::fmt::Write as _;

use wamp_idl::Schema;
use wamp_idl::model::{
    Attributes, DefaultValue, Docs, Field, Interface, Method, MethodKind, Object, Payload, PlaceholderType,
    Scalar, Type, UriTemplate,
};

/// The whole model as pretty JSON (stable, no source locations), with a final newline.
pub fn json(schema: &Schema) -> String {
    // Serializing the model cannot fail: its maps have string keys and it holds no
    // non-serializable values, so there is no error to pass on.
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A readable overview: each interface with UUID and prefix, each method with URI, args, kwargs and docs.
pub fn text(schema: &Schema) -> String {
    let mut out = Out::default();
    if schema.interfaces.is_empty() {
        describe_types(&mut out, schema);
    }
    for (index, interface) in schema.interfaces.iter().enumerate() {
        if index > 0 {
            out.blank();
        }
        describe_interface(&mut out, schema, interface);
    }
    out.text
}

/// Text with indentation and no trailing spaces.
#[derive(Default)]
struct Out {
    text: String,
}

impl Out {
    fn line(&mut self, indent: usize, content: &str) {
        let content = content.trim_end();
        if content.is_empty() {
            self.blank();
        } else {
            let _ = writeln!(self.text, "{:indent$}{content}", "", indent = indent * 2);
        }
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// Doc comment lines, trimmed, leading and trailing empty lines dropped.
    fn docs(&mut self, indent: usize, docs: &Docs) {
        let lines = docs.iter().map(|line| line.trim()).collect::<Vec<_>>();
        let first = lines.iter().position(|line| !line.is_empty());
        let last = lines.iter().rposition(|line| !line.is_empty());
        if let (Some(first), Some(last)) = (first, last) {
            for line in lines.iter().take(last + 1).skip(first) {
                self.line(indent, line);
            }
        }
    }
}

fn describe_interface(out: &mut Out, schema: &Schema, interface: &Interface) {
    out.line(0, &format!("interface {}", interface.name));
    out.line(
        1,
        &format!("uuid:   {}", interface.uuid.as_deref().unwrap_or("(none)")),
    );
    let prefix = if interface.prefix.text.is_empty() {
        "(none)"
    } else {
        &interface.prefix.text
    };
    out.line(1, &format!("prefix: {prefix}"));
    if interface.prefix.has_placeholders() {
        out.line(
            1,
            &format!("prefix placeholders: {}", placeholders(&interface.prefix)),
        );
    }
    out.docs(1, &interface.docs);
    for method in &interface.methods {
        out.blank();
        describe_method(out, schema, method);
    }
}

fn describe_method(out: &mut Out, schema: &Schema, method: &Method) {
    let kind = match method.kind {
        MethodKind::Procedure => "procedure",
        MethodKind::Topic => "topic",
    };
    out.line(1, &format!("{kind} {} ({})", method.uri.text, method.name));
    if method.uri.has_placeholders() {
        out.line(2, &format!("placeholders: {}", placeholders(&method.uri)));
    }
    out.docs(2, &method.docs);
    let (request, response) = match method.kind {
        MethodKind::Procedure => (
            progressive("call", method.stream.streams_in()),
            progressive("result", method.stream.streams_out()),
        ),
        MethodKind::Topic => ("event", "acknowledgement"),
    };
    describe_payload(out, schema, request, &method.request);
    if method.kind == MethodKind::Procedure || !method.response.is_void() {
        describe_payload(out, schema, response, &method.response);
    }
    for error in &method.raises {
        describe_payload(out, schema, &format!("error {}", error.uri), &error.payload);
    }
}

/// The role of a payload that may be a stream: every message of it carries one item.
fn progressive(role: &'static str, streams: bool) -> &'static str {
    match (role, streams) {
        ("call", true) => "call (progressive, one item per CALL)",
        ("result", true) => "result (progressive, one item per RESULT)",
        _ => role,
    }
}

fn placeholders(uri: &UriTemplate) -> String {
    uri.placeholders()
        .map(|placeholder| {
            let ty = match placeholder.ty {
                PlaceholderType::String => "string",
                PlaceholderType::Integer => "int",
                PlaceholderType::Uuid => "uuid",
            };
            format!("{} ({ty})", placeholder.name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_payload(out: &mut Out, schema: &Schema, role: &str, payload: &Payload) {
    if payload.is_void() {
        out.line(2, &format!("{role}: {} (empty)", payload.table));
        return;
    }
    out.line(2, &format!("{role}: {}", payload.table));
    // By name, once: looking each up in the table would make a table of many fields quadratic.
    let fields: HashMap<&str, &Field> = schema
        .object(&payload.table)
        .map(|table| {
            table
                .fields
                .iter()
                .map(|field| (field.name.as_str(), field))
                .collect()
        })
        .unwrap_or_default();
    for (position, name) in payload.args.iter().enumerate() {
        out.line(3, &format!("args[{position}] {}", field_line(&fields, name)));
    }
    for name in &payload.kwargs {
        out.line(3, &format!("kwargs.{}", field_line(&fields, name)));
    }
}

/// `name: type (annotations)` of a payload field.
fn field_line(fields: &HashMap<&str, &Field>, name: &str) -> String {
    let Some(field) = fields.get(name) else {
        return name.to_owned();
    };
    let mut line = format!("{name}: {}", fbs_type(&field.ty));
    if field.default == Some(DefaultValue::Null) {
        line.push_str(" = null");
    }
    let annotations = annotations(&field.attributes);
    if !annotations.is_empty() {
        let _ = write!(line, " ({annotations})");
    }
    line
}

/// The attributes of a field that say what its value means (`arg`/`kwarg` are shown by its place).
fn annotations(attributes: &Attributes) -> String {
    attributes
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "arg" | "kwarg"))
        .map(|(key, value)| {
            if value == "0" {
                key.clone()
            } else {
                format!("{key}: \"{value}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A type as written in `.fbs`, integers by their sized names (`uint64`).
fn fbs_type(ty: &Type) -> String {
    match ty {
        Type::Scalar(scalar) => sized_name(*scalar).to_owned(),
        Type::String => "string".to_owned(),
        Type::Vector(element) => format!("[{}]", fbs_type(element)),
        Type::Vector64(element) => format!("[{}] (vector64)", fbs_type(element)),
        Type::Array { element, length } => format!("[{}:{length}]", fbs_type(element)),
        Type::Table(name) | Type::Struct(name) | Type::Union(name) | Type::Enum { name, .. } => {
            name.to_string()
        }
    }
}

fn sized_name(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::Bool => "bool",
        Scalar::Byte => "int8",
        Scalar::UByte => "uint8",
        Scalar::Short => "int16",
        Scalar::UShort => "uint16",
        Scalar::Int => "int32",
        Scalar::UInt => "uint32",
        Scalar::Long => "int64",
        Scalar::ULong => "uint64",
        Scalar::Float => "float32",
        Scalar::Double => "float64",
    }
}

/// For a schema without interfaces: say so, and list its declarations.
fn describe_types(out: &mut Out, schema: &Schema) {
    out.line(0, "no WAMP interfaces (no rpc_service has `type: \"interface\"`)");
    let fields = |object: &Object| format!("{} (fields: {})", object.name, object.fields.len());
    let tables = schema
        .objects
        .iter()
        .filter(|object| !object.is_struct)
        .map(fields);
    let structs = schema
        .objects
        .iter()
        .filter(|object| object.is_struct)
        .map(fields);
    let enums = schema
        .enums
        .iter()
        .filter(|enumeration| !enumeration.is_union)
        .map(|enumeration| format!("{} (values: {})", enumeration.name, enumeration.values.len()));
    let unions = schema
        .enums
        .iter()
        .filter(|enumeration| enumeration.is_union)
        .map(|union| {
            format!(
                "{} (members: {})",
                union.name,
                union.values.len().saturating_sub(1)
            )
        });
    let services = schema
        .services
        .iter()
        .map(|service| format!("{} (calls: {})", service.name, service.calls.len()));
    list(out, "tables", tables);
    list(out, "structs", structs);
    list(out, "enums", enums);
    list(out, "unions", unions);
    list(out, "rpc_services", services);
}

fn list(out: &mut Out, title: &str, items: impl Iterator<Item = String>) {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return;
    }
    out.blank();
    out.line(0, &format!("{title}:"));
    for item in items {
        out.line(1, &item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wamp_idl::model::{Enum, EnumValue, Field, Presence, QualifiedName, UriComponent};

    fn name(text: &str) -> QualifiedName {
        QualifiedName(text.to_owned())
    }

    fn field(field_name: &str, id: u16, ty: Type, attributes: &[&str]) -> Field {
        Field {
            name: field_name.to_owned(),
            id,
            ty,
            default: None,
            presence: Presence::Optional,
            deprecated: false,
            key: false,
            attributes: attributes
                .iter()
                .map(|key| ((*key).to_owned(), "0".to_owned()))
                .collect(),
            docs: Vec::new(),
        }
    }

    fn object(object_name: &str, is_struct: bool, fields: Vec<Field>) -> Object {
        Object {
            name: name(object_name),
            is_struct,
            fields,
            attributes: Attributes::new(),
            docs: Vec::new(),
        }
    }

    fn uri(components: &[&str]) -> UriTemplate {
        UriTemplate {
            text: components.join("."),
            components: components
                .iter()
                .map(|component| match component.strip_prefix("<uuid:") {
                    Some(rest) => UriComponent::Placeholder(wamp_idl::model::Placeholder {
                        name: rest.trim_end_matches('>').to_owned(),
                        ty: PlaceholderType::Uuid,
                    }),
                    None => UriComponent::Literal((*component).to_owned()),
                })
                .collect(),
        }
    }

    fn payload(table: &str, args: &[&str], kwargs: &[&str]) -> Payload {
        Payload {
            table: name(table),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            kwargs: kwargs.iter().map(|kwarg| (*kwarg).to_owned()).collect(),
        }
    }

    fn check(schema: &Schema, expected: &str) {
        assert_eq!(text(schema), expected);
    }

    #[test]
    fn interfaces_with_methods_payloads_and_placeholders() {
        let schema = Schema {
            objects: vec![
                object(
                    "demo.Tick",
                    false,
                    vec![
                        field("at", 0, Type::Scalar(Scalar::ULong), &["arg", "timestamp"]),
                        field("tags", 1, Type::Vector(Box::new(Type::String)), &["kwarg"]),
                    ],
                ),
                object("wamp.Void", false, Vec::new()),
            ],
            interfaces: vec![Interface {
                name: name("demo.IClock"),
                uuid: Some("15a72fbf-3800-46ae-8fcd-ae0590e59ead".to_owned()),
                prefix: uri(&["demo", "<uuid:clock>"]),
                docs: vec![
                    " A clock.".to_owned(),
                    String::new(),
                    " Ticks.".to_owned(),
                    " ".to_owned(),
                ],
                methods: vec![
                    Method {
                        name: "get_time".to_owned(),
                        kind: MethodKind::Procedure,
                        uri: uri(&["demo", "<uuid:clock>", "get_time"]),
                        suffix: uri(&["get_time"]),
                        request: payload("wamp.Void", &[], &[]),
                        response: payload("demo.Tick", &["at"], &["tags"]),
                        raises: Vec::new(),
                        stream: wamp_idl::model::Stream::None,
                        docs: vec!["   Now.  ".to_owned()],
                    },
                    Method {
                        name: "on_tick".to_owned(),
                        kind: MethodKind::Topic,
                        uri: uri(&["demo", "<uuid:clock>", "on_tick"]),
                        suffix: uri(&["on_tick"]),
                        request: payload("demo.Tick", &["at"], &["tags"]),
                        response: payload("wamp.Void", &[], &[]),
                        raises: Vec::new(),
                        stream: wamp_idl::model::Stream::None,
                        docs: Vec::new(),
                    },
                ],
            }],
            ..Schema::default()
        };
        check(
            &schema,
            "interface demo.IClock\n\
             \x20 uuid:   15a72fbf-3800-46ae-8fcd-ae0590e59ead\n\
             \x20 prefix: demo.<uuid:clock>\n\
             \x20 prefix placeholders: clock (uuid)\n\
             \x20 A clock.\n\
             \n\
             \x20 Ticks.\n\
             \n\
             \x20 procedure demo.<uuid:clock>.get_time (get_time)\n\
             \x20   placeholders: clock (uuid)\n\
             \x20   Now.\n\
             \x20   call: wamp.Void (empty)\n\
             \x20   result: demo.Tick\n\
             \x20     args[0] at: uint64 (timestamp)\n\
             \x20     kwargs.tags: [string]\n\
             \n\
             \x20 topic demo.<uuid:clock>.on_tick (on_tick)\n\
             \x20   placeholders: clock (uuid)\n\
             \x20   event: demo.Tick\n\
             \x20     args[0] at: uint64 (timestamp)\n\
             \x20     kwargs.tags: [string]\n",
        );
    }

    #[test]
    fn a_schema_without_interfaces_lists_its_types() {
        let schema = Schema {
            objects: vec![
                object(
                    "a.Pair",
                    true,
                    vec![
                        field("x", 0, Type::Scalar(Scalar::Float), &[]),
                        field("y", 1, Type::Scalar(Scalar::Float), &[]),
                    ],
                ),
                object("a.Void", false, Vec::new()),
            ],
            enums: vec![Enum {
                name: name("a.Color"),
                is_union: false,
                underlying: Scalar::UByte,
                values: vec![EnumValue {
                    name: "Red".to_owned(),
                    value: 0,
                    union_type: None,
                    attributes: Attributes::new(),
                    docs: Vec::new(),
                }],
                attributes: Attributes::new(),
                docs: Vec::new(),
            }],
            ..Schema::default()
        };
        check(
            &schema,
            "no WAMP interfaces (no rpc_service has `type: \"interface\"`)\n\
             \n\
             tables:\n\
             \x20 a.Void (fields: 0)\n\
             \n\
             structs:\n\
             \x20 a.Pair (fields: 2)\n\
             \n\
             enums:\n\
             \x20 a.Color (values: 1)\n",
        );
    }

    #[test]
    fn types_are_written_as_in_fbs() {
        let cases = [
            (Type::Scalar(Scalar::ULong), "uint64"),
            (Type::Vector(Box::new(Type::Scalar(Scalar::UByte))), "[uint8]"),
            (Type::Vector64(Box::new(Type::String)), "[string] (vector64)"),
            (
                Type::Array {
                    element: Box::new(Type::Scalar(Scalar::Int)),
                    length: 8,
                },
                "[int32:8]",
            ),
            (Type::Table(name("wamp.KeyValue")), "wamp.KeyValue"),
            (
                Type::Enum {
                    name: name("a.Color"),
                    underlying: Scalar::UByte,
                },
                "a.Color",
            ),
        ];
        for (ty, expected) in cases {
            assert_eq!(fbs_type(&ty), expected);
        }
    }
}
