//! Where each item of the model was declared, kept beside the model (which has no spans).
//!
//! The `.fbs` front end records a span per declaration, field, call and attribute; the
//! `.bfbs` reader records nothing and every lookup falls back to the whole binary file.
//! Later stages (merging, WAMP analysis) point their diagnostics through this table.

use std::collections::HashMap;

use crate::diagnostic::{FileId, Span};
use crate::model::QualifiedName;

/// An item of the model that diagnostics can point at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    /// A table, struct, enum or union declaration (its name).
    Declaration(QualifiedName),
    /// An `rpc_service` declaration (its name). Services are named apart from types, so
    /// a service may share its name with a table (`table Climate` and
    /// `rpc_service Climate`): each has its own item.
    Service(QualifiedName),
    /// A field of a table or struct.
    Field(QualifiedName, String),
    /// A value of an enum or member of a union.
    EnumValue(QualifiedName, String),
    /// A call of an `rpc_service`.
    Call(QualifiedName, String),
    /// The request type of a call.
    CallRequest(QualifiedName, String),
    /// The response type of a call.
    CallResponse(QualifiedName, String),
    /// An attribute (its value if it has one, else its key) of another item.
    Attribute(Box<Item>, String),
}

/// Spans of model items, per file a fallback for items without their own span.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    spans: HashMap<Item, Span>,
    /// Which file declared each declaration, for the fallback span.
    files: HashMap<QualifiedName, FileId>,
}

impl Locations {
    /// Records where an item is; the first record of an item wins.
    pub fn insert(&mut self, item: Item, span: Span) {
        if let Item::Declaration(name) | Item::Service(name) = &item {
            self.files.entry(name.clone()).or_insert(span.file);
        }
        self.spans.entry(item).or_insert(span);
    }

    /// Records that a declaration comes from a file, without a precise span (.bfbs).
    pub fn insert_file(&mut self, name: QualifiedName, file: FileId) {
        self.files.entry(name).or_insert(file);
    }

    /// Adds every record of another table that this one does not have yet.
    pub fn extend(&mut self, other: Locations) {
        // The first input of a load lands in an empty table: taking it whole saves
        // rehashing every item of the schema.
        if self.spans.is_empty() && self.files.is_empty() {
            *self = other;
            return;
        }
        for (name, file) in other.files {
            self.files.entry(name).or_insert(file);
        }
        for (item, span) in other.spans {
            self.spans.entry(item).or_insert(span);
        }
    }

    /// The span of an item, else of its declaration, else the whole file it came from.
    pub fn span(&self, item: &Item) -> Option<Span> {
        if let Some(span) = self.spans.get(item) {
            return Some(*span);
        }
        match item {
            Item::Attribute(owner, _) => self.span(owner),
            Item::Declaration(name) | Item::Service(name) => {
                self.files.get(name).map(|file| Span::new(*file, 0, 0))
            }
            Item::Field(owner, _) | Item::EnumValue(owner, _) => self.span(&Item::Declaration(owner.clone())),
            Item::Call(owner, _) | Item::CallRequest(owner, _) | Item::CallResponse(owner, _) => {
                self.span(&Item::Service(owner.clone()))
            }
        }
    }
}
