//! The `wire` category: FlatBuffers binary compatibility.
//!
//! Everything `flatc --conform` checks (for tables and structs of the same name, a field
//! keeps its id, default and type; enum values keep their numbers and enums their
//! underlying type), and what it does not: fields removed without `deprecated`, ids
//! reused by another field, `required` added, struct layouts, unions, kinds, the root
//! type and the file identifier.

use super::{Category, Finding, Rule, member_path};
use crate::locations::Item;
use crate::model::{DefaultValue, Enum, Field, Object, Presence, QualifiedName, Scalar, Schema, Type};

const fn rule(name: &'static str) -> Rule {
    Rule::new(Category::Wire, name)
}

/// A field of the same name has another id (vtable slot).
pub const FIELD_ID_CHANGED: Rule = rule("field-id-changed");
/// A scalar field of the same name has another default.
pub const FIELD_DEFAULT_CHANGED: Rule = rule("field-default-changed");
/// A field of the same name has another type (other than a scalar width or sign).
pub const FIELD_TYPE_CHANGED: Rule = rule("field-type-changed");
/// A scalar (or an enum's underlying type) changed its size.
pub const SCALAR_WIDTH_CHANGED: Rule = rule("scalar-width-changed");
/// An integer (or an enum's underlying type) changed between signed and unsigned.
pub const SCALAR_SIGNEDNESS_CHANGED: Rule = rule("scalar-signedness-changed");
/// A table field was removed instead of being marked `deprecated`.
pub const FIELD_REMOVED: Rule = rule("field-removed");
/// A field took the id of a removed or deprecated field.
pub const FIELD_ID_REUSED: Rule = rule("field-id-reused");
/// A field became `required`, or a new field is `required`.
pub const REQUIRED_ADDED: Rule = rule("required-added");
/// An enum value was removed.
pub const ENUM_VALUE_REMOVED: Rule = rule("enum-value-removed");
/// An enum value has another number.
pub const ENUM_VALUE_RENUMBERED: Rule = rule("enum-value-renumbered");
/// A union member was removed.
pub const UNION_MEMBER_REMOVED: Rule = rule("union-member-removed");
/// A union member has another type tag (members reordered or inserted).
pub const UNION_MEMBER_REORDERED: Rule = rule("union-member-reordered");
/// A struct's fields changed in number, order or type.
pub const STRUCT_LAYOUT_CHANGED: Rule = rule("struct-layout-changed");
/// A table became a struct, an enum a union, or back.
pub const KIND_CHANGED: Rule = rule("kind-changed");
/// The `root_type` changed or was removed.
pub const ROOT_TYPE_CHANGED: Rule = rule("root-type-changed");
/// The `file_identifier` changed or was removed.
pub const FILE_IDENTIFIER_CHANGED: Rule = rule("file-identifier-changed");

/// Every rule of the category, in the order of docs/breaking.md.
pub const RULES: &[Rule] = &[
    FIELD_ID_CHANGED,
    FIELD_DEFAULT_CHANGED,
    FIELD_TYPE_CHANGED,
    SCALAR_WIDTH_CHANGED,
    SCALAR_SIGNEDNESS_CHANGED,
    FIELD_REMOVED,
    FIELD_ID_REUSED,
    REQUIRED_ADDED,
    ENUM_VALUE_REMOVED,
    ENUM_VALUE_RENUMBERED,
    UNION_MEMBER_REMOVED,
    UNION_MEMBER_REORDERED,
    STRUCT_LAYOUT_CHANGED,
    KIND_CHANGED,
    ROOT_TYPE_CHANGED,
    FILE_IDENTIFIER_CHANGED,
];

pub(super) fn compare(old: &Schema, new: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    for old_object in &old.objects {
        let Some(new_object) = new.object(&old_object.name) else {
            continue;
        };
        if old_object.is_struct != new_object.is_struct {
            findings.push(kind_changed(
                &old_object.name,
                object_kind(old_object),
                object_kind(new_object),
            ));
        } else if old_object.is_struct {
            findings.extend(struct_layout(old_object, new_object));
        } else {
            table_fields(old_object, new_object, &mut findings);
        }
    }
    for old_enum in &old.enums {
        let Some(new_enum) = new.enumeration(&old_enum.name) else {
            continue;
        };
        if old_enum.is_union != new_enum.is_union {
            findings.push(kind_changed(
                &old_enum.name,
                enum_kind(old_enum),
                enum_kind(new_enum),
            ));
        } else if old_enum.is_union {
            union_members(old_enum, new_enum, &mut findings);
        } else {
            enum_values(old_enum, new_enum, &mut findings);
        }
    }
    file_level(old, new, &mut findings);
    findings
}

