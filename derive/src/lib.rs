//! Derives of `FromValue`, `IntoValue`, `FromPayload` and `IntoPayload` for WAMP IDL types.
//!
//! The generator of WAMP IDL stubs derives these on the types of a schema, and
//! `wamp_idl_runtime` re-exports them under the names of its traits. Each derive reads
//! the type and its `#[wamp(...)]` attributes into a model (module `model`), then writes
//! the impl from it (modules `value` and `payload`).
//!
//! The expansions name everything by absolute path, so they compile under
//! `#![no_implicit_prelude]`.

// Library code reports every failure as an error: what panics is a bug, and tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)
)]

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

mod attributes;
mod errors;
mod key;
mod model;
mod payload;
mod value;

#[cfg(test)]
mod tests;

/// Derives `FromValue`: reads the type from a WAMP value.
///
/// The type is one of:
/// - a table, `#[wamp(table = "schema.Name")] struct T { ... }`: a dict keyed by field
///   name; unknown keys are ignored;
/// - a struct, `#[wamp(struct = "schema.Name")] struct T { ... }`: a dict with exactly its
///   fields, or a list of them in field order;
/// - a union, `#[wamp(union = "schema.Name")] enum T { A(A), ... }`: a dict with one key,
///   the member's name;
/// - an enum, `#[repr(u8)] enum T { A = 0, ... }`, or a flags type, `struct T(u8);`: its
///   integer, checked by the type's `TryFrom` of it.
///
/// `#[wamp(crate = "path")]` names the runtime crate (default `::wamp_idl_runtime`).
///
/// Fields take `#[wamp(name = "key")]` (the key on the wire; default the field's name)
/// and `#[wamp(default)]` or `#[wamp(default = EXPR)]` (the value of an absent field). An
/// `Option<_>` field may be absent; another field without `default` is mandatory.
/// Union variants take `#[wamp(name = "Member")]`.
#[proc_macro_derive(FromValue, attributes(wamp))]
pub fn derive_from_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    value::from_value(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `IntoValue`: writes the type as a WAMP value, as [`FromValue`](derive@FromValue)
/// reads it; absent `Option` fields are left out of the dict.
///
/// Takes the same attributes as [`FromValue`](derive@FromValue).
#[proc_macro_derive(IntoValue, attributes(wamp))]
pub fn derive_into_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    value::into_value(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `FromPayload` for a table (`#[wamp(table = "schema.Name")]`): reads it from
/// a WAMP payload's positional and keyword arguments.
///
/// Fields are positional arguments in field order, except:
/// - `#[wamp(kwarg)]`: a keyword argument, which must be an `Option` or have
///   `#[wamp(default)]`;
/// - `#[wamp(optional_arg)]`: a trailing positional argument that may be left out,
///   which must be an `Option` or have `#[wamp(default)]`; any positional field after
///   it must be one too.
///
/// A positional `Option` field without `optional_arg` must be sent, possibly `null`.
/// `name`, `default` and `crate` are as for [`FromValue`](derive@FromValue).
#[proc_macro_derive(FromPayload, attributes(wamp))]
pub fn derive_from_payload(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    payload::from_payload(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `IntoPayload` for a table: writes it as a WAMP payload, as
/// [`FromPayload`](derive@FromPayload) reads it; trailing absent optional arguments and
/// absent keyword arguments are left out, other absent positional ones are sent as
/// `null`.
///
/// Takes the same attributes as [`FromPayload`](derive@FromPayload).
#[proc_macro_derive(IntoPayload, attributes(wamp))]
pub fn derive_into_payload(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    payload::into_payload(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
