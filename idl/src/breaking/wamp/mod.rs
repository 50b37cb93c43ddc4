//! The `wamp` category: what a deployed peer built on the old schema would see.
//!
//! Peers meet on URIs and payloads, not on names: an interface is found by its name or
//! else its UUID, a method by its name or else its kind and URI, and a positional arg
//! renamed in place is the same arg. `payload` compares the args and kwargs of a
//! method's payloads, looking the table fields behind them up in each schema.

mod payload;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use super::{Category, Finding, Rule};
use crate::locations::Item;
use crate::model::{
    Interface, Method, MethodKind, Payload, QualifiedName, Schema, Stream, Type, UriComponent, UriTemplate,
};
use crate::wamp::{attribute, counted, uri_attribute};
use payload::PayloadPair;

const fn rule(name: &'static str) -> Rule {
    Rule::new(Category::Wamp, name)
}

/// An interface is gone (neither its name nor its UUID is in the new schema).
pub const INTERFACE_REMOVED: Rule = rule("interface-removed");
/// A procedure or topic is gone (neither its name nor its URI is in the interface).
pub const METHOD_REMOVED: Rule = rule("method-removed");
/// A method's URI changed.
pub const URI_CHANGED: Rule = rule("uri-changed");
/// An interface's URI prefix changed.
pub const PREFIX_CHANGED: Rule = rule("prefix-changed");
/// A URI placeholder was added, removed, or changed type.
pub const PLACEHOLDER_CHANGED: Rule = rule("placeholder-changed");
/// A procedure became a topic or back.
pub const KIND_CHANGED: Rule = rule("kind-changed");
/// An interface's UUID changed or was removed.
pub const UUID_CHANGED: Rule = rule("uuid-changed");
/// A positional arg was removed.
pub const ARG_REMOVED: Rule = rule("arg-removed");
/// Positional args changed order.
pub const ARG_REORDERED: Rule = rule("arg-reordered");
/// A positional arg changed type.
pub const ARG_RETYPED: Rule = rule("arg-retyped");
/// A positional arg was inserted before existing ones.
pub const ARG_INSERTED: Rule = rule("arg-inserted");
/// A mandatory positional arg was appended.
pub const ARG_ADDED: Rule = rule("arg-added");
/// An optional positional arg became mandatory.
pub const ARG_MADE_MANDATORY: Rule = rule("arg-made-mandatory");
/// A positional arg became a keyword arg, or back.
pub const ARG_MOVED: Rule = rule("arg-moved");
/// A keyword arg was renamed (another name in the same field slot).
pub const KWARG_RENAMED: Rule = rule("kwarg-renamed");
/// A keyword arg changed type.
pub const KWARG_RETYPED: Rule = rule("kwarg-retyped");
/// A result (or acknowledgement) became void or stopped being void, or a procedure's
/// result gained args or kwargs (receivers reject those they do not know).
pub const RESULT_SHAPE_CHANGED: Rule = rule("result-shape-changed");
/// A value of an enum that travels in a payload was removed.
pub const ENUM_VALUE_REMOVED: Rule = rule("enum-value-removed");
/// A procedure's progressive calls or results (`stream`) were added or removed.
pub const STREAM_CHANGED: Rule = rule("stream-changed");

/// Every rule of the category, in the order of docs/breaking.md.
pub const RULES: &[Rule] = &[
    INTERFACE_REMOVED,
    METHOD_REMOVED,
    URI_CHANGED,
    PREFIX_CHANGED,
    PLACEHOLDER_CHANGED,
    KIND_CHANGED,
    UUID_CHANGED,
    ARG_REMOVED,
    ARG_REORDERED,
    ARG_RETYPED,
    ARG_INSERTED,
    ARG_ADDED,
    ARG_MADE_MANDATORY,
    ARG_MOVED,
    KWARG_RENAMED,
    KWARG_RETYPED,
    RESULT_SHAPE_CHANGED,
    ENUM_VALUE_REMOVED,
    STREAM_CHANGED,
];

