//! The `wamp` rules of one payload: its positional args and its keyword args, on both sides.

use super::{
    ARG_ADDED, ARG_INSERTED, ARG_MADE_MANDATORY, ARG_MOVED, ARG_REMOVED, ARG_REORDERED, ARG_RETYPED,
    KWARG_RENAMED, KWARG_RETYPED, RESULT_SHAPE_CHANGED,
};
use crate::breaking::{Finding, Rule};
use crate::locations::Item;
use crate::model::{DefaultValue, Field, Payload, Schema, Type};
use crate::wamp::counted;

/// One payload of a method on both sides, and words for messages.
pub(super) struct PayloadPair<'a> {
    pub old_schema: &'a Schema,
    pub new_schema: &'a Schema,
    pub old: &'a Payload,
    pub new: &'a Payload,
    /// What the payload is, for messages: "the call of procedure `get_time`".
    pub what: String,
    /// The method's path, for exceptions.
    pub path: String,
    /// Whether peers on the old schema receive this payload from peers on the new one (a
    /// procedure's result): receivers reject extra args and unknown kwargs (spec §4), so
    /// any addition breaks them.
    pub received_by_old: bool,
}

impl PayloadPair<'_> {
    /// Every finding about the payload: args, then their order, new args, kwargs, and
    /// what was added to a result.
    pub(super) fn compare(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        self.old_args(&mut findings);
        self.order(&mut findings);
        self.new_args(&mut findings);
        self.kwargs(&mut findings);
        if self.received_by_old {
            self.added_kwargs(&mut findings);
        }
        findings
    }

    fn old_field(&self, name: &str) -> Option<&Field> {
        self.old_schema
            .object(&self.old.table)
            .and_then(|object| object.field(name))
    }

    fn new_field(&self, name: &str) -> Option<&Field> {
        self.new_schema
            .object(&self.new.table)
            .and_then(|object| object.field(name))
    }

    /// A finding about the arg or kwarg `name`, placed at the fields `new` and `old` of
    /// each side's table (`None`: at the table itself).
    fn finding(
        &self,
        rule: Rule,
        name: &str,
        message: String,
        at: (Option<&str>, Option<&str>),
        note: String,
    ) -> Finding {
        let place = |payload: &Payload, field: Option<&str>| {
            Some(field.map_or_else(
                || Item::Declaration(payload.table.clone()),
                |field| Item::Field(payload.table.clone(), field.to_owned()),
            ))
        };
        Finding {
            rule,
            path: format!("{}.{name}", self.path),
            message,
            new: place(self.new, at.0),
            old: place(self.old, at.1),
            note,
        }
    }

    /// An old positional arg renamed in place: the same position on both sides, names
    /// the other side lacks, the same WAMP type. Peers see the same arg.
    fn renamed_in_place(&self, position: usize) -> bool {
        let (old, new) = (self.old, self.new);
        let (Some(old_name), Some(new_name)) = (old.args.get(position), new.args.get(position)) else {
            return false;
        };
        !new.args.contains(old_name)
            && !old.args.contains(new_name)
            && !new.kwargs.contains(old_name)
            && !old.kwargs.contains(new_name)
            && same_wamp_type(self.old_field(old_name), self.new_field(new_name))
    }

    /// Each old positional arg: kept (retyped? made mandatory?), moved to kwargs, or removed.
    fn old_args(&self, findings: &mut Vec<Finding>) {
        let (old, new, what) = (self.old, self.new, &self.what);
        for (position, name) in old.args.iter().enumerate() {
            let both = (Some(name.as_str()), Some(name.as_str()));
            if new.args.contains(name) {
                let (old_arg, new_arg) = (self.old_field(name), self.new_field(name));
                if !same_wamp_type(old_arg, new_arg) {
                    findings.push(self.finding(
                        ARG_RETYPED,
                        name,
                        format!(
                            "positional arg `{name}` of {what} is now `{}`, was `{}`",
                            type_text(new_arg),
                            type_text(old_arg)
                        ),
                        both,
                        format!("`{}` here", type_text(old_arg)),
                    ));
                }
                if old_arg.is_some_and(is_optional) && new_arg.is_some_and(|field| !is_optional(field)) {
                    findings.push(self.finding(
                        ARG_MADE_MANDATORY,
                        name,
                        format!(
                            "positional arg `{name}` of {what} is now mandatory: peers on the old schema may leave it out"
                        ),
                        both,
                        "optional here".to_owned(),
                    ));
                }
            } else if new.kwargs.contains(name) {
                findings.push(self.finding(
                    ARG_MOVED,
                    name,
                    format!(
                        "`{name}` of {what} is now a keyword arg, was positional arg {}",
                        position + 1
                    ),
                    both,
                    format!("positional arg {} here", position + 1),
                ));
            } else if !self.renamed_in_place(position) {
                findings.push(self.finding(
                    ARG_REMOVED,
                    name,
                    format!(
                        "positional arg {} `{name}` of {what} was removed: the args after it shift",
                        position + 1
                    ),
                    (None, Some(name)),
                    format!("positional arg {} here", position + 1),
                ));
            }
        }
    }

    /// Args kept on both sides whose order relative to each other changed (an insertion
    /// or removal shifts positions but is reported by its own rule).
    fn order(&self, findings: &mut Vec<Finding>) {
        let (old, new) = (self.old, self.new);
        let kept_old: Vec<&String> = old.args.iter().filter(|name| new.args.contains(name)).collect();
        let kept_new: Vec<&String> = new.args.iter().filter(|name| old.args.contains(name)).collect();
        for (index, name) in kept_new.iter().enumerate() {
            if kept_old.get(index) == Some(name) {
                continue;
            }
            let old_position = old.args.iter().position(|arg| arg == *name).unwrap_or_default() + 1;
            let new_position = new.args.iter().position(|arg| arg == *name).unwrap_or_default() + 1;
            findings.push(self.finding(
                ARG_REORDERED,
                name,
                format!(
                    "positional arg `{name}` of {} moved from position {old_position} to {new_position} \
                     relative to the others",
                    self.what
                ),
                (Some(name), Some(name)),
                format!("position {old_position} here"),
            ));
        }
    }

    /// Each new positional arg: from the kwargs, inserted before old ones, or appended.
    fn new_args(&self, findings: &mut Vec<Finding>) {
        let (old, new, what) = (self.old, self.new, &self.what);
        let old_args = counted(old.args.len(), "positional arg");
        for (position, name) in new.args.iter().enumerate() {
            if old.args.contains(name) || self.renamed_in_place(position) {
                continue;
            }
            if old.kwargs.contains(name) {
                findings.push(self.finding(
                    ARG_MOVED,
                    name,
                    format!(
                        "`{name}` of {what} is now positional arg {}, was a keyword arg",
                        position + 1
                    ),
                    (Some(name), Some(name)),
                    "a keyword arg here".to_owned(),
                ));
            } else if let Some(displaced) = old.args.get(position) {
                findings.push(self.finding(
                    ARG_INSERTED,
                    name,
                    format!(
                        "positional arg `{name}` of {what} is inserted at position {}, where `{displaced}` was: \
                         peers on the old schema send other values there",
                        position + 1
                    ),
                    (Some(name), Some(displaced)),
                    format!("`{displaced}` at position {} here", position + 1),
                ));
            } else if self.received_by_old {
                findings.push(self.finding(
                    RESULT_SHAPE_CHANGED,
                    name,
                    format!(
                        "positional arg `{name}` was added to {what}: callers on the old schema reject extra args"
                    ),
                    (Some(name), None),
                    format!("{old_args} here"),
                ));
            } else if self.new_field(name).is_some_and(|field| !is_optional(field)) {
                findings.push(self.finding(
                    ARG_ADDED,
                    name,
                    format!(
                        "mandatory positional arg `{name}` was added to {what}: peers on the old schema do not send it"
                    ),
                    (Some(name), None),
                    format!("{old_args} here"),
                ));
            }
        }
    }

    /// Each old kwarg: kept (retyped?), moved to the args (reported with them), or
    /// renamed (another kwarg in its field slot).
    fn kwargs(&self, findings: &mut Vec<Finding>) {
        let (old, new, what) = (self.old, self.new, &self.what);
        for name in &old.kwargs {
            if new.kwargs.contains(name) {
                let (old_kwarg, new_kwarg) = (self.old_field(name), self.new_field(name));
                if !same_wamp_type(old_kwarg, new_kwarg) {
                    findings.push(self.finding(
                        KWARG_RETYPED,
                        name,
                        format!(
                            "keyword arg `{name}` of {what} is now `{}`, was `{}`",
                            type_text(new_kwarg),
                            type_text(old_kwarg)
                        ),
                        (Some(name), Some(name)),
                        format!("`{}` here", type_text(old_kwarg)),
                    ));
                }
            } else if !new.args.contains(name)
                && let Some(successor) = self.kwarg_successor(name)
            {
                findings.push(self.finding(
                    KWARG_RENAMED,
                    name,
                    format!(
                        "keyword arg `{name}` of {what} is now called `{successor}`: peers on the old schema send `{name}`"
                    ),
                    (Some(successor), Some(name)),
                    format!("`{name}` here"),
                ));
            }
        }
    }

    /// The new kwarg, under a name the old payload lacks, in the field slot of the old kwarg `name`.
    fn kwarg_successor(&self, name: &str) -> Option<&String> {
        let id = self.old_field(name)?.id;
        self.new.kwargs.iter().find(|candidate| {
            !self.old.kwargs.contains(candidate)
                && self.new_field(candidate).is_some_and(|field| field.id == id)
        })
    }

    /// Kwargs new in a result, which callers on the old schema reject as unknown.
    fn added_kwargs(&self, findings: &mut Vec<Finding>) {
        let (old, new) = (self.old, self.new);
        let renamed: Vec<&String> = old
            .kwargs
            .iter()
            .filter_map(|name| self.kwarg_successor(name))
            .collect();
        for name in &new.kwargs {
            if old.kwargs.contains(name) || old.args.contains(name) || renamed.contains(&name) {
                continue;
            }
            findings.push(self.finding(
                RESULT_SHAPE_CHANGED,
                name,
                format!(
                    "keyword arg `{name}` was added to {}: callers on the old schema reject unknown kwargs",
                    self.what
                ),
                (Some(name), None),
                "the result had no such kwarg".to_owned(),
            ));
        }
    }
}