fn object_kind(object: &Object) -> &'static str {
    if object.is_struct { "struct" } else { "table" }
}

fn enum_kind(enumeration: &Enum) -> &'static str {
    if enumeration.is_union { "union" } else { "enum" }
}

fn kind_changed(name: &QualifiedName, old_kind: &str, new_kind: &str) -> Finding {
    let item = Item::Declaration(name.clone());
    Finding {
        rule: KIND_CHANGED,
        path: name.to_string(),
        message: format!("`{name}` is now a {new_kind}, no longer a {old_kind}: their encodings differ"),
        new: Some(item.clone()),
        old: Some(item),
        note: format!("a {old_kind} here"),
    }
}

fn table_fields(old: &Object, new: &Object, findings: &mut Vec<Finding>) {
    let owner = &old.name;
    let field_item = |name: &str| Item::Field(owner.clone(), name.to_owned());
    for old_field in &old.fields {
        let path = member_path(owner, &old_field.name);
        let old_item = Some(field_item(&old_field.name));
        let Some(new_field) = new.field(&old_field.name) else {
            removed_field(old, new, old_field, findings);
            continue;
        };
        let at_new = Some(field_item(&new_field.name));
        let finding = |rule, message: String, note: String| Finding {
            rule,
            path: path.clone(),
            message,
            new: at_new.clone(),
            old: old_item.clone(),
            note,
        };
        if old_field.id != new_field.id {
            findings.push(finding(
                FIELD_ID_CHANGED,
                format!(
                    "field `{path}` moved from id {} to id {}: old buffers store it in another slot",
                    old_field.id, new_field.id
                ),
                format!("id {} here", old_field.id),
            ));
        }
        if let Some((rule, message)) = type_change(&path, &old_field.ty, &new_field.ty) {
            findings.push(finding(rule, message, format!("`{}` here", old_field.ty)));
        } else if !same_default(old_field.default, new_field.default) {
            findings.push(finding(
                FIELD_DEFAULT_CHANGED,
                format!(
                    "field `{path}` has the default {}, no longer {}: absent values now read differently",
                    default_text(new_field.default),
                    default_text(old_field.default)
                ),
                format!("default {} here", default_text(old_field.default)),
            ));
        }
        if old_field.presence != Presence::Required && new_field.presence == Presence::Required {
            findings.push(finding(
                REQUIRED_ADDED,
                format!("field `{path}` is now `required`: buffers written without it are rejected"),
                "optional here".to_owned(),
            ));
        }
    }
    for new_field in &new.fields {
        if old.field(&new_field.name).is_none() && new_field.presence == Presence::Required {
            let path = member_path(owner, &new_field.name);
            findings.push(Finding {
                rule: REQUIRED_ADDED,
                path: path.clone(),
                message: format!(
                    "new field `{path}` is `required`: buffers written with the old schema lack it"
                ),
                new: Some(field_item(&new_field.name)),
                old: Some(Item::Declaration(owner.clone())),
                note: "the table had no such field".to_owned(),
            });
        }
    }
}

/// A field of the old table that the new one has not under its name: renamed (another
/// name in the same slot, same type), its id reused, or removed.
fn removed_field(old: &Object, new: &Object, old_field: &Field, findings: &mut Vec<Finding>) {
    let owner = &old.name;
    let path = member_path(owner, &old_field.name);
    let old_item = Some(Item::Field(owner.clone(), old_field.name.clone()));
    match new.fields.iter().find(|field| field.id == old_field.id) {
        Some(successor) if successor.ty == old_field.ty && !old_field.deprecated => {}
        Some(successor) => findings.push(Finding {
            rule: FIELD_ID_REUSED,
            path,
            message: format!(
                "field `{}` reuses id {} of {} field `{}`: old buffers hold a `{}` there",
                member_path(owner, &successor.name),
                successor.id,
                if old_field.deprecated {
                    "deprecated"
                } else {
                    "removed"
                },
                old_field.name,
                old_field.ty
            ),
            new: Some(Item::Field(owner.clone(), successor.name.clone())),
            old: old_item,
            note: format!(
                "`{}: {}` had id {} here",
                old_field.name, old_field.ty, old_field.id
            ),
        }),
        None if old_field.deprecated => {}
        None => findings.push(Finding {
            rule: FIELD_REMOVED,
            path: path.clone(),
            message: format!(
                "field `{path}` was removed: mark it `deprecated` instead, so that its id stays reserved"
            ),
            new: Some(Item::Declaration(owner.clone())),
            old: old_item,
            note: "declared here".to_owned(),
        }),
    }
}

