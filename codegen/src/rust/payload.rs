//! How generated types convert to and from values and payloads: the runtime's
//! conversion derives and the `#[wamp(...)]` attributes they read (wamp-idl-derive).
//! The rules are spec `docs/wamp-idl.md` §4 and §5; here they become attributes.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wamp_idl::model::{Field, Object};

use super::DEFAULT_RUNTIME_PATH;
use super::context::{Context, FieldMode, Placement, TargetModule, is_optional_arg};
use super::names::ident;
use crate::Error;

/// The conversion derives, to append to a type's `#[derive(...)]`: `FromValue` and
/// `IntoValue`, and for a table used by a method `FromPayload` and `IntoPayload`.
pub fn conversion_derives(context: &Context<'_>, payload: bool) -> TokenStream {
    let runtime = &context.runtime;
    let payload = payload.then(|| quote!(#runtime::FromPayload, #runtime::IntoPayload,));
    quote!(#runtime::FromValue, #runtime::IntoValue, #payload)
}

/// The type's `#[wamp(...)]` attribute: its kind and schema name (`table = "a.B"`), if
/// any, and the runtime path unless it is the default one.
pub fn type_attribute(context: &Context<'_>, kind_and_name: Option<(&str, &str)>) -> TokenStream {
    let kind = kind_and_name.map(|(kind, name)| {
        let kind = Ident::new(kind, proc_macro2::Span::call_site());
        quote!(#kind = #name)
    });
    let runtime_path = &context.options.runtime_path;
    let runtime = (runtime_path != DEFAULT_RUNTIME_PATH).then(|| quote!(crate = #runtime_path));
    let entries = kind.into_iter().chain(runtime).collect::<Vec<_>>();
    if entries.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[wamp(#(#entries),*)])
    }
}

/// A field's `#[wamp(...)]` attribute: its key when the Rust name differs, its default
/// when it may be absent, and where it travels in a payload; nothing when none applies.
pub fn field_attribute(
    context: &Context<'_>,
    object: &Object,
    field: &Field,
    here: &TargetModule<'_>,
) -> Result<TokenStream, Error> {
    let mut entries = Vec::new();
    let key = field.name.as_str();
    if !is_derived_name(key, &ident(&context.names.field(&object.name, key))) {
        entries.push(quote!(name = #key));
    }
    if context.field_mode(object, field) == FieldMode::Defaulted {
        let (default, trivial) = context.default_value(here, field)?;
        entries.push(if trivial {
            quote!(default)
        } else {
            quote!(default = #default)
        });
    }
    match context.placement(object, field) {
        Some(Placement::Keyword) => entries.push(quote!(kwarg)),
        Some(Placement::Positional) if is_optional_arg(field) => entries.push(quote!(optional_arg)),
        Some(Placement::Positional) | None => {}
    }
    Ok(if entries.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[wamp(#(#entries),*)])
    })
}

/// A union member's `#[wamp(name = "...")]` attribute, when its Rust name differs.
pub fn member_attribute(member_name: &str, variant: &Ident) -> TokenStream {
    if is_derived_name(member_name, variant) {
        TokenStream::new()
    } else {
        quote!(#[wamp(name = #member_name)])
    }
}

/// Whether the derives find `name` from the identifier alone: they read `r#type` as
/// "type", but keywords that cannot be raw (`self_`) and case-converted names need it said.
pub fn is_derived_name(name: &str, rust: &Ident) -> bool {
    let rust = rust.to_string();
    rust.strip_prefix("r#").unwrap_or(&rust) == name
}
