//! What the derives' expansions call, and nothing else does: the strict readers of tables,
//! structs, enums and unions from values and payloads, and the writers of their dicts and
//! payloads. Public only through the hidden `__private` module; the traits users implement and
//! call are in `convert`.

use crate::data::convert::{FromValue, IntoValue, UnknownEnumValue, unexpected};
use crate::data::payload::Payload;
use crate::data::value::{Dict, List, Value};
use crate::data::view::{FieldLookup, ListIter, ListRef, ValueRef};
use crate::error::PayloadError;

/// Reads an enum's or flags' underlying integer and converts it with `TryFrom`.
#[doc(hidden)]
pub fn enum_from_value<I, E>(value: ValueRef<'_>) -> Result<E, PayloadError>
where
    I: FromValue,
    E: TryFrom<I, Error = UnknownEnumValue>,
{
    Ok(E::try_from(I::from_value(value)?)?)
}

/// Splits a union's value, a dict with exactly one key (the member's name), into the
/// member name and the member's value.
#[doc(hidden)]
pub fn union_from_value<'a>(
    value: ValueRef<'a>,
    union_name: &str,
) -> Result<(&'a str, ValueRef<'a>), PayloadError> {
    let dict = value
        .as_dict()
        .ok_or_else(|| unexpected(&format!("union {union_name} (a dict of one member)"), value))?;
    let length = dict.len();
    match (dict.iter().next(), length) {
        (Some(member), 1) => Ok(member),
        _ => Err(PayloadError::new(
            "",
            format!("expected union {union_name} as a dict of exactly one member, got {length} keys"),
        )),
    }
}

/// The error for a union member name the union does not declare.
#[doc(hidden)]
pub fn unknown_union_member(member: &str, union_name: &str) -> PayloadError {
    PayloadError::new("", format!("unknown member of union {union_name}")).in_field(member)
}

/// Reads the value of the union member `member`; errors have the member's name in their
/// path.
#[doc(hidden)]
pub fn union_member<T: FromValue>(value: ValueRef<'_>, member: &str) -> Result<T, PayloadError> {
    T::from_value(value).map_err(|error| error.in_field(member))
}

/// Writes a union member as a dict with the member's name as its only key.
#[doc(hidden)]
pub fn union_into_value(member: &str, value: impl IntoValue) -> Value {
    Value::Dict(Dict::from([(member.to_owned(), value.into_value())]))
}

/// Reads the fields of a table or struct from a dict keyed by field name, or of a struct
/// sent as a list in field order.
#[derive(Debug)]
#[doc(hidden)]
pub struct DictReader<'a> {
    fields: Fields<'a>,
}

#[derive(Debug)]
enum Fields<'a> {
    Keyed(FieldLookup<'a>),
    /// A struct's values in the order of its field names.
    Positional(ListRef<'a>, &'a [&'a str]),
}

impl<'a> DictReader<'a> {
    /// Accepts any dict; `type_name` names the table in errors.
    ///
    /// Keys that are not fields of the table are ignored: routers send dicts with more
    /// keys than a schema can list, and add keys over time (spec §5).
    pub fn new(value: ValueRef<'a>, type_name: &str) -> Result<DictReader<'a>, PayloadError> {
        let dict = value
            .as_dict()
            .ok_or_else(|| unexpected(&format!("{type_name} (a dict)"), value))?;
        Ok(DictReader {
            fields: Fields::Keyed(FieldLookup::new(dict)),
        })
    }

    #[inline]
    fn get(&mut self, name: &str) -> Option<ValueRef<'a>> {
        match &mut self.fields {
            Fields::Keyed(fields) => fields.get(name),
            Fields::Positional(items, names) => {
                let position = names.iter().position(|field| *field == name)?;
                items.get(position)
            }
        }
    }

    /// A field that may be absent: a missing key and `null` both give `None`.
    pub fn optional<T: FromValue>(&mut self, name: &str) -> Result<Option<T>, PayloadError> {
        match self.get(name) {
            Some(value) if !value.is_null() => T::from_value(value)
                .map(Some)
                .map_err(|error| error.in_field(name)),
            _ => Ok(None),
        }
    }

    /// A field that must be present and not `null`.
    pub fn required<T: FromValue>(&mut self, name: &str) -> Result<T, PayloadError> {
        self.optional(name)?
            .ok_or_else(|| PayloadError::new("", "missing required field").in_field(name))
    }
}

/// Reads a struct, which travels as a dict with every field or as a list in field order.
///
/// A struct's layout is fixed, so unlike a table's dict, unknown keys are errors.
#[doc(hidden)]
pub fn struct_reader<'a>(
    value: ValueRef<'a>,
    type_name: &str,
    fields: &'a [&'a str],
) -> Result<DictReader<'a>, PayloadError> {
    if let Some(items) = value.as_list() {
        if items.len() != fields.len() {
            return Err(PayloadError::new(
                "",
                format!(
                    "expected {type_name} as a list of {} values, got {}",
                    fields.len(),
                    items.len()
                ),
            ));
        }
        return Ok(DictReader {
            fields: Fields::Positional(items, fields),
        });
    }
    let reader = DictReader::new(value, type_name)?;
    if let Fields::Keyed(lookup) = &reader.fields {
        let dict = lookup.dict();
        if let Some(unknown) = dict.keys().find(|key| !fields.contains(key)) {
            return Err(PayloadError::new("", format!("unknown field of {type_name}")).in_field(unknown));
        }
        if let Some(missing) = fields.iter().find(|name| dict.get(name).is_none()) {
            return Err(PayloadError::new("", "missing struct field").in_field(missing));
        }
    }
    Ok(reader)
}

