//! Example payloads: plausible values for every field, written as the JSON serializer sends them.
//!
//! The values follow the payload mapping of the spec: integers for enums and `wampid`s,
//! URIs for `wampuri` fields, nanosecond integers for timestamps, dicts for nested
//! tables and structs, one-key dicts for unions, and bytes in the JSON form
//! (`"\u0000"` + base64), all per `docs/wamp-idl.md` §5.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use wamp_idl::Schema;
use wamp_idl::model::{
    self, Attributes, PlaceholderType, QualifiedName, Scalar, Type, UriComponent, UriTemplate,
};

/// Width beyond which an example is broken over several lines.
const LINE_WIDTH: usize = 72;

/// An example value in the JSON data model, dict keys in field order.
#[derive(Debug, Clone)]
pub(crate) enum Example {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
    /// Bytes: a string of `\u0000` and base64 in JSON.
    Bytes(Vec<u8>),
    List(Vec<Example>),
    Dict(Vec<(String, Example)>),
}

/// An example WAMP ID (IDs are integers in [1, 2^53]).
/// The most items an example shows of a fixed-size array: structs may nest arrays of up
/// to 65535 items each, and an example of their full size would be unreadable and could
/// exhaust memory.
const MAX_ARRAY_ITEMS: usize = 16;

const EXAMPLE_ID: i64 = 1234;
/// An example timestamp: 2025-11-21T00:00:00Z in nanoseconds since the epoch.
const EXAMPLE_TIMESTAMP: i64 = 1_763_683_200_000_000_000;
const EXAMPLE_URI: &str = "com.example.uri";
const EXAMPLE_UUID: [u8; 16] = [
    0x6f, 0x1a, 0xd0, 0xe4, 0x2a, 0x8c, 0x4c, 0x52, 0x9d, 0x7e, 0x3b, 0x8f, 0x2c, 0x1a, 0x9e, 0x57,
];

/// Builds example values from the type definitions of one schema.
pub(crate) struct ExampleBuilder<'a> {
    schema: &'a Schema,
    /// Tables and structs being expanded, so that a recursive type ends in an empty dict.
    expanding: BTreeSet<&'a QualifiedName>,
}

