//! The model of a deriving type: which WAMP IDL type it is and how its fields or variants
//! travel, built and checked once from the `DeriveInput` and its `#[wamp]` attributes.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Data, DataEnum, DeriveInput, Error, Expr, Fields, FieldsNamed, GenericArgument, Generics,
    Ident, Meta, Path, PathArguments, Result, Token, Type,
};

use crate::attributes::{self, Kind, KindKey};
use crate::errors::Errors;

/// The integer types an enum may be `#[repr]`ed as.
const INTEGERS: [&str; 12] = [
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];

pub struct Input<'a> {
    pub ident: &'a Ident,
    /// The path of the runtime crate, `::wamp_idl_runtime` unless `#[wamp(crate = "...")]`.
    pub runtime: Path,
    pub shape: Shape<'a>,
}

pub enum Shape<'a> {
    /// A table or struct.
    Object(Object<'a>),
    Union(Union<'a>),
    /// An enum of unit variants travelling as its `#[repr]` integer.
    Enum {
        repr: Ident,
    },
    /// A one-field tuple struct travelling as its field, the bits of its flags.
    Flags {
        bits: &'a Type,
    },
}

pub struct Object<'a> {
    pub is_struct: bool,
    pub schema_name: String,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    pub member: &'a Ident,
    /// The key on the wire.
    pub key: String,
    pub mode: Mode,
    pub placement: Placement,
}

/// What a field holds when its value is absent.
pub enum Mode {
    /// An `Option`: `None`.
    Optional,
    /// `#[wamp(default)]`: the expression, or `Default::default()` without one.
    Defaulted(Option<Expr>),
    /// Nothing: the value must be there.
    Mandatory,
}

/// Where a table's field travels in a payload; the spans are those of the keys, for the
/// payload derives' errors.
pub enum Placement {
    Positional,
    /// `#[wamp(optional_arg)]`: a trailing positional argument that may be left out.
    OptionalArg(Span),
    /// `#[wamp(kwarg)]`.
    Keyword(Span),
}

pub struct Union<'a> {
    pub schema_name: String,
    pub members: Vec<Member<'a>>,
}

pub struct Member<'a> {
    pub variant: &'a Ident,
    /// The member's name on the wire.
    pub name: String,
}

impl<'a> Input<'a> {
    pub fn parse(input: &'a DeriveInput) -> Result<Input<'a>> {
        let mut errors = Errors::default();
        errors.keep(not_generic(&input.generics));
        let parsed = attributes::container(&input.attrs).and_then(|container| {
            Ok(Input {
                ident: &input.ident,
                shape: shape(input, container.kind.as_ref())?,
                runtime: container
                    .runtime
                    .unwrap_or_else(|| syn::parse_quote!(::wamp_idl_runtime)),
            })
        });
        errors.finish(parsed)
    }
}

fn not_generic(generics: &Generics) -> Result<()> {
    let message = "WAMP IDL types are not generic";
    if !generics.params.is_empty() {
        return Err(Error::new_spanned(generics, message));
    }
    match &generics.where_clause {
        Some(where_clause) => Err(Error::new_spanned(where_clause, message)),
        None => Ok(()),
    }
}

fn shape<'a>(input: &'a DeriveInput, kind: Option<&Kind>) -> Result<Shape<'a>> {
    match &input.data {
        Data::Struct(data) => match (kind, &data.fields) {
            (Some(kind), Fields::Named(fields)) if kind.key != KindKey::Union => {
                object(kind, fields).map(Shape::Object)
            }
            (Some(kind), _) if kind.key == KindKey::Union => Err(Error::new(
                kind.span,
                "`union` is for an enum whose variants each hold one member, not a struct",
            )),
            (Some(kind), _) => Err(Error::new(
                kind.span,
                format!("`{}` is for a struct with named fields", kind.key.name()),
            )),
            (None, Fields::Named(_)) => Err(Error::new_spanned(
                &input.ident,
                "a struct with named fields needs #[wamp(table = \"schema.Name\")] or \
                 #[wamp(struct = \"schema.Name\")]",
            )),
            (None, Fields::Unnamed(fields)) => match fields.unnamed.first() {
                Some(field) if fields.unnamed.len() == 1 => {
                    attributes::forbid(&field.attrs, "the field of a flags type")?;
                    Ok(Shape::Flags { bits: &field.ty })
                }
                _ => Err(Error::new_spanned(
                    fields,
                    "a tuple struct must have exactly one field, the integer of its flags",
                )),
            },
            (None, Fields::Unit) => Err(Error::new_spanned(
                &input.ident,
                "a unit struct is not a WAMP IDL type: expected a struct with named fields, \
                 a one-field tuple struct or an enum",
            )),
        },
        Data::Enum(data) => match kind {
            Some(kind) if kind.key == KindKey::Union => union(kind, data).map(Shape::Union),
            Some(kind) => Err(Error::new(
                kind.span,
                format!(
                    "`{}` is for a struct with named fields, not an enum",
                    kind.key.name()
                ),
            )),
            None => integer_enum(input, data),
        },
        Data::Union(data) => Err(Error::new_spanned(
            data.union_token,
            "a Rust union is not a WAMP IDL type: a schema union is an enum with #[wamp(union = \"...\")]",
        )),
    }
}

