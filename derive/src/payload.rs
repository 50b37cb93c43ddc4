//! `FromPayload` and `IntoPayload`: a table as a WAMP payload, its positional fields as
//! args in field order and its keyword fields as kwargs (spec §4).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::{DeriveInput, Error, Result};

use crate::errors::Errors;
use crate::model::{Field, Input, Mode, Object, Placement, Shape};
use crate::value::{DictEntries, or_default};

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
            fn from_payload(payload: &#runtime::Payload) -> ::core::result::Result<Self, #runtime::PayloadError> {
                #body
            }
        }
    })
}

pub fn into_payload(input: &DeriveInput) -> Result<TokenStream> {
    let input = Input::parse(input)?;
    let table = table(&input, "IntoPayload")?;
    let runtime = &input.runtime;
    let (args_len, write_args) = write_args(runtime, table);
    let (kwargs_len, write_kwargs) = write_kwargs(runtime, table);
    let ident = input.ident;
    Ok(quote! {
        impl #runtime::IntoPayload for #ident {
            fn into_payload(self) -> #runtime::Payload {
                #runtime::Payload::typed(self)
            }
        }

        impl #runtime::__private::WritePayload for #ident {
            fn payload_len(&self) -> (::core::primitive::usize, ::core::primitive::usize) {
                (#args_len, #kwargs_len)
            }

            fn write_args<W: #runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), #runtime::wire::EncodeError> {
                #write_args
            }

            fn write_kwargs<W: #runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), #runtime::wire::EncodeError> {
                #write_kwargs
            }
        }
    })
}

/// How many positional arguments are sent, and their writing: every one up to the last that
/// has a value or is never left out, absent ones as `null`. Counts are computed in
/// statements, not in one expression as long as the table.
fn write_args(runtime: &syn::Path, table: &Object<'_>) -> (TokenStream, TokenStream) {
    let positional: Vec<_> = table
        .fields
        .iter()
        .filter(|field| !matches!(field.placement, Placement::Keyword(_)))
        .collect();
    let may_be_left_out = |field: &Field<'_>| {
        matches!(
            (&field.placement, &field.mode),
            (Placement::OptionalArg(_), Mode::Optional)
        )
    };
    // Everything up to the last argument that is always sent is sent.
    let always = positional
        .iter()
        .rposition(|field| !may_be_left_out(field))
        .map_or(0, |position| position + 1);
    let trailing: Vec<_> = positional.iter().enumerate().skip(always).collect();
    let len = if trailing.is_empty() {
        quote!(#always)
    } else {
        let sets = trailing.iter().map(|(position, field)| {
            let (member, sent) = (field.member, position + 1);
            quote!(if ::core::option::Option::is_some(&self.#member) { len = #sent; })
        });
        quote! {{
            let mut len = #always;
            #(#sets)*
            len
        }}
    };
    let writes = positional.iter().enumerate().map(|(position, field)| {
        let member = field.member;
        let write = match field.mode {
            Mode::Optional => quote!(writer.nullable(&self.#member)?;),
            Mode::Defaulted(_) | Mode::Mandatory => quote!(writer.element(&self.#member)?;),
        };
        if position < always {
            write
        } else {
            quote!(if len > #position { #write })
        }
    });
    let part = Part {
        len: &len,
        fixed: trailing.is_empty(),
        index: 0,
        begin: quote!(begin_list),
        end: quote!(end_list),
    };
    let write = part.write(runtime, writes);
    (len, write)
}

/// How many keyword arguments are sent, and their writing (see [`DictEntries`]).
fn write_kwargs(runtime: &syn::Path, table: &Object<'_>) -> (TokenStream, TokenStream) {
    let keywords = table
        .fields
        .iter()
        .filter(|field| matches!(field.placement, Placement::Keyword(_)));
    let DictEntries { len, fixed, writes } = DictEntries::of(runtime, keywords);
    let part = Part {
        len: &len,
        fixed,
        index: 1,
        begin: quote!(begin_dict),
        end: quote!(end_dict),
    };
    let write = part.write(runtime, writes);
    (len, write)
}

/// One part of a payload, args or kwargs: a container of `len` elements.
struct Part<'a> {
    len: &'a TokenStream,
    /// Whether `len` is the same for every value.
    fixed: bool,
    /// The part's place in `payload_len`'s pair.
    index: usize,
    begin: TokenStream,
    end: TokenStream,
}

impl Part<'_> {
    /// The part's writing: the container opened with its length (computed by `payload_len` once
    /// the writes need it as `len`, unless it is fixed), the writes, and the container closed.
    fn write(self, runtime: &syn::Path, writes: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let Part {
            len,
            fixed,
            index,
            begin,
            end,
        } = self;
        let open = if fixed {
            quote!(writer.#begin(#len)?;)
        } else {
            let index = syn::Index::from(index);
            quote! {
                let len = #runtime::__private::WritePayload::payload_len(self).#index;
                writer.#begin(len)?;
            }
        };
        let writes = writes.into_iter();
        quote!(#open #(#writes)* writer.#end())
    }
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

/// The body of `from_payload`: reads every field through `fields`, opened by
/// `open_reader`. Without fields, it binds no variable it would not use.
fn reader_body(open_reader: TokenStream, reads: Vec<TokenStream>) -> TokenStream {
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
