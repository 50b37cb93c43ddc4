//! The model (IR): one representation of a WAMP IDL schema, whatever it was read from.
//!
//! Both front ends (the `.fbs` parser and the `.bfbs` reader) produce a [`Schema`];
//! everything downstream (codegen, docs, `describe`) reads only this. The model
//! carries no source locations, so that the same schema read as text or as flatc's
//! binary schema is equal, and serializes to byte-identical JSON.
//!
//! Canonical forms, chosen to match what flatc writes into a `.bfbs`:
//! - objects, enums and services are sorted by qualified name; fields are in id order;
//!   service calls keep declaration order; enum values are in value order (flatc sorts
//!   them; that is declaration order when they ascend);
//! - attributes are sorted by key, and an attribute written without a value has the
//!   value `"0"`;
//! - each doc comment line keeps the text after `///`, leading space included;
//! - the hidden `<name>_type` companion field that flatc adds for a union field is
//!   not part of the model (the union field keeps its flatc id).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// A fully qualified name such as `wamp.Void` (namespace components and name joined by `.`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct QualifiedName(pub String);

impl QualifiedName {
    /// The namespace part (`wamp.meta` of `wamp.meta.Void`), empty for the root namespace.
    pub fn namespace(&self) -> &str {
        self.0.rsplit_once('.').map_or("", |(namespace, _)| namespace)
    }

    /// The unqualified name (`Void` of `wamp.meta.Void`).
    pub fn name(&self) -> &str {
        self.0.rsplit_once('.').map_or(self.0.as_str(), |(_, name)| name)
    }

    /// The full name as written in schemas.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Attributes (metadata) of a declaration, sorted by key; a value-less attribute has value `"0"`.
pub type Attributes = BTreeMap<String, String>;

/// Doc comment lines, each as written after `///` (leading space kept).
pub type Docs = Vec<String>;

/// A whole schema: every type, service and WAMP interface reachable from the input files.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schema {
    /// Tables and structs, sorted by qualified name.
    pub objects: Vec<Object>,
    /// Enums and unions, sorted by qualified name.
    pub enums: Vec<Enum>,
    /// `rpc_service` declarations, sorted by qualified name.
    pub services: Vec<Service>,
    /// The `root_type`, if declared.
    pub root_table: Option<QualifiedName>,
    /// The `file_identifier`, if declared.
    pub file_identifier: Option<String>,
    /// The `file_extension`, if declared.
    pub file_extension: Option<String>,
    /// The WAMP layer: one interface per `rpc_service` with `type: "interface"`, in service order.
    pub interfaces: Vec<Interface>,
}

impl Schema {
    /// The table or struct of that qualified name.
    pub fn object(&self, name: &QualifiedName) -> Option<&Object> {
        self.objects
            .binary_search_by(|object| object.name.cmp(name))
            .ok()
            .and_then(|index| self.objects.get(index))
    }

    /// The enum or union of that qualified name.
    pub fn enumeration(&self, name: &QualifiedName) -> Option<&Enum> {
        self.enums
            .binary_search_by(|enumeration| enumeration.name.cmp(name))
            .ok()
            .and_then(|index| self.enums.get(index))
    }
}

/// A table or a struct.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Object {
    /// The qualified name.
    pub name: QualifiedName,
    /// A `struct` (fixed layout, inline) rather than a `table`.
    pub is_struct: bool,
    /// Fields in id order (declaration order unless `id` attributes say otherwise).
    pub fields: Vec<Field>,
    /// The declaration's attributes.
    pub attributes: Attributes,
    /// The doc comment above the declaration.
    pub docs: Docs,
}

impl Object {
    /// The field of that name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }
}

/// A field of a table or struct.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The field name as declared.
    pub name: String,
    /// The flatc field id (vtable slot); for structs the declaration index.
    pub id: u16,
    /// The field's type.
    pub ty: Type,
    /// The default of a scalar table field; `None` for non-scalars and struct fields.
    pub default: Option<DefaultValue>,
    /// How the field's presence works in FlatBuffers.
    pub presence: Presence,
    /// Marked `deprecated` (flatc keeps its id reserved).
    pub deprecated: bool,
    /// Marked `key` (sorted vector key).
    pub key: bool,
    /// The field's attributes.
    pub attributes: Attributes,
    /// The doc comment above the field.
    pub docs: Docs,
}

