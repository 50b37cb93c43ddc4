//! Attributes (metadata): which are known without a declaration, how flatc stores their
//! values, and the checks flatc makes on the built-in field attributes.

use super::{Lowering, text_of};
use crate::diagnostic::Span;
use crate::fbs::lexer::unescape;
use crate::fbs::literal::parse_integer;
use crate::fbs::syntax::{self, LiteralKind};
use crate::locations::Item;
use crate::model::{Attributes, Scalar, Type};

/// Attributes flatc 2.0.8 knows without an `attribute` declaration, plus `vector64` and
/// `offset64` of later flatc versions (the model has 64-bit vectors).
const BUILT_IN_ATTRIBUTES: [&str; 27] = [
    "bit_flags",
    "cpp_ptr_type",
    "cpp_ptr_type_get",
    "cpp_str_flex_ctor",
    "cpp_str_type",
    "cpp_type",
    "csharp_partial",
    "deprecated",
    "flexbuffer",
    "force_align",
    "hash",
    "id",
    "idempotent",
    "key",
    "native_custom_alloc",
    "native_default",
    "native_inline",
    "native_type",
    "native_type_pack_name",
    "nested_flatbuffer",
    "offset64",
    "original_order",
    "private",
    "required",
    "shared",
    "streaming",
    "vector64",
];

impl<'s> Lowering<'s, '_, '_> {
    /// Checks and converts a metadata list, recording spans under `owner`.
    ///
    /// flatc stores a string value unescaped, an integer value as its decimal text
    /// (`0x20` becomes `"32"`, `+3` becomes `"3"`) after checking it fits 32 bits, and no
    /// value as `"0"`; it rejects floats and bare words. A key given twice keeps its
    /// first value. An attribute must be declared before the declaration using it.
    pub(super) fn attributes(
        &mut self,
        metadata: &[syntax::Attribute],
        order: usize,
        owner: &Item,
    ) -> Attributes {
        let mut attributes = Attributes::new();
        for attribute in metadata {
            let key_text = self.text(attribute.key);
            let key = match key_text.as_bytes().first() {
                Some(b'"' | b'\'') => unescape(key_text).into_owned(),
                _ => key_text.to_owned(),
            };
            let declared = BUILT_IN_ATTRIBUTES.contains(&key.as_str())
                || self
                    .attributes
                    .get(key.as_str())
                    .is_some_and(|&declared| declared < order);
            if !declared {
                let message = if self.attributes.contains_key(key.as_str()) {
                    format!(
                        "attribute `{key}` is used before its declaration (flatc requires it declared first)"
                    )
                } else {
                    format!(
                        "unknown attribute `{key}` (declare it with `attribute \"{key}\";` before its first use)"
                    )
                };
                self.error(attribute.key, message);
            }
            let value = match attribute.value {
                None => "0".to_owned(),
                Some(literal) => {
                    let text = self.text(literal.span);
                    match literal.kind {
                        LiteralKind::String => unescape(text).into_owned(),
                        LiteralKind::Integer => match parse_integer(text).map(i32::try_from) {
                            Some(Ok(value)) => value.to_string(),
                            _ => {
                                self.error(
                                    literal.span,
                                    format!("attribute value `{text}` does not fit in a 32-bit integer"),
                                );
                                continue;
                            }
                        },
                        LiteralKind::Float | LiteralKind::Identifier => {
                            self.error(
                                literal.span,
                                format!(
                                    "attribute value `{text}` must be a string or an integer (quote it: `\"{text}\"`)"
                                ),
                            );
                            continue;
                        }
                    }
                }
            };
            if attributes.contains_key(&key) {
                continue;
            }
            let span = attribute.value.map_or(attribute.key, |value| value.span);
            self.locations
                .insert(Item::Attribute(Box::new(owner.clone()), key.clone()), span);
            attributes.insert(key, value);
        }
        attributes
    }

    /// The checks flatc makes on built-in field attributes.
    pub(super) fn check_field_attributes(
        &mut self,
        field: &syntax::Field,
        ty: &Type,
        in_struct: bool,
        attributes: &Attributes,
        namespace: usize,
    ) {
        let sources = self.sources;
        let span_of = |key: &str| {
            field
                .metadata
                .iter()
                .find(|attribute| text_of(sources, attribute.key).trim_matches(['"', '\'']) == key)
                .map_or(field.name, |attribute| attribute.key)
        };
        if attributes.contains_key("required") && (in_struct || ty.is_scalar()) {
            let span = span_of("required");
            self.error(span, "only non-scalar fields of tables may be `required`");
        }
        if in_struct && attributes.contains_key("deprecated") {
            let span = span_of("deprecated");
            self.error(span, "struct fields cannot be `deprecated`");
        }
        if attributes.contains_key("key") && !(ty.is_scalar() || *ty == Type::String) {
            let span = span_of("key");
            self.error(span, "a `key` field must be a string or a scalar");
        }
        if attributes.contains_key("flexbuffer") && *ty != Type::Vector(Box::new(Type::Scalar(Scalar::UByte)))
        {
            let span = span_of("flexbuffer");
            self.error(span, "`flexbuffer` applies only to a `[ubyte]` field");
        }
        if let Some(algorithm) = attributes.get("hash") {
            self.check_hash(ty, algorithm, span_of("hash"));
        }
        if let Some(table) = attributes.get("nested_flatbuffer") {
            let span = span_of("nested_flatbuffer");
            if *ty != Type::Vector(Box::new(Type::Scalar(Scalar::UByte))) {
                self.error(span, "`nested_flatbuffer` applies only to a `[ubyte]` field");
            }
            let found = self
                .lookup(table, namespace)
                .and_then(|index| self.is_struct(index));
            if found != Some(false) {
                self.error(
                    span,
                    format!("`nested_flatbuffer` must name a table, `{table}` is not one"),
                );
            }
        }
    }

    /// `hash` turns a string into an integer field; flatc knows these algorithms.
    fn check_hash(&mut self, ty: &Type, algorithm: &str, span: Span) {
        let scalar = match ty {
            Type::Scalar(scalar) => *scalar,
            Type::Vector(element) => match **element {
                Type::Scalar(scalar) => scalar,
                _ => Scalar::Bool,
            },
            _ => Scalar::Bool,
        };
        let algorithms: &[&str] = match scalar {
            Scalar::Short | Scalar::UShort => &["fnv1_16", "fnv1a_16"],
            Scalar::Int | Scalar::UInt => &["fnv1_32", "fnv1a_32"],
            Scalar::Long | Scalar::ULong => &["fnv1_64", "fnv1a_64"],
            _ => {
                self.error(span, "only short, ushort, int, uint, long and ulong fields (or vectors of them) support `hash`");
                return;
            }
        };
        if !algorithms.contains(&algorithm) {
            self.error(
                span,
                format!(
                    "unknown hash algorithm `{algorithm}` for `{}` (expected one of: {})",
                    scalar.fbs_name(),
                    algorithms.join(", ")
                ),
            );
        }
    }
}
