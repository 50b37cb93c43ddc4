//! The WAMP layer: interfaces, URIs, placeholders and payload layouts from the schema layer.
//!
//! The rules are specified in docs/wamp-idl.md; this module implements them and its
//! diagnostics table. Diagnostics point at the attribute value at fault, narrowed to
//! the offending URI component when the front end recorded the value's span.

mod raises;
mod tables;
mod uri;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::locations::{Item, Locations};
use crate::model::{
    Attributes, Interface, Method, MethodKind, Payload, QualifiedName, RpcCall, Schema, Service, UriTemplate,
};
use uri::{Finding, ParsedUri};

/// Method attributes of older dialects that this version reads but does not act on.
const IGNORED_METHOD_ATTRIBUTES: [(&str, &str); 1] = [(
    "streaming",
    "`streaming` (2018 dialect) is not supported: write `stream: \"in\"`, `\"out\"` or `\"inout\"`",
)];

/// Derives every WAMP interface of a schema, checking the WAMP rules.
pub fn analyze(schema: &Schema, locations: &Locations, diagnostics: &mut Diagnostics) -> Vec<Interface> {
    for object in &schema.objects {
        tables::check(object, locations, diagnostics);
    }
    let mut analysis = Analysis {
        schema,
        locations,
        diagnostics,
    };
    for object in &schema.objects {
        analysis.check_error_uri(object);
    }
    schema
        .services
        .iter()
        .filter_map(|service| analysis.interface(service))
        .collect()
}

struct Analysis<'a> {
    schema: &'a Schema,
    locations: &'a Locations,
    diagnostics: &'a mut Diagnostics,
}

/// The first method of each kind and URI match key in an interface, to detect a second
/// one answering the same URIs (a map, so that a large interface is not checked pairwise).
type SeenUris = HashMap<(MethodKind, Vec<Option<String>>), Earlier>;

/// The method that first claimed a URI.
struct Earlier {
    name: String,
    item: Item,
}

