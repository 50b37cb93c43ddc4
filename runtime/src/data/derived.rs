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

/// The values of a table's fields, found in one pass over its dict: `field_of` tells the
/// position of a key among the fields (the derive matches the key's bytes against the field
/// names it knows), and each field gets the value of its key, or `None`.
///
/// Keys that are not fields of the table are ignored: routers send dicts with more keys than a
/// schema can list, and add keys over time (spec §5). Of a key sent twice, the last value
/// counts, as in [`Dict`]. `type_name` names the table in errors.
#[doc(hidden)]
#[inline]
pub fn table_fields<'a, const N: usize>(
    value: ValueRef<'a>,
    type_name: &str,
    field_of: impl Fn(&[u8]) -> Option<usize>,
) -> Result<[Option<ValueRef<'a>>; N], PayloadError> {
    let dict = value
        .as_dict()
        .ok_or_else(|| unexpected(&format!("{type_name} (a dict)"), value))?;
    let mut found = [None; N];
    dict.try_for_each_entry(|key, value| {
        if let Some(slot) = field_of(key).and_then(|position| found.get_mut(position)) {
            *slot = Some(value);
        }
        Ok::<(), PayloadError>(())
    })?;
    Ok(found)
}

/// The values of a struct's fields, named `names` in field order: a struct travels as a dict
/// with every field or as a list in field order. A struct's layout is fixed, so unlike a
/// table's dict, unknown keys are errors, and so are missing ones.
#[doc(hidden)]
#[inline]
pub fn struct_fields<'a, const N: usize>(
    value: ValueRef<'a>,
    type_name: &str,
    names: &[&str; N],
    field_of: impl Fn(&[u8]) -> Option<usize>,
) -> Result<[Option<ValueRef<'a>>; N], PayloadError> {
    let mut found = [None; N];
    if let Some(items) = value.as_list() {
        if items.len() != N {
            return Err(PayloadError::new(
                "",
                format!(
                    "expected {type_name} as a list of {N} values, got {}",
                    items.len()
                ),
            ));
        }
        for (slot, item) in found.iter_mut().zip(items) {
            *slot = Some(item);
        }
        return Ok(found);
    }
    let dict = value
        .as_dict()
        .ok_or_else(|| unexpected(&format!("{type_name} (a dict)"), value))?;
    dict.try_for_each_entry(
        |key, value| match field_of(key).and_then(|position| found.get_mut(position)) {
            Some(slot) => {
                *slot = Some(value);
                Ok(())
            }
            None => Err(PayloadError::new("", format!("unknown field of {type_name}"))
                .in_field(&String::from_utf8_lossy(key))),
        },
    )?;
    if let Some((missing, _)) = names.iter().zip(&found).find(|(_, value)| value.is_none()) {
        return Err(PayloadError::new("", "missing struct field").in_field(missing));
    }
    Ok(found)
}

/// The position of `key` among a type's fields, by a binary search of its keys and positions
/// sorted by key: what the derive calls for types with too many fields for a `match` on the
/// key's bytes to stay cheap to compile.
#[doc(hidden)]
pub fn field_position(key: &[u8], sorted: &[(&[u8], usize)]) -> Option<usize> {
    sorted
        .binary_search_by(|(name, _)| (*name).cmp(key))
        .ok()
        .and_then(|found| sorted.get(found))
        .map(|(_, position)| *position)
}

/// A field that may be absent: a missing key and `null` both give `None`.
#[doc(hidden)]
#[inline]
pub fn optional_field<T: FromValue>(
    value: Option<ValueRef<'_>>,
    name: &str,
) -> Result<Option<T>, PayloadError> {
    match value {
        Some(value) if !value.is_null() => T::from_value(value)
            .map(Some)
            .map_err(|error| error.in_field(name)),
        _ => Ok(None),
    }
}

