//! Tables as WAMP payloads: the args/kwargs layout, and the checks of table and field attributes.
//!
//! Rules in docs/wamp-idl.md §2.3, §2.4 and §4.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::locations::{Item, Locations};
use crate::model::{Field, Object, Payload};

/// Table `type` tags seen in real schemas: Autobahn's catalog, then Crossbar's validation slots.
const TABLE_TYPES: [&str; 12] = [
    "request",
    "result",
    "error",
    "progressive-request",
    "progressive-result",
    "multi-result",
    "call",
    "call_result",
    "call_progress",
    "call_result_progress",
    "call_error",
    "event",
];

/// 2022 spellings of field attributes, with today's spelling.
const OLD_FIELD_ATTRIBUTES: [(&str, &str); 2] = [("wid", "wampid"), ("wrn", "wampuri")];

/// How a table travels: non-deprecated fields in id order, `kwarg` ones by name, the rest by position.
pub(crate) fn layout(table: &Object) -> Payload {
    let (kwargs, args): (Vec<&Field>, Vec<&Field>) =
        travelling_fields(table).partition(|field| is_kwarg(field));
    let names = |fields: Vec<&Field>| fields.into_iter().map(|field| field.name.clone()).collect();
    Payload {
        table: table.name.clone(),
        args: names(args),
        kwargs: names(kwargs),
    }
}

fn travelling_fields(table: &Object) -> impl Iterator<Item = &Field> {
    table.fields.iter().filter(|field| !field.deprecated)
}

fn is_kwarg(field: &Field) -> bool {
    field.attributes.contains_key("kwarg")
}

/// Checks the WAMP attributes of a table and its fields (every table, used as a payload or not).
pub(crate) fn check(table: &Object, locations: &Locations, diagnostics: &mut Diagnostics) {
    let declaration = Item::Declaration(table.name.clone());
    if let Some(tag) = table.attributes.get("type")
        && !TABLE_TYPES.contains(&tag.as_str())
    {
        let span = locations.span(&attribute(declaration, "type"));
        diagnostics.warning(
            span,
            format!("table `{}` has an unknown `type:` value \"{tag}\"", table.name),
        );
    }
    if table.is_struct {
        return;
    }
    for field in &table.fields {
        if is_kwarg(field) && field.attributes.contains_key("arg") {
            let item = Item::Field(table.name.clone(), field.name.clone());
            diagnostics.error(
                locations.span(&attribute(item, "kwarg")),
                format!(
                    "field `{}.{}` is marked both `arg` and `kwarg`",
                    table.name, field.name
                ),
            );
        }
    }
    for (old, new) in OLD_FIELD_ATTRIBUTES {
        report_old_spelling(table, old, new, locations, diagnostics);
    }
    check_order(table, locations, diagnostics);
    check_optional(table, locations, diagnostics);
}

/// `optional` positional fields must be trailing (a receiver could not tell which one was
/// left out otherwise); on a keyword field the attribute says nothing.
fn check_optional(table: &Object, locations: &Locations, diagnostics: &mut Diagnostics) {
    let mut first_optional = None;
    for field in travelling_fields(table) {
        let optional = field.attributes.contains_key("optional");
        let item = || Item::Field(table.name.clone(), field.name.clone());
        if is_kwarg(field) {
            if optional {
                diagnostics.warning(
                    locations.span(&attribute(item(), "optional")),
                    format!(
                        "`optional` has no effect on keyword field `{}.{}`: keyword arguments are always optional",
                        table.name, field.name
                    ),
                );
            }
        } else if optional {
            first_optional = first_optional.or(Some(field));
        } else if let Some(earlier) = first_optional {
            diagnostics.error(
                locations.span(&item()),
                format!(
                    "positional field `{}.{}` follows the `optional` positional field `{}` and must be \
                     `optional` too: only trailing positional arguments may be left out",
                    table.name, field.name, earlier.name
                ),
            );
        }
    }
}

/// Warns once per table and old spelling, at the first field that uses it.
fn report_old_spelling(
    table: &Object,
    old: &str,
    new: &str,
    locations: &Locations,
    diagnostics: &mut Diagnostics,
) {
    let users = table
        .fields
        .iter()
        .filter(|field| field.attributes.contains_key(old))
        .collect::<Vec<_>>();
    let Some(first) = users.first() else {
        return;
    };
    let names = users
        .iter()
        .map(|field| format!("`{}`", field.name))
        .collect::<Vec<_>>()
        .join(", ");
    let item = Item::Field(table.name.clone(), first.name.clone());
    diagnostics.warning(
        locations.span(&attribute(item, old)),
        format!(
            "`{old}` is the 2022 spelling of `{new}` (table `{}`, fields {names}); write `{new}`",
            table.name
        ),
    );
}

/// Warns once per table about positional fields declared after a keyword field.
fn check_order(table: &Object, locations: &Locations, diagnostics: &mut Diagnostics) {
    let mut fields = travelling_fields(table);
    let Some(first_kwarg) = fields.by_ref().find(|field| is_kwarg(field)) else {
        return;
    };
    let late_positional = fields.filter(|field| !is_kwarg(field)).collect::<Vec<_>>();
    let Some(first_late) = late_positional.first() else {
        return;
    };
    let args = layout(table).args.join(", ");
    diagnostics.push(
        Diagnostic::warning(
            locations.span(&Item::Field(table.name.clone(), first_late.name.clone())),
            format!(
                "positional field `{}.{}` follows keyword field `{}`",
                table.name, first_late.name, first_kwarg.name
            ),
        )
        .with_note(
            None,
            format!(
                "{} positional field(s) come after a `kwarg` field; args stay in declaration order: [{args}]",
                late_positional.len()
            ),
        ),
    );
}