pub(super) fn compare(old: &Schema, new: &Schema) -> Vec<Finding> {
    let mut comparison = Comparison {
        old,
        new,
        findings: Vec::new(),
    };
    for old_interface in &old.interfaces {
        let found = new
            .interfaces
            .iter()
            .find(|interface| interface.name == old_interface.name)
            .or_else(|| {
                new.interfaces
                    .iter()
                    .find(|interface| interface.uuid.is_some() && interface.uuid == old_interface.uuid)
            });
        match found {
            Some(new_interface) => comparison.interface(old_interface, new_interface),
            None => comparison.findings.push(Finding {
                rule: INTERFACE_REMOVED,
                path: old_interface.name.to_string(),
                message: format!(
                    "interface `{}` was removed or renamed: peers on the old schema lose its {}",
                    old_interface.name,
                    counted(old_interface.methods.len(), "method")
                ),
                new: None,
                old: Some(Item::Service(old_interface.name.clone())),
                note: "declared here".to_owned(),
            }),
        }
    }
    comparison.enum_values();
    comparison.findings
}

/// How a URI changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UriChange {
    /// Another fixed component, or another number of components.
    Literal,
    /// Only placeholders: one added or removed in place of a fixed component, or retyped.
    Placeholders,
}

/// How `new` differs from `old` for a router; placeholder names do not travel.
fn uri_change(old: &UriTemplate, new: &UriTemplate) -> Option<UriChange> {
    if old.components.len() != new.components.len() {
        return Some(UriChange::Literal);
    }
    let mut change = None;
    for (old_component, new_component) in old.components.iter().zip(&new.components) {
        match (old_component, new_component) {
            (UriComponent::Literal(old_text), UriComponent::Literal(new_text)) if old_text != new_text => {
                return Some(UriChange::Literal);
            }
            (UriComponent::Placeholder(old_placeholder), UriComponent::Placeholder(new_placeholder))
                if old_placeholder.ty != new_placeholder.ty =>
            {
                change = Some(UriChange::Placeholders);
            }
            (UriComponent::Literal(_), UriComponent::Placeholder(_))
            | (UriComponent::Placeholder(_), UriComponent::Literal(_)) => {
                change = Some(UriChange::Placeholders)
            }
            _ => {}
        }
    }
    change
}

struct Comparison<'a> {
    old: &'a Schema,
    new: &'a Schema,
    findings: Vec<Finding>,
}

