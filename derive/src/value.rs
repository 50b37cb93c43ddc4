//! `FromValue` and `IntoValue`: a table or struct as a dict keyed by field name, a union
//! as a dict of its one member, an enum or flags type as its integer (spec §5).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Result};

use crate::model::{Input, Mode, Object, Shape, Union};

pub fn from_value(input: &DeriveInput) -> Result<TokenStream> {
    let input = Input::parse(input)?;
    let runtime = &input.runtime;
    let body = match &input.shape {
        Shape::Object(object) => object_from_value(runtime, object),
        Shape::Union(union) => union_from_value(runtime, union),
        Shape::Enum { repr } => quote!(#runtime::__private::enum_from_value::<#repr, Self>(value)),
        Shape::Flags { bits } => quote!(#runtime::__private::enum_from_value::<#bits, Self>(value)),
    };
    let ident = input.ident;
    Ok(quote! {
        impl #runtime::FromValue for #ident {
            fn from_value(value: #runtime::ValueRef<'_>) -> #runtime::payload::Result<Self> {
                #body
            }
        }
    })
}

pub fn into_value(input: &DeriveInput) -> Result<TokenStream> {
    let input = Input::parse(input)?;
    let runtime = &input.runtime;
    let body = match &input.shape {
        Shape::Object(object) => {
            let writes = object.fields.iter().map(|field| {
                let (member, key) = (field.member, &field.key);
                match field.mode {
                    Mode::Optional => quote!(.optional(#key, self.#member)),
                    Mode::Defaulted(_) | Mode::Mandatory => quote!(.field(#key, self.#member)),
                }
            });
            quote!(#runtime::__private::DictWriter::new() #(#writes)* .finish())
        }
        Shape::Union(union) => {
            let arms = union.members.iter().map(|member| {
                let (variant, name) = (member.variant, &member.name);
                quote!(Self::#variant(member) => #runtime::__private::union_into_value(#name, member),)
            });
            quote!(match self { #(#arms)* })
        }
        Shape::Enum { repr } => quote!(#runtime::IntoValue::into_value(self as #repr)),
        Shape::Flags { .. } => quote!(#runtime::IntoValue::into_value(self.0)),
    };
    let ident = input.ident;
    Ok(quote! {
        impl #runtime::IntoValue for #ident {
            fn into_value(self) -> #runtime::Value {
                #body
            }
        }
    })
}

fn object_from_value(runtime: &syn::Path, object: &Object<'_>) -> TokenStream {
    let schema_name = &object.schema_name;
    let open_reader = if object.is_struct {
        let keys = object.fields.iter().map(|field| &field.key);
        quote!(#runtime::__private::struct_reader(value, #schema_name, &[#(#keys),*])?)
    } else {
        quote!(#runtime::__private::DictReader::new(value, #schema_name)?)
    };
    let reads = object.fields.iter().map(|field| {
        let (member, key) = (field.member, &field.key);
        let read = match &field.mode {
            Mode::Optional => quote!(fields.optional(#key)?),
            Mode::Defaulted(default) => {
                let fallback = or_default(default.as_ref());
                quote!(fields.optional(#key)? #fallback)
            }
            Mode::Mandatory => quote!(fields.required(#key)?),
        };
        quote!(#member: #read,)
    });
    reader_body(open_reader, reads.collect())
}

fn union_from_value(runtime: &syn::Path, union: &Union<'_>) -> TokenStream {
    let schema_name = &union.schema_name;
    let unknown =
        quote!(::core::result::Result::Err(#runtime::__private::unknown_union_member(member, #schema_name)));
    // A union without members has no value to read, only names to reject.
    if union.members.is_empty() {
        return quote! {
            let (member, _) = #runtime::__private::union_from_value(value, #schema_name)?;
            #unknown
        };
    }
    let arms = union.members.iter().map(|member| {
        let (variant, name) = (member.variant, &member.name);
        quote!(#name => #runtime::__private::union_member(value, #name).map(Self::#variant),)
    });
    quote! {
        let (member, value) = #runtime::__private::union_from_value(value, #schema_name)?;
        match member {
            #(#arms)*
            _ => #unknown,
        }
    }
}

/// `.unwrap_or(EXPR)` for `#[wamp(default = EXPR)]`, `.unwrap_or_default()` for
/// `#[wamp(default)]`.
pub fn or_default(default: Option<&syn::Expr>) -> TokenStream {
    match default {
        Some(default) => quote!(.unwrap_or(#default)),
        None => quote!(.unwrap_or_default()),
    }
}

/// The body of a `from_*` conversion: reads every field through `fields`, opened by
/// `open_reader`. Without fields, it binds no variable it would not use.
pub fn reader_body(open_reader: TokenStream, reads: Vec<TokenStream>) -> TokenStream {
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
