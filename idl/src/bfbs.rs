//! The `.bfbs` front end: flatc's binary schemas, verified, then lowered into the model.
//!
//! A binary schema is a FlatBuffer of `reflection.fbs` (`flatc -b --schema`). It is
//! verified before anything reads it, so truncated or hostile bytes become one error
//! on the file instead of a panic. Lowering then turns reflection's index-based types
//! into the model's named types and applies the canonical forms of [`crate::model`].
//! Everything flatc adds that a `.fbs` does not say (the hidden `<name>_type` union
//! companions, offsets, sizes, declaration files) is left out, so that a schema reads
//! the same from either front end.

use std::fmt;

use flatbuffers::{ErrorTraceDetail, ForwardsUOffset, InvalidFlatbuffer, Vector, VerifierOptions};
use flatbuffers_reflection::reflection::{self, BaseType};

use crate::Part;
use crate::diagnostic::{Diagnostics, FileId, Span};
use crate::locations::Locations;
use crate::model::{
    Attributes, DefaultValue, Docs, Enum, EnumValue, Field, Object, Presence, QualifiedName, RpcCall, Scalar,
    Schema, Service, Type,
};

/// The file identifier flatc gives every binary schema.
const FILE_IDENTIFIER: &[u8; 4] = b"BFBS";

/// Reads a binary schema; `file` is the id under which its path was registered.
pub fn read(bytes: &[u8], file: FileId, diagnostics: &mut Diagnostics) -> Option<Part> {
    match verify(bytes).and_then(lower) {
        Ok(schema) => {
            let mut locations = Locations::default();
            let names = schema.objects.iter().map(|object| &object.name);
            let names = names.chain(schema.enums.iter().map(|enumeration| &enumeration.name));
            for name in names.chain(schema.services.iter().map(|service| &service.name)) {
                locations.insert_file(name.clone(), file);
            }
            Some(Part { schema, locations })
        }
        Err(error) => {
            diagnostics.error(Span::new(file, 0, 0), error.to_string());
            None
        }
    }
}

/// Why a file is not a usable binary schema.
#[derive(Debug)]
enum ReadError {
    Empty,
    TooShort(usize),
    WrongIdentifier([u8; 4]),
    Corrupt { error: InvalidFlatbuffer, length: usize },
    Inconsistent(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Empty => {
                f.write_str("empty file where a binary schema (`flatc -b --schema`) was expected")
            }
            ReadError::TooShort(length) => {
                write!(
                    f,
                    "not a binary schema: {length} bytes are too few for a FlatBuffer header"
                )
            }
            ReadError::WrongIdentifier(identifier) => write!(
                f,
                "not a binary schema: the file identifier is `{}`, expected `BFBS` (made by `flatc -b --schema`)",
                identifier.escape_ascii()
            ),
            ReadError::Corrupt { error, length } => write_corrupt(f, error, *length),
            ReadError::Inconsistent(problem) => write!(f, "inconsistent binary schema: {problem}"),
        }
    }
}

/// States the verifier's finding in one line, with the path of the item it was reading;
/// `length` is the file's.
fn write_corrupt(f: &mut fmt::Formatter<'_>, error: &InvalidFlatbuffer, length: usize) -> fmt::Result {
    let (problem, trace) = match error {
        InvalidFlatbuffer::MissingRequiredField {
            required,
            error_trace,
        } => (
            format!("the required field `{required}` is missing"),
            Some(error_trace),
        ),
        InvalidFlatbuffer::InconsistentUnion {
            field, error_trace, ..
        } => (
            format!("the union `{field}` and its type disagree"),
            Some(error_trace),
        ),
        InvalidFlatbuffer::Utf8Error {
            error, error_trace, ..
        } => (format!("a string is not UTF-8 ({error})"), Some(error_trace)),
        InvalidFlatbuffer::MissingNullTerminator { error_trace, .. } => (
            "a string lacks its terminating zero".to_owned(),
            Some(error_trace),
        ),
        InvalidFlatbuffer::Unaligned {
            position,
            unaligned_type,
            error_trace,
        } => (
            format!("a `{unaligned_type}` at byte {position} is misaligned"),
            Some(error_trace),
        ),
        InvalidFlatbuffer::RangeOutOfBounds { range, error_trace } => (
            format!(
                "it refers to bytes {}..{}, past its end at byte {length} (is it truncated?)",
                range.start, range.end
            ),
            Some(error_trace),
        ),
        InvalidFlatbuffer::SignedOffsetOutOfBounds {
            position,
            error_trace,
            ..
        } => (
            format!("the offset at byte {position} points outside the file"),
            Some(error_trace),
        ),
        InvalidFlatbuffer::TooManyTables => ("it holds more tables than its size allows".to_owned(), None),
        InvalidFlatbuffer::ApparentSizeTooLarge => {
            ("its tables share data more than its size allows".to_owned(), None)
        }
        InvalidFlatbuffer::DepthLimitReached => ("its tables nest too deeply".to_owned(), None),
    };
    write!(f, "corrupt binary schema: {problem}")?;
    let path = trace.map(|trace| trace_path(trace.as_ref())).unwrap_or_default();
    if !path.is_empty() {
        write!(f, " (in `{path}`)")?;
    }
    Ok(())
}