/// The rule and message for a changed type; `None` when the type is the same.
fn type_change(path: &str, old: &Type, new: &Type) -> Option<(Rule, String)> {
    if old == new {
        return None;
    }
    let scalars = (underlying_scalar(old), underlying_scalar(new));
    if let (Some(old_scalar), Some(new_scalar)) = scalars {
        if width(old_scalar) != width(new_scalar) {
            return Some((
                SCALAR_WIDTH_CHANGED,
                format!(
                    "`{path}` changed from `{old}` ({} bytes) to `{new}` ({} bytes): old buffers are misread",
                    width(old_scalar),
                    width(new_scalar)
                ),
            ));
        }
        if old_scalar.is_integer() && new_scalar.is_integer() && old_scalar != new_scalar {
            return Some((
                SCALAR_SIGNEDNESS_CHANGED,
                format!("`{path}` changed from `{old}` to `{new}`: values past the sign bit are misread"),
            ));
        }
        if old_scalar == new_scalar {
            // An enum and its underlying integer, or two enums over the same integer:
            // the same bytes; the values' meaning is the enum rules' concern.
            return None;
        }
    }
    Some((
        FIELD_TYPE_CHANGED,
        format!("`{path}` changed type from `{old}` to `{new}`: old buffers are misread"),
    ))
}

fn underlying_scalar(ty: &Type) -> Option<Scalar> {
    match ty {
        Type::Scalar(scalar)
        | Type::Enum {
            underlying: scalar, ..
        } => Some(*scalar),
        _ => None,
    }
}

/// The size of a scalar in bytes.
fn width(scalar: Scalar) -> u8 {
    match scalar {
        Scalar::Bool | Scalar::Byte | Scalar::UByte => 1,
        Scalar::Short | Scalar::UShort => 2,
        Scalar::Int | Scalar::UInt | Scalar::Float => 4,
        Scalar::Long | Scalar::ULong | Scalar::Double => 8,
    }
}

/// Defaults compared as flatc stores them: floats by bits, so that `nan` equals itself.
fn same_default(old: Option<DefaultValue>, new: Option<DefaultValue>) -> bool {
    match (old, new) {
        (Some(DefaultValue::Float(old)), Some(DefaultValue::Float(new))) => old.to_bits() == new.to_bits(),
        _ => old == new,
    }
}

fn default_text(default: Option<DefaultValue>) -> String {
    match default {
        None => "none".to_owned(),
        Some(DefaultValue::Null) => "`null`".to_owned(),
        Some(DefaultValue::Integer(value)) => format!("`{value}`"),
        Some(DefaultValue::Float(value)) => format!("`{value:?}`"),
    }
}

/// A struct is inline bytes: any change of its fields' number, order or types moves
/// the bytes (names do not matter).
fn struct_layout(old: &Object, new: &Object) -> Option<Finding> {
    let differs_at = (0..old.fields.len().max(new.fields.len())).find(|&index| {
        old.fields.get(index).map(|field| &field.ty) != new.fields.get(index).map(|field| &field.ty)
    })?;
    let name = &old.name;
    let describe = |field: Option<&Field>| {
        field.map_or_else(
            || "no field".to_owned(),
            |field| format!("`{}: {}`", field.name, field.ty),
        )
    };
    let old_field = old.fields.get(differs_at);
    let new_field = new.fields.get(differs_at);
    Some(Finding {
        rule: STRUCT_LAYOUT_CHANGED,
        path: name.to_string(),
        message: format!(
            "the layout of struct `{name}` changed: field {} is {}, was {}",
            differs_at + 1,
            describe(new_field),
            describe(old_field)
        ),
        new: Some(new_field.map_or_else(
            || Item::Declaration(name.clone()),
            |field| Item::Field(name.clone(), field.name.clone()),
        )),
        old: Some(old_field.map_or_else(
            || Item::Declaration(name.clone()),
            |field| Item::Field(name.clone(), field.name.clone()),
        )),
        note: format!("{} here", describe(old_field)),
    })
}

