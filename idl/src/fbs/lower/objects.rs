//! Tables and structs: field types and where each may appear, field ids, defaults and
//! presence.

use std::collections::HashMap;

use super::{Lowering, Resolved, TypeDeclaration, TypeKind, scalar_bits, text_of};
use crate::diagnostic::{Diagnostic, Span};
use crate::fbs::default::{self, EnumInfo, Target};
use crate::fbs::literal::parse_integer;
use crate::fbs::syntax::{self, LiteralKind, QualifiedIdent, TypeExpr};
use crate::locations::Item;
use crate::model::{Attributes, DefaultValue, Field, Object, Presence, QualifiedName, Type};

impl Lowering<'_, '_, '_> {
    pub(super) fn lower_objects(&mut self) {
        for index in 0..self.types.len() {
            let (name, namespace, order, syntax) = match &self.types[index] {
                TypeDeclaration {
                    name,
                    namespace,
                    order,
                    kind: TypeKind::Object(syntax),
                } => (name.clone(), *namespace, *order, *syntax),
                TypeDeclaration { .. } => continue,
            };
            let object = self.lower_object(name, syntax, namespace, order);
            self.schema.objects.push(object);
        }
    }

    fn lower_object(
        &mut self,
        name: QualifiedName,
        syntax: &syntax::Object,
        namespace: usize,
        order: usize,
    ) -> Object {
        let item = Item::Declaration(name.clone());
        let attributes = self.attributes(&syntax.metadata, order, &item);
        if syntax.is_struct && syntax.fields.is_empty() {
            self.error(
                syntax.name,
                "a struct needs at least one field (flatc rejects size 0 structs)",
            );
        }
        let mut fields = Vec::with_capacity(syntax.fields.len());
        let mut names: HashMap<&str, Span> = HashMap::new();
        let mut key_field: Option<Span> = None;
        for field in &syntax.fields {
            let field_name = self.text(field.name);
            if let Some(first) = names.get(field_name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        field.name,
                        format!("field `{field_name}` is declared twice in `{name}`"),
                    )
                    .with_note(*first, "first declared here"),
                );
                continue;
            }
            names.insert(field_name, field.name);
            self.check_field_name_is_not_a_type(field, order, namespace);
            let field_item = Item::Field(name.clone(), field_name.to_owned());
            self.locations.insert(field_item.clone(), field.name);
            let field_attributes = self.attributes(&field.metadata, order, &field_item);
            let Some(ty) = self.field_type(field, syntax.is_struct, namespace, order, &field_attributes)
            else {
                continue;
            };
            if field_attributes.contains_key("key") {
                if let Some(first) = key_field {
                    self.diagnostics.push(
                        Diagnostic::error(field.name, "only one field may be the `key`")
                            .with_note(first, "the key is already this field"),
                    );
                }
                key_field.get_or_insert(field.name);
            }
            self.check_field_attributes(field, &ty, syntax.is_struct, &field_attributes, namespace);
            let (default, presence) =
                self.presence(field, &ty, syntax.is_struct, &field_attributes, namespace);
            fields.push(Field {
                name: field_name.to_owned(),
                id: 0,
                deprecated: field_attributes.contains_key("deprecated"),
                key: field_attributes.contains_key("key"),
                ty,
                default,
                presence,
                attributes: field_attributes,
                docs: self.docs(&field.docs),
            });
        }
        self.check_union_companions(&fields, syntax);
        if syntax.is_struct {
            for (index, field) in fields.iter_mut().enumerate() {
                field.id = u16::try_from(index).unwrap_or(u16::MAX);
            }
            let alignment = self.struct_alignment(&fields, syntax);
            self.struct_alignments.insert(name.clone(), alignment);
        } else {
            self.assign_ids(&mut fields, syntax);
            fields.sort_by_key(|field| field.id);
        }
        Object {
            name,
            is_struct: syntax.is_struct,
            fields,
            attributes,
            docs: self.docs(&syntax.docs),
        }
    }

    /// flatc 2.0.8 rejects a field named like a table or struct it already knows when
    /// parsing the field (resolved like a type name from the field's namespace).
    fn check_field_name_is_not_a_type(&mut self, field: &syntax::Field, order: usize, namespace: usize) {
        let name = self.text(field.name);
        let Some(index) = self.lookup(name, namespace) else {
            return;
        };
        let declaration = &self.types[index];
        if let TypeKind::Object(object) = declaration.kind
            && declaration.order <= order
        {
            let what = if object.is_struct { "struct" } else { "table" };
            let message = format!(
                "field `{name}` has the name of {what} `{}` (flatc rejects that)",
                declaration.name
            );
            self.diagnostics.push(
                Diagnostic::error(field.name, message).with_note(object.name, format!("the {what} is here")),
            );
        }
    }

    /// A struct's alignment: its largest field's, or its `force_align`, which flatc
    /// accepts only as a power of two from that natural alignment up to 32.
    fn struct_alignment(&mut self, fields: &[Field], syntax: &syntax::Object) -> u32 {
        let natural = fields
            .iter()
            .map(|field| self.alignment(&field.ty))
            .max()
            .unwrap_or(1);
        let Some(attribute) = syntax
            .metadata
            .iter()
            .find(|attribute| self.text(attribute.key) == "force_align")
        else {
            return natural;
        };
        let text = attribute.value.map_or("", |value| self.text(value.span));
        match parse_integer(text).and_then(|value| u32::try_from(value).ok()) {
            Some(forced) if forced.is_power_of_two() && (natural..=32).contains(&forced) => forced,
            _ => {
                let span = attribute.value.map_or(attribute.key, |value| value.span);
                self.error(
                    span,
                    format!(
                        "`force_align` must be a power of two from the struct's natural alignment {natural} \
                         up to 32, found `{text}`"
                    ),
                );
                natural
            }
        }
    }

    fn alignment(&self, ty: &Type) -> u32 {
        match ty {
            Type::Scalar(scalar)
            | Type::Enum {
                underlying: scalar, ..
            } => scalar_bits(*scalar) / 8,
            Type::Struct(name) => self.struct_alignments.get(name).copied().unwrap_or(1),
            Type::Array { element, .. } => self.alignment(element),
            _ => 1,
        }
    }

    /// The model type of a field, with the checks on where each type may appear.
    fn field_type(
        &mut self,
        field: &syntax::Field,
        in_struct: bool,
        namespace: usize,
        order: usize,
        attributes: &Attributes,
    ) -> Option<Type> {
        let (element, wrapper) = match &field.ty {
            TypeExpr::Named(ident) => (ident, None),
            TypeExpr::Vector { element, .. } => (element, Some(None)),
            TypeExpr::Array { element, length, .. } => (element, Some(Some(*length))),
        };
        let element_type = self.element_type(element, namespace, order)?;
        let struct_error = "structs may contain only scalars, enums, structs and fixed-size arrays of them";
        if in_struct && let Type::Struct(name) = &element_type {
            let declared = self
                .type_index
                .get(name.as_str())
                .and_then(|index| self.types.get(*index));
            // flatc 2.0.8 lays a struct out while parsing it, so a nested struct must be
            // complete: declared earlier. (It lets a struct contain itself, with a broken
            // layout; that is rejected here.)
            let message = match declared.map(|declared| declared.order) {
                Some(declared) if declared == order => Some(format!("struct `{name}` cannot contain itself")),
                Some(declared) if declared > order => Some(format!(
                    "struct `{name}` must be declared before a struct that contains it (flatc 2.0.8 requires it)"
                )),
                _ => None,
            };
            if let Some(message) = message {
                self.error(element.span, message);
                return None;
            }
        }
        let ty = match wrapper {
            None => {
                if in_struct && !is_struct_member(&element_type) {
                    self.error(field.ty.span(), struct_error);
                    return None;
                }
                element_type
            }
            Some(None) => {
                if in_struct {
                    self.error(field.ty.span(), struct_error);
                    return None;
                }
                if attributes.contains_key("vector64") {
                    Type::Vector64(Box::new(element_type))
                } else {
                    Type::Vector(Box::new(element_type))
                }
            }
            Some(Some(length)) => {
                if !in_struct {
                    self.error(
                        field.ty.span(),
                        "a fixed-size array must be in a struct, not in a table",
                    );
                    return None;
                }
                if !is_struct_member(&element_type) {
                    self.error(element.span, "array elements must be scalars, enums or structs");
                    return None;
                }
                let text = self.text(length.span);
                let length = match (length.kind, parse_integer(text)) {
                    (LiteralKind::Integer, Some(value)) => {
                        u16::try_from(value).ok().filter(|length| *length > 0)
                    }
                    _ => None,
                };
                let Some(length) = length else {
                    self.error(
                        field.ty.span(),
                        format!("array length `{text}` must be an integer in 1..=65535"),
                    );
                    return None;
                };
                Type::Array {
                    element: Box::new(element_type),
                    length,
                }
            }
        };
        Some(ty)
    }

    /// A type name as a field (or element) type.
    fn element_type(&mut self, ident: &QualifiedIdent, namespace: usize, order: usize) -> Option<Type> {
        let index = match self.resolve(ident, namespace)? {
            Resolved::Scalar(scalar) => return Some(Type::Scalar(scalar)),
            Resolved::String => return Some(Type::String),
            Resolved::Declared(index) => index,
        };
        let declaration = &self.types[index];
        let name = declaration.name.clone();
        let declared_before = declaration.order < order;
        match declaration.kind {
            TypeKind::Object(object) if !object.is_struct => Some(Type::Table(name)),
            TypeKind::Object(_) => Some(Type::Struct(name)),
            TypeKind::Enum(enumeration) => {
                if !declared_before {
                    let what = if enumeration.is_union { "union" } else { "enum" };
                    self.error(
                        ident.span,
                        format!(
                            "{what} `{name}` is used before its declaration (flatc requires enums and unions \
                             to be declared first)"
                        ),
                    );
                    return None;
                }
                if enumeration.is_union {
                    return Some(Type::Union(name));
                }
                let underlying = self.enums.get(index)?.as_ref()?.underlying;
                Some(Type::Enum { name, underlying })
            }
        }
    }

    /// Default value and presence, per the canonical forms of `crate::model`: struct
    /// fields are `Required` without default; table scalars have a default (`Null` and
    /// `Optional` if declared `= null`); other table fields are `Optional` unless
    /// `required`, or `key` (flatc makes a non-scalar key required).
    fn presence(
        &mut self,
        field: &syntax::Field,
        ty: &Type,
        in_struct: bool,
        attributes: &Attributes,
        namespace: usize,
    ) -> (Option<DefaultValue>, Presence) {
        if in_struct {
            if let Some(literal) = field.default {
                self.error(literal.span, "struct fields cannot have a default value");
            } else if matches!(ty, Type::Enum { .. }) {
                // flatc checks the implicit 0 of an enum field in a struct too.
                self.scalar_default(field, ty, namespace);
            }
            return (None, Presence::Required);
        }
        if !ty.is_scalar() {
            if let Some(literal) = field.default {
                self.error(
                    literal.span,
                    "only scalar fields can have a default value (flatc 2.0.8 supports none for strings, \
                     vectors, tables, structs and unions)",
                );
            }
            let required = attributes.contains_key("required") || attributes.contains_key("key");
            return (
                None,
                if required {
                    Presence::Required
                } else {
                    Presence::Optional
                },
            );
        }
        match self.scalar_default(field, ty, namespace) {
            Some(DefaultValue::Null) => (Some(DefaultValue::Null), Presence::Optional),
            Some(value) => (Some(value), Presence::Default),
            None => (Some(DefaultValue::Integer(0)), Presence::Default),
        }
    }

    fn scalar_default(&mut self, field: &syntax::Field, ty: &Type, namespace: usize) -> Option<DefaultValue> {
        let (scalar, enum_index) = match ty {
            Type::Scalar(scalar) => (*scalar, None),
            Type::Enum { name, .. } => {
                let index = *self.type_index.get(name.as_str())?;
                (self.enums.get(index)?.as_ref()?.underlying, Some(index))
            }
            _ => return None,
        };
        let enumeration = enum_index.and_then(|index| self.enum_info(index));
        let target = Target { scalar, enumeration };
        let lookup = |enum_name: &str| {
            self.lookup(enum_name, namespace)
                .and_then(|index| self.enum_info(index))
        };
        let result = match field.default {
            Some(literal) => default::evaluate(&target, literal.kind, self.text(literal.span), &lookup),
            None => default::implicit(&target),
        };
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                let span = field.default.map_or(field.name, |literal| literal.span);
                let field_name = self.text(field.name);
                self.error(
                    span,
                    format!("invalid default of field `{field_name}`: {message}"),
                );
                None
            }
        }
    }

    fn enum_info(&self, index: usize) -> Option<EnumInfo<'_>> {
        let lowered = self.enums.get(index)?.as_ref()?;
        Some(EnumInfo {
            name: self.types.get(index)?.name.as_str(),
            underlying: lowered.underlying,
            bit_flags: lowered.bit_flags,
            values: &lowered.values,
        })
    }

    /// flatc adds a hidden `<name>_type` field before each union (or vector of unions)
    /// field; a declared field of that name collides with it.
    fn check_union_companions(&mut self, fields: &[Field], syntax: &syntax::Object) {
        for field in fields.iter().filter(|field| is_union_field(&field.ty)) {
            let companion = format!("{}_type", field.name);
            if let Some(clash) = syntax
                .fields
                .iter()
                .find(|declared| self.text(declared.name) == companion)
            {
                self.error(
                    clash.name,
                    format!(
                        "field `{companion}` collides with the hidden type field of union field `{}`",
                        field.name
                    ),
                );
            }
        }
    }

    /// Table field ids: declaration order, or every field's `id` attribute. A union
    /// field takes two ids: its hidden `_type` field gets the one before its own.
    fn assign_ids(&mut self, fields: &mut [Field], syntax: &syntax::Object) {
        let explicit = fields
            .iter()
            .filter(|field| field.attributes.contains_key("id"))
            .count();
        if explicit == 0 {
            let mut next: u32 = 0;
            for field in fields.iter_mut() {
                if is_union_field(&field.ty) {
                    next += 1;
                }
                field.id = u16::try_from(next).unwrap_or(u16::MAX);
                next += 1;
            }
            return;
        }
        let sources = self.sources;
        let name_span = |field: &Field| {
            syntax
                .fields
                .iter()
                .find(|declared| text_of(sources, declared.name) == field.name)
                .map_or(syntax.name, |declared| declared.name)
        };
        if explicit != fields.len() {
            if let Some(field) = fields.iter().find(|field| !field.attributes.contains_key("id")) {
                let span = name_span(field);
                self.error(
                    span,
                    format!(
                        "field `{}` has no `id`: either all fields or none must have one",
                        field.name
                    ),
                );
            }
            return;
        }
        let mut taken: Vec<(u32, usize)> = Vec::with_capacity(fields.len() * 2);
        for (index, field) in fields.iter_mut().enumerate() {
            let text = field.attributes.get("id").map_or("", String::as_str);
            let Some(id) = parse_integer(text.trim()).and_then(|id| u16::try_from(id).ok()) else {
                let span = name_span(field);
                self.error(
                    span,
                    format!(
                        "the `id` of field `{}` must be an integer in 0..=65535, found `{text}`",
                        field.name
                    ),
                );
                return;
            };
            if is_union_field(&field.ty) {
                if id == 0 {
                    let span = name_span(field);
                    self.error(
                        span,
                        format!(
                            "union field `{}` needs an id of at least 1: its hidden `{}_type` field takes the id before",
                            field.name, field.name
                        ),
                    );
                    return;
                }
                taken.push((u32::from(id) - 1, index));
            }
            taken.push((u32::from(id), index));
            field.id = id;
        }
        taken.sort_unstable();
        for (expected, (id, index)) in (0u32..).zip(&taken) {
            if *id != expected {
                let field = &fields[*index];
                let span = name_span(field);
                self.error(
                    span,
                    format!("field ids must be consecutive from 0: id {expected} is missing or used twice (field `{}` has id {})", field.name, field.id),
                );
                return;
            }
        }
    }
}

/// Scalars, enums and structs: what a struct field or an array element may be.
fn is_struct_member(ty: &Type) -> bool {
    matches!(ty, Type::Scalar(_) | Type::Enum { .. } | Type::Struct(_))
}

fn is_union_field(ty: &Type) -> bool {
    match ty {
        Type::Union(_) => true,
        Type::Vector(element) | Type::Vector64(element) => matches!(**element, Type::Union(_)),
        _ => false,
    }
}
