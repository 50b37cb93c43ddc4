//! The conversions of tables and structs: to and from a dict (`FromValue`/`IntoValue`,
//! for nesting) and, for tables used by a method, to and from args and kwargs
//! (`FromPayload`/`IntoPayload`). The rules are spec `docs/wamp-idl.md` §4 and §5.

use proc_macro2::TokenStream;
use quote::quote;
use wamp_idl::model::Object;

use super::context::{Context, FieldMode, Here, Placement, is_optional_arg};
use super::names::{ident, value_name};
use crate::Error;

pub fn object_conversions(
    context: &Context<'_>,
    object: &Object,
    here: &Here<'_>,
) -> Result<TokenStream, Error> {
    let value = value_conversions(context, object, here)?;
    let payload = match context.payload(&object.name) {
        Some(_) => payload_conversions(context, object, here)?,
        None => TokenStream::new(),
    };
    Ok(quote!(#value #payload))
}

fn value_conversions(context: &Context<'_>, object: &Object, here: &Here<'_>) -> Result<TokenStream, Error> {
    let runtime = &context.runtime;
    let name = ident(&super::names::type_name(object.name.name()));
    let schema_name = object.name.as_str();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for field in Context::fields(object) {
        let field_ident = ident(&value_name(&field.name));
        let key = field.name.as_str();
        let decode = context.field_decoder(here, &object.name, field);
        let encode = context.field_encoder(here, &object.name, field);
        let (read, write) = match context.field_mode(object, field) {
            FieldMode::Mandatory => (
                quote!(reader.required(#key, #decode)?),
                quote!(writer.field(#key, #encode(self.#field_ident));),
            ),
            FieldMode::Defaulted => {
                let (default, _) = context.default_value(here, field)?;
                (
                    quote!(reader.optional(#key, #decode)?.unwrap_or(#default)),
                    quote!(writer.field(#key, #encode(self.#field_ident));),
                )
            }
            FieldMode::Optional => (
                quote!(reader.optional(#key, #decode)?),
                quote!(writer.optional(#key, ::core::option::Option::map(self.#field_ident, #encode));),
            ),
        };
        reads.push(quote!(#field_ident: #read,));
        writes.push(write);
    }
    let open_reader = if object.is_struct {
        let field_names = Context::fields(object).map(|field| field.name.as_str());
        quote!(#runtime::payload::struct_reader(value, #schema_name, &[#(#field_names),*])?)
    } else {
        quote!(#runtime::payload::DictReader::new(value, #schema_name)?)
    };
    let writer_type = quote!(#runtime::payload::DictWriter);
    let (from_body, into_body) = conversion_bodies(open_reader, writer_type, &reads, &writes);
    Ok(quote! {
        impl #runtime::FromValue for #name {
            fn from_value(value: #runtime::Value) -> ::core::result::Result<Self, #runtime::PayloadError> {
                #from_body
            }
        }

        impl #runtime::IntoValue for #name {
            fn into_value(self) -> #runtime::Value {
                #into_body
            }
        }
    })
}

fn payload_conversions(
    context: &Context<'_>,
    object: &Object,
    here: &Here<'_>,
) -> Result<TokenStream, Error> {
    let runtime = &context.runtime;
    let name = ident(&super::names::type_name(object.name.name()));
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for field in Context::fields(object) {
        let field_ident = ident(&value_name(&field.name));
        let key = field.name.as_str();
        let decode = context.field_decoder(here, &object.name, field);
        let encode = context.field_encoder(here, &object.name, field);
        let mode = context.field_mode(object, field);
        let (read, write) = match (context.placement(object, field), mode) {
            (Some(Placement::Keyword), FieldMode::Optional) => {
                kwargs.push(key);
                (
                    quote!(reader.kwarg(#key, #decode)?),
                    quote!(writer.optional_kwarg(#key, ::core::option::Option::map(self.#field_ident, #encode));),
                )
            }
            (Some(Placement::Keyword), _) => {
                kwargs.push(key);
                let (default, _) = context.default_value(here, field)?;
                (
                    quote!(reader.kwarg(#key, #decode)?.unwrap_or(#default)),
                    quote!(writer.kwarg(#key, #encode(self.#field_ident));),
                )
            }
            (_, FieldMode::Optional) => {
                args.push(key);
                let write = if is_optional_arg(field) {
                    quote!(writer.optional_arg(::core::option::Option::map(self.#field_ident, #encode));)
                } else {
                    quote!(writer.nullable_arg(::core::option::Option::map(self.#field_ident, #encode));)
                };
                (quote!(reader.optional_arg(#decode)?), write)
            }
            (_, FieldMode::Defaulted) if is_optional_arg(field) => {
                args.push(key);
                let (default, _) = context.default_value(here, field)?;
                (
                    quote!(reader.optional_arg(#decode)?.unwrap_or(#default)),
                    quote!(writer.arg(#encode(self.#field_ident));),
                )
            }
            _ => {
                args.push(key);
                (
                    quote!(reader.arg(#decode)?),
                    quote!(writer.arg(#encode(self.#field_ident));),
                )
            }
        };
        reads.push(quote!(#field_ident: #read,));
        writes.push(write);
    }
    let mandatory = proc_macro2::Literal::usize_unsuffixed(context.mandatory_args(object));
    let open_reader =
        quote!(#runtime::payload::PayloadReader::new(payload, &[#(#args),*], #mandatory, &[#(#kwargs),*])?);
    let writer_type = quote!(#runtime::payload::PayloadWriter);
    let (from_body, into_body) = conversion_bodies(open_reader, writer_type, &reads, &writes);
    Ok(quote! {
        impl #runtime::FromPayload for #name {
            fn from_payload(payload: #runtime::Payload) -> ::core::result::Result<Self, #runtime::PayloadError> {
                #from_body
            }
        }

        impl #runtime::IntoPayload for #name {
            fn into_payload(self) -> #runtime::Payload {
                #into_body
            }
        }
    })
}

/// The bodies of a `from_*` and an `into_*` conversion: the first reads every field through
/// `reader`, opened by `open_reader`; the second writes every field through a `writer` of
/// type `writer_type`. Without fields, neither binds a variable it would not use.
fn conversion_bodies(
    open_reader: TokenStream,
    writer_type: TokenStream,
    reads: &[TokenStream],
    writes: &[TokenStream],
) -> (TokenStream, TokenStream) {
    let from_body = if reads.is_empty() {
        quote! {
            #open_reader;
            ::core::result::Result::Ok(Self {})
        }
    } else {
        quote! {
            let mut reader = #open_reader;
            ::core::result::Result::Ok(Self { #(#reads)* })
        }
    };
    let into_body = if writes.is_empty() {
        quote!(#writer_type::new().finish())
    } else {
        quote! {
            let mut writer = #writer_type::new();
            #(#writes)*
            writer.finish()
        }
    };
    (from_body, into_body)
}