impl<'a> ExampleBuilder<'a> {
    pub(crate) fn new(schema: &'a Schema) -> ExampleBuilder<'a> {
        ExampleBuilder {
            schema,
            expanding: BTreeSet::new(),
        }
    }

    /// An example value of a field of type `ty` carrying `attributes`.
    pub(crate) fn field(&mut self, ty: &'a Type, attributes: &Attributes) -> Example {
        match ty {
            _ if model::carries_any_value(ty, attributes) => Example::Dict(Vec::new()),
            Type::Vector(element) | Type::Vector64(element) => match **element {
                Type::Scalar(Scalar::UByte) => Example::Bytes(example_bytes(attributes)),
                ref element => Example::List(vec![self.field(element, attributes)]),
            },
            Type::Array { element, length } => {
                let item = self.field(element, attributes);
                Example::List(vec![item; usize::from(*length).min(MAX_ARRAY_ITEMS)])
            }
            Type::Scalar(scalar) => example_scalar(*scalar, attributes),
            Type::String => example_string(attributes),
            Type::Enum { name, .. } => Example::Integer(
                self.schema
                    .enumeration(name)
                    .and_then(|enumeration| enumeration.values.first())
                    .map_or(0, |value| value.value),
            ),
            Type::Table(name) | Type::Struct(name) => self.object(name),
            Type::Union(name) => self.union(name),
        }
    }

    /// A dict with every field of a table or struct, keyed by field name in field order.
    pub(crate) fn object(&mut self, name: &'a QualifiedName) -> Example {
        let Some(object) = self.schema.object(name) else {
            return Example::Dict(Vec::new());
        };
        if !self.expanding.insert(name) {
            return Example::Dict(Vec::new());
        }
        let entries = object
            .fields
            .iter()
            .filter(|field| !field.deprecated)
            .map(|field| (field.name.clone(), self.field(&field.ty, &field.attributes)))
            .collect();
        self.expanding.remove(name);
        Example::Dict(entries)
    }

    /// A union travels as a dict with one key, the member's name, here its first member.
    pub(crate) fn union(&mut self, name: &'a QualifiedName) -> Example {
        let member = self.schema.enumeration(name).and_then(|union| {
            union
                .values
                .iter()
                .find_map(|value| value.union_type.as_ref().map(|table| (&value.name, table)))
        });
        match member {
            Some((member, table)) => Example::Dict(vec![(member.clone(), self.object(table))]),
            None => Example::Null,
        }
    }
}

fn example_scalar(scalar: Scalar, attributes: &Attributes) -> Example {
    if attributes.contains_key("wampid") || attributes.contains_key("wid") {
        Example::Integer(EXAMPLE_ID)
    } else if attributes.contains_key("timestamp") {
        Example::Integer(EXAMPLE_TIMESTAMP)
    } else {
        match scalar {
            Scalar::Bool => Example::Bool(true),
            Scalar::Float | Scalar::Double => Example::Float(1.5),
            Scalar::Byte | Scalar::UByte => Example::Integer(7),
            Scalar::Short | Scalar::UShort | Scalar::Int | Scalar::UInt | Scalar::Long | Scalar::ULong => {
                Example::Integer(42)
            }
        }
    }
}

fn example_string(attributes: &Attributes) -> Example {
    let has = |key: &str| attributes.contains_key(key);
    let text = if [
        "wampuri",
        "wampuri_s",
        "wampuri_p",
        "wampuri_sp",
        "wampuri_pp",
        "wampuri_spp",
        "wrn",
    ]
    .iter()
    .any(|key| has(key))
    {
        EXAMPLE_URI.to_owned()
    } else if has("wampname") || has("wampname_s") {
        "example".to_owned()
    } else if has("uuid") {
        uuid_text(&EXAMPLE_UUID)
    } else if has("ethadr") {
        format!("0x{}", hex(&sequence(20)))
    } else if has("url") {
        "https://example.com/".to_owned()
    } else {
        "text".to_owned()
    };
    Example::String(text)
}

/// Bytes of a plausible length for what the attributes say the bytes hold.
fn example_bytes(attributes: &Attributes) -> Vec<u8> {
    let has = |key: &str| attributes.contains_key(key);
    if has("uuid") {
        EXAMPLE_UUID.to_vec()
    } else if has("ethadr") {
        sequence(20)
    } else if has("ethsig") {
        sequence(65)
    } else if has("ethhash") || has("ethval") || has("ethblock") {
        sequence(32)
    } else {
        sequence(4)
    }
}

fn sequence(length: u8) -> Vec<u8> {
    (0..length).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

fn uuid_text(bytes: &[u8; 16]) -> String {
    let text = hex(bytes);
    let (a, rest) = text.split_at(8);
    let (b, rest) = rest.split_at(4);
    let (c, rest) = rest.split_at(4);
    let (d, e) = rest.split_at(4);
    format!("{a}-{b}-{c}-{d}-{e}")
}

/// A concrete URI for a template: every placeholder replaced by an example of its type.
pub(crate) fn concrete_uri(uri: &UriTemplate) -> String {
    let components = uri.components.iter().map(|component| match component {
        UriComponent::Literal(text) => text.clone(),
        UriComponent::Placeholder(placeholder) => match placeholder.ty {
            PlaceholderType::String => placeholder.name.clone(),
            PlaceholderType::Integer => "42".to_owned(),
            PlaceholderType::Uuid => uuid_text(&EXAMPLE_UUID),
        },
    });
    components.collect::<Vec<_>>().join(".")
}

/// Standard base64 with padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (index, byte)| {
            group | u32::from(*byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (group >> (18 - 6 * index)) & 0x3f;
                text.push(char::from(ALPHABET[sextet as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// A WAMP message in JSON: on one line when it fits; else the header (message type,
/// request id, options, URI) on one line and each payload part below it.
pub(crate) fn message_json(header: Vec<Example>, payload: Vec<Example>) -> String {
    let header = header
        .iter()
        .map(Example::to_compact_json)
        .collect::<Vec<_>>()
        .join(", ");
    let payload_compact = payload.iter().map(Example::to_compact_json).collect::<Vec<_>>();
    let one_line = std::iter::once(header.clone())
        .chain(payload_compact)
        .collect::<Vec<_>>();
    let one_line = format!("[{}]", one_line.join(", "));
    if one_line.len() <= LINE_WIDTH {
        return one_line;
    }
    let mut text = format!("[\n  {header}");
    for part in &payload {
        text.push_str(",\n  ");
        part.write_json(2, &mut text);
    }
    text.push_str("\n]");
    text
}

impl Example {
    /// JSON text: on one line when it fits, else one element per line, indented.
    pub(crate) fn to_json(&self) -> String {
        let mut text = String::new();
        self.write_json(0, &mut text);
        text
    }

    fn write_json(&self, indent: usize, out: &mut String) {
        let compact = self.to_compact_json();
        let children = match self {
            Example::List(items) if indent + compact.len() > LINE_WIDTH && !items.is_empty() => {
                items.iter().map(|item| (None, item)).collect::<Vec<_>>()
            }
            Example::Dict(entries) if indent + compact.len() > LINE_WIDTH && !entries.is_empty() => {
                entries.iter().map(|(key, value)| (Some(key), value)).collect()
            }
            _ => {
                out.push_str(&compact);
                return;
            }
        };
        let (open, close) = if matches!(self, Example::List(_)) {
            ('[', ']')
        } else {
            ('{', '}')
        };
        out.push(open);
        let last = children.len() - 1;
        for (index, (key, value)) in children.into_iter().enumerate() {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent + 2));
            if let Some(key) = key {
                out.push_str(&json_string(key));
                out.push_str(": ");
            }
            value.write_json(indent + 2, out);
            if index != last {
                out.push(',');
            }
        }
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent));
        out.push(close);
    }

    fn to_compact_json(&self) -> String {
        match self {
            Example::Null => "null".to_owned(),
            Example::Bool(value) => value.to_string(),
            Example::Integer(value) => value.to_string(),
            Example::Float(value) => serde_json::Value::from(*value).to_string(),
            Example::String(text) => json_string(text),
            Example::Bytes(bytes) => json_string(&format!("\0{}", base64(bytes))),
            Example::List(items) => {
                let items = items.iter().map(Example::to_compact_json).collect::<Vec<_>>();
                format!("[{}]", items.join(", "))
            }
            Example::Dict(entries) => {
                let entries = entries
                    .iter()
                    .map(|(key, value)| format!("{}: {}", json_string(key), value.to_compact_json()))
                    .collect::<Vec<_>>();
                format!("{{{}}}", entries.join(", "))
            }
        }
    }
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in vectors {
            assert_eq!(base64(input.as_bytes()), expected, "base64 of {input:?}");
        }
    }

    #[test]
    fn long_messages_keep_their_header_on_one_line() {
        let header = vec![Example::Integer(16), Example::String("com.example.topic".into())];
        let args = Example::List(vec![Example::String("x".repeat(70)), Example::Integer(1)]);
        let expected = format!(
            "[\n  16, \"com.example.topic\",\n  [\n    \"{}\",\n    1\n  ]\n]",
            "x".repeat(70)
        );
        assert_eq!(message_json(header.clone(), vec![args]), expected);
        assert_eq!(message_json(header, Vec::new()), r#"[16, "com.example.topic"]"#);
    }

    #[test]
    fn bytes_travel_as_nul_and_base64() {
        assert_eq!(Example::Bytes(vec![0, 1, 2, 3]).to_json(), r#""\u0000AAECAw==""#);
    }

    #[test]
    fn long_values_break_over_lines_short_ones_do_not() {
        let short = Example::List(vec![Example::Integer(1), Example::String("a".into())]);
        assert_eq!(short.to_json(), r#"[1, "a"]"#);
        let long = Example::Dict(vec![
            ("first".into(), Example::String("x".repeat(60))),
            ("second".into(), Example::List(vec![Example::Integer(1)])),
        ]);
        let expected = format!("{{\n  \"first\": \"{}\",\n  \"second\": [1]\n}}", "x".repeat(60));
        assert_eq!(long.to_json(), expected);
    }
}