/// Writes the fields of a table or struct into a dict keyed by field name.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct DictWriter {
    dict: Dict,
}

impl DictWriter {
    /// An empty dict.
    pub fn new() -> DictWriter {
        DictWriter::default()
    }

    /// Writes a field that has a value.
    pub fn field(mut self, name: &str, value: impl IntoValue) -> DictWriter {
        self.dict.insert(name.to_owned(), value.into_value());
        self
    }

    /// Writes the field if it has a value; an absent field is left out.
    pub fn optional(self, name: &str, value: Option<impl IntoValue>) -> DictWriter {
        match value {
            Some(value) => self.field(name, value),
            None => self,
        }
    }

    /// The dict written.
    pub fn finish(self) -> Value {
        Value::Dict(self.dict)
    }
}

/// Reads a table from a payload: positional fields from `args`, keyword fields from `kwargs`.
#[derive(Debug)]
#[doc(hidden)]
pub struct PayloadReader<'a> {
    args: std::iter::Enumerate<ListIter<'a>>,
    /// The schema's names of the positional fields, for errors: `args[0] (route_id)`.
    arg_names: &'a [&'a str],
    kwargs: FieldLookup<'a>,
}

impl<'a> PayloadReader<'a> {
    /// Accepts a payload with one arg per name of `args` (the first `mandatory` of them
    /// must be there, the trailing optional ones may be left out) and only kwargs named
    /// in `kwargs`.
    ///
    /// An empty table (`Void`) also accepts the args `[null]`: Crossbar answers
    /// procedures that return nothing that way (spec §4). A received payload that cannot be
    /// read whole fails here, with [`Payload::check`]'s error.
    pub fn new(
        payload: &'a Payload,
        args: &'a [&'a str],
        mandatory: usize,
        kwargs: &[&str],
    ) -> Result<PayloadReader<'a>, PayloadError> {
        payload.check()?;
        let mut values = payload.args();
        let keywords = payload.kwargs();
        if args.is_empty() && kwargs.is_empty() && values.len() == 1 && values.iter().all(ValueRef::is_null) {
            values = ListRef::EMPTY;
        }
        if values.len() < mandatory {
            return Err(PayloadError::new(
                arg_path(values.len(), args),
                "missing positional argument",
            ));
        }
        if values.len() > args.len() {
            return Err(PayloadError::new(
                format!("args[{}]", args.len()),
                format!(
                    "unexpected positional argument: expected {}, got {}",
                    argument_count(mandatory, args.len()),
                    values.len()
                ),
            ));
        }
        if let Some(unknown) = keywords.keys().find(|key| !kwargs.contains(key)) {
            return Err(PayloadError::new(
                format!("kwargs.{unknown}"),
                "unknown keyword argument",
            ));
        }
        Ok(PayloadReader {
            args: values.iter().enumerate(),
            arg_names: args,
            kwargs: FieldLookup::new(keywords),
        })
    }

    /// The next positional argument, which must be there and not `null`.
    pub fn arg<T: FromValue>(&mut self) -> Result<T, PayloadError> {
        match self.args.next() {
            Some((index, value)) if value.is_null() => Err(PayloadError::new(
                arg_path(index, self.arg_names),
                "expected a value, got null (positional arguments are mandatory)",
            )),
            Some((index, value)) => {
                T::from_value(value).map_err(|error| error.nested(arg_path(index, self.arg_names)))
            }
            None => Err(PayloadError::new("args", "missing positional argument")),
        }
    }

    /// The next positional argument of an `optional` field or a scalar declared
    /// `= null`: a missing argument and `null` both give `None`. (A mandatory one cannot
    /// be missing: [`PayloadReader::new`] checked the length.)
    pub fn optional_arg<T: FromValue>(&mut self) -> Result<Option<T>, PayloadError> {
        match self.args.next() {
            Some((index, value)) if !value.is_null() => T::from_value(value)
                .map(Some)
                .map_err(|error| error.nested(arg_path(index, self.arg_names))),
            _ => Ok(None),
        }
    }

    /// A keyword argument: a missing key and `null` both give `None`.
    pub fn kwarg<T: FromValue>(&mut self, name: &str) -> Result<Option<T>, PayloadError> {
        match self.kwargs.get(name) {
            Some(value) if !value.is_null() => T::from_value(value)
                .map(Some)
                .map_err(|error| error.nested(format!("kwargs.{name}"))),
            _ => Ok(None),
        }
    }
}

