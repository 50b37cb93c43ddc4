//! `rpc_service` declarations: calls, whose request and response must be tables.

use std::collections::HashMap;

use super::{Lowering, Resolved, ServiceDeclaration, TypeKind};
use crate::diagnostic::{Diagnostic, Span};
use crate::fbs::syntax::QualifiedIdent;
use crate::locations::Item;
use crate::model::{QualifiedName, RpcCall, Service};

impl Lowering<'_, '_, '_> {
    pub(super) fn lower_services(&mut self) {
        for index in 0..self.services.len() {
            let ServiceDeclaration {
                name,
                syntax,
                namespace,
                order,
            } = &self.services[index];
            let (name, syntax, namespace, order) = (name.clone(), *syntax, *namespace, *order);
            let item = Item::Service(name.clone());
            let attributes = self.attributes(&syntax.metadata, order, &item);
            let mut calls = Vec::with_capacity(syntax.calls.len());
            let mut names: HashMap<&str, Span> = HashMap::new();
            for call in &syntax.calls {
                let call_name = self.text(call.name);
                if let Some(first) = names.get(call_name) {
                    self.diagnostics.push(
                        Diagnostic::error(
                            call.name,
                            format!("method `{call_name}` is declared twice in `{name}`"),
                        )
                        .with_note(*first, "first declared here"),
                    );
                    continue;
                }
                names.insert(call_name, call.name);
                let call_item = Item::Call(name.clone(), call_name.to_owned());
                self.locations.insert(call_item.clone(), call.name);
                self.locations.insert(
                    Item::CallRequest(name.clone(), call_name.to_owned()),
                    call.request.span,
                );
                self.locations.insert(
                    Item::CallResponse(name.clone(), call_name.to_owned()),
                    call.response.span,
                );
                let call_attributes = self.attributes(&call.metadata, order, &call_item);
                let request = self.call_table(&call.request, namespace, "request");
                let response = self.call_table(&call.response, namespace, "response");
                let (Some(request), Some(response)) = (request, response) else {
                    continue;
                };
                calls.push(RpcCall {
                    name: call_name.to_owned(),
                    request,
                    response,
                    attributes: call_attributes,
                    docs: self.docs(&call.docs),
                });
            }
            self.schema.services.push(Service {
                name,
                calls,
                attributes,
                docs: self.docs(&syntax.docs),
            });
        }
    }

    fn call_table(&mut self, ident: &QualifiedIdent, namespace: usize, what: &str) -> Option<QualifiedName> {
        match self.resolve(ident, namespace)? {
            Resolved::Declared(index) if self.is_struct(index) == Some(false) => {
                Some(self.types[index].name.clone())
            }
            resolved => {
                let kind = match resolved {
                    Resolved::Declared(index) => match self.types[index].kind {
                        TypeKind::Object(_) => "a struct",
                        TypeKind::Enum(enumeration) if enumeration.is_union => "a union",
                        TypeKind::Enum(_) => "an enum",
                    },
                    Resolved::Scalar(_) => "a scalar",
                    Resolved::String => "a string",
                };
                let name = self.joined(ident);
                self.error(
                    ident.span,
                    format!("the {what} of an rpc method must be a table, `{name}` is {kind}"),
                );
                None
            }
        }
    }
}
