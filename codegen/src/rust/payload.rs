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
        let (read, write) = match context.field_mode(object, field) {
            FieldMode::Mandatory => (
                quote!(fields.required(#key)?),
                quote!(.field(#key, self.#field_ident)),
            ),
            FieldMode::Defaulted => {
                let (default, _) = context.default_value(here, field)?;
                (
                    quote!(fields.optional(#key)?.unwrap_or(#default)),
                    quote!(.field(#key, self.#field_ident)),
                )
            }
            FieldMode::Optional => (
                quote!(fields.optional(#key)?),
                quote!(.optional(#key, self.#field_ident)),
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
    let from_body = reader_body(open_reader, &reads);
    Ok(quote! {
        impl #runtime::FromValue for #name {
            fn from_value(value: #runtime::Value) -> #runtime::payload::Result<Self> {
                #from_body
            }
        }

        impl #runtime::IntoValue for #name {
            fn into_value(self) -> #runtime::Value {
                #runtime::payload::DictWriter::new() #(#writes)* .finish()
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
        let mode = context.field_mode(object, field);
        let (read, write) = match (context.placement(object, field), mode) {
            (Some(Placement::Keyword), FieldMode::Optional) => {
                kwargs.push(key);
                (
                    quote!(fields.kwarg(#key)?),
                    quote!(.optional_kwarg(#key, self.#field_ident)),
                )
            }
            (Some(Placement::Keyword), _) => {
                kwargs.push(key);
                let (default, _) = context.default_value(here, field)?;
                (
                    quote!(fields.kwarg(#key)?.unwrap_or(#default)),
                    quote!(.kwarg(#key, self.#field_ident)),
                )
            }
            (_, FieldMode::Optional) => {
                args.push(key);
                let write = if is_optional_arg(field) {
                    quote!(.optional_arg(self.#field_ident))
                } else {
                    quote!(.nullable_arg(self.#field_ident))
                };
                (quote!(fields.optional_arg()?), write)
            }
            (_, FieldMode::Defaulted) if is_optional_arg(field) => {
                args.push(key);
                let (default, _) = context.default_value(here, field)?;
                (
                    quote!(fields.optional_arg()?.unwrap_or(#default)),
                    quote!(.arg(self.#field_ident)),
                )
            }
            _ => {
                args.push(key);
                (quote!(fields.arg()?), quote!(.arg(self.#field_ident)))
            }
        };
        reads.push(quote!(#field_ident: #read,));
        writes.push(write);
    }
    let mandatory = proc_macro2::Literal::usize_unsuffixed(context.mandatory_args(object));
    let open_reader =
        quote!(#runtime::payload::PayloadReader::new(payload, &[#(#args),*], #mandatory, &[#(#kwargs),*])?);
    let from_body = reader_body(open_reader, &reads);
    Ok(quote! {
        impl #runtime::FromPayload for #name {
            fn from_payload(payload: #runtime::Payload) -> #runtime::payload::Result<Self> {
                #from_body
            }
        }

        impl #runtime::IntoPayload for #name {
            fn into_payload(self) -> #runtime::Payload {
                #runtime::payload::PayloadWriter::new() #(#writes)* .finish()
            }
        }
    })
}

/// The body of a `from_*` conversion: reads every field through `fields`, opened by
/// `open_reader`. Without fields, it binds no variable it would not use.
fn reader_body(open_reader: TokenStream, reads: &[TokenStream]) -> TokenStream {
    if reads.is_empty() {
        quote! {
            #open_reader;
            ::core::result::Result::Ok(Self {})
        }
    } else {
        quote! {
            let mut fields = #open_reader;
            ::core::result::Result::Ok(Self { #(#reads)* })
        }
    }
}