impl Field {
    /// Whether the field is bytes that carry any WAMP value rather than bytes.
    pub fn carries_any_value(&self) -> bool {
        carries_any_value(&self.ty, &self.attributes)
    }
}

/// Whether a value of type `ty` with `attributes` is any WAMP value: `[ubyte]` marked
/// `cbor` or `flexbuffer` (docs/wamp-idl.md §5).
pub fn carries_any_value(ty: &Type, attributes: &Attributes) -> bool {
    let bytes = matches!(ty, Type::Vector(element) | Type::Vector64(element)
        if **element == Type::Scalar(Scalar::UByte));
    bytes && (attributes.contains_key("cbor") || attributes.contains_key("flexbuffer"))
}

/// Presence of a field in FlatBuffers terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// A scalar with a default: always has a value.
    Default,
    /// A scalar declared `= null`, or a non-scalar table field without `required`.
    Optional,
    /// A non-scalar field marked `required`, or any struct field.
    Required,
}

/// The default value of a scalar field, as flatc stores it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultValue {
    /// Integer, bool (0/1) and enum defaults; unsigned 64-bit values keep their bit pattern.
    Integer(i64),
    /// Float and double defaults (`inf`, `-inf`, `nan` allowed).
    #[serde(serialize_with = "serialize_float")]
    Float(f64),
    /// The scalar was declared `= null`.
    Null,
}

fn serialize_float<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_nan() {
        serializer.serialize_str("nan")
    } else if value.is_infinite() {
        serializer.serialize_str(if *value > 0.0 { "inf" } else { "-inf" })
    } else {
        serializer.serialize_f64(*value)
    }
}

/// Scalar types of FlatBuffers (aliases such as `int32` map to the same kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scalar {
    /// `bool`
    Bool,
    /// `byte` (`int8`)
    Byte,
    /// `ubyte` (`uint8`)
    UByte,
    /// `short` (`int16`)
    Short,
    /// `ushort` (`uint16`)
    UShort,
    /// `int` (`int32`)
    Int,
    /// `uint` (`uint32`)
    UInt,
    /// `long` (`int64`)
    Long,
    /// `ulong` (`uint64`)
    ULong,
    /// `float` (`float32`)
    Float,
    /// `double` (`float64`)
    Double,
}

impl Scalar {
    /// The canonical FlatBuffers name (`ubyte`, `ulong`, ...).
    pub fn fbs_name(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::Byte => "byte",
            Scalar::UByte => "ubyte",
            Scalar::Short => "short",
            Scalar::UShort => "ushort",
            Scalar::Int => "int",
            Scalar::UInt => "uint",
            Scalar::Long => "long",
            Scalar::ULong => "ulong",
            Scalar::Float => "float",
            Scalar::Double => "double",
        }
    }

    /// The scalar a type name (canonical or alias) stands for.
    pub fn from_fbs_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "bool" => Scalar::Bool,
            "byte" | "int8" => Scalar::Byte,
            "ubyte" | "uint8" => Scalar::UByte,
            "short" | "int16" => Scalar::Short,
            "ushort" | "uint16" => Scalar::UShort,
            "int" | "int32" => Scalar::Int,
            "uint" | "uint32" => Scalar::UInt,
            "long" | "int64" => Scalar::Long,
            "ulong" | "uint64" => Scalar::ULong,
            "float" | "float32" => Scalar::Float,
            "double" | "float64" => Scalar::Double,
            _ => return None,
        })
    }

    /// Whether it is a signed or unsigned integer (not `bool`, not a float).
    pub fn is_integer(self) -> bool {
        !matches!(self, Scalar::Bool | Scalar::Float | Scalar::Double)
    }

    /// Whether it is `float` or `double`.
    pub fn is_float(self) -> bool {
        matches!(self, Scalar::Float | Scalar::Double)
    }
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    /// A scalar.
    Scalar(Scalar),
    /// `string`.
    String,
    /// `[T]`.
    Vector(Box<Type>),
    /// `[T]` with the `vector64` attribute (64-bit offsets).
    Vector64(Box<Type>),
    /// `[T:N]`, only in structs.
    Array {
        /// The element type.
        element: Box<Type>,
        /// The number of elements.
        length: u16,
    },
    /// A table, referenced by offset.
    Table(QualifiedName),
    /// A struct, stored inline.
    Struct(QualifiedName),
    /// An enum, with its underlying integer type.
    Enum {
        /// The enum.
        name: QualifiedName,
        /// Its underlying integer type.
        underlying: Scalar,
    },
    /// A union (one of several tables, with a type tag).
    Union(QualifiedName),
}