impl Comparison<'_> {
    fn interface(&mut self, old: &Interface, new: &Interface) {
        let old_declaration = Item::Service(old.name.clone());
        let new_declaration = Item::Service(new.name.clone());
        if let Some(old_uuid) = &old.uuid
            && new.uuid.as_ref() != Some(old_uuid)
        {
            let now = new
                .uuid
                .as_ref()
                .map_or_else(|| "none".to_owned(), |uuid| format!("`{uuid}`"));
            self.findings.push(Finding {
                rule: UUID_CHANGED,
                path: old.name.to_string(),
                message: format!(
                    "the UUID of interface `{}` is {now}, was `{old_uuid}`: peers identify the interface by it",
                    new.name
                ),
                new: Some(attribute(&new_declaration, "uuid")),
                old: Some(attribute(&old_declaration, "uuid")),
                note: format!("`{old_uuid}` here"),
            });
        }
        let prefix_changed = uri_change(&old.prefix, &new.prefix);
        if let Some(change) = prefix_changed {
            let rule = match change {
                UriChange::Literal => PREFIX_CHANGED,
                UriChange::Placeholders => PLACEHOLDER_CHANGED,
            };
            self.findings.push(Finding {
                rule,
                path: old.name.to_string(),
                message: format!(
                    "the URI prefix of interface `{}` is {}, was {}: every method URI under it changes",
                    new.name,
                    quoted_uri(&new.prefix),
                    quoted_uri(&old.prefix)
                ),
                new: Some(self.uri_item(self.new, &new.name, None)),
                old: Some(self.uri_item(self.old, &old.name, None)),
                note: format!("{} here", quoted_uri(&old.prefix)),
            });
        }
        for old_method in &old.methods {
            let found = new
                .methods
                .iter()
                .find(|method| method.name == old_method.name)
                .or_else(|| {
                    new.methods
                        .iter()
                        .find(|method| method.kind == old_method.kind && method.uri == old_method.uri)
                });
            let Some(new_method) = found else {
                self.findings.push(Finding {
                    rule: METHOD_REMOVED,
                    path: format!("{}.{}", old.name, old_method.name),
                    message: format!(
                        "{} `{}` (`{}`) was removed or renamed: peers on the old schema still use its URI",
                        kind_word(old_method.kind),
                        old_method.name,
                        old_method.uri.text
                    ),
                    new: Some(new_declaration.clone()),
                    old: Some(Item::Call(old.name.clone(), old_method.name.clone())),
                    note: "declared here".to_owned(),
                });
                continue;
            };
            let suffix_only = prefix_changed.is_some() && old_method.suffix == new_method.suffix;
            self.method(old, new, old_method, new_method, suffix_only);
        }
    }

    /// The item of the URI attribute of a service (`call: None`) or of one of its calls.
    fn uri_item(&self, schema: &Schema, service: &QualifiedName, call: Option<&str>) -> Item {
        let declaration = Item::Service(service.clone());
        let Some(found) = schema
            .services
            .iter()
            .find(|candidate| candidate.name == *service)
        else {
            return declaration;
        };
        match call {
            None => uri_attribute(&declaration, &found.attributes).map_or(declaration, |(_, item)| item),
            Some(call) => {
                let item = Item::Call(service.clone(), call.to_owned());
                let attributes = found.calls.iter().find(|candidate| candidate.name == call);
                attributes
                    .and_then(|candidate| uri_attribute(&item, &candidate.attributes))
                    .map_or(item, |(_, attribute)| attribute)
            }
        }
    }

    fn method(
        &mut self,
        old: &Interface,
        new: &Interface,
        old_method: &Method,
        new_method: &Method,
        prefix_explains: bool,
    ) {
        let path = format!("{}.{}", old.name, old_method.name);
        let new_call = Item::Call(new.name.clone(), new_method.name.clone());
        let old_call = Item::Call(old.name.clone(), old_method.name.clone());
        if old_method.kind != new_method.kind {
            self.findings.push(Finding {
                rule: KIND_CHANGED,
                path,
                message: format!(
                    "`{}` is now a {}, was a {}: peers on the old schema {} it",
                    new_method.name,
                    kind_word(new_method.kind),
                    kind_word(old_method.kind),
                    match old_method.kind {
                        MethodKind::Procedure => "call",
                        MethodKind::Topic => "subscribe to",
                    }
                ),
                new: Some(attribute(&new_call, "type")),
                old: Some(attribute(&old_call, "type")),
                note: format!("a {} here", kind_word(old_method.kind)),
            });
            return;
        }
        match uri_change(&old_method.uri, &new_method.uri) {
            Some(_) if prefix_explains => {}
            Some(change) => {
                let rule = match change {
                    UriChange::Literal => URI_CHANGED,
                    UriChange::Placeholders => PLACEHOLDER_CHANGED,
                };
                self.findings.push(Finding {
                    rule,
                    path: path.clone(),
                    message: format!(
                        "the URI of {} `{}` is `{}`, was `{}`: peers on the old schema use the old one",
                        kind_word(new_method.kind),
                        new_method.name,
                        new_method.uri.text,
                        old_method.uri.text
                    ),
                    new: Some(self.uri_item(self.new, &new.name, Some(&new_method.name))),
                    old: Some(self.uri_item(self.old, &old.name, Some(&old_method.name))),
                    note: format!("`{}` here", old_method.uri.text),
                });
            }
            None => {}
        }
        if old_method.stream != new_method.stream {
            let stream_item = |call: &Item, method: &Method| {
                if method.stream == Stream::None {
                    call.clone()
                } else {
                    attribute(call, "stream")
                }
            };
            self.findings.push(Finding {
                rule: STREAM_CHANGED,
                path: path.clone(),
                message: format!(
                    "procedure `{}` streams {}, streamed {}: peers on the old schema send and expect other messages",
                    new_method.name,
                    streamed(new_method.stream),
                    streamed(old_method.stream)
                ),
                new: Some(stream_item(&new_call, new_method)),
                old: Some(stream_item(&old_call, old_method)),
                note: format!("{} here", streamed(old_method.stream)),
            });
        }
        let (request_word, response_word) = match old_method.kind {
            MethodKind::Procedure => ("the call of", "the result of"),
            MethodKind::Topic => ("the event of", "the acknowledgement of"),
        };
        let describe = |words: &str| format!("{words} {} `{}`", kind_word(old_method.kind), old_method.name);
        self.findings.extend(
            PayloadPair {
                old_schema: self.old,
                new_schema: self.new,
                old: &old_method.request,
                new: &new_method.request,
                what: describe(request_word),
                path: path.clone(),
                received_by_old: false,
            }
            .compare(),
        );
        if old_method.response.is_void() != new_method.response.is_void() {
            let shape = |payload: &Payload| if payload.is_void() { "void" } else { "not void" };
            self.findings.push(Finding {
                rule: RESULT_SHAPE_CHANGED,
                path: path.clone(),
                message: format!(
                    "{} is {} (`{}`), was {} (`{}`)",
                    describe(response_word),
                    shape(&new_method.response),
                    new_method.response.table,
                    shape(&old_method.response),
                    old_method.response.table
                ),
                new: Some(Item::CallResponse(new.name.clone(), new_method.name.clone())),
                old: Some(Item::CallResponse(old.name.clone(), old_method.name.clone())),
                note: format!("`{}` here", old_method.response.table),
            });
        } else {
            self.findings.extend(
                PayloadPair {
                    old_schema: self.old,
                    new_schema: self.new,
                    old: &old_method.response,
                    new: &new_method.response,
                    what: describe(response_word),
                    path: path.clone(),
                    received_by_old: old_method.kind == MethodKind::Procedure,
                }
                .compare(),
            );
        }
        // A declared error is the same error while its URI stays: callers on the old
        // schema read its payload as they read a result.
        for old_error in &old_method.raises {
            let Some(new_error) = new_method.raises.iter().find(|error| error.uri == old_error.uri) else {
                continue;
            };
            self.findings.extend(
                PayloadPair {
                    old_schema: self.old,
                    new_schema: self.new,
                    old: &old_error.payload,
                    new: &new_error.payload,
                    what: describe(&format!("the error `{}` of", old_error.uri)),
                    path: path.clone(),
                    received_by_old: true,
                }
                .compare(),
            );
        }
    }

    /// Values removed from enums that travel in a payload (as their numbers).
    fn enum_values(&mut self) {
        for name in payload_enums(self.old) {
            let (Some(old_enum), Some(new_enum)) = (self.old.enumeration(&name), self.new.enumeration(&name))
            else {
                continue;
            };
            if old_enum.is_union || new_enum.is_union {
                continue;
            }
            for old_value in &old_enum.values {
                if new_enum.values.iter().any(|value| value.value == old_value.value) {
                    continue;
                }
                self.findings.push(Finding {
                    rule: ENUM_VALUE_REMOVED,
                    path: format!("{name}.{}", old_value.name),
                    message: format!(
                        "enum value `{name}.{}` ({}) was removed: peers on the old schema still send it",
                        old_value.name, old_value.value
                    ),
                    new: Some(Item::Declaration(name.clone())),
                    old: Some(Item::EnumValue(name.clone(), old_value.name.clone())),
                    note: "declared here".to_owned(),
                });
            }
        }
    }
}