fn attribute(owner: Item, key: &str) -> Item {
    Item::Attribute(Box::new(owner), key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use crate::model::{Attributes, Presence, QualifiedName, Scalar, Type};

    /// A table from `name: attr attr` specs; `deprecated` marks a deprecated field.
    fn table(specs: &[&str]) -> Object {
        let fields = specs
            .iter()
            .zip(0u16..)
            .map(|(spec, id)| {
                let (name, attributes) = spec.split_once(':').unwrap_or((spec, ""));
                let attributes = attributes.split_whitespace().collect::<Vec<_>>();
                Field {
                    name: name.to_owned(),
                    id,
                    ty: Type::Scalar(Scalar::UInt),
                    default: None,
                    presence: Presence::Default,
                    deprecated: attributes.contains(&"deprecated"),
                    key: false,
                    attributes: attributes
                        .iter()
                        .filter(|key| **key != "deprecated")
                        .map(|key| ((*key).to_owned(), "0".to_owned()))
                        .collect(),
                    docs: Vec::new(),
                }
            })
            .collect();
        Object {
            name: QualifiedName("t.T".to_owned()),
            is_struct: false,
            fields,
            attributes: Attributes::new(),
            docs: Vec::new(),
        }
    }

    /// Expects the layout as `args | kwargs` and the diagnostics as `severity: message` lines.
    fn check_table(specs: &[&str], expected_layout: &str, expected_diagnostics: &[&str]) {
        let table = table(specs);
        let payload = layout(&table);
        assert_eq!(
            format!("{} | {}", payload.args.join(" "), payload.kwargs.join(" ")),
            expected_layout
        );
        let mut diagnostics = Diagnostics::default();
        check(&table, &Locations::default(), &mut diagnostics);
        let actual = diagnostics
            .iter()
            .map(|diagnostic| {
                let word = if diagnostic.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                format!("{word}: {}", diagnostic.message)
            })
            .collect::<Vec<_>>();
        assert_eq!(actual, expected_diagnostics);
    }

    #[test]
    fn layouts() {
        check_table(&[], " | ", &[]);
        check_table(&["a", "b:arg", "c:kwarg"], "a b | c", &[]);
        check_table(&["a:kwarg timestamp", "b:kwarg"], " | a b", &[]);
        check_table(
            &["a", "b:deprecated", "c:kwarg deprecated", "d:kwarg"],
            "a | d",
            &[],
        );
    }

    #[test]
    fn positional_after_keyword_travels_as_declared_with_one_warning() {
        check_table(
            &["a:kwarg", "b", "c:kwarg", "d:arg"],
            "b d | a c",
            &["warning: positional field `t.T.b` follows keyword field `a`"],
        );
        check_table(&["a:kwarg", "b:deprecated"], " | a", &[]);
    }

    #[test]
    fn arg_and_kwarg_together_is_an_error() {
        check_table(
            &["a:arg kwarg"],
            " | a",
            &["error: field `t.T.a` is marked both `arg` and `kwarg`"],
        );
    }

    #[test]
    fn optional_positional_fields_are_trailing() {
        check_table(
            &["a", "b:optional", "c:arg optional", "d:kwarg"],
            "a b c | d",
            &[],
        );
        check_table(
            &["a:optional", "b", "c:deprecated", "d:kwarg optional"],
            "a b | d",
            &[
                "error: positional field `t.T.b` follows the `optional` positional field `a` and must be \
                 `optional` too: only trailing positional arguments may be left out",
                "warning: `optional` has no effect on keyword field `t.T.d`: keyword arguments are always optional",
            ],
        );
    }

    #[test]
    fn old_spellings_warn() {
        check_table(
            &["id:arg wid", "uri:kwarg wrn", "id2:kwarg wrn"],
            "id | uri id2",
            &[
                "warning: `wid` is the 2022 spelling of `wampid` (table `t.T`, fields `id`); write `wampid`",
                "warning: `wrn` is the 2022 spelling of `wampuri` (table `t.T`, fields `uri`, `id2`); write `wampuri`",
            ],
        );
    }

    #[test]
    fn table_type_tags() {
        for (tag, expected) in [
            ("request", None),
            ("call_result_progress", None),
            ("event", None),
            (
                "reqeust",
                Some("warning: table `t.T` has an unknown `type:` value \"reqeust\""),
            ),
        ] {
            let mut tagged = table(&[]);
            tagged.attributes.insert("type".to_owned(), tag.to_owned());
            let mut diagnostics = Diagnostics::default();
            check(&tagged, &Locations::default(), &mut diagnostics);
            let actual = diagnostics
                .iter()
                .map(|diagnostic| format!("warning: {}", diagnostic.message))
                .next();
            assert_eq!(actual.as_deref(), expected, "tag {tag}");
        }
    }
}