/// The verifier's trace (innermost first) as a path such as `objects[3].fields[1].name`.
fn trace_path(trace: &[ErrorTraceDetail]) -> String {
    let mut path = String::new();
    for detail in trace.iter().rev() {
        match detail {
            ErrorTraceDetail::VectorElement { index, .. } => path.push_str(&format!("[{index}]")),
            ErrorTraceDetail::TableField { field_name, .. }
            | ErrorTraceDetail::UnionVariant {
                variant: field_name, ..
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(field_name);
            }
        }
    }
    path
}

/// Checks the header, then verifies the whole buffer against `reflection.fbs`.
fn verify(bytes: &[u8]) -> Result<reflection::Schema<'_>, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let Some(identifier) = bytes
        .get(4..8)
        .and_then(|identifier| <[u8; 4]>::try_from(identifier).ok())
    else {
        return Err(ReadError::TooShort(bytes.len()));
    };
    if &identifier != FILE_IDENTIFIER {
        return Err(ReadError::WrongIdentifier(identifier));
    }
    // Every table takes at least four bytes of the file and flatc never shares one
    // between two parents; tables re-read shared vtables, which keeps flatc's output
    // near three times its size in apparent size. These bounds admit any schema flatc
    // writes, while a crafted buffer whose offsets all point at the same few bytes
    // cannot make verification (and lowering after it) work out of proportion to its size.
    let options = VerifierOptions {
        max_tables: bytes.len() / 4,
        max_apparent_size: bytes.len().saturating_mul(16),
        ..VerifierOptions::default()
    };
    reflection::root_as_schema_with_opts(&options, bytes).map_err(|error| ReadError::Corrupt {
        error,
        length: bytes.len(),
    })
}

/// Names and kinds of the schema's objects and enums, for resolving type indices.
struct Index {
    objects: Vec<(QualifiedName, bool)>,
    enums: Vec<(QualifiedName, bool)>,
}

impl Index {
    fn object(&self, index: i32, user: &dyn fmt::Display) -> Result<&(QualifiedName, bool), ReadError> {
        lookup(&self.objects, index, "object", user)
    }

    fn enumeration(&self, index: i32, user: &dyn fmt::Display) -> Result<&(QualifiedName, bool), ReadError> {
        lookup(&self.enums, index, "enum", user)
    }
}

fn lookup<'a, T>(
    table: &'a [T],
    index: i32,
    kind: &str,
    user: &dyn fmt::Display,
) -> Result<&'a T, ReadError> {
    usize::try_from(index)
        .ok()
        .and_then(|index| table.get(index))
        .ok_or_else(|| {
            let count = table.len();
            let plural = if count == 1 { "" } else { "s" };
            ReadError::Inconsistent(format!(
                "{user} refers to {kind} #{index}, but the schema has {count} {kind}{plural}"
            ))
        })
}

