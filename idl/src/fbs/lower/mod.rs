//! Lowering: the syntax trees of a root file and its includes into one model [`Part`],
//! with the checks flatc 2.0.8 makes and the canonical forms of `crate::model`.
//!
//! Files come in flatc's parse order (an included file before the file including it),
//! and every declaration gets an order number in that sequence, because flatc resolves
//! some things in one pass: an enum or union must be declared before a field uses it, a
//! struct before another struct embeds it, a table before `root_type` names it, and an
//! attribute before any declaration uses it. Tables may be used before their declaration.
//!
//! Type names resolve like flatc: the name inside the current namespace, then in each
//! enclosing namespace outward, then as written (fully qualified).

mod attributes;
mod enums;
mod objects;
mod roots;
mod services;

use std::collections::HashMap;

use crate::Part;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::fbs::syntax::{self, Declaration, QualifiedIdent};
use crate::locations::{Item, Locations};
use crate::model::{QualifiedName, Scalar, Schema};

/// Lowers `files` (in parse order; the last one is the root file).
pub fn lower(files: &[syntax::File], sources: &SourceMap, diagnostics: &mut Diagnostics) -> Part {
    let mut found = Diagnostics::default();
    let mut lowering = Lowering {
        sources,
        diagnostics: &mut found,
        namespaces: vec![String::new()],
        types: Vec::new(),
        type_index: HashMap::new(),
        services: Vec::new(),
        service_index: HashMap::new(),
        attributes: HashMap::new(),
        roots: Vec::new(),
        enums: Vec::new(),
        struct_alignments: HashMap::new(),
        locations: Locations::default(),
        schema: Schema::default(),
    };
    lowering.collect(files);
    lowering.lower_enums();
    lowering.lower_objects();
    lowering.lower_services();
    lowering.lower_roots();
    let Lowering {
        mut schema,
        locations,
        ..
    } = lowering;
    super::append_in_source_order(found, diagnostics);
    schema.objects.sort_by(|a, b| a.name.cmp(&b.name));
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    schema.services.sort_by(|a, b| a.name.cmp(&b.name));
    Part { schema, locations }
}

/// A table, struct, enum or union with where it was declared.
struct TypeDeclaration<'t> {
    name: QualifiedName,
    kind: TypeKind<'t>,
    /// Index into `Lowering::namespaces`.
    namespace: usize,
    order: usize,
}

enum TypeKind<'t> {
    Object(&'t syntax::Object),
    Enum(&'t syntax::Enum),
}

struct ServiceDeclaration<'t> {
    name: QualifiedName,
    syntax: &'t syntax::Service,
    namespace: usize,
    order: usize,
}

/// A `root_type`, `file_identifier` or `file_extension` statement.
#[derive(Clone, Copy)]
struct RootStatement<'t> {
    declaration: &'t Declaration,
    namespace: usize,
    order: usize,
    in_root_file: bool,
}

/// What a lowered enum offers to fields that use it.
struct LoweredEnum {
    underlying: Scalar,
    bit_flags: bool,
    values: Vec<(String, i64)>,
}

/// A resolved type name.
#[derive(Clone, Copy)]
enum Resolved {
    Scalar(Scalar),
    String,
    Declared(usize),
}

struct Lowering<'s, 't, 'd> {
    sources: &'s SourceMap,
    diagnostics: &'d mut Diagnostics,
    /// Every namespace seen, `""` first.
    namespaces: Vec<String>,
    types: Vec<TypeDeclaration<'t>>,
    type_index: HashMap<String, usize>,
    services: Vec<ServiceDeclaration<'t>>,
    service_index: HashMap<String, usize>,
    /// Declared attribute names and the order of their first declaration.
    attributes: HashMap<&'s str, usize>,
    roots: Vec<RootStatement<'t>>,
    /// Per type declaration, the lowered enum (`None` for objects and broken enums).
    enums: Vec<Option<LoweredEnum>>,
    /// Alignment of each struct lowered so far (nested structs are declared earlier).
    struct_alignments: HashMap<QualifiedName, u32>,
    locations: Locations,
    schema: Schema,
}