impl Type {
    /// Whether it is stored inline as a number (a scalar or an enum).
    pub fn is_scalar(&self) -> bool {
        matches!(self, Type::Scalar(_) | Type::Enum { .. })
    }
}

impl fmt::Display for Type {
    /// The type as a schema writes it: `uint`, `[string]`, `[ubyte:4]`, `demo.ClockTick`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Scalar(scalar) => f.write_str(scalar.fbs_name()),
            Type::String => f.write_str("string"),
            Type::Vector(element) | Type::Vector64(element) => write!(f, "[{element}]"),
            Type::Array { element, length } => write!(f, "[{element}:{length}]"),
            Type::Table(name) | Type::Struct(name) | Type::Union(name) | Type::Enum { name, .. } => {
                write!(f, "{name}")
            }
        }
    }
}

/// An enum or a union.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enum {
    /// The qualified name.
    pub name: QualifiedName,
    /// A `union` rather than an `enum`.
    pub is_union: bool,
    /// The underlying integer type (`ubyte` for unions).
    pub underlying: Scalar,
    /// Values sorted by value (stably; `ulong` ones as unsigned), as flatc stores them;
    /// unions start with the implicit `NONE = 0`.
    pub values: Vec<EnumValue>,
    /// The declaration's attributes.
    pub attributes: Attributes,
    /// The doc comment above the declaration.
    pub docs: Docs,
}

impl Enum {
    /// Declared `bit_flags`: values are single bits and a value is any combination of them.
    pub fn is_bit_flags(&self) -> bool {
        self.attributes.contains_key("bit_flags")
    }
}

/// One value of an enum, or one member of a union.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumValue {
    /// The value's name; for a union member, its alias or the member type's name.
    pub name: String,
    /// The integer value (for `bit_flags`, the bit value `1 << n`).
    pub value: i64,
    /// For a union member, the table it holds (`None` for `NONE`).
    pub union_type: Option<QualifiedName>,
    /// The value's attributes.
    pub attributes: Attributes,
    /// The doc comment above the value.
    pub docs: Docs,
}

/// An `rpc_service`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// The qualified name.
    pub name: QualifiedName,
    /// Calls in declaration order.
    pub calls: Vec<RpcCall>,
    /// The service's attributes (the WAMP ones among them).
    pub attributes: Attributes,
    /// The doc comment above the service.
    pub docs: Docs,
}

/// A method of an `rpc_service`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RpcCall {
    /// The method name as declared.
    pub name: String,
    /// The request table.
    pub request: QualifiedName,
    /// The response table.
    pub response: QualifiedName,
    /// The call's attributes (the WAMP ones among them).
    pub attributes: Attributes,
    /// The doc comment above the call.
    pub docs: Docs,
}

// ---------------------------------------------------------------------------------
// The WAMP layer, derived from the schema layer by `crate::wamp`.

/// A WAMP interface: an `rpc_service` with `type: "interface"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interface {
    /// The qualified name of the `rpc_service`.
    pub name: QualifiedName,
    /// The interface UUID in canonical lower-case form, if declared.
    pub uuid: Option<String>,
    /// The URI prefix every method URI starts with (the service's `wampuri`).
    pub prefix: UriTemplate,
    /// The doc comment of the `rpc_service`.
    pub docs: Docs,
    /// Procedures and topics in declaration order.
    pub methods: Vec<Method>,
}