fn object<'a>(kind: &Kind, fields: &'a FieldsNamed) -> Result<Object<'a>> {
    let is_struct = kind.key == KindKey::Struct;
    let mut errors = Errors::default();
    let fields: Vec<Field<'a>> = fields
        .named
        .iter()
        .filter_map(|field| errors.keep(object_field(field, is_struct)))
        .collect();
    // A dict has one value per key, and the readers give each key to one field.
    for (position, field) in fields.iter().enumerate() {
        if let Some(first) = fields.iter().take(position).find(|first| first.key == field.key) {
            errors.push(Error::new_spanned(
                field.member,
                format!(
                    "`{}` travels under the key \"{}\", as `{}` does: give one of them another #[wamp(name = \"...\")]",
                    field.member, field.key, first.member
                ),
            ));
        }
    }
    errors.finish(Ok(Object {
        is_struct,
        schema_name: kind.schema_name.clone(),
        fields,
    }))
}

fn object_field(field: &syn::Field, is_struct: bool) -> Result<Field<'_>> {
    let member = field
        .ident
        .as_ref()
        .ok_or_else(|| Error::new_spanned(field, "expected a named field"))?;
    let attrs = attributes::field(&field.attrs)?;
    let mut errors = Errors::default();
    let optional = is_option(&field.ty);
    let mode = match attrs.default {
        Some(default) if optional => {
            errors.push(Error::new(
                default.span,
                "`default` is not allowed on an Option field: an absent optional field is None",
            ));
            Mode::Optional
        }
        Some(default) => Mode::Defaulted(default.value),
        None if optional => Mode::Optional,
        None => Mode::Mandatory,
    };
    // A struct never travels as a payload, so the payload keys would be silently unused.
    if is_struct {
        for (key, span) in [("kwarg", attrs.kwarg), ("optional_arg", attrs.optional_arg)] {
            if let Some(span) = span {
                errors.push(Error::new(
                    span,
                    format!("`{key}` is for the fields of a table, which travels as a payload; a struct never does"),
                ));
            }
        }
    }
    let placement = match (attrs.kwarg, attrs.optional_arg) {
        (Some(kwarg), Some(optional_arg)) => {
            errors.push(Error::new(
                optional_arg,
                "`optional_arg` is for positional arguments; a keyword argument may always be left out",
            ));
            Placement::Keyword(kwarg)
        }
        (Some(kwarg), None) => Placement::Keyword(kwarg),
        (None, Some(optional_arg)) => Placement::OptionalArg(optional_arg),
        (None, None) => Placement::Positional,
    };
    errors.finish(Ok(Field {
        member,
        key: attrs.name.unwrap_or_else(|| member.unraw().to_string()),
        mode,
        placement,
    }))
}