impl<'s, 't> Lowering<'s, 't, '_> {
    fn text(&self, span: Span) -> &'s str {
        text_of(self.sources, span)
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.error(span, message);
    }

    fn docs(&self, spans: &[Span]) -> Vec<String> {
        spans.iter().map(|span| self.text(*span).to_owned()).collect()
    }

    fn qualify(&self, namespace: usize, name: &str) -> String {
        let prefix = self.namespaces.get(namespace).map_or("", String::as_str);
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    }

    // --- Collection -------------------------------------------------------------

    fn collect(&mut self, files: &'t [syntax::File]) {
        let mut order = 0;
        let root_file = files.last().map(|file| file.file);
        for file in files {
            let mut namespace = 0;
            for declaration in &file.declarations {
                order += 1;
                match declaration {
                    Declaration::Namespace(parts) => {
                        let name = parts
                            .iter()
                            .map(|part| self.text(*part))
                            .collect::<Vec<_>>()
                            .join(".");
                        namespace = match self.namespaces.iter().position(|known| *known == name) {
                            Some(index) => index,
                            None => {
                                self.namespaces.push(name);
                                self.namespaces.len() - 1
                            }
                        };
                    }
                    Declaration::Attribute(span) => {
                        let name = self.text(*span);
                        let name = match name.as_bytes().first() {
                            Some(b'"' | b'\'') => name.get(1..name.len() - 1).unwrap_or(""),
                            _ => name,
                        };
                        self.attributes.entry(name).or_insert(order);
                    }
                    Declaration::Object(object) => {
                        self.add_type(object.name, TypeKind::Object(object), namespace, order);
                    }
                    Declaration::Enum(enumeration) => {
                        self.add_type(enumeration.name, TypeKind::Enum(enumeration), namespace, order);
                    }
                    Declaration::Service(service) => self.add_service(service, namespace, order),
                    Declaration::RootType(_)
                    | Declaration::FileIdentifier(_)
                    | Declaration::FileExtension(_) => {
                        self.roots.push(RootStatement {
                            declaration,
                            namespace,
                            order,
                            in_root_file: Some(file.file) == root_file,
                        });
                    }
                }
            }
        }
    }

    fn add_type(&mut self, name_span: Span, kind: TypeKind<'t>, namespace: usize, order: usize) {
        // A type may be named like a scalar (flatc accepts `table int {}`), though a
        // field typed `int` then means the scalar.
        let name = self.text(name_span);
        let qualified = self.qualify(namespace, name);
        if let Some(&first) = self.type_index.get(&qualified) {
            let first_span = self.type_name_span(first);
            self.diagnostics.push(
                Diagnostic::error(name_span, format!("`{qualified}` is defined twice"))
                    .with_note(first_span, "first defined here"),
            );
            return;
        }
        self.type_index.insert(qualified.clone(), self.types.len());
        let name = QualifiedName(qualified);
        self.locations.insert(Item::Declaration(name.clone()), name_span);
        self.types.push(TypeDeclaration {
            name,
            kind,
            namespace,
            order,
        });
    }

    fn type_name_span(&self, index: usize) -> Option<Span> {
        self.types.get(index).map(|declaration| match declaration.kind {
            TypeKind::Object(object) => object.name,
            TypeKind::Enum(enumeration) => enumeration.name,
        })
    }

    fn add_service(&mut self, service: &'t syntax::Service, namespace: usize, order: usize) {
        let qualified = self.qualify(namespace, self.text(service.name));
        if let Some(&first) = self.service_index.get(&qualified) {
            let first_span = self.services.get(first).map(|first| first.syntax.name);
            self.diagnostics.push(
                Diagnostic::error(
                    service.name,
                    format!("rpc_service `{qualified}` is defined twice"),
                )
                .with_note(first_span, "first defined here"),
            );
            return;
        }
        self.service_index.insert(qualified.clone(), self.services.len());
        let name = QualifiedName(qualified);
        self.locations.insert(Item::Service(name.clone()), service.name);
        self.services.push(ServiceDeclaration {
            name,
            syntax: service,
            namespace,
            order,
        });
    }

    // --- Resolution -------------------------------------------------------------

    /// The dotted text of a name.
    fn joined(&self, ident: &QualifiedIdent) -> String {
        let mut joined = String::new();
        for (index, part) in ident.parts.iter().enumerate() {
            if index > 0 {
                joined.push('.');
            }
            joined.push_str(self.text(*part));
        }
        joined
    }

    /// Finds a declared type: in the namespace, then in each enclosing one outward.
    fn lookup(&self, name: &str, namespace: usize) -> Option<usize> {
        let mut prefix = self.namespaces.get(namespace).map_or("", String::as_str);
        let mut candidate = String::with_capacity(prefix.len() + name.len() + 1);
        loop {
            candidate.clear();
            if !prefix.is_empty() {
                candidate.push_str(prefix);
                candidate.push('.');
            }
            candidate.push_str(name);
            if let Some(&index) = self.type_index.get(candidate.as_str()) {
                return Some(index);
            }
            if prefix.is_empty() {
                return None;
            }
            prefix = prefix.rsplit_once('.').map_or("", |(parent, _)| parent);
        }
    }

    /// Resolves a type name, reporting an unknown one.
    fn resolve(&mut self, ident: &QualifiedIdent, namespace: usize) -> Option<Resolved> {
        if let [single] = ident.parts.as_slice() {
            let text = self.text(*single);
            if let Some(scalar) = Scalar::from_fbs_name(text) {
                return Some(Resolved::Scalar(scalar));
            }
            if text == "string" {
                return Some(Resolved::String);
            }
        }
        let name = self.joined(ident);
        match self.lookup(&name, namespace) {
            Some(index) => Some(Resolved::Declared(index)),
            None => {
                let namespace_name = self.namespaces.get(namespace).map_or("", String::as_str);
                let message = if namespace_name.is_empty() {
                    format!("unknown type `{name}`")
                } else {
                    format!(
                        "unknown type `{name}` (looked for it in namespace `{namespace_name}` and its parents)"
                    )
                };
                self.error(ident.span, message);
                None
            }
        }
    }

    fn is_struct(&self, index: usize) -> Option<bool> {
        match self.types.get(index)?.kind {
            TypeKind::Object(object) => Some(object.is_struct),
            TypeKind::Enum(_) => None,
        }
    }
}

fn text_of(sources: &SourceMap, span: Span) -> &str {
    sources
        .get(span.file)
        .and_then(|file| file.text.get(span.start as usize..span.end as usize))
        .unwrap_or("")
}
fn scalar_bits(scalar: Scalar) -> u32 {
    match scalar {
        Scalar::Bool | Scalar::Byte | Scalar::UByte => 8,
        Scalar::Short | Scalar::UShort => 16,
        Scalar::Int | Scalar::UInt | Scalar::Float => 32,
        Scalar::Long | Scalar::ULong | Scalar::Double => 64,
    }
}