/// Where a positional argument is, with the schema's name of its field when it has one:
/// `args[0] (route_id)`, so that an error names what the user wrote as well as the wire place.
fn arg_path(index: usize, names: &[&str]) -> String {
    match names.get(index) {
        Some(name) => format!("args[{index}] ({name})"),
        None => format!("args[{index}]"),
    }
}

/// `2 arguments`, `1 argument`, `1 to 3 arguments`.
fn argument_count(mandatory: usize, all: usize) -> String {
    let plural = if all == 1 { "" } else { "s" };
    if mandatory < all {
        format!("{mandatory} to {all} arguments")
    } else {
        format!("{all} argument{plural}")
    }
}

/// Writes a table as a payload.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct PayloadWriter {
    args: List,
    /// How many of `args` are sent: the trailing absent optional ones are left out.
    sent_args: usize,
    kwargs: Dict,
}

impl PayloadWriter {
    /// An empty payload.
    pub fn new() -> PayloadWriter {
        PayloadWriter::default()
    }

    /// Appends a positional argument that has a value.
    pub fn arg(mut self, value: impl IntoValue) -> PayloadWriter {
        self.args.push(value.into_value());
        self.sent_args = self.args.len();
        self
    }

    /// A scalar declared `= null`: an absent value is sent as `null`.
    pub fn nullable_arg(self, value: Option<impl IntoValue>) -> PayloadWriter {
        match value {
            Some(value) => self.arg(value),
            None => self.arg(Value::Null),
        }
    }

    /// An `optional` positional argument: left out when it and every later one are
    /// absent, sent as `null` when a later one has a value.
    pub fn optional_arg(mut self, value: Option<impl IntoValue>) -> PayloadWriter {
        match value {
            Some(value) => self.arg(value),
            None => {
                self.args.push(Value::Null);
                self
            }
        }
    }

    /// Writes a keyword argument that has a value.
    pub fn kwarg(mut self, name: &str, value: impl IntoValue) -> PayloadWriter {
        self.kwargs.insert(name.to_owned(), value.into_value());
        self
    }

    /// Writes the keyword argument if it has a value; an absent one is left out.
    pub fn optional_kwarg(self, name: &str, value: Option<impl IntoValue>) -> PayloadWriter {
        match value {
            Some(value) => self.kwarg(name, value),
            None => self,
        }
    }

    /// The payload written; trailing absent optional arguments are left out.
    pub fn finish(mut self) -> Payload {
        self.args.truncate(self.sent_args);
        Payload::new(self.args, self.kwargs)
    }
}
