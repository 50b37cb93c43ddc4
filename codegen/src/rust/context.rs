//! What every part of the generator needs to know about the schema: where each type
//! lives in the generated module tree, how each field is typed, and which types need a
//! `Box`, lack floats, or have a `Default`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wamp_idl::Schema;
use wamp_idl::model::{DefaultValue, Enum, Field, Object, Payload, Presence, QualifiedName, Scalar, Type};

use super::Options;
use super::graph::{self, Edges};
use super::names::{Names, ident};
use crate::{Error, ErrorKind};

/// The module generated code is emitted into: a namespace's, or an interface's below it.
#[derive(Debug, Clone)]
pub struct TargetModule<'a> {
    namespace: Vec<&'a str>,
    in_interface: bool,
}

impl<'a> TargetModule<'a> {
    /// The module of the namespace `namespace` (`wamp.meta`).
    pub fn namespace(namespace: &'a str) -> TargetModule<'a> {
        TargetModule {
            namespace: namespace_components(namespace),
            in_interface: false,
        }
    }

    /// The module of an interface of the namespace `namespace`.
    pub fn interface(namespace: &'a str) -> TargetModule<'a> {
        TargetModule {
            in_interface: true,
            ..TargetModule::namespace(namespace)
        }
    }
}

fn namespace_components(namespace: &str) -> Vec<&str> {
    namespace
        .split('.')
        .filter(|component| !component.is_empty())
        .collect()
}

/// How a table field is typed in Rust and read when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldMode {
    /// `T`; absent is an error.
    Mandatory,
    /// `T`; absent gives the schema default.
    Defaulted,
    /// `Option<T>`; absent is `None`.
    Optional,
}

/// Where a field of a payload table travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Positional,
    Keyword,
}

/// The schema, the options, and what was worked out about them once for every generator.
pub struct Context<'a> {
    pub schema: &'a Schema,
    pub options: &'a Options,
    /// The Rust name of everything the schema declares.
    pub names: &'a Names<'a>,
    /// The path of the runtime crate, such as `::wamp_idl_runtime`.
    pub runtime: TokenStream,
    /// The tables used as a request, a response or a declared error, with their payload layout.
    payloads: BTreeMap<&'a QualifiedName, &'a Payload>,
    /// The (table, field) pairs of positional fields of those tables, looked up once per
    /// field: a scan of the payload's args would make a table of many fields quadratic.
    positional: HashSet<(&'a str, &'a str)>,
    /// (owner, field or member name) pairs that must be boxed to break a type cycle.
    boxed: BTreeSet<(&'a QualifiedName, &'a str)>,
    /// The tables, structs and unions whose values can hold a float.
    with_float: HashSet<&'a QualifiedName>,
    /// The tables that cannot have a `Default`.
    without_default: HashSet<&'a QualifiedName>,
    type_attributes: Vec<(String, TokenStream)>,
}

impl<'a> Context<'a> {
    pub fn new(schema: &'a Schema, options: &'a Options, names: &'a Names<'a>) -> Result<Context<'a>, Error> {
        let runtime = syn::parse_str::<syn::Path>(&options.runtime_path)
            .map_err(|error| Error::config(format!("runtime path `{}`: {error}", options.runtime_path)))?;
        let type_attributes = options
            .type_attributes
            .iter()
            .map(|(target, attribute)| {
                // Parsed as attributes here, so that `derive(Hash)` without `#[…]` is
                // reported as the option's mistake rather than as unparsable generated code.
                let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, attribute)
                    .map_err(|error| {
                        Error::config(format!(
                            "type attribute `{attribute}`: {error}; expected attributes such as `#[derive(Hash)]`"
                        ))
                    })?;
                Ok((target.clone(), quote!(#(#parsed)*)))
            })
            .collect::<Result<_, Error>>()?;
        let mut payloads = BTreeMap::new();
        for method in schema.interfaces.iter().flat_map(|interface| &interface.methods) {
            let errors = method.raises.iter().map(|error| &error.payload);
            for payload in [&method.request, &method.response].into_iter().chain(errors) {
                payloads.entry(&payload.table).or_insert(payload);
            }
        }
        let positional = payloads
            .values()
            .flat_map(|payload| {
                payload
                    .args
                    .iter()
                    .map(|field| (payload.table.as_str(), field.as_str()))
            })
            .collect();
        let mut context = Context {
            schema,
            options,
            names,
            runtime: quote!(#runtime),
            payloads,
            positional,
            boxed: BTreeSet::new(),
            with_float: HashSet::new(),
            without_default: HashSet::new(),
            type_attributes,
        };
        context.boxed = context.find_cycles()?;
        context.with_float = context.find_floats();
        context.without_default = context.find_defaultless();
        Ok(context)
    }

    pub fn object(&self, name: &QualifiedName) -> Result<&'a Object, Error> {
        self.schema
            .object(name)
            .ok_or_else(|| invalid_model(format!("`{name}` is not a table or struct of the schema")))
    }

    pub fn enumeration(&self, name: &QualifiedName) -> Result<&'a Enum, Error> {
        self.schema
            .enumeration(name)
            .ok_or_else(|| invalid_model(format!("`{name}` is not an enum or union of the schema")))
    }