fn lower(schema: reflection::Schema<'_>) -> Result<Schema, ReadError> {
    let index = Index {
        objects: schema
            .objects()
            .iter()
            .map(|object| (QualifiedName(object.name().to_owned()), object.is_struct()))
            .collect(),
        enums: schema
            .enums()
            .iter()
            .map(|enumeration| {
                (
                    QualifiedName(enumeration.name().to_owned()),
                    enumeration.is_union(),
                )
            })
            .collect(),
    };
    let mut objects = schema
        .objects()
        .iter()
        .map(|object| lower_object(&index, object))
        .collect::<Result<Vec<_>, _>>()?;
    let mut enums = schema
        .enums()
        .iter()
        .map(|enumeration| lower_enum(&index, enumeration))
        .collect::<Result<Vec<_>, _>>()?;
    let mut services = schema
        .services()
        .into_iter()
        .flatten()
        .map(lower_service)
        .collect::<Vec<_>>();
    sort_unique(&mut objects, |object| &object.name)?;
    sort_unique(&mut enums, |enumeration| &enumeration.name)?;
    sort_unique(&mut services, |service| &service.name)?;
    let non_empty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    Ok(Schema {
        objects,
        enums,
        services,
        root_table: schema
            .root_table()
            .map(|root| QualifiedName(root.name().to_owned())),
        // flatc stores an empty string when the schema declares none.
        file_identifier: schema.file_ident().and_then(non_empty),
        file_extension: schema.file_ext().and_then(non_empty),
        interfaces: Vec::new(),
    })
}

/// Sorts declarations by qualified name (flatc already does) and rejects a name declared twice.
fn sort_unique<T>(items: &mut [T], name: impl Fn(&T) -> &QualifiedName) -> Result<(), ReadError> {
    items.sort_by(|a, b| name(a).cmp(name(b)));
    let mut names = items.iter().map(&name);
    let mut previous = names.next();
    for current in names {
        if previous == Some(current) {
            return Err(ReadError::Inconsistent(format!("`{current}` is declared twice")));
        }
        previous = Some(current);
    }
    Ok(())
}

fn lower_object(index: &Index, object: reflection::Object<'_>) -> Result<Object, ReadError> {
    let name = QualifiedName(object.name().to_owned());
    let mut fields = Vec::new();
    for field in object.fields() {
        if let Some(field) = lower_field(index, &name, object.is_struct(), field)? {
            fields.push(field);
        }
    }
    // flatc sorts fields by name; the model keeps them in id (declaration) order.
    fields.sort_by_key(|field| field.id);
    check_unique_fields(&name, &fields)?;
    Ok(Object {
        name,
        is_struct: object.is_struct(),
        fields,
        attributes: attributes(object.attributes()),
        docs: docs(object.documentation()),
    })
}

/// Rejects two fields with one id or one name (`fields` in id order), which flatc never
/// writes and which would make generated code read the wrong slot or fail to compile.
fn check_unique_fields(owner: &QualifiedName, fields: &[Field]) -> Result<(), ReadError> {
    for pair in fields.windows(2) {
        if let [first, second] = pair
            && first.id == second.id
        {
            return Err(ReadError::Inconsistent(format!(
                "fields `{owner}.{}` and `{owner}.{}` have the same id {}",
                first.name, second.name, first.id
            )));
        }
    }
    let mut names: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
    names.sort_unstable();
    for pair in names.windows(2) {
        if let [first, second] = pair
            && first == second
        {
            return Err(ReadError::Inconsistent(format!(
                "`{owner}` has two fields named `{first}`"
            )));
        }
    }
    Ok(())
}

/// Lowers a field; `None` for the hidden `_type` companion of a union (or union vector).
fn lower_field(
    index: &Index,
    owner: &QualifiedName,
    in_struct: bool,
    field: reflection::Field<'_>,
) -> Result<Option<Field>, ReadError> {
    let user = FieldName(owner, field.name());
    let Some(ty) = lower_type(index, &user, field.type_())? else {
        return Ok(None);
    };
    // Struct fields are always present and cannot declare a default (flatc rejects
    // both `= value` and `= null` there, and stores a meaningless 0), so the model
    // gives every struct field `Required` and no default, whatever its type.
    let (default, presence) = if in_struct {
        (None, Presence::Required)
    } else if let Type::Scalar(scalar)
    | Type::Enum {
        underlying: scalar, ..
    } = &ty
    {
        if field.optional() {
            (Some(DefaultValue::Null), Presence::Optional)
        } else if scalar.is_float() {
            (Some(DefaultValue::Float(field.default_real())), Presence::Default)
        } else {
            (
                Some(DefaultValue::Integer(field.default_integer())),
                Presence::Default,
            )
        }
    } else if field.required() {
        (None, Presence::Required)
    } else {
        (None, Presence::Optional)
    };
    Ok(Some(Field {
        name: field.name().to_owned(),
        id: field.id(),
        ty,
        default,
        presence,
        deprecated: field.deprecated(),
        key: field.key(),
        attributes: attributes(field.attributes()),
        docs: docs(field.documentation()),
    }))
}