/// A positional arg that a sender may leave out (docs/wamp-idl.md §4).
fn is_optional(field: &Field) -> bool {
    field.attributes.contains_key("optional") || field.default == Some(DefaultValue::Null)
}

fn type_text(field: Option<&Field>) -> String {
    field.map_or_else(|| "?".to_owned(), |field| field.ty.to_string())
}

/// Whether two fields carry the same kind of WAMP value: an enum travels as its integer
/// and a table or struct as a dictionary, whatever their names.
fn same_wamp_type(old: Option<&Field>, new: Option<&Field>) -> bool {
    match (old, new) {
        (Some(old), Some(new)) => {
            old.carries_any_value() == new.carries_any_value() && wamp_type(&old.ty) == wamp_type(&new.ty)
        }
        _ => old.is_none() && new.is_none(),
    }
}

fn wamp_type(ty: &Type) -> String {
    match ty {
        Type::Scalar(scalar)
        | Type::Enum {
            underlying: scalar, ..
        } => scalar.fbs_name().to_owned(),
        Type::String => "string".to_owned(),
        Type::Vector(element) | Type::Vector64(element) | Type::Array { element, .. } => {
            format!("[{}]", wamp_type(element))
        }
        Type::Table(_) | Type::Struct(_) => "dict".to_owned(),
        Type::Union(_) => "union".to_owned(),
    }
}
