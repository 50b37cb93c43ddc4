//! What a procedure declares beyond its request and response: the errors it raises
//! (`raises`) and which of its messages are progressive (`stream`).
//!
//! The rules are in docs/wamp-idl.md §7; the diagnostics are listed in its §9.

use std::ops::Range;

use super::{Analysis, attribute, narrow, tables, uri};
use crate::diagnostic::{Diagnostic, Severity};
use crate::locations::Item;
use crate::model::{MethodKind, Object, QualifiedName, RaisedError, RpcCall, Service, Stream, UriComponent};

impl Analysis<'_> {
    /// Checks the `wampuri` of a table: the URI of the error it travels as when raised,
    /// absolute and concrete. Checked on every table that has one, raised or not, so
    /// that each problem is reported once, at the table.
    pub(super) fn check_error_uri(&mut self, table: &Object) {
        let Some(written) = table.attributes.get("wampuri") else {
            return;
        };
        if table.is_struct {
            return;
        }
        let item = attribute(&Item::Declaration(table.name.clone()), "wampuri");
        let mut findings = Vec::new();
        let parsed = uri::parse(written, &mut findings);
        self.report(&item, written, findings);
        let Some(parsed) = parsed else {
            return;
        };
        let placeholders = parsed
            .template
            .components
            .iter()
            .zip(&parsed.ranges)
            .filter(|(component, _)| matches!(component, UriComponent::Placeholder(_)));
        for (_, range) in placeholders {
            let span = self
                .locations
                .span(&item)
                .map(|span| narrow(span, written, range));
            self.diagnostics.push(Diagnostic::error(
                span,
                format!(
                    "the error URI `{written}` of table `{}` has a placeholder: an error URI is concrete",
                    table.name
                ),
            ));
        }
    }

    /// The errors a method declares, each with its URI; problems are reported.
    pub(super) fn raises(
        &mut self,
        service: &Service,
        call: &RpcCall,
        kind: Option<MethodKind>,
    ) -> Vec<RaisedError> {
        let Some(written) = call.attributes.get("raises") else {
            return Vec::new();
        };
        let item = attribute(&Item::Call(service.name.clone(), call.name.clone()), "raises");
        if kind == Some(MethodKind::Topic) {
            self.diagnostics.warning(
                self.locations.span(&item),
                format!(
                    "topic `{}` of interface `{}` has `raises`: topics raise no errors, so it is ignored",
                    call.name, service.name
                ),
            );
            return Vec::new();
        }
        let mut raised: Vec<RaisedError> = Vec::new();
        for (name, range) in table_names(written) {
            let at = |analysis: &Self| {
                analysis
                    .locations
                    .span(&item)
                    .map(|span| narrow(span, written, &range))
            };
            if name.is_empty() {
                let span = at(self);
                self.diagnostics.error(
                    span,
                    format!(
                        "`raises` of method `{}` of interface `{}` has an empty table name: \
                         write table names separated by commas",
                        call.name, service.name
                    ),
                );
                continue;
            }
            let Some(table) = self.resolve_table(service.name.namespace(), name) else {
                let span = at(self);
                self.diagnostics.error(
                    span,
                    format!(
                        "method `{}` of interface `{}` raises `{name}`, which is not a table of the schema",
                        call.name, service.name
                    ),
                );
                continue;
            };
            let Some(error_uri) = table.attributes.get("wampuri") else {
                let span = at(self);
                self.diagnostics.warning(
                    span,
                    format!(
                        "table `{}` raised by method `{}` of interface `{}` has no `wampuri`, so it has \
                         no error URI and is left out of the method's errors",
                        table.name, call.name, service.name
                    ),
                );
                continue;
            };
            if !is_error_uri(error_uri) {
                // Reported at the table by `check_error_uri`.
                continue;
            }
            if let Some(earlier) = raised.iter().find(|earlier| earlier.uri == *error_uri) {
                let span = at(self);
                self.diagnostics.error(
                    span,
                    format!(
                        "method `{}` of interface `{}` raises `{}` and `{}` under the same error URI \
                         `{error_uri}`: a caller could not tell their payloads apart",
                        call.name, service.name, earlier.payload.table, table.name
                    ),
                );
                continue;
            }
            raised.push(RaisedError {
                uri: error_uri.clone(),
                payload: tables::layout(table),
            });
        }
        raised
    }

    /// The method's `stream`; `None` when its value is unknown (reported).
    pub(super) fn stream(
        &mut self,
        service: &Service,
        call: &RpcCall,
        kind: Option<MethodKind>,
    ) -> Option<Stream> {
        let Some(written) = call.attributes.get("stream") else {
            return Some(Stream::None);
        };
        let item = attribute(&Item::Call(service.name.clone(), call.name.clone()), "stream");
        let stream = match written.as_str() {
            "in" => Stream::In,
            "out" => Stream::Out,
            "inout" => Stream::InOut,
            other => {
                self.diagnostics.error(
                    self.locations.span(&item),
                    format!(
                        "method `{}` of interface `{}` has an unknown `stream:` value \"{other}\": \
                         expected \"in\", \"out\" or \"inout\"",
                        call.name, service.name
                    ),
                );
                return None;
            }
        };
        if kind == Some(MethodKind::Topic) {
            self.diagnostics.warning(
                self.locations.span(&item),
                format!(
                    "topic `{}` of interface `{}` has `stream`: events are not progressive, so it is ignored",
                    call.name, service.name
                ),
            );
            return Some(Stream::None);
        }
        Some(stream)
    }

    /// The table a name written in a service of `namespace` refers to, as flatc looks a
    /// type up: in the namespace, then in each enclosing one, then from the root.
    fn resolve_table(&self, namespace: &str, name: &str) -> Option<&Object> {
        let mut scope = Some(namespace);
        while let Some(current) = scope {
            let candidate = if current.is_empty() {
                name.to_owned()
            } else {
                format!("{current}.{name}")
            };
            if let Some(object) = self.schema.object(&QualifiedName(candidate)) {
                return (!object.is_struct).then_some(object);
            }
            scope = match current.rsplit_once('.') {
                Some((parent, _)) => Some(parent),
                None if current.is_empty() => None,
                None => Some(""),
            };
        }
        None
    }
}

/// The names of a `raises` value (`"A"`, `"A, ns.B"`) with their byte ranges in it.
fn table_names(written: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    let mut start = 0;
    written.split(',').map(move |part| {
        let leading = part.len() - part.trim_start().len();
        let name = part.trim();
        let range = start + leading..start + leading + name.len();
        start += part.len() + 1;
        (name, range)
    })
}

/// Whether a table's `wampuri` is a valid error URI (its problems are reported at the table).
fn is_error_uri(written: &str) -> bool {
    let mut findings = Vec::new();
    uri::parse(written, &mut findings).is_some_and(|parsed| !parsed.template.has_placeholders())
        && findings.iter().all(|finding| finding.severity != Severity::Error)
}
