//! `FromPayload` and `IntoPayload`: a table as a WAMP payload, its positional fields as
//! args in field order and its keyword fields as kwargs (spec §4).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::{DeriveInput, Error, Result};

use crate::errors::Errors;
use crate::model::{Input, Mode, Object, Placement, Shape};
use crate::value::{or_default, reader_body};

pub fn from_payload(input: &DeriveInput) -> Result<TokenStream> {
    let input = Input::parse(input)?;
    let table = table(&input, "FromPayload")?;
    let runtime = &input.runtime;
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    let mut reads = Vec::new();
    for field in &table.fields {
        let (member, key) = (field.member, &field.key);
        let read = match (&field.placement, &field.mode) {
            (Placement::Keyword(_), Mode::Optional) => quote!(fields.kwarg(#key)?),
            (Placement::Keyword(_), Mode::Defaulted(default)) => {
                let fallback = or_default(default.as_ref());
                quote!(fields.kwarg(#key)? #fallback)
            }
            (_, Mode::Optional) => quote!(fields.optional_arg()?),
            (Placement::OptionalArg(_), Mode::Defaulted(default)) => {
                let fallback = or_default(default.as_ref());
                quote!(fields.optional_arg()? #fallback)
            }
            // Other positional fields; `table` rejected mandatory keyword arguments.
            _ => quote!(fields.arg()?),
        };
        match field.placement {
            Placement::Keyword(_) => kwargs.push(key),
            Placement::Positional | Placement::OptionalArg(_) => args.push(key),
        }
        reads.push(quote!(#member: #read,));
    }
    let mandatory = Literal::usize_unsuffixed(mandatory_args(table));
    let open_reader =
        quote!(#runtime::__private::PayloadReader::new(payload, &[#(#args),*], #mandatory, &[#(#kwargs),*])?);
    let body = reader_body(open_reader, reads);
    let ident = input.ident;
    Ok(quote! {
        impl #runtime::FromPayload for #ident {
            fn from_payload(payload: &#runtime::Payload) -> #runtime::payload::Result<Self> {
                #body
            }
        }
    })
}

pub fn into_payload(input: &DeriveInput) -> Result<TokenStream> {
    let input = Input::parse(input)?;
    let table = table(&input, "IntoPayload")?;
    let runtime = &input.runtime;
    let writes = table.fields.iter().map(|field| {
        let (member, key) = (field.member, &field.key);
        match (&field.placement, &field.mode) {
            (Placement::Keyword(_), Mode::Optional) => quote!(.optional_kwarg(#key, self.#member)),
            (Placement::Keyword(_), _) => quote!(.kwarg(#key, self.#member)),
            (Placement::OptionalArg(_), Mode::Optional) => quote!(.optional_arg(self.#member)),
            (Placement::Positional, Mode::Optional) => quote!(.nullable_arg(self.#member)),
            _ => quote!(.arg(self.#member)),
        }
    });
    let ident = input.ident;
    Ok(quote! {
        impl #runtime::IntoPayload for #ident {
            fn into_payload(self) -> #runtime::Payload {
                #runtime::__private::PayloadWriter::new() #(#writes)* .finish()
            }
        }
    })
}

/// The table of `input`, checked for what only payloads need: kwargs that may be absent
/// and optional positional arguments that are trailing.
fn table<'i, 'a>(input: &'i Input<'a>, derive: &str) -> Result<&'i Object<'a>> {
    let table = match &input.shape {
        Shape::Object(object) if !object.is_struct => object,
        _ => {
            return Err(Error::new_spanned(
                input.ident,
                format!(
                    "{derive} is for tables: only a struct with #[wamp(table = \"...\")] travels as a payload"
                ),
            ));
        }
    };
    let mut errors = Errors::default();
    let mut first_optional_arg = None;
    for field in &table.fields {
        match (&field.placement, &field.mode) {
            (Placement::Keyword(span), Mode::Mandatory) => errors.push(Error::new(
                *span,
                "a keyword argument is never mandatory: make it an Option or give it #[wamp(default)]",
            )),
            (Placement::OptionalArg(span), Mode::Mandatory) => errors.push(Error::new(
                *span,
                "an optional argument may be left out: make it an Option or give it #[wamp(default)]",
            )),
            _ => {}
        }
        match &field.placement {
            Placement::OptionalArg(_) => {
                first_optional_arg.get_or_insert(field.member);
            }
            Placement::Positional => {
                if let Some(optional) = first_optional_arg {
                    errors.push(Error::new_spanned(
                        field.member,
                        format!(
                            "optional positional arguments must be trailing: `{}` follows `{optional}`; \
                             mark it #[wamp(optional_arg)] or #[wamp(kwarg)]",
                            field.member
                        ),
                    ));
                }
            }
            Placement::Keyword(_) => {}
        }
    }
    errors.finish(Ok(table))
}

/// The positional arguments before the first optional one, which must be sent.
fn mandatory_args(table: &Object<'_>) -> usize {
    table
        .fields
        .iter()
        .filter(|field| !matches!(field.placement, Placement::Keyword(_)))
        .take_while(|field| matches!(field.placement, Placement::Positional))
        .count()
}