impl Analysis<'_> {
    fn interface(&mut self, service: &Service) -> Option<Interface> {
        if !self.is_interface(service) {
            return None;
        }
        let errors_before = self.diagnostics.error_count();
        let declaration = Item::Service(service.name.clone());
        self.report_old_uri_spelling(service);
        let uuid = self.uuid(service, &declaration);
        let prefix = self.prefix(service, &declaration);
        let no_prefix = ParsedUri::empty();
        let resolve_against = prefix.as_ref().unwrap_or(&no_prefix);
        let mut seen = SeenUris::new();
        let methods = service
            .calls
            .iter()
            .filter_map(|call| self.method(service, resolve_against, call, &mut seen))
            .collect::<Vec<_>>();
        if self.diagnostics.error_count() > errors_before {
            return None;
        }
        Some(Interface {
            name: service.name.clone(),
            uuid,
            prefix: prefix?.template,
            docs: service.docs.clone(),
            methods,
        })
    }

    /// Whether the service is a WAMP interface; warns about services that look like one but are not.
    fn is_interface(&mut self, service: &Service) -> bool {
        let declaration = Item::Service(service.name.clone());
        match service.attributes.get("type").map(String::as_str) {
            Some("interface") => true,
            Some(other) => {
                self.diagnostics.warning(
                    self.locations.span(&attribute(&declaration, "type")),
                    format!(
                        "rpc_service `{}` has `type: \"{other}\"`, not `\"interface\"`: it is not a WAMP interface",
                        service.name
                    ),
                );
                false
            }
            None => {
                let wamp_attributes = ["uuid", "wampuri", "wrn"];
                if wamp_attributes
                    .iter()
                    .any(|key| service.attributes.contains_key(*key))
                {
                    self.diagnostics.warning(
                        self.locations.span(&declaration),
                        format!(
                            "rpc_service `{}` has WAMP attributes but no `type: \"interface\"`: \
                             it is not a WAMP interface",
                            service.name
                        ),
                    );
                }
                false
            }
        }
    }

    fn uuid(&mut self, service: &Service, declaration: &Item) -> Option<String> {
        let written = service.attributes.get("uuid")?;
        let canonical = uri::canonical_uuid(written);
        if canonical.is_none() {
            self.diagnostics.error(
                self.locations.span(&attribute(declaration, "uuid")),
                format!(
                    "interface `{}` has a malformed `uuid` `{written}`: expected 8-4-4-4-12 hex digits",
                    service.name
                ),
            );
        }
        canonical
    }

    /// The interface prefix; `None` when it is malformed (the errors are reported).
    fn prefix(&mut self, service: &Service, declaration: &Item) -> Option<ParsedUri> {
        let Some((written, item)) = uri_attribute(declaration, &service.attributes) else {
            self.diagnostics.warning(
                self.locations.span(declaration),
                format!(
                    "interface `{}` has no `wampuri`: its URI prefix is empty",
                    service.name
                ),
            );
            return Some(ParsedUri::empty());
        };
        let mut findings = Vec::new();
        let parsed = uri::parse(written, &mut findings);
        self.report(&item, written, findings);
        parsed
    }

    /// One warning per interface about `wrn`, at its first use.
    fn report_old_uri_spelling(&mut self, service: &Service) {
        let declaration = Item::Service(service.name.clone());
        let on_service = service.attributes.contains_key("wrn");
        let methods = service
            .calls
            .iter()
            .filter(|call| call.attributes.contains_key("wrn"))
            .collect::<Vec<_>>();
        let first = if on_service {
            attribute(&declaration, "wrn")
        } else if let Some(call) = methods.first() {
            attribute(&Item::Call(service.name.clone(), call.name.clone()), "wrn")
        } else {
            return;
        };
        let users = match (on_service, methods.len()) {
            (true, 0) => String::new(),
            (true, count) => format!(" and {}", counted(count, "method")),
            (false, count) => format!(" by {}", counted(count, "method")),
        };
        let place = if on_service { "on" } else { "in" };
        self.diagnostics.warning(
            self.locations.span(&first),
            format!(
                "`wrn` is the 2022 spelling of `wampuri` (used {place} interface `{}`{users}); write `wampuri`",
                service.name
            ),
        );
    }

    fn method(
        &mut self,
        service: &Service,
        prefix: &ParsedUri,
        call: &RpcCall,
        seen: &mut SeenUris,
    ) -> Option<Method> {
        let item = Item::Call(service.name.clone(), call.name.clone());
        let kind = self.method_kind(service, call, &item);
        for (key, message) in IGNORED_METHOD_ATTRIBUTES {
            if call.attributes.contains_key(key) {
                self.diagnostics
                    .warning(self.locations.span(&attribute(&item, key)), message);
            }
        }
        let mut findings = Vec::new();
        let (resolved, uri_item) = match uri_attribute(&item, &call.attributes) {
            Some((written, uri_item)) => {
                let resolved = uri::resolve(prefix, written, &mut findings);
                self.report(&uri_item, written, findings);
                (resolved, uri_item)
            }
            None => {
                let resolved = uri::resolve_name(prefix, &call.name, &mut findings);
                self.report(&item, &call.name, findings);
                (resolved, item.clone())
            }
        };
        let request = self.payload(service, call, &call.request, "request", Item::CallRequest);
        let response = self.payload(service, call, &call.response, "response", Item::CallResponse);
        let raises = self.raises(service, call, kind);
        let stream = self.stream(service, call, kind);
        let (kind, resolved, request, response, stream) = (kind?, resolved?, request?, response?, stream?);
        if kind == MethodKind::Topic && !response.is_void() {
            self.diagnostics.warning(
                self.locations
                    .span(&Item::CallResponse(service.name.clone(), call.name.clone())),
                format!(
                    "topic `{}` of interface `{}` has the response `{}`, not `Void`: \
                     acknowledged event delivery is not supported",
                    call.name, service.name, response.table
                ),
            );
        }
        self.check_unique_uri(service, call, kind, &resolved.uri, uri_item, seen);
        Some(Method {
            name: call.name.clone(),
            kind,
            uri: resolved.uri,
            suffix: resolved.suffix,
            request,
            response,
            raises,
            stream,
            docs: call.docs.clone(),
        })
    }

    fn method_kind(&mut self, service: &Service, call: &RpcCall, item: &Item) -> Option<MethodKind> {
        match call.attributes.get("type").map(String::as_str) {
            Some("procedure") => Some(MethodKind::Procedure),
            Some("topic") => Some(MethodKind::Topic),
            Some(other) => {
                self.diagnostics.error(
                    self.locations.span(&attribute(item, "type")),
                    format!(
                        "method `{}` of interface `{}` has an unknown `type:` value \"{other}\": \
                         expected \"procedure\" or \"topic\"",
                        call.name, service.name
                    ),
                );
                None
            }
            None => {
                self.diagnostics.warning(
                    self.locations.span(item),
                    format!(
                        "method `{}` of interface `{}` has no `type`, so it is left out of the interface: \
                         write `type: \"procedure\"` or `type: \"topic\"`",
                        call.name, service.name
                    ),
                );
                None
            }
        }
    }

    fn payload(
        &mut self,
        service: &Service,
        call: &RpcCall,
        table: &QualifiedName,
        role: &str,
        item: fn(QualifiedName, String) -> Item,
    ) -> Option<Payload> {
        match self.schema.object(table) {
            Some(object) if !object.is_struct => Some(tables::layout(object)),
            _ => {
                self.diagnostics.error(
                    self.locations
                        .span(&item(service.name.clone(), call.name.clone())),
                    format!(
                        "{role} `{table}` of method `{}` of interface `{}` is not a table of the schema",
                        call.name, service.name
                    ),
                );
                None
            }
        }
    }

    /// Warns when an earlier method of the same kind answers the same concrete URIs.
    fn check_unique_uri(
        &mut self,
        service: &Service,
        call: &RpcCall,
        kind: MethodKind,
        uri: &UriTemplate,
        item: Item,
        seen: &mut SeenUris,
    ) {
        let earlier = match seen.entry((kind, uri::match_key(uri))) {
            Entry::Occupied(earlier) => &*earlier.into_mut(),
            Entry::Vacant(slot) => {
                slot.insert(Earlier {
                    name: call.name.clone(),
                    item,
                });
                return;
            }
        };
        let kind_word = match kind {
            MethodKind::Procedure => "procedure",
            MethodKind::Topic => "topic",
        };
        self.diagnostics.push(
            Diagnostic::warning(
                self.locations.span(&item),
                format!(
                    "{kind_word} `{}` of interface `{}` has the same URI `{}` as `{}`",
                    call.name, service.name, uri.text, earlier.name
                ),
            )
            .with_note(
                self.locations.span(&earlier.item),
                format!("`{}` is declared here", earlier.name),
            ),
        );
    }

    /// Reports URI findings, each pointing at its component inside the attribute value.
    fn report(&mut self, item: &Item, value: &str, findings: Vec<Finding>) {
        let span = self.locations.span(item);
        for finding in findings {
            let span = span.map(|span| narrow(span, value, &finding.range));
            self.diagnostics.push(Diagnostic {
                severity: finding.severity,
                span,
                message: finding.message,
                notes: Vec::new(),
            });
        }
    }
}

/// The part of a quoted string literal's span that covers `range` of its value.
///
/// Only when the span is exactly the literal (value and two quotes): an escape
/// sequence or a span of something else keeps the whole span.
fn narrow(span: Span, value: &str, range: &Range<usize>) -> Span {
    let literal_length = span.end.saturating_sub(span.start) as usize;
    if literal_length != value.len() + 2 {
        return span;
    }
    let start = span.start as usize + 1;
    Span::new(span.file, start + range.start, start + range.end)
}

/// The `wampuri` of an item, else its 2022 spelling `wrn`, and where it is.
pub(crate) fn uri_attribute<'s>(owner: &Item, attributes: &'s Attributes) -> Option<(&'s str, Item)> {
    ["wampuri", "wrn"].into_iter().find_map(|key| {
        attributes
            .get(key)
            .map(|value| (value.as_str(), attribute(owner, key)))
    })
}

pub(crate) fn counted(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

pub(crate) fn attribute(owner: &Item, key: &str) -> Item {
    Item::Attribute(Box::new(owner.clone()), key.to_owned())
}

#[cfg(test)]
mod tests;