    /// The payload layout of a table used as a request, a response or a declared error.
    pub fn payload(&self, table: &QualifiedName) -> Option<&'a Payload> {
        self.payloads.get(table).copied()
    }

    /// The fields a table has in Rust: all but the deprecated ones, which never travel.
    pub fn fields(object: &'a Object) -> impl Iterator<Item = &'a Field> {
        object.fields.iter().filter(|field| !field.deprecated)
    }

    /// Extra attributes the options ask for on the type `name`.
    pub fn type_attributes(&self, name: &QualifiedName) -> TokenStream {
        let matching = self.type_attributes.iter().filter(|(target, _)| {
            target == "." || target == name.as_str() || name.as_str().starts_with(&format!("{target}."))
        });
        matching.map(|(_, attribute)| attribute.clone()).collect()
    }

    /// The shortest path to the type `name` from the module `here`: `super::`s up to the
    /// closest common namespace, then down (no more: `unused_qualifications` would say so).
    pub fn type_path(&self, here: &TargetModule<'_>, name: &QualifiedName) -> TokenStream {
        let target = namespace_components(name.namespace());
        let common = here
            .namespace
            .iter()
            .zip(&target)
            .take_while(|(ours, theirs)| ours == theirs)
            .count();
        let ups = here.namespace.len() - common + usize::from(here.in_interface);
        let supers = std::iter::repeat_n(quote!(super::), ups);
        let modules = (common..target.len()).map(|depth| {
            // The namespace down to this component names its module.
            let namespace = target.get(..=depth).unwrap_or_default().join(".");
            let module = ident(&self.names.module(&namespace));
            quote!(#module::)
        });
        let type_ident = self.names.type_name(name);
        quote!(#(#supers)* #(#modules)* #type_ident)
    }

    /// How a field of `object` is typed: in a payload table, a positional field is
    /// mandatory unless it is `optional` or a scalar declared `= null`, and `required`
    /// does not apply to a keyword field (spec §4); other tables follow FlatBuffers
    /// presence; struct fields are always there.
    pub fn field_mode(&self, object: &Object, field: &Field) -> FieldMode {
        if object.is_struct {
            return FieldMode::Mandatory;
        }
        let presence = match self.placement(object, field) {
            Some(Placement::Positional) if field.presence == Presence::Default => Presence::Default,
            Some(Placement::Positional) if is_optional_arg(field) || is_nullable_scalar(field) => {
                Presence::Optional
            }
            Some(Placement::Positional) => Presence::Required,
            Some(Placement::Keyword) if field.presence == Presence::Required => Presence::Optional,
            _ => field.presence,
        };
        match presence {
            Presence::Default => FieldMode::Defaulted,
            Presence::Optional => FieldMode::Optional,
            Presence::Required => FieldMode::Mandatory,
        }
    }

    /// Where a field travels when its table is a payload; `None` for other tables.
    pub fn placement(&self, object: &Object, field: &Field) -> Option<Placement> {
        self.payload(&object.name)?;
        if self
            .positional
            .contains(&(object.name.as_str(), field.name.as_str()))
        {
            Some(Placement::Positional)
        } else {
            Some(Placement::Keyword)
        }
    }

    /// The Rust type of a field of `owner`, with the `Option` of an optional field.
    pub fn field_type(&self, here: &TargetModule<'_>, owner: &Object, field: &Field) -> TokenStream {
        let value_type = self.field_value_type(here, &owner.name, field);
        match self.field_mode(owner, field) {
            FieldMode::Optional => quote!(::core::option::Option<#value_type>),
            FieldMode::Mandatory | FieldMode::Defaulted => value_type,
        }
    }

    /// The Rust type of a field's value (without the `Option` of an optional field).
    pub fn field_value_type(
        &self,
        here: &TargetModule<'_>,
        owner: &QualifiedName,
        field: &Field,
    ) -> TokenStream {
        if field.carries_any_value() {
            let runtime = &self.runtime;
            quote!(#runtime::Value)
        } else {
            self.rust_type(here, owner, &field.name, &field.ty)
        }
    }

    /// The Rust type of a value of `ty` (without the `Option` of an optional field).
    pub fn rust_type(
        &self,
        here: &TargetModule<'_>,
        owner: &QualifiedName,
        member: &str,
        ty: &Type,
    ) -> TokenStream {
        let plain = self.plain_type(here, ty);
        if self.boxed.contains(&(owner, member)) {
            quote!(::std::boxed::Box<#plain>)
        } else {
            plain
        }
    }

    fn plain_type(&self, here: &TargetModule<'_>, ty: &Type) -> TokenStream {
        match ty {
            Type::Scalar(scalar) => scalar_type(*scalar),
            Type::String => quote!(::std::string::String),
            Type::Vector(element) | Type::Vector64(element) => {
                let element = self.plain_type(here, element);
                quote!(::std::vec::Vec<#element>)
            }
            Type::Array { element, length } => {
                let element = self.plain_type(here, element);
                let length = Literal::usize_unsuffixed(usize::from(*length));
                quote!([#element; #length])
            }
            Type::Table(name) | Type::Struct(name) | Type::Union(name) | Type::Enum { name, .. } => {
                self.type_path(here, name)
            }
        }
    }

    /// The default of a defaulted field, and whether it equals the type's `Default` (then
    /// the containing type can derive `Default`, and the field's attribute says just
    /// `#[wamp(default)]`).
    pub fn default_value(
        &self,
        here: &TargetModule<'_>,
        field: &Field,
    ) -> Result<(TokenStream, bool), Error> {
        let value = field.default.unwrap_or(DefaultValue::Integer(0));
        Ok(match (&field.ty, value) {
            (Type::Scalar(Scalar::Bool), DefaultValue::Integer(integer)) => {
                let value = integer != 0;
                (quote!(#value), !value)
            }
            (Type::Scalar(scalar), DefaultValue::Float(float)) => (
                float_literal(*scalar, float),
                float == 0.0 && float.is_sign_positive(),
            ),
            (Type::Scalar(scalar), DefaultValue::Integer(integer)) if scalar.is_float() => {
                (float_literal(*scalar, integer as f64), integer == 0)
            }
            (Type::Scalar(scalar), DefaultValue::Integer(integer)) => {
                (integer_literal(*scalar, integer), integer == 0)
            }
            (Type::Enum { name, .. }, DefaultValue::Integer(integer)) => {
                let enumeration = self.enumeration(name)?;
                let path = self.type_path(here, name);
                let zero = enum_default(enumeration).is_none_or(|default| default.value == integer);
                if enumeration.is_bit_flags() {
                    let bits = integer_literal(enumeration.underlying, integer);
                    (quote!(#path::from_bits_retain(#bits)), integer == 0)
                } else {
                    let variant = enumeration
                        .values
                        .iter()
                        .find(|value| value.value == integer)
                        .or_else(|| enumeration.values.first())
                        .ok_or_else(|| invalid_model(format!("enum `{name}` has no values")))?;
                    let variant = self.names.value(name, &variant.name);
                    (quote!(#path::#variant), zero)
                }
            }
            (ty, value) => {
                return Err(invalid_model(format!(
                    "field `{}` of type {ty:?} cannot have the default {value:?}",
                    field.name
                )));
            }
        })
    }

    /// Whether values of the type `name` (a table, struct or union) can hold a float,
    /// which rules out deriving `Eq`.
    pub fn has_float(&self, name: &QualifiedName) -> bool {
        self.with_float.contains(name)
    }

    /// Whether the table `object` can have a `Default`: not if a mandatory field holds a
    /// union or a table without one, nor if mandatory fields lead back to it.
    pub fn has_default(&self, object: &Object) -> bool {
        object.is_struct || !self.without_default.contains(&object.name)
    }

    /// The tables, structs and unions whose values can hold a float: those that reach a
    /// float (or any value, which may be one) through their fields and members.
    fn find_floats(&self) -> HashSet<&'a QualifiedName> {
        let mut edges = Edges::new();
        let mut holding = Vec::new();
        for object in &self.schema.objects {
            let owner = edges.entry(&object.name).or_default();
            for field in Self::fields(object) {
                let (element, float) = innermost(&field.ty);
                if float || field.carries_any_value() {
                    holding.push(&object.name);
                }
                if let Type::Table(target) | Type::Struct(target) | Type::Union(target) = element {
                    owner.push((field.name.as_str(), target));
                }
            }
        }
        for union in self.unions() {
            let owner = edges.entry(&union.name).or_default();
            for member in &union.values {
                if let Some(target) = &member.union_type {
                    owner.push((member.name.as_str(), target));
                }
            }
        }
        graph::reaching(&edges, holding)
    }

    /// The tables without a `Default`: those whose mandatory fields reach a union, a
    /// table the schema lacks, or a cycle of tables.
    fn find_defaultless(&self) -> HashSet<&'a QualifiedName> {
        let mut edges = Edges::new();
        let mut lacking = Vec::new();
        for object in self.schema.objects.iter().filter(|object| !object.is_struct) {
            for field in Self::fields(object) {
                if self.field_mode(object, field) != FieldMode::Mandatory {
                    continue;
                }
                match &field.ty {
                    Type::Union(_) => lacking.push(&object.name),
                    Type::Table(target) => match self.schema.object(target) {
                        Some(table) if !table.is_struct => edges
                            .entry(&object.name)
                            .or_default()
                            .push((field.name.as_str(), target)),
                        Some(_) => {}
                        None => lacking.push(&object.name),
                    },
                    _ => {}
                }
            }
        }
        let on_cycles = graph::cyclic_edges(&edges).into_iter().map(|(owner, _)| owner);
        lacking.extend(on_cycles);
        graph::reaching(&edges, lacking)
    }

    fn unions(&self) -> impl Iterator<Item = &'a Enum> {
        self.schema
            .enums
            .iter()
            .filter(|enumeration| enumeration.is_union)
    }

    /// The by-value edges (table and union fields outside vectors, union members) that
    /// close a cycle of types: those must be boxed for the types to have a size.
    fn find_cycles(&self) -> Result<BTreeSet<(&'a QualifiedName, &'a str)>, Error> {
        let mut edges = Edges::new();
        for object in self.schema.objects.iter().filter(|object| !object.is_struct) {
            for field in Self::fields(object) {
                if let Type::Table(target) | Type::Union(target) = &field.ty {
                    edges
                        .entry(&object.name)
                        .or_default()
                        .push((field.name.as_str(), target));
                }
            }
        }
        for union in self.unions() {
            for member in &union.values {
                if let Some(target) = &member.union_type {
                    self.object(target)?;
                    edges
                        .entry(&union.name)
                        .or_default()
                        .push((member.name.as_str(), target));
                }
            }
        }
        Ok(graph::cyclic_edges(&edges))
    }
}

/// The type of a value of `ty` once vectors and arrays are looked through, and whether
/// that is a float.
fn innermost(ty: &Type) -> (&Type, bool) {
    let mut ty = ty;
    while let Type::Vector(element) | Type::Vector64(element) | Type::Array { element, .. } = ty {
        ty = element;
    }
    (ty, matches!(ty, Type::Scalar(scalar) if scalar.is_float()))
}

/// Whether a positional field may be left out (`optional`, spec §2.4).
pub fn is_optional_arg(field: &Field) -> bool {
    field.attributes.contains_key("optional")
}

/// Whether a scalar is declared `= null`, and so may be `null` even as a positional
/// argument (spec §4).
fn is_nullable_scalar(field: &Field) -> bool {
    field.default == Some(DefaultValue::Null)
}

/// The variant an enum's `Default` gives: the one whose value is 0, else the first.
pub fn enum_default(enumeration: &Enum) -> Option<&wamp_idl::model::EnumValue> {
    enumeration
        .values
        .iter()
        .find(|value| value.value == 0)
        .or_else(|| enumeration.values.first())
}

pub fn scalar_type(scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::Bool => quote!(bool),
        Scalar::Byte => quote!(i8),
        Scalar::UByte => quote!(u8),
        Scalar::Short => quote!(i16),
        Scalar::UShort => quote!(u16),
        Scalar::Int => quote!(i32),
        Scalar::UInt => quote!(u32),
        Scalar::Long => quote!(i64),
        Scalar::ULong => quote!(u64),
        Scalar::Float => quote!(f32),
        Scalar::Double => quote!(f64),
    }
}

/// An integer literal of the scalar's type; unsigned 64-bit values keep their bit pattern.
pub fn integer_literal(scalar: Scalar, value: i64) -> TokenStream {
    let unsigned = matches!(
        scalar,
        Scalar::UByte | Scalar::UShort | Scalar::UInt | Scalar::ULong
    );
    if unsigned {
        let literal = Literal::u64_unsuffixed(value as u64);
        quote!(#literal)
    } else if value < 0 {
        let literal = Literal::u64_unsuffixed(value.unsigned_abs());
        quote!(-#literal)
    } else {
        let literal = Literal::i64_unsuffixed(value);
        quote!(#literal)
    }
}

fn float_literal(scalar: Scalar, value: f64) -> TokenStream {
    let ty = scalar_type(scalar);
    if value.is_nan() {
        quote!(#ty::NAN)
    } else if value.is_infinite() {
        if value > 0.0 {
            quote!(#ty::INFINITY)
        } else {
            quote!(#ty::NEG_INFINITY)
        }
    } else if value < 0.0 {
        let literal = Literal::f64_unsuffixed(-value);
        quote!(-#literal)
    } else {
        let literal = Literal::f64_unsuffixed(value);
        quote!(#literal)
    }
}

pub fn invalid_model(message: String) -> Error {
    Error::new(ErrorKind::InvalidModel(message))
}
