//! serde support of generated types ([`super::Options::serde`]): `Serialize` and `Deserialize`
//! derived through the runtime's re-export of serde (feature `serde` of the runtime), with the
//! schema's own names: fields, enum values and union members keep their wire names, an absent
//! optional field is left out, an enum is its value's name, a `[ubyte]` is bytes and a flags
//! type its integer.

use proc_macro2::TokenStream;
use quote::quote;
use wamp_idl::model::{Field, Object, Scalar, Type};

use super::context::{Context, FieldMode};
use super::names::ident;
use super::payload::is_derived_name;

/// The serde derives, to append to a type's `#[derive(...)]`; nothing without serde support.
pub fn derives(context: &Context<'_>) -> TokenStream {
    if !context.options.serde {
        return TokenStream::new();
    }
    let runtime = &context.runtime;
    quote!(#runtime::__private::serde::Serialize, #runtime::__private::serde::Deserialize,)
}

/// The type's `#[serde(...)]` attribute: the path of the serde crate, and `transparent` for
/// a flags newtype.
pub fn type_attribute(context: &Context<'_>, transparent: bool) -> TokenStream {
    if !context.options.serde {
        return TokenStream::new();
    }
    let serde_path = format!("{}::__private::serde", context.options.runtime_path);
    let transparent = transparent.then(|| quote!(, transparent));
    quote!(#[serde(crate = #serde_path #transparent)])
}

/// A field's `#[serde(...)]` attribute: its wire name when the Rust name differs, an
/// optional field left out when absent, and the helpers for bytes and arrays.
pub fn field_attribute(context: &Context<'_>, object: &Object, field: &Field) -> TokenStream {
    if !context.options.serde {
        return TokenStream::new();
    }
    let mut entries = Vec::new();
    let key = field.name.as_str();
    if !is_derived_name(key, &ident(&context.names.field(&object.name, key))) {
        entries.push(quote!(rename = #key));
    }
    let optional = context.field_mode(object, field) == FieldMode::Optional;
    if optional {
        entries.push(quote!(
            default,
            skip_serializing_if = "::core::option::Option::is_none"
        ));
    }
    let helpers = format!("{}::__private::serde_fields", context.options.runtime_path);
    let helper = match &field.ty {
        _ if field.carries_any_value() => None,
        Type::Vector(element) | Type::Vector64(element) if **element == Type::Scalar(Scalar::UByte) => {
            Some(if optional { "optional_bytes" } else { "bytes" })
        }
        Type::Array { .. } => Some("array"),
        _ => None,
    };
    if let Some(helper) = helper {
        let with = format!("{helpers}::{helper}");
        entries.push(quote!(with = #with));
    }
    if entries.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#(#entries),*)])
    }
}

/// An enum value's or union member's `#[serde(rename = "...")]`, when its Rust name differs.
pub fn variant_attribute(
    context: &Context<'_>,
    schema_name: &str,
    variant: &proc_macro2::Ident,
) -> TokenStream {
    if !context.options.serde || is_derived_name(schema_name, variant) {
        TokenStream::new()
    } else {
        quote!(#[serde(rename = #schema_name)])
    }
}