fn enum_values(old: &Enum, new: &Enum, findings: &mut Vec<Finding>) {
    let name = &old.name;
    if let Some((rule, message)) = type_change(
        name.as_str(),
        &Type::Scalar(old.underlying),
        &Type::Scalar(new.underlying),
    ) {
        let item = Item::Declaration(name.clone());
        findings.push(Finding {
            rule,
            path: name.to_string(),
            message: format!("the underlying type of enum {message}"),
            new: Some(item.clone()),
            old: Some(item),
            note: format!("`{}` here", old.underlying.fbs_name()),
        });
    }
    for old_value in &old.values {
        let path = member_path(name, &old_value.name);
        let old_item = Some(Item::EnumValue(name.clone(), old_value.name.clone()));
        match new.values.iter().find(|value| value.name == old_value.name) {
            Some(new_value) if new_value.value != old_value.value => findings.push(Finding {
                rule: ENUM_VALUE_RENUMBERED,
                path,
                message: format!(
                    "enum value `{}.{}` is now {}, was {}: stored numbers change meaning",
                    name, old_value.name, new_value.value, old_value.value
                ),
                new: Some(Item::EnumValue(name.clone(), new_value.name.clone())),
                old: old_item,
                note: format!("{} here", old_value.value),
            }),
            Some(_) => {}
            // Another name for the same number is a rename: the bytes are the same.
            None if new.values.iter().any(|value| value.value == old_value.value) => {}
            None => findings.push(Finding {
                rule: ENUM_VALUE_REMOVED,
                path,
                message: format!(
                    "enum value `{}.{}` ({}) was removed: stored values of it no longer read",
                    name, old_value.name, old_value.value
                ),
                new: Some(Item::Declaration(name.clone())),
                old: old_item,
                note: "declared here".to_owned(),
            }),
        }
    }
}

fn union_members(old: &Enum, new: &Enum, findings: &mut Vec<Finding>) {
    let name = &old.name;
    for old_member in old.values.iter().filter(|member| member.union_type.is_some()) {
        let path = member_path(name, &old_member.name);
        let old_item = Some(Item::EnumValue(name.clone(), old_member.name.clone()));
        let found = new
            .values
            .iter()
            .find(|member| member.union_type.is_some() && member.union_type == old_member.union_type);
        match found {
            Some(new_member) if new_member.value != old_member.value => findings.push(Finding {
                rule: UNION_MEMBER_REORDERED,
                path,
                message: format!(
                    "union member `{}.{}` now has type tag {}, was {}: stored unions read as another member",
                    name, new_member.name, new_member.value, old_member.value
                ),
                new: Some(Item::EnumValue(name.clone(), new_member.name.clone())),
                old: old_item,
                note: format!("tag {} here", old_member.value),
            }),
            Some(_) => {}
            None => findings.push(Finding {
                rule: UNION_MEMBER_REMOVED,
                path,
                message: format!(
                    "union member `{}.{}` was removed: stored unions holding it no longer read",
                    name, old_member.name
                ),
                new: Some(Item::Declaration(name.clone())),
                old: old_item,
                note: "declared here".to_owned(),
            }),
        }
    }
}

fn file_level(old: &Schema, new: &Schema, findings: &mut Vec<Finding>) {
    if let Some(old_root) = &old.root_table
        && new.root_table.as_ref() != Some(old_root)
    {
        let now = new
            .root_table
            .as_ref()
            .map_or_else(|| "removed".to_owned(), |root| format!("now `{root}`"));
        findings.push(Finding {
            rule: ROOT_TYPE_CHANGED,
            path: old_root.to_string(),
            message: format!(
                "the `root_type` was `{old_root}`, {now}: old buffers are read as another table"
            ),
            new: new.root_table.clone().map(Item::Declaration),
            old: Some(Item::Declaration(old_root.clone())),
            note: "the old root table".to_owned(),
        });
    }
    if let Some(old_identifier) = &old.file_identifier
        && new.file_identifier.as_ref() != Some(old_identifier)
    {
        let now = new.file_identifier.as_ref().map_or_else(
            || "removed".to_owned(),
            |identifier| format!("now \"{identifier}\""),
        );
        findings.push(Finding {
            rule: FILE_IDENTIFIER_CHANGED,
            path: "file_identifier".to_owned(),
            message: format!(
                "the `file_identifier` was \"{old_identifier}\", {now}: readers checking it reject old buffers"
            ),
            new: new.root_table.clone().map(Item::Declaration),
            old: old.root_table.clone().map(Item::Declaration),
            note: "the old root table".to_owned(),
        });
    }
}
