//! The view model of the docs: what the templates see, built once from the model.
//!
//! Everything a template needs is computed here (anchors, type links, example payloads,
//! doc paragraphs), so that templates only lay text out and a custom template cannot get
//! a link or an example wrong.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use wamp_idl::Schema;
use wamp_idl::model::{
    Attributes, DefaultValue, Enum, Field, Interface, Method, MethodKind, Object, Payload, PlaceholderType,
    Presence, QualifiedName, Scalar, Type, UriTemplate,
};

use super::example::{self, Example, ExampleBuilder};
use crate::{Error, ErrorKind};

/// Attributes shown elsewhere than in the attribute list of a field of a payload.
const PAYLOAD_HIDDEN_ATTRIBUTES: &[&str] = &["arg", "kwarg", "id", "required", "deprecated", "key"];
/// Attributes shown elsewhere than in the attribute list of a field of a type.
const FIELD_HIDDEN_ATTRIBUTES: &[&str] = &["id", "required", "deprecated"];

/// The whole document.
#[derive(Debug, Serialize)]
pub(crate) struct Document {
    pub title: String,
    pub interfaces: Vec<InterfaceView>,
    pub procedure_count: usize,
    pub topic_count: usize,
    /// Every method URI, sorted.
    pub uris: Vec<UriEntry>,
    /// Every table, struct, enum and union, sorted by qualified name.
    pub types: Vec<TypeView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct InterfaceView {
    /// The qualified name.
    pub name: String,
    /// The name without namespace, or the qualified name when another interface has the
    /// same name; used in anchors, method headings and the URI index.
    pub short_name: String,
    pub anchor: String,
    pub uuid: Option<String>,
    pub prefix: String,
    pub placeholders: Vec<PlaceholderView>,
    pub docs: DocsView,
    pub methods: Vec<MethodView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PlaceholderView {
    pub name: String,
    /// `string`, `integer` or `uuid`.
    pub ty: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct MethodView {
    pub name: String,
    pub anchor: String,
    /// `procedure` or `topic`.
    pub kind: &'static str,
    pub uri: String,
    /// The URI relative to the interface prefix.
    pub suffix: String,
    pub placeholders: Vec<PlaceholderView>,
    pub docs: DocsView,
    /// Procedure: the CALL payload. Topic: the PUBLISH payload.
    pub request: PayloadView,
    /// Procedure: the RESULT payload. Topic: the acknowledgement, normally void.
    pub response: PayloadView,
    /// Every CALL carries one item of the request (progressive call invocations).
    pub streams_in: bool,
    /// Every RESULT carries one item of the response (progressive results).
    pub streams_out: bool,
    /// The errors the procedure declares, in the order written.
    pub errors: Vec<ErrorView>,
}

/// A declared error: its URI and the payload of its ERROR message.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorView {
    pub uri: String,
    pub payload: PayloadView,
}

#[derive(Debug, Serialize)]
pub(crate) struct PayloadView {
    pub table: TypeRef,
    pub is_void: bool,
    pub args: Vec<ParameterView>,
    pub kwargs: Vec<ParameterView>,
    pub example: ExampleView,
}

/// An example payload in JSON.
#[derive(Debug, Serialize)]
pub(crate) struct ExampleView {
    /// The `args` list.
    pub args: String,
    /// The `kwargs` dict.
    pub kwargs: String,
    /// The WAMP message carrying the payload (`CALL`, `RESULT` or `PUBLISH`), when there is one.
    pub message: Option<String>,
    /// The message's name.
    pub message_name: Option<&'static str>,
}

/// One positional or keyword argument.
#[derive(Debug, Serialize)]
pub(crate) struct ParameterView {
    /// The index in `args`; `None` for a keyword argument.
    pub position: Option<usize>,
    pub name: String,
    pub ty: TypeRef,
    /// Whether a sender must send it.
    pub required: bool,
    /// The value a missing keyword argument takes.
    pub default: Option<String>,
    pub attributes: Vec<String>,
    pub docs: DocsView,
}

/// A use of a type: its text as written, and the anchor of its definition when the
/// schema defines it.
#[derive(Debug, Serialize)]
pub(crate) struct TypeRef {
    pub text: String,
    pub anchor: Option<String>,
}

/// Doc comment text, dedented.
#[derive(Debug, Default, Serialize)]
pub(crate) struct DocsView {
    /// Paragraphs (separated by blank lines in the comment), lines joined by `\n`.
    pub paragraphs: Vec<String>,
    /// Everything on one line, for table cells.
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct TypeView {
    /// `table`, `struct`, `enum` or `union`.
    pub kind: &'static str,
    pub name: String,
    pub anchor: String,
    /// The underlying integer type of an enum.
    pub underlying: Option<&'static str>,
    pub bit_flags: bool,
    pub attributes: Vec<String>,
    pub docs: DocsView,
    pub fields: Vec<FieldView>,
    pub values: Vec<ValueView>,
    /// Methods and fields that use this type, in document order.
    pub used_by: Vec<UseView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FieldView {
    pub id: u16,
    pub name: String,
    pub ty: TypeRef,
    /// `required`, `optional` or `default`.
    pub presence: &'static str,
    pub default: Option<String>,
    pub deprecated: bool,
    pub attributes: Vec<String>,
    pub docs: DocsView,
}

/// An enum value or a union member.
#[derive(Debug, Serialize)]
pub(crate) struct ValueView {
    pub name: String,
    pub value: i64,
    /// The member table of a union.
    pub ty: Option<TypeRef>,
    pub docs: DocsView,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub(crate) struct UseView {
    /// The method (`IWampMeta.session_list`) or field (`wamp.Foo.bar`).
    pub text: String,
    /// For a method: `request` or `response`.
    pub role: Option<&'static str>,
    pub anchor: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct UriEntry {
    pub uri: String,
    pub kind: &'static str,
    pub interface: String,
    pub method: String,
    pub anchor: String,
}

/// Builds the view model of a schema.
pub(crate) fn document(schema: &Schema, title: &str) -> Result<Document, Error> {
    let anchors = InterfaceAnchors::new(&schema.interfaces);
    let mut uses = Uses::default();
    let interfaces = schema
        .interfaces
        .iter()
        .map(|interface| interface_view(schema, interface, &anchors, &mut uses))
        .collect::<Result<Vec<_>, _>>()?;
    let mut uris = interfaces
        .iter()
        .flat_map(|interface| {
            interface.methods.iter().map(|method| UriEntry {
                uri: method.uri.clone(),
                kind: method.kind,
                interface: interface.short_name.clone(),
                method: method.name.clone(),
                anchor: method.anchor.clone(),
            })
        })
        .collect::<Vec<_>>();
    uris.sort_by(|a, b| (&a.uri, &a.interface, &a.method).cmp(&(&b.uri, &b.interface, &b.method)));

    for object in &schema.objects {
        for field in &object.fields {
            uses.add_field(object, field);
        }
    }
    for union in schema.enums.iter().filter(|enumeration| enumeration.is_union) {
        for member in union.values.iter().filter_map(|value| value.union_type.as_ref()) {
            uses.add(member, union.name.to_string(), None, type_anchor(&union.name));
        }
    }

    let mut types = Vec::with_capacity(schema.objects.len() + schema.enums.len());
    types.extend(
        schema
            .objects
            .iter()
            .map(|object| object_view(schema, object, &mut uses)),
    );
    types.extend(
        schema
            .enums
            .iter()
            .map(|enumeration| enum_view(schema, enumeration, &mut uses)),
    );
    types.sort_by(|a, b| a.name.cmp(&b.name));

    let procedure_count = uris.iter().filter(|entry| entry.kind == "procedure").count();
    Ok(Document {
        title: title.to_owned(),
        procedure_count,
        topic_count: uris.len() - procedure_count,
        interfaces,
        uris,
        types,
    })
}

/// The anchor of an interface: `interface-<name>`, qualified only when two interfaces
/// share a name in different namespaces.
struct InterfaceAnchors {
    ambiguous: BTreeSet<String>,
}

impl InterfaceAnchors {
    fn new(interfaces: &[Interface]) -> InterfaceAnchors {
        let mut seen = BTreeSet::new();
        let mut ambiguous = BTreeSet::new();
        for interface in interfaces {
            let short = interface.name.name().to_owned();
            if !seen.insert(short.clone()) {
                ambiguous.insert(short);
            }
        }
        InterfaceAnchors { ambiguous }
    }

    /// The name used in the interface's and its methods' anchors.
    fn key<'n>(&self, name: &'n QualifiedName) -> &'n str {
        if self.ambiguous.contains(name.name()) {
            name.as_str()
        } else {
            name.name()
        }
    }
}

/// Makes a fragment identifier: letters, digits, `.`, `_` and `-` are kept, anything
/// else becomes `-`, so that the anchor is the same wherever the name is written.
pub(crate) fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn type_anchor(name: &QualifiedName) -> String {
    format!("type-{}", slug(name.as_str()))
}

/// For each type, who uses it (methods first, then fields), without repeats.
#[derive(Default)]
struct Uses {
    by_type: BTreeMap<QualifiedName, Vec<UseView>>,
    /// Every (type, use) pair listed, so that a type used by thousands of methods is not
    /// searched for each new use.
    listed: HashSet<(QualifiedName, UseView)>,
}

impl Uses {
    fn add(&mut self, ty: &QualifiedName, text: String, role: Option<&'static str>, anchor: String) {
        let entry = UseView { text, role, anchor };
        if self.listed.insert((ty.clone(), entry.clone())) {
            self.by_type.entry(ty.clone()).or_default().push(entry);
        }
    }

    fn add_field(&mut self, object: &Object, field: &Field) {
        if let Some(name) = named_type(&field.ty) {
            let text = format!("{}.{}", object.name, field.name);
            self.add(name, text, None, type_anchor(&object.name));
        }
    }

    fn take(&mut self, ty: &QualifiedName) -> Vec<UseView> {
        self.by_type.remove(ty).unwrap_or_default()
    }
}

/// The table, struct, enum or union a field type refers to, through vectors and arrays.
fn named_type(ty: &Type) -> Option<&QualifiedName> {
    match ty {
        Type::Vector(element) | Type::Vector64(element) | Type::Array { element, .. } => named_type(element),
        Type::Table(name) | Type::Struct(name) | Type::Union(name) | Type::Enum { name, .. } => Some(name),
        Type::Scalar(_) | Type::String => None,
    }
}

fn interface_view(
    schema: &Schema,
    interface: &Interface,
    anchors: &InterfaceAnchors,
    uses: &mut Uses,
) -> Result<InterfaceView, Error> {
    let key = anchors.key(&interface.name);
    let methods = interface
        .methods
        .iter()
        .map(|method| {
            let anchor = format!("method-{}-{}", slug(key), slug(&method.name));
            let text = format!("{key}.{}", method.name);
            uses.add(
                &method.request.table,
                text.clone(),
                Some("request"),
                anchor.clone(),
            );
            uses.add(&method.response.table, text, Some("response"), anchor.clone());
            method_view(schema, interface, method, anchor)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(InterfaceView {
        name: interface.name.to_string(),
        short_name: key.to_owned(),
        anchor: format!("interface-{}", slug(key)),
        uuid: interface.uuid.clone(),
        prefix: interface.prefix.text.clone(),
        placeholders: placeholders(&interface.prefix),
        docs: docs_view(&interface.docs),
        methods,
    })
}

fn method_view(
    schema: &Schema,
    interface: &Interface,
    method: &Method,
    anchor: String,
) -> Result<MethodView, Error> {
    let place = |role: &str| {
        format!(
            "the {role} of method `{}` of interface `{}`",
            method.name, interface.name
        )
    };
    let uri = example::concrete_uri(&method.uri);
    let (request_message, response_message) = match method.kind {
        MethodKind::Procedure => (
            Some(Message::Call(&uri, method.stream.streams_in())),
            Some(Message::Result(method.stream.streams_out())),
        ),
        MethodKind::Topic => (Some(Message::Publish(&uri)), None),
    };
    Ok(MethodView {
        name: method.name.clone(),
        anchor,
        kind: match method.kind {
            MethodKind::Procedure => "procedure",
            MethodKind::Topic => "topic",
        },
        uri: method.uri.text.clone(),
        suffix: method.suffix.text.clone(),
        placeholders: placeholders(&method.uri),
        docs: docs_view(&method.docs),
        request: payload_view(schema, &method.request, request_message, &place("request"))?,
        response: payload_view(schema, &method.response, response_message, &place("response"))?,
        streams_in: method.stream.streams_in(),
        streams_out: method.stream.streams_out(),
        errors: method
            .raises
            .iter()
            .map(|error| {
                Ok(ErrorView {
                    uri: error.uri.clone(),
                    payload: payload_view(
                        schema,
                        &error.payload,
                        Some(Message::Error(&error.uri)),
                        &place(&format!("error `{}`", error.uri)),
                    )?,
                })
            })
            .collect::<Result<_, Error>>()?,
    })
}

fn placeholders(uri: &UriTemplate) -> Vec<PlaceholderView> {
    uri.placeholders()
        .map(|placeholder| PlaceholderView {
            name: placeholder.name.clone(),
            ty: match placeholder.ty {
                PlaceholderType::String => "string",
                PlaceholderType::Integer => "integer",
                PlaceholderType::Uuid => "uuid",
            },
        })
        .collect()
}

/// The WAMP message an example payload is shown in.
enum Message<'u> {
    /// `[CALL, Request, Options, Procedure, Arguments, ArgumentsKw]`, with `progress: true`
    /// in the options when the call is progressive.
    Call(&'u str, bool),
    /// `[RESULT, CALL.Request, Details, YIELD.Arguments, YIELD.ArgumentsKw]`, with
    /// `progress: true` in the details when the result is progressive.
    Result(bool),
    /// `[PUBLISH, Request, Options, Topic, Arguments, ArgumentsKw]`.
    Publish(&'u str),
    /// `[ERROR, CALL, CALL.Request, Details, Error, Arguments, ArgumentsKw]`.
    Error(&'u str),
}

impl Message<'_> {
    fn name(&self) -> &'static str {
        match self {
            Message::Call(..) => "CALL",
            Message::Result(_) => "RESULT",
            Message::Publish(_) => "PUBLISH",
            Message::Error(_) => "ERROR",
        }
    }

    /// The message in JSON; empty trailing `ArgumentsKw` and `Arguments` are left out, as
    /// WAMP peers send them.
    fn example(&self, args: &Example, kwargs: &Example) -> String {
        let request_id = Example::Integer(1);
        let options = |progress: bool| {
            let entries = if progress {
                vec![("progress".to_owned(), Example::Bool(true))]
            } else {
                Vec::new()
            };
            Example::Dict(entries)
        };
        let header = match self {
            Message::Call(uri, progress) => vec![
                Example::Integer(48),
                request_id,
                options(*progress),
                Example::String((*uri).to_owned()),
            ],
            Message::Result(progress) => vec![Example::Integer(50), request_id, options(*progress)],
            Message::Publish(uri) => vec![
                Example::Integer(16),
                request_id,
                options(false),
                Example::String((*uri).to_owned()),
            ],
            Message::Error(uri) => vec![
                Example::Integer(8),
                Example::Integer(48),
                request_id,
                options(false),
                Example::String((*uri).to_owned()),
            ],
        };
        let has_args = !matches!(args, Example::List(items) if items.is_empty());
        let has_kwargs = !matches!(kwargs, Example::Dict(entries) if entries.is_empty());
        let payload = match (has_args, has_kwargs) {
            (_, true) => vec![args.clone(), kwargs.clone()],
            (true, false) => vec![args.clone()],
            (false, false) => Vec::new(),
        };
        example::message_json(header, payload)
    }
}

fn payload_view(
    schema: &Schema,
    payload: &Payload,
    message: Option<Message<'_>>,
    place: &str,
) -> Result<PayloadView, Error> {
    let object = schema.object(&payload.table).ok_or_else(|| {
        invalid_model(format!(
            "{place} is `{}`, which is not a table of the schema",
            payload.table
        ))
    })?;
    // By name, once: looking each up in the table would make a table of many fields quadratic.
    let fields: HashMap<&str, &Field> = object
        .fields
        .iter()
        .map(|field| (field.name.as_str(), field))
        .collect();
    let field = |name: &String| {
        fields.get(name.as_str()).copied().ok_or_else(|| {
            invalid_model(format!(
                "{place} names the field `{name}`, which table `{}` does not have",
                object.name
            ))
        })
    };
    let mut examples = ExampleBuilder::new(schema);
    let mut args = Vec::new();
    let mut arg_examples = Vec::new();
    for (position, name) in payload.args.iter().enumerate() {
        let field = field(name)?;
        arg_examples.push(examples.field(&field.ty, &field.attributes));
        args.push(parameter_view(schema, field, Some(position)));
    }
    let mut kwargs = Vec::new();
    let mut kwarg_examples = Vec::new();
    for name in &payload.kwargs {
        let field = field(name)?;
        kwarg_examples.push((field.name.clone(), examples.field(&field.ty, &field.attributes)));
        kwargs.push(parameter_view(schema, field, None));
    }
    let args_example = Example::List(arg_examples);
    let kwargs_example = Example::Dict(kwarg_examples);
    Ok(PayloadView {
        table: type_ref_named(schema, payload.table.as_str(), &payload.table),
        is_void: payload.is_void(),
        args,
        kwargs,
        example: ExampleView {
            args: args_example.to_json(),
            kwargs: kwargs_example.to_json(),
            message_name: message.as_ref().map(Message::name),
            message: message.map(|message| message.example(&args_example, &kwargs_example)),
        },
    })
}

fn invalid_model(message: String) -> Error {
    Error::new(ErrorKind::InvalidModel(message))
}

fn parameter_view(schema: &Schema, field: &Field, position: Option<usize>) -> ParameterView {
    // Positional arguments are mandatory, except trailing ones marked `optional` (see the
    // catalog's `wamp.fbs`); keyword arguments are always optional.
    let required = position.is_some() && !field.attributes.contains_key("optional");
    ParameterView {
        position,
        name: field.name.clone(),
        ty: field_type_ref(schema, field),
        required,
        default: if required {
            None
        } else {
            default_text(schema, field)
        },
        attributes: attribute_list(&field.attributes, PAYLOAD_HIDDEN_ATTRIBUTES),
        docs: docs_view(&field.docs),
    }
}

fn object_view(schema: &Schema, object: &Object, uses: &mut Uses) -> TypeView {
    TypeView {
        kind: if object.is_struct { "struct" } else { "table" },
        name: object.name.to_string(),
        anchor: type_anchor(&object.name),
        underlying: None,
        bit_flags: false,
        attributes: attribute_list(&object.attributes, &[]),
        docs: docs_view(&object.docs),
        fields: object
            .fields
            .iter()
            .map(|field| FieldView {
                id: field.id,
                name: field.name.clone(),
                ty: field_type_ref(schema, field),
                presence: match field.presence {
                    Presence::Default => "default",
                    Presence::Optional => "optional",
                    Presence::Required => "required",
                },
                default: default_text(schema, field),
                deprecated: field.deprecated,
                attributes: attribute_list(&field.attributes, FIELD_HIDDEN_ATTRIBUTES),
                docs: docs_view(&field.docs),
            })
            .collect(),
        values: Vec::new(),
        used_by: uses.take(&object.name),
    }
}

fn enum_view(schema: &Schema, enumeration: &Enum, uses: &mut Uses) -> TypeView {
    TypeView {
        kind: if enumeration.is_union { "union" } else { "enum" },
        name: enumeration.name.to_string(),
        anchor: type_anchor(&enumeration.name),
        underlying: (!enumeration.is_union).then(|| enumeration.underlying.fbs_name()),
        bit_flags: enumeration.is_bit_flags(),
        attributes: attribute_list(&enumeration.attributes, &["bit_flags"]),
        docs: docs_view(&enumeration.docs),
        fields: Vec::new(),
        values: enumeration
            .values
            .iter()
            .map(|value| ValueView {
                name: value.name.clone(),
                value: value.value,
                ty: value
                    .union_type
                    .as_ref()
                    .map(|table| type_ref_named(schema, table.as_str(), table)),
                docs: docs_view(&value.docs),
            })
            .collect(),
        used_by: uses.take(&enumeration.name),
    }
}

/// A field's type for readers: as written in the schema, except bytes that carry any
/// WAMP value, which do not travel as bytes.
fn field_type_ref(schema: &Schema, field: &Field) -> TypeRef {
    if field.carries_any_value() {
        return TypeRef {
            text: "any value".to_owned(),
            anchor: None,
        };
    }
    type_ref(schema, &field.ty)
}

/// A field type as written in a schema, linked to the definition of the type it names.
fn type_ref(schema: &Schema, ty: &Type) -> TypeRef {
    let text = type_text(ty);
    match named_type(ty) {
        Some(name) => type_ref_named(schema, &text, name),
        None => TypeRef { text, anchor: None },
    }
}

fn type_ref_named(schema: &Schema, text: &str, name: &QualifiedName) -> TypeRef {
    let defined = schema.object(name).is_some() || schema.enumeration(name).is_some();
    TypeRef {
        text: text.to_owned(),
        anchor: defined.then(|| type_anchor(name)),
    }
}

fn type_text(ty: &Type) -> String {
    match ty {
        Type::Scalar(scalar) => scalar.fbs_name().to_owned(),
        Type::String => "string".to_owned(),
        Type::Vector(element) | Type::Vector64(element) => format!("[{}]", type_text(element)),
        Type::Array { element, length } => format!("[{}:{length}]", type_text(element)),
        Type::Table(name) | Type::Struct(name) | Type::Union(name) | Type::Enum { name, .. } => {
            name.to_string()
        }
    }
}

/// The default of a scalar field as a schema would write it (`true`, `1.5`, an enum value's name).
fn default_text(schema: &Schema, field: &Field) -> Option<String> {
    let default = field.default?;
    Some(match (default, &field.ty) {
        (DefaultValue::Null, _) => "null".to_owned(),
        (DefaultValue::Integer(value), Type::Scalar(Scalar::Bool)) => (value != 0).to_string(),
        (DefaultValue::Integer(value), Type::Scalar(Scalar::ULong)) => value.cast_unsigned().to_string(),
        (DefaultValue::Integer(value), Type::Enum { name, .. }) => schema
            .enumeration(name)
            .and_then(|enumeration| enumeration.values.iter().find(|named| named.value == value))
            .map_or_else(|| value.to_string(), |named| named.name.clone()),
        (DefaultValue::Integer(value), _) => value.to_string(),
        (DefaultValue::Float(value), _) => format!("{value:?}"),
    })
}

/// Attributes as `name` (no value) or `name: "value"`, leaving out `hidden` ones.
fn attribute_list(attributes: &Attributes, hidden: &[&str]) -> Vec<String> {
    attributes
        .iter()
        .filter(|(key, _)| !hidden.contains(&key.as_str()))
        .map(|(key, value)| {
            if value == "0" {
                key.clone()
            } else {
                format!("{key}: {value:?}")
            }
        })
        .collect()
}

/// Doc comment lines, their common indentation removed, split into paragraphs.
fn docs_view(lines: &[String]) -> DocsView {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.get(indent..).unwrap_or(line.trim_start()).trim_end());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    let summary = lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    DocsView { paragraphs, summary }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_keeps_names_and_replaces_everything_else() {
        assert_eq!(slug("wamp.Void"), "wamp.Void");
        assert_eq!(slug("session_list"), "session_list");
        assert_eq!(slug("a b<c>"), "a-b-c-");
    }

    #[test]
    fn interface_anchors_are_qualified_only_when_names_collide() {
        let interface = |name: &str| Interface {
            name: QualifiedName(name.to_owned()),
            uuid: None,
            prefix: UriTemplate {
                text: String::new(),
                components: Vec::new(),
            },
            docs: Vec::new(),
            methods: Vec::new(),
        };
        let interfaces = [interface("a.IApi"), interface("b.IApi"), interface("a.IOther")];
        let anchors = InterfaceAnchors::new(&interfaces);
        let keys = interfaces
            .iter()
            .map(|interface| anchors.key(&interface.name))
            .collect::<Vec<_>>();
        assert_eq!(keys, ["a.IApi", "b.IApi", "IOther"]);
    }

    #[test]
    fn docs_are_dedented_and_split_into_paragraphs() {
        let lines = [" First line", " second line.", "", "   indented", " last"].map(String::from);
        let docs = docs_view(&lines);
        assert_eq!(docs.paragraphs, ["First line\nsecond line.", "  indented\nlast"]);
        assert_eq!(docs.summary, "First line second line. indented last");
    }
}