/// Whether `ty` is an `Option<T>`, by its last path segment: the generator writes
/// `::core::option::Option<T>`, users may write `Option<T>`.
fn is_option(ty: &Type) -> bool {
    match ty {
        // Types that went through a `macro_rules!` `$ty:ty` arrive in invisible groups.
        Type::Group(group) => is_option(&group.elem),
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().is_some_and(|segment| {
            segment.ident == "Option"
                && matches!(
                    &segment.arguments,
                    PathArguments::AngleBracketed(arguments)
                        if arguments.args.len() == 1
                            && matches!(arguments.args.first(), Some(GenericArgument::Type(_)))
                )
        }),
        _ => false,
    }
}

fn union<'a>(kind: &Kind, data: &'a DataEnum) -> Result<Union<'a>> {
    let mut errors = Errors::default();
    let members = data
        .variants
        .iter()
        .filter_map(|variant| {
            let member = match &variant.fields {
                Fields::Unnamed(fields) if fields.unnamed.len() == 1 => fields
                    .unnamed
                    .iter()
                    .try_for_each(|field| attributes::forbid(&field.attrs, "the value of a union member"))
                    .and_then(|()| attributes::variant(&variant.attrs))
                    .map(|attrs| Member {
                        variant: &variant.ident,
                        name: attrs.name.unwrap_or_else(|| variant.ident.unraw().to_string()),
                    }),
                _ => Err(Error::new_spanned(
                    variant,
                    format!(
                        "a variant of a union holds exactly one member: expected `{}(Type)`",
                        variant.ident
                    ),
                )),
            };
            errors.keep(member)
        })
        .collect();
    errors.finish(Ok(Union {
        schema_name: kind.schema_name.clone(),
        members,
    }))
}

fn integer_enum<'a>(input: &'a DeriveInput, data: &'a DataEnum) -> Result<Shape<'a>> {
    let is_unit = |fields: &Fields| matches!(fields, Fields::Unit);
    let has_one_value =
        |fields: &Fields| matches!(fields, Fields::Unnamed(fields) if fields.unnamed.len() == 1);
    if !data.variants.is_empty() && data.variants.iter().all(|variant| has_one_value(&variant.fields)) {
        return Err(Error::new_spanned(
            &input.ident,
            "an enum of one-value variants is a union: add #[wamp(union = \"schema.Name\")]",
        ));
    }
    let mut errors = Errors::default();
    for variant in &data.variants {
        if is_unit(&variant.fields) {
            errors.keep(attributes::forbid(
                &variant.attrs,
                "a variant of an integer-backed enum",
            ));
        } else {
            errors.push(Error::new_spanned(
                variant,
                "an integer-backed enum has unit variants only (a union, with \
                 #[wamp(union = \"schema.Name\")], has one-value variants only)",
            ));
        }
    }
    errors.finish(repr(input)).map(|repr| Shape::Enum { repr })
}

/// The integer of `#[repr(...)]`.
fn repr(input: &DeriveInput) -> Result<Ident> {
    let repr_attrs: Vec<&Attribute> = input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("repr"))
        .collect();
    let Some(first) = repr_attrs.first() else {
        return Err(Error::new_spanned(
            &input.ident,
            "an enum of unit variants travels as its integer: add #[repr(u8)] (or another integer type)",
        ));
    };
    for attr in &repr_attrs {
        let items = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
        let integer = items.into_iter().find_map(|item| match item {
            Meta::Path(path) => path
                .get_ident()
                .filter(|ident| INTEGERS.iter().any(|name| *ident == name))
                .cloned(),
            _ => None,
        });
        if let Some(integer) = integer {
            return Ok(integer);
        }
    }
    Err(Error::new_spanned(
        first,
        "expected an integer repr such as #[repr(u8)]: the enum travels as its integer",
    ))
}