/// A procedure or topic of an interface.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    /// The method name (of the `rpc_service` call).
    pub name: String,
    /// Procedure or topic (the call's `type` attribute).
    pub kind: MethodKind,
    /// The resolved, absolute URI (prefix included), placeholders as written.
    pub uri: UriTemplate,
    /// The part of `uri` after the prefix and its dot; empty when the URI is the prefix.
    /// A prefix overridden at run time is joined with this.
    pub suffix: UriTemplate,
    /// Procedure: CALL/INVOCATION payload. Topic: PUBLISH/EVENT payload.
    pub request: Payload,
    /// Procedure: RESULT/YIELD payload. Topic: the acknowledgement (normally `Void`).
    pub response: Payload,
    /// The errors a procedure declares it may raise (`raises`), in the order written;
    /// empty for topics.
    pub raises: Vec<RaisedError>,
    /// Which messages of a procedure's call are progressive (`stream`); `None` for topics.
    pub stream: Stream,
    /// The doc comment of the call.
    pub docs: Docs,
}

/// An error a procedure declares: the ERROR's URI and the table its args and kwargs carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaisedError {
    /// The error URI (the raised table's `wampuri`): absolute, without placeholders.
    pub uri: String,
    /// The ERROR payload.
    pub payload: Payload,
}

/// Which messages of a call carry a stream of items (`stream`, docs/wamp-idl.md §7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// One CALL, one RESULT.
    #[default]
    None,
    /// Progressive call invocations: every CALL carries an item of the request table.
    In,
    /// Progressive results: every RESULT carries an item of the response table.
    Out,
    /// Both: items of the request table in, items of the response table out.
    #[serde(rename = "inout")]
    InOut,
}

impl Stream {
    /// The `stream` attribute value that declares it (`""` for none).
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::None => "",
            Stream::In => "in",
            Stream::Out => "out",
            Stream::InOut => "inout",
        }
    }

    /// Whether the caller sends progressive call invocations.
    pub fn streams_in(self) -> bool {
        matches!(self, Stream::In | Stream::InOut)
    }

    /// Whether the callee sends progressive results.
    pub fn streams_out(self) -> bool {
        matches!(self, Stream::Out | Stream::InOut)
    }
}

/// Whether a method is a procedure or a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// Called with CALL, answered with RESULT.
    Procedure,
    /// Published with PUBLISH, delivered as EVENT.
    Topic,
}

/// How a table travels as a WAMP payload: positional args, then keyword args.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payload {
    /// The table.
    pub table: QualifiedName,
    /// Names of the fields that travel in `args`, in position order. Each is mandatory
    /// unless it carries the `optional` attribute (only trailing ones may).
    pub args: Vec<String>,
    /// Names of the fields that travel in `kwargs`, keyed by field name. All are optional.
    pub kwargs: Vec<String>,
}

impl Payload {
    /// No args and no kwargs (the table is empty, like `wamp.Void`).
    pub fn is_void(&self) -> bool {
        self.args.is_empty() && self.kwargs.is_empty()
    }
}

/// A URI that may contain placeholder components such as `<uuid:clock>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UriTemplate {
    /// The URI as written (after resolution against the prefix).
    pub text: String,
    /// The dot-separated components.
    pub components: Vec<UriComponent>,
}

impl UriTemplate {
    /// The placeholders, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &Placeholder> {
        self.components.iter().filter_map(|component| match component {
            UriComponent::Placeholder(placeholder) => Some(placeholder),
            UriComponent::Literal(_) => None,
        })
    }

    /// Whether any component is a placeholder (the URI is then a wildcard pattern).
    pub fn has_placeholders(&self) -> bool {
        self.placeholders().next().is_some()
    }
}

/// One dot-separated component of a URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UriComponent {
    /// A fixed component (may be empty in patterns).
    Literal(String),
    /// A `<type:name>` or `<name:type>` component, filled at run time.
    Placeholder(Placeholder),
}

/// A placeholder component of a URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// The parameter name (`clock` of `<uuid:clock>`).
    pub name: String,
    /// The value type.
    pub ty: PlaceholderType,
}

/// The value type of a URI placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderType {
    /// `str` / `string`: any URI component.
    String,
    /// `int`: a decimal integer.
    Integer,
    /// `uuid` (and the corpus' typo `uid`): a canonical UUID.
    Uuid,
}
