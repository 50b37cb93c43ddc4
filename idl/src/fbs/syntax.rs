//! The syntax tree of one `.fbs` file, as written: names and literals are spans into
//! the source text (read back through the `SourceMap`), nothing is resolved yet.

use crate::diagnostic::{FileId, Span};

/// One parsed file.
#[derive(Debug)]
pub struct File {
    pub file: FileId,
    /// `include "x.fbs";` statements (not `native_include`, which only matters to C++).
    pub includes: Vec<Span>,
    pub declarations: Vec<Declaration>,
}

#[derive(Debug)]
pub enum Declaration {
    /// `namespace a.b;` (no components: back to the root namespace).
    Namespace(Vec<Span>),
    /// `attribute "name";` or `attribute name;`: the span of the name (quotes included if any).
    Attribute(Span),
    Object(Object),
    Enum(Enum),
    Service(Service),
    RootType(QualifiedIdent),
    /// `file_identifier "ABCD";`: the string literal.
    FileIdentifier(Span),
    /// `file_extension "ext";`: the string literal.
    FileExtension(Span),
}

/// A possibly dotted name such as `wamp.Void`.
#[derive(Debug, Clone)]
pub struct QualifiedIdent {
    /// Each identifier, in order.
    pub parts: Vec<Span>,
    /// From the first to the last identifier.
    pub span: Span,
}

/// `table` or `struct`.
#[derive(Debug)]
pub struct Object {
    pub is_struct: bool,
    pub name: Span,
    pub metadata: Vec<Attribute>,
    pub fields: Vec<Field>,
    pub docs: Vec<Span>,
}

#[derive(Debug)]
pub struct Field {
    pub name: Span,
    pub ty: TypeExpr,
    pub default: Option<Literal>,
    pub metadata: Vec<Attribute>,
    pub docs: Vec<Span>,
}

/// A field type as written.
#[derive(Debug)]
pub enum TypeExpr {
    /// A scalar, `string`, or a user type.
    Named(QualifiedIdent),
    /// `[T]`; the span covers the brackets.
    Vector { element: QualifiedIdent, span: Span },
    /// `[T:N]`; the span covers the brackets.
    Array {
        element: QualifiedIdent,
        length: Literal,
        span: Span,
    },
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(name) => name.span,
            TypeExpr::Vector { span, .. } | TypeExpr::Array { span, .. } => *span,
        }
    }
}

/// `key` or `key: value` in a `( ... )` metadata list.
#[derive(Debug)]
pub struct Attribute {
    /// An identifier, or a string literal (quotes included).
    pub key: Span,
    pub value: Option<Literal>,
}

/// A constant: default values, attribute values, enum values, array lengths.
#[derive(Debug, Clone, Copy)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralKind {
    Integer,
    Float,
    /// Quotes included in the span.
    String,
    /// A bare word: `true`, `false`, `null`, `inf`, `nan` or an enum value name.
    Identifier,
}

/// `enum` or `union`.
#[derive(Debug)]
pub struct Enum {
    pub is_union: bool,
    pub name: Span,
    /// The type after `:` (enums only).
    pub underlying: Option<QualifiedIdent>,
    pub metadata: Vec<Attribute>,
    pub values: Vec<EnumValue>,
    pub docs: Vec<Span>,
}

/// An enum value `A = 1`, or a union member `A`, `Alias: a.A`, `A = 3`.
#[derive(Debug)]
pub struct EnumValue {
    /// The name as written: an enum value's name, a union member's alias, or (for a
    /// member without alias) the span of its type.
    pub name: Span,
    /// The member type (unions only).
    pub ty: Option<QualifiedIdent>,
    pub value: Option<Literal>,
    pub docs: Vec<Span>,
}

#[derive(Debug)]
pub struct Service {
    pub name: Span,
    pub metadata: Vec<Attribute>,
    pub calls: Vec<Call>,
    pub docs: Vec<Span>,
}

/// `name(Request): Response (metadata);`
#[derive(Debug)]
pub struct Call {
    pub name: Span,
    pub request: QualifiedIdent,
    pub response: QualifiedIdent,
    pub metadata: Vec<Attribute>,
    pub docs: Vec<Span>,
}