/// A field that must be present and not `null`.
#[doc(hidden)]
#[inline]
pub fn required_field<T: FromValue>(value: Option<ValueRef<'_>>, name: &str) -> Result<T, PayloadError> {
    optional_field(value, name)?.ok_or_else(|| PayloadError::new("", "missing required field").in_field(name))
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
        let (mut values, keywords) = payload.checked_parts()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::view::DictRef;
    use crate::wire::{Message, Serializer};
    use crate::{FromValue, IntoValue};

    #[derive(Debug, PartialEq, FromValue, IntoValue)]
    #[wamp(struct = "demo.Point", crate = "crate")]
    struct Point {
        x: i16,
        y: f32,
    }

    #[derive(Debug, PartialEq, FromValue, IntoValue)]
    #[wamp(table = "demo.Sample", crate = "crate")]
    struct Sample {
        count: u8,
        name: Option<String>,
        #[wamp(default = 7)]
        level: i32,
        #[wamp(name = "type")]
        kind: Option<Vec<u8>>,
        point: Option<Point>,
        tags: Option<Vec<String>>,
    }

    /// What the derived readers replaced, as the reference they must agree with: each field
    /// looked up on its own, the last of repeated keys winning ([`DictRef::get`]).
    fn reference_sample(value: ValueRef<'_>) -> Result<Sample, PayloadError> {
        let dict = value
            .as_dict()
            .ok_or_else(|| unexpected("demo.Sample (a dict)", value))?;
        Ok(Sample {
            count: required_field(dict.get("count"), "count")?,
            name: optional_field(dict.get("name"), "name")?,
            level: optional_field(dict.get("level"), "level")?.unwrap_or(7),
            kind: optional_field(dict.get("type"), "type")?,
            point: match dict.get("point") {
                Some(point) if !point.is_null() => {
                    Some(reference_point(point).map_err(|error| error.in_field("point"))?)
                }
                _ => None,
            },
            tags: optional_field(dict.get("tags"), "tags")?,
        })
    }

    fn reference_point(value: ValueRef<'_>) -> Result<Point, PayloadError> {
        const NAMES: [&str; 2] = ["x", "y"];
        let fields: [Option<ValueRef<'_>>; 2] = if let Some(items) = value.as_list() {
            if items.len() != 2 {
                return Err(PayloadError::new(
                    "",
                    format!("expected demo.Point as a list of 2 values, got {}", items.len()),
                ));
            }
            [items.get(0), items.get(1)]
        } else {
            let dict: DictRef<'_> = value
                .as_dict()
                .ok_or_else(|| unexpected("demo.Point (a dict)", value))?;
            if let Some(unknown) = dict.keys().find(|key| !NAMES.contains(key)) {
                return Err(PayloadError::new("", "unknown field of demo.Point").in_field(unknown));
            }
            if let Some(missing) = NAMES.iter().find(|name| dict.get(name).is_none()) {
                return Err(PayloadError::new("", "missing struct field").in_field(missing));
            }
            [dict.get("x"), dict.get("y")]
        };
        let [x, y] = fields;
        Ok(Point {
            x: required_field(x, "x")?,
            y: required_field(y, "y")?,
        })
    }

    fn dict<const N: usize>(entries: [(&str, Value); N]) -> Value {
        Value::Dict(Dict::from(entries.map(|(key, value)| (key.to_owned(), value))))
    }

    /// Valid and broken samples: every field mode, kinds and ranges, structs as dicts and lists.
    fn corpus() -> Vec<Value> {
        let int = |value: i128| Value::Integer(value);
        let text = |value: &str| Value::String(value.into());
        let point = |x: Value, y: Value| dict([("x", x), ("y", y)]);
        let with = |entries: Vec<(&str, Value)>| {
            let mut sample = Dict::from([("count".to_owned(), int(1))]);
            for (key, value) in entries {
                sample.insert(key.to_owned(), value);
            }
            Value::Dict(sample)
        };
        vec![
            with(vec![]),
            with(vec![
                ("name", text("probe")),
                ("level", int(-3)),
                ("type", Value::Bytes(vec![0, 1, 255].into())),
                ("point", point(int(-2), Value::Float(0.5))),
                ("tags", Value::List(vec![text("a"), text("")])),
                ("unknown", dict([("deep", Value::List(vec![]))])),
            ]),
            with(vec![("point", Value::List(vec![int(3), int(4)]))]),
            with(vec![("point", Value::List(vec![int(3)]))]),
            with(vec![("point", Value::List(vec![Value::Null, int(4)]))]),
            with(vec![("point", dict([("x", int(1))]))]),
            with(vec![(
                "point",
                dict([("x", int(1)), ("y", int(2)), ("z", int(3))]),
            )]),
            with(vec![("point", point(int(40_000), int(0)))]),
            with(vec![("point", point(Value::Null, int(0)))]),
            with(vec![("point", text("here"))]),
            with(vec![
                ("point", Value::Null),
                ("name", Value::Null),
                ("level", Value::Null),
            ]),
            with(vec![("count", int(256))]),
            with(vec![("count", int(-1))]),
            with(vec![("count", Value::Float(2.0))]),
            with(vec![("count", Value::Float(2.5))]),
            with(vec![("count", Value::Null)]),
            with(vec![("level", Value::Float(1e10))]),
            with(vec![("name", int(5))]),
            with(vec![("type", text("AAE="))]),
            with(vec![("tags", Value::List(vec![text("a"), int(1)]))]),
            with(vec![("tags", dict([]))]),
            dict([]),
            dict([("name", text("no count"))]),
            Value::List(vec![int(1)]),
            text("sample"),
            Value::Null,
        ]
    }

    /// Whether the value read, after checking that both readers agree on it.
    fn assert_agree(value: ValueRef<'_>, place: &str) -> bool {
        let derived = Sample::from_value(value);
        let reference = reference_sample(value);
        assert_eq!(derived, reference, "{place}: {value:?}");
        derived.is_ok()
    }

    #[test]
    fn derived_readers_agree_with_field_lookups_in_every_format() {
        let corpus = corpus();
        let read = corpus
            .iter()
            .filter(|value| assert_agree(ValueRef::from(*value), "built"))
            .count();
        // The corpus holds both: readers that agreed by failing everything would not pass.
        assert_eq!((read, corpus.len() - read), (5, 21));
        for (number, value) in corpus.into_iter().enumerate() {
            let message = Message::Result {
                request: 1,
                details: Dict::new(),
                payload: Payload::new(vec![value.clone()], Dict::new()),
            };
            for serializer in Serializer::ALL {
                let place = format!("sample {number} in {serializer}");
                let bytes = match serializer.encode(&message) {
                    Ok(bytes) => bytes,
                    Err(error) => panic!("{place} encodes: {error}"),
                };
                let Ok(Message::Result { payload, .. }) = serializer.decode(&bytes) else {
                    panic!("{place} decodes as a RESULT");
                };
                let Some(received) = payload.args().get(0) else {
                    panic!("{place} has its argument");
                };
                assert_agree(received, &place);
            }
        }
    }

    #[test]
    fn derived_readers_agree_on_the_order_and_repetition_of_keys() {
        let texts = [
            r#"{"tags": ["z"], "count": 3, "name": "b", "count": 4}"#,
            r#"{"count": 300, "count": 3}"#,
            r#"{"count": 3, "count": 300}"#,
            r#"{"point": {"y": 1, "x": 2, "y": 3}, "count": 0}"#,
            r#"{"point": {"y": 1, "w": 2}, "count": 0}"#,
            r#"{"type": "\u0000AAE=", "count": 9, "name": "\u00e9t\u00e9"}"#,
            r#"{"type": "\u0000A", "count": 9}"#,
            r#"{"count": 1, "": 2, "countx": 3, "coun": 4}"#,
        ];
        for text in texts {
            let message = format!("[50, 1, {{}}, [{text}]]");
            let Ok(Message::Result { payload, .. }) = Serializer::Json.decode(message.as_bytes()) else {
                panic!("{message} decodes as a RESULT");
            };
            let Some(received) = payload.args().get(0) else {
                panic!("{message} has its argument");
            };
            assert_agree(received, text);
        }
    }
}