/// The enums reachable from any payload table of the schema's interfaces.
fn payload_enums(schema: &Schema) -> BTreeSet<QualifiedName> {
    let mut pending: Vec<&QualifiedName> = schema
        .interfaces
        .iter()
        .flat_map(|interface| &interface.methods)
        .flat_map(|method| {
            let errors = method.raises.iter().map(|error| &error.payload.table);
            [&method.request.table, &method.response.table]
                .into_iter()
                .chain(errors)
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut enums = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(union) = schema.enumeration(name) {
            pending.extend(
                union
                    .values
                    .iter()
                    .filter_map(|member| member.union_type.as_ref()),
            );
        }
        for field in schema.object(name).map_or(&[][..], |object| &object.fields[..]) {
            let mut ty = &field.ty;
            while let Type::Vector(element) | Type::Vector64(element) | Type::Array { element, .. } = ty {
                ty = element;
            }
            match ty {
                Type::Enum { name, .. } => {
                    enums.insert(name.clone());
                }
                Type::Table(name) | Type::Struct(name) | Type::Union(name) => pending.push(name),
                _ => {}
            }
        }
    }
    enums
}

/// A URI in backticks, or `empty` for the empty prefix.
fn quoted_uri(uri: &UriTemplate) -> String {
    if uri.text.is_empty() {
        "empty".to_owned()
    } else {
        format!("`{}`", uri.text)
    }
}

/// What of a call is progressive, for messages.
fn streamed(stream: Stream) -> &'static str {
    match stream {
        Stream::None => "nothing (no `stream`)",
        Stream::In => "its calls (`stream: \"in\"`)",
        Stream::Out => "its results (`stream: \"out\"`)",
        Stream::InOut => "its calls and results (`stream: \"inout\"`)",
    }
}

fn kind_word(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::Procedure => "procedure",
        MethodKind::Topic => "topic",
    }
}
