//! The wire's value model: what WAMP args and kwargs are made of, whatever the serializer.

use std::collections::BTreeMap;

/// Keyword arguments: a dict keyed by name.
pub type Dict = BTreeMap<String, Value>;

/// Positional arguments.
pub type List = Vec<Value>;

/// A value as it travels in WAMP args and kwargs.
///
/// Integers keep their full range: WAMP ids fit in 53 bits, but schema fields may be
/// any 64-bit integer, signed or not.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Integer(i128),
    Float(f64),
    String(String),
    Bytes(Vec<u8>),
    List(List),
    Dict(Dict),
}

impl Value {
    /// A short name of the value's kind, for error messages (`"string"`, `"list"`...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
        }
    }
}
