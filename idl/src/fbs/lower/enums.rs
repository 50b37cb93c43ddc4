//! Enums and unions: values (implicit, explicit, bit flags), union members, and the
//! order flatc stores them in.

use std::collections::HashMap;

use super::{LoweredEnum, Lowering, Resolved, TypeDeclaration, TypeKind, scalar_bits};
use crate::diagnostic::{Diagnostic, Span};
use crate::fbs::default;
use crate::fbs::literal::parse_integer;
use crate::fbs::syntax::{self, LiteralKind, QualifiedIdent};
use crate::locations::Item;
use crate::model::{Attributes, Enum, EnumValue, QualifiedName, Scalar};

impl Lowering<'_, '_, '_> {
    pub(super) fn lower_enums(&mut self) {
        self.enums = (0..self.types.len()).map(|_| None).collect();
        for index in 0..self.types.len() {
            let (name, namespace, order, syntax) = match &self.types[index] {
                TypeDeclaration {
                    name,
                    namespace,
                    order,
                    kind: TypeKind::Enum(syntax),
                } => (name.clone(), *namespace, *order, *syntax),
                TypeDeclaration { .. } => continue,
            };
            if let Some(lowered) = self.lower_enum(&name, syntax, namespace, order) {
                self.enums[index] = Some(LoweredEnum {
                    underlying: lowered.underlying,
                    bit_flags: lowered.is_bit_flags(),
                    values: lowered
                        .values
                        .iter()
                        .map(|value| (value.name.clone(), value.value))
                        .collect(),
                });
                self.schema.enums.push(lowered);
            }
        }
    }

    fn lower_enum(
        &mut self,
        name: &QualifiedName,
        syntax: &syntax::Enum,
        namespace: usize,
        order: usize,
    ) -> Option<Enum> {
        let item = Item::Declaration(name.clone());
        let attributes = self.attributes(&syntax.metadata, order, &item);
        let underlying = match &syntax.underlying {
            None => Scalar::UByte,
            Some(ident) => self.underlying_type(ident, namespace, order)?,
        };
        let bit_flags = attributes.contains_key("bit_flags");
        // flatc only warns about a signed `bit_flags` enum, and rejects a flag on its sign bit.
        let signed_flags = bit_flags
            && !matches!(
                underlying,
                Scalar::UByte | Scalar::UShort | Scalar::UInt | Scalar::ULong
            );
        if signed_flags {
            let span = syntax.underlying.as_ref().map_or(syntax.name, |ident| ident.span);
            self.diagnostics.warning(
                span,
                "a `bit_flags` enum should have an unsigned underlying type (ubyte, ushort, uint or ulong)",
            );
        }
        let mut values = Vec::with_capacity(syntax.values.len() + 1);
        if syntax.is_union {
            values.push(EnumValue {
                name: "NONE".to_owned(),
                value: 0,
                union_type: None,
                attributes: Attributes::new(),
                docs: Vec::new(),
            });
        }
        let mut names: HashMap<String, Span> = HashMap::new();
        let mut next: i128 = if syntax.is_union { 1 } else { 0 };
        for value in &syntax.values {
            let value_name = match &value.ty {
                Some(ty) if value.name == ty.span => ty
                    .parts
                    .iter()
                    .map(|part| self.text(*part))
                    .collect::<Vec<_>>()
                    .join("_"),
                _ => self.text(value.name).to_owned(),
            };
            let declared = match value.value {
                None => next,
                Some(literal) if literal.kind == LiteralKind::Integer => {
                    match parse_integer(self.text(literal.span)) {
                        Some(declared) => declared,
                        None => {
                            self.error(literal.span, "invalid integer");
                            continue;
                        }
                    }
                }
                Some(literal) => {
                    self.error(literal.span, "an enum value must be an integer constant");
                    continue;
                }
            };
            next = declared.saturating_add(1);
            let stored = if bit_flags {
                let bits = i128::from(scalar_bits(underlying));
                if declared < 0 || declared >= bits {
                    self.error(
                        value.name,
                        format!(
                            "bit flag `{value_name}` = {declared} is out of range: a bit position of `{}` is 0..={}",
                            underlying.fbs_name(),
                            bits - 1
                        ),
                    );
                    continue;
                }
                if signed_flags && declared == bits - 1 {
                    self.error(
                        value.name,
                        format!(
                            "bit flag `{value_name}` = {declared} is the sign bit of `{}`: use an unsigned \
                             underlying type",
                            underlying.fbs_name()
                        ),
                    );
                    continue;
                }
                // flatc stores the bit value, not the position.
                default::to_i64(1i128 << declared)
            } else {
                let (min, max) = default::integer_range(underlying);
                if declared < min || declared > max {
                    let shown = if value.value.is_some() {
                        declared.to_string()
                    } else {
                        format!("{declared} (previous value + 1)")
                    };
                    self.error(
                        value.name,
                        format!(
                            "{} `{value_name}` = {shown} does not fit in `{}` ({min}..={max})",
                            if syntax.is_union {
                                "union member"
                            } else {
                                "enum value"
                            },
                            underlying.fbs_name()
                        ),
                    );
                    continue;
                }
                default::to_i64(declared)
            };
            if value_name == "NONE" && syntax.is_union {
                self.error(value.name, "`NONE` is the implicit first member of every union");
                continue;
            }
            if let Some(first) = names.get(&value_name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        value.name,
                        format!("`{value_name}` is declared twice in `{name}`"),
                    )
                    .with_note(*first, "first declared here"),
                );
                continue;
            }
            names.insert(value_name.clone(), value.name);
            let union_type = match &value.ty {
                Some(ty) => match self.union_member_type(ty, namespace) {
                    Some(member) => Some(member),
                    None => continue,
                },
                None => None,
            };
            self.locations
                .insert(Item::EnumValue(name.clone(), value_name.clone()), value.name);
            values.push(EnumValue {
                name: value_name,
                value: stored,
                union_type,
                attributes: Attributes::new(),
                docs: self.docs(&value.docs),
            });
        }
        if !syntax.is_union {
            self.check_unique_values(&values, syntax, &names);
        }
        if values.is_empty() {
            // flatc 2.0.8 gives an empty enum the single value `NONE = 0`.
            values.push(EnumValue {
                name: "NONE".to_owned(),
                value: 0,
                union_type: None,
                attributes: Attributes::new(),
                docs: Vec::new(),
            });
        }
        // flatc stores values sorted by value (ulong ones as unsigned); the sort is stable
        // so union members of equal value keep their order.
        if underlying == Scalar::ULong {
            values.sort_by_key(|value| value.value.cast_unsigned());
        } else {
            values.sort_by_key(|value| value.value);
        }
        Some(Enum {
            name: name.clone(),
            is_union: syntax.is_union,
            underlying,
            values,
            attributes,
            docs: self.docs(&syntax.docs),
        })
    }

    /// An integer scalar, or (as flatc allows) an enum declared earlier, whose
    /// underlying type is then taken.
    fn underlying_type(&mut self, ident: &QualifiedIdent, namespace: usize, order: usize) -> Option<Scalar> {
        let text = self.joined(ident);
        let found = match Scalar::from_fbs_name(&text) {
            Some(scalar) => Some(scalar),
            None => self
                .lookup(&text, namespace)
                .filter(|index| {
                    self.types
                        .get(*index)
                        .is_some_and(|declared| declared.order < order)
                })
                .and_then(|index| self.enums.get(index)?.as_ref())
                .map(|enumeration| enumeration.underlying),
        };
        match found {
            Some(scalar) if scalar.is_integer() => Some(scalar),
            _ => {
                self.error(
                    ident.span,
                    format!(
                        "the underlying type of an enum must be an integer type (byte, ubyte, short, ushort, int, \
                         uint, long, ulong) or an enum declared before, found `{text}`"
                    ),
                );
                None
            }
        }
    }

    fn check_unique_values(
        &mut self,
        values: &[EnumValue],
        syntax: &syntax::Enum,
        names: &HashMap<String, Span>,
    ) {
        let mut seen: HashMap<i64, &str> = HashMap::new();
        for value in values {
            if let Some(first) = seen.insert(value.value, &value.name) {
                let span = names.get(&value.name).copied().unwrap_or(syntax.name);
                let first_span = names.get(first).copied();
                self.diagnostics.push(
                    Diagnostic::error(
                        span,
                        format!(
                            "enum values `{first}` and `{}` are both {}",
                            value.name, value.value
                        ),
                    )
                    .with_note(first_span, "the first is declared here"),
                );
            }
        }
    }

    fn union_member_type(&mut self, ty: &QualifiedIdent, namespace: usize) -> Option<QualifiedName> {
        match self.resolve(ty, namespace)? {
            Resolved::Declared(index) if self.is_struct(index).is_some() => {
                Some(self.types[index].name.clone())
            }
            _ => {
                let name = self.joined(ty);
                self.error(ty.span, format!("union member `{name}` must be a table"));
                None
            }
        }
    }
}