/// Names a field in messages about it.
struct FieldName<'a>(&'a QualifiedName, &'a str);

impl fmt::Display for FieldName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}.{}`", self.0, self.1)
    }
}

/// The model type of a reflection type; `None` for a union's type tag (`UType`).
fn lower_type(
    index: &Index,
    user: &dyn fmt::Display,
    ty: reflection::Type<'_>,
) -> Result<Option<Type>, ReadError> {
    let element = || {
        let element = lower_element(index, user, ty.element(), ty.index())?;
        Ok(element.map(Box::new))
    };
    Ok(match ty.base_type() {
        BaseType::Vector => element()?.map(Type::Vector),
        BaseType::Vector64 => element()?.map(Type::Vector64),
        BaseType::Array => element()?.map(|element| Type::Array {
            element,
            length: ty.fixed_length(),
        }),
        base => lower_element(index, user, base, ty.index())?,
    })
}

/// A type that can stand alone or be the element of a vector or array.
fn lower_element(
    index: &Index,
    user: &dyn fmt::Display,
    base: BaseType,
    type_index: i32,
) -> Result<Option<Type>, ReadError> {
    if let Some(scalar) = scalar(base) {
        if type_index < 0 {
            return Ok(Some(Type::Scalar(scalar)));
        }
        let (name, is_union) = index.enumeration(type_index, user)?;
        if *is_union {
            return Err(ReadError::Inconsistent(format!(
                "{user} has an integer type whose enum `{name}` is a union"
            )));
        }
        return Ok(Some(Type::Enum {
            name: name.clone(),
            underlying: scalar,
        }));
    }
    Ok(Some(match base {
        BaseType::UType => return Ok(None),
        BaseType::String => Type::String,
        BaseType::Obj => match index.object(type_index, user)? {
            (name, true) => Type::Struct(name.clone()),
            (name, false) => Type::Table(name.clone()),
        },
        BaseType::Union => match index.enumeration(type_index, user)? {
            (name, true) => Type::Union(name.clone()),
            (name, false) => {
                return Err(ReadError::Inconsistent(format!(
                    "{user} is a union, but `{name}` is a plain enum"
                )));
            }
        },
        other => {
            let name = other
                .variant_name()
                .map_or_else(|| format!("#{}", other.0), str::to_owned);
            return Err(ReadError::Inconsistent(format!(
                "{user} has the invalid type {name}"
            )));
        }
    }))
}

fn scalar(base: BaseType) -> Option<Scalar> {
    Some(match base {
        BaseType::Bool => Scalar::Bool,
        BaseType::Byte => Scalar::Byte,
        BaseType::UByte => Scalar::UByte,
        BaseType::Short => Scalar::Short,
        BaseType::UShort => Scalar::UShort,
        BaseType::Int => Scalar::Int,
        BaseType::UInt => Scalar::UInt,
        BaseType::Long => Scalar::Long,
        BaseType::ULong => Scalar::ULong,
        BaseType::Float => Scalar::Float,
        BaseType::Double => Scalar::Double,
        _ => return None,
    })
}

fn lower_enum(index: &Index, enumeration: reflection::Enum<'_>) -> Result<Enum, ReadError> {
    let name = QualifiedName(enumeration.name().to_owned());
    let underlying = match enumeration.underlying_type().base_type() {
        // A union's tag is a `ubyte` that flatc types as `UType`.
        BaseType::UType => Scalar::UByte,
        base => scalar(base).filter(|scalar| scalar.is_integer()).ok_or_else(|| {
            ReadError::Inconsistent(format!("enum `{name}` has a type that is not an integer"))
        })?,
    };
    let mut values = Vec::new();
    for value in enumeration.values() {
        let union_type = match value.union_type() {
            Some(ty) if ty.base_type() == BaseType::Obj => {
                let user = format!("member `{}` of `{name}`", value.name());
                Some(index.object(ty.index(), &user)?.0.clone())
            }
            _ => None,
        };
        values.push(EnumValue {
            name: value.name().to_owned(),
            value: value.value(),
            union_type,
            attributes: attributes(value.attributes()),
            docs: docs(value.documentation()),
        });
    }
    Ok(Enum {
        name,
        is_union: enumeration.is_union(),
        underlying,
        values,
        attributes: attributes(enumeration.attributes()),
        docs: docs(enumeration.documentation()),
    })
}

fn lower_service(service: reflection::Service<'_>) -> Service {
    let calls = service.calls().into_iter().flatten().map(|call| RpcCall {
        name: call.name().to_owned(),
        request: QualifiedName(call.request().name().to_owned()),
        response: QualifiedName(call.response().name().to_owned()),
        attributes: attributes(call.attributes()),
        docs: docs(call.documentation()),
    });
    Service {
        name: QualifiedName(service.name().to_owned()),
        calls: calls.collect(),
        attributes: attributes(service.attributes()),
        docs: docs(service.documentation()),
    }
}

fn attributes(list: Option<Vector<'_, ForwardsUOffset<reflection::KeyValue<'_>>>>) -> Attributes {
    list.into_iter()
        .flatten()
        // flatc always stores a value, `"0"` for an attribute written without one.
        .map(|pair| (pair.key().to_owned(), pair.value().unwrap_or("0").to_owned()))
        .collect()
}

fn docs(lines: Option<Vector<'_, ForwardsUOffset<&str>>>) -> Docs {
    lines.into_iter().flatten().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use flatbuffers::{FlatBufferBuilder, WIPOffset};
    use reflection::{EnumArgs, EnumValArgs, FieldArgs, ObjectArgs, SchemaArgs, TypeArgs};

    use super::*;
    use crate::diagnostic::SourceMap;

    /// A field of a hand-made binary schema.
    struct FieldSpec {
        name: &'static str,
        id: u16,
        base: BaseType,
        element: BaseType,
        index: i32,
        fixed_length: u16,
        default_integer: i64,
        optional: bool,
    }

    fn field(name: &'static str, id: u16, base: BaseType, index: i32) -> FieldSpec {
        FieldSpec {
            name,
            id,
            base,
            element: BaseType::None,
            index,
            fixed_length: 0,
            default_integer: 0,
            optional: false,
        }
    }

    /// Builds a binary schema of tables (or structs) and enums (or unions), the way flatc lays it out.
    fn schema_bytes(objects: &[(&str, bool, Vec<FieldSpec>)], enums: &[(&str, bool, BaseType)]) -> Vec<u8> {
        let mut builder = FlatBufferBuilder::new();
        let mut object_offsets = Vec::new();
        for (name, is_struct, fields) in objects {
            let mut field_offsets = Vec::new();
            for spec in fields {
                let name = builder.create_string(spec.name);
                let ty = ty(&mut builder, spec);
                let args = FieldArgs {
                    name: Some(name),
                    type_: Some(ty),
                    id: spec.id,
                    default_integer: spec.default_integer,
                    optional: spec.optional,
                    ..FieldArgs::default()
                };
                field_offsets.push(reflection::Field::create(&mut builder, &args));
            }
            let fields = builder.create_vector(&field_offsets);
            let name = builder.create_string(name);
            let args = ObjectArgs {
                name: Some(name),
                fields: Some(fields),
                is_struct: *is_struct,
                ..ObjectArgs::default()
            };
            object_offsets.push(reflection::Object::create(&mut builder, &args));
        }
        let mut enum_offsets = Vec::new();
        for (name, is_union, underlying) in enums {
            let value_name = builder.create_string("NONE");
            let value = reflection::EnumVal::create(
                &mut builder,
                &EnumValArgs {
                    name: Some(value_name),
                    ..EnumValArgs::default()
                },
            );
            let values = builder.create_vector(&[value]);
            let name = builder.create_string(name);
            let underlying_type = ty(&mut builder, &field("", 0, *underlying, -1));
            let args = EnumArgs {
                name: Some(name),
                values: Some(values),
                is_union: *is_union,
                underlying_type: Some(underlying_type),
                ..EnumArgs::default()
            };
            enum_offsets.push(reflection::Enum::create(&mut builder, &args));
        }
        let objects = builder.create_vector(&object_offsets);
        let enums = builder.create_vector(&enum_offsets);
        let empty = builder.create_string("");
        let args = SchemaArgs {
            objects: Some(objects),
            enums: Some(enums),
            file_ident: Some(empty),
            file_ext: Some(empty),
            ..SchemaArgs::default()
        };
        let root = reflection::Schema::create(&mut builder, &args);
        reflection::finish_schema_buffer(&mut builder, root);
        builder.finished_data().to_vec()
    }

    fn ty<'a>(builder: &mut FlatBufferBuilder<'a>, spec: &FieldSpec) -> WIPOffset<reflection::Type<'a>> {
        let args = TypeArgs {
            base_type: spec.base,
            element: spec.element,
            index: spec.index,
            fixed_length: spec.fixed_length,
            ..TypeArgs::default()
        };
        reflection::Type::create(builder, &args)
    }

    /// Reads bytes as `s.bfbs`: the schema, or the rendered diagnostics.
    fn read_bytes(bytes: &[u8]) -> Result<Schema, String> {
        let mut sources = SourceMap::default();
        let file = sources.add("s.bfbs".into(), String::new());
        let mut diagnostics = Diagnostics::default();
        let part = read(bytes, file, &mut diagnostics);
        match part {
            Some(part) if diagnostics.is_empty() => Ok(part.schema),
            _ => Err(diagnostics.render(&sources)),
        }
    }

    fn check_rejected(bytes: &[u8], expected: &str) {
        match read_bytes(bytes) {
            Ok(schema) => panic!("read as a schema: {schema:?}"),
            Err(rendered) => assert_eq!(rendered, format!("s.bfbs: error: {expected}\n")),
        }
    }

    #[test]
    fn rejects_files_that_are_not_binary_schemas() {
        check_rejected(
            b"",
            "empty file where a binary schema (`flatc -b --schema`) was expected",
        );
        check_rejected(
            b"BFBS",
            "not a binary schema: 4 bytes are too few for a FlatBuffer header",
        );
        check_rejected(
            b"table T { x: int; }\n",
            "not a binary schema: the file identifier is `e T `, expected `BFBS` (made by `flatc -b --schema`)",
        );
        check_rejected(
            &[0, 0, 0, 0, 0xff, 0, 1, 2],
            "not a binary schema: the file identifier is `\\xff\\x00\\x01\\x02`, expected `BFBS` \
             (made by `flatc -b --schema`)",
        );
        check_rejected(
            b"\xf0\x00\x00\x00BFBS",
            "corrupt binary schema: it refers to bytes 240..244, past its end at byte 8 (is it truncated?)",
        );
    }

    #[test]
    fn rejects_a_flatbuffer_that_is_not_a_schema() {
        let mut builder = FlatBufferBuilder::new();
        let start = builder.start_table();
        // A table whose only field is none of those `reflection.Schema` has.
        builder.push_slot::<u32>(20, 7, 0);
        let table = builder.end_table(start);
        builder.finish(table, Some("BFBS"));
        check_rejected(
            builder.finished_data(),
            "corrupt binary schema: the required field `objects` is missing",
        );
    }

    #[test]
    fn rejects_a_truncated_schema() {
        let mut bytes = schema_bytes(&[("T", false, vec![field("x", 0, BaseType::Int, -1)])], &[]);
        bytes.truncate(bytes.len() / 2);
        let rendered = read_bytes(&bytes).err().unwrap_or_default();
        assert!(
            rendered.starts_with("s.bfbs: error: corrupt binary schema: "),
            "{rendered}"
        );
    }

    #[test]
    fn rejects_types_that_refer_to_nothing_or_to_the_wrong_kind() {
        let cases = [
            (
                field("x", 0, BaseType::Obj, 3),
                "field `T.x` refers to object #3, but the schema has 1 object",
            ),
            (
                field("x", 0, BaseType::Int, 7),
                "field `T.x` refers to enum #7, but the schema has 2 enums",
            ),
            (
                field("x", 0, BaseType::Union, 0),
                "field `T.x` is a union, but `E` is a plain enum",
            ),
            (
                field("x", 0, BaseType::UByte, 1),
                "field `T.x` has an integer type whose enum `U` is a union",
            ),
            (
                field("x", 0, BaseType(42), -1),
                "field `T.x` has the invalid type #42",
            ),
            (
                FieldSpec {
                    element: BaseType::Vector,
                    ..field("x", 0, BaseType::Vector, -1)
                },
                "field `T.x` has the invalid type Vector",
            ),
        ];
        let enums = [("E", false, BaseType::Int), ("U", true, BaseType::UType)];
        for (spec, problem) in cases {
            let bytes = schema_bytes(&[("T", false, vec![spec])], &enums);
            check_rejected(&bytes, &format!("inconsistent binary schema: {problem}"));
        }
    }

    #[test]
    fn rejects_a_name_declared_twice() {
        let bytes = schema_bytes(&[("a.T", false, vec![]), ("a.T", true, vec![])], &[]);
        check_rejected(&bytes, "inconsistent binary schema: `a.T` is declared twice");
    }

    #[test]
    fn rejects_fields_sharing_an_id_or_a_name() {
        let cases = [
            (
                vec![field("a", 0, BaseType::Int, -1), field("b", 0, BaseType::Int, -1)],
                "fields `T.a` and `T.b` have the same id 0",
            ),
            (
                vec![field("x", 0, BaseType::Int, -1), field("x", 1, BaseType::Int, -1)],
                "`T` has two fields named `x`",
            ),
        ];
        for (fields, problem) in cases {
            let bytes = schema_bytes(&[("T", false, fields)], &[]);
            check_rejected(&bytes, &format!("inconsistent binary schema: {problem}"));
        }
    }

    #[test]
    fn lowers_into_the_canonical_forms() {
        let table = vec![
            FieldSpec {
                optional: true,
                ..field("maybe", 3, BaseType::Long, -1)
            },
            field("choice", 2, BaseType::Union, 1),
            field("choice_type", 1, BaseType::UType, 1),
            FieldSpec {
                default_integer: 7,
                ..field("count", 0, BaseType::Int, 0)
            },
            FieldSpec {
                element: BaseType::String,
                ..field("names", 4, BaseType::Vector64, -1)
            },
            FieldSpec {
                element: BaseType::UType,
                ..field("choices_type", 5, BaseType::Vector, 1)
            },
            FieldSpec {
                element: BaseType::Union,
                ..field("choices", 6, BaseType::Vector, 1)
            },
        ];
        let pair = vec![
            field("b", 1, BaseType::Short, -1),
            field("a", 0, BaseType::Obj, 2),
        ];
        let inner = vec![
            field("x", 0, BaseType::Float, -1),
            FieldSpec {
                element: BaseType::Int,
                fixed_length: 4,
                ..field("tag", 1, BaseType::Array, 0)
            },
        ];
        let bytes = schema_bytes(
            &[
                ("z.Table", false, table),
                ("a.Pair", true, pair),
                ("m.Inner", true, inner),
            ],
            &[("E", false, BaseType::Int), ("U", true, BaseType::UType)],
        );
        let schema = read_bytes(&bytes).unwrap_or_else(|rendered| panic!("{rendered}"));
        let summary: Vec<String> = schema
            .objects
            .iter()
            .flat_map(|object| {
                object.fields.iter().map(move |field| {
                    format!(
                        "{}.{} #{} {:?} {:?} {:?}",
                        object.name, field.name, field.id, field.ty, field.default, field.presence
                    )
                })
            })
            .collect();
        let expected = [
            r#"a.Pair.a #0 Struct(QualifiedName("m.Inner")) None Required"#,
            "a.Pair.b #1 Scalar(Short) None Required",
            "m.Inner.x #0 Scalar(Float) None Required",
            r#"m.Inner.tag #1 Array { element: Enum { name: QualifiedName("E"), underlying: Int }, length: 4 } None Required"#,
            r#"z.Table.count #0 Enum { name: QualifiedName("E"), underlying: Int } Some(Integer(7)) Default"#,
            r#"z.Table.choice #2 Union(QualifiedName("U")) None Optional"#,
            "z.Table.maybe #3 Scalar(Long) Some(Null) Optional",
            "z.Table.names #4 Vector64(String) None Optional",
            r#"z.Table.choices #6 Vector(Union(QualifiedName("U"))) None Optional"#,
        ];
        assert_eq!(summary, expected);
        assert_eq!(schema.enums[1].underlying, Scalar::UByte);
        assert_eq!((schema.file_identifier, schema.file_extension), (None, None));
    }
}
