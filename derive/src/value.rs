//! `FromValue` and `IntoValue`: a table or struct as a dict keyed by field name, a union
//! as a dict of its one member, an enum or flags type as its integer (spec §5).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::{DeriveInput, Result};

use crate::key::encoded_key;
use crate::model::{Field, Input, Mode, Object, Shape, Union};

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
            fn from_value(value: #runtime::ValueRef<'_>) -> ::core::result::Result<Self, #runtime::PayloadError> {
                #body
            }
        }
    })
}

pub fn into_value(input: &DeriveInput) -> Result<TokenStream> {
    let input = Input::parse(input)?;
    let runtime = &input.runtime;
    let (body, write) = match &input.shape {
        Shape::Object(object) => {
            let writes = object.fields.iter().map(|field| {
                let (member, key) = (field.member, &field.key);
                match field.mode {
                    Mode::Optional => quote!(.optional(#key, self.#member)),
                    Mode::Defaulted(_) | Mode::Mandatory => quote!(.field(#key, self.#member)),
                }
            });
            let body = quote!(#runtime::__private::DictWriter::new() #(#writes)* .finish());
            (body, object_write_value(runtime, object))
        }
        Shape::Union(union) => {
            let arms = union.members.iter().map(|member| {
                let (variant, name) = (member.variant, &member.name);
                quote!(Self::#variant(member) => #runtime::__private::union_into_value(#name, member),)
            });
            let writes = union.members.iter().map(|member| {
                let (variant, name) = (member.variant, encoded_key(runtime, &member.name));
                quote!(Self::#variant(ref member) => writer.union_member(#name, member),)
            });
            (
                quote!(match self { #(#arms)* }),
                quote!(match *self { #(#writes)* }),
            )
        }
        Shape::Enum { repr } => (
            quote!(#runtime::IntoValue::into_value(self as #repr)),
            quote!(#runtime::IntoValue::write_value(&(::core::clone::Clone::clone(self) as #repr), writer)),
        ),
        Shape::Flags { .. } => (
            quote!(#runtime::IntoValue::into_value(self.0)),
            quote!(#runtime::IntoValue::write_value(&self.0, writer)),
        ),
    };
    let ident = input.ident;
    Ok(quote! {
        impl #runtime::IntoValue for #ident {
            fn into_value(self) -> #runtime::Value {
                #body
            }

            fn write_value<W: #runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), #runtime::wire::EncodeError> {
                #write
            }
        }
    })
}

/// Writes a table or struct as a dict (see [`DictEntries`]).
fn object_write_value(runtime: &syn::Path, object: &Object<'_>) -> TokenStream {
    let entries = DictEntries::of(runtime, object.fields.iter());
    let (len, writes) = (&entries.len, &entries.writes);
    quote! {
        writer.begin_dict(#len)?;
        #(#writes)*
        writer.end_dict()
    }
}

/// The entries of a dict of fields: their count, an expression, and their writing in key
/// order, as a `Dict` holds them, absent `Option` fields left out, under keys encoded for every
/// serializer.
pub struct DictEntries {
    pub len: TokenStream,
    /// Whether the count is the same for every value (no field is an `Option`).
    pub fixed: bool,
    pub writes: Vec<TokenStream>,
}

impl DictEntries {
    /// The count is summed in statements, not in one expression as long as the table.
    pub fn of<'a: 'f, 'f>(runtime: &syn::Path, fields: impl Iterator<Item = &'f Field<'a>>) -> DictEntries {
        let mut fields: Vec<_> = fields.collect();
        fields.sort_by(|first, second| first.key.cmp(&second.key));
        let present = fields
            .iter()
            .filter(|field| !matches!(field.mode, Mode::Optional))
            .count();
        let optional: Vec<_> = fields
            .iter()
            .filter(|field| matches!(field.mode, Mode::Optional))
            .map(|field| field.member)
            .collect();
        let len = if optional.is_empty() {
            quote!(#present)
        } else {
            quote! {{
                let mut len = #present;
                #(if ::core::option::Option::is_some(&self.#optional) { len += 1; })*
                len
            }}
        };
        // Every field after one that is always written follows an entry of the dict.
        let mut after_entry = false;
        let writes = fields
            .iter()
            .map(|field| {
                let (member, mut key) = (field.member, encoded_key(runtime, &field.key));
                if after_entry {
                    key = quote!(&#runtime::__private::NextKey(#key));
                }
                let optional = matches!(field.mode, Mode::Optional);
                after_entry |= !optional;
                match optional {
                    true => quote!(writer.optional_field(#key, &self.#member)?;),
                    false => quote!(writer.field(#key, &self.#member)?;),
                }
            })
            .collect();
        DictEntries {
            len,
            fixed: optional.is_empty(),
            writes,
        }
    }
}

/// A table or struct read in one pass over its dict: `table_fields` or `struct_fields` give the
/// value of each field's key (or, for a struct sent as a list, of its place), matched by
/// [`field_of`], and each is converted in field order.
fn object_from_value(runtime: &syn::Path, object: &Object<'_>) -> TokenStream {
    let schema_name = &object.schema_name;
    let count = object.fields.len();
    let field_of = field_of(runtime, object);
    let find = if object.is_struct {
        let keys = object.fields.iter().map(|field| &field.key);
        quote!(#runtime::__private::struct_fields::<#count>(value, #schema_name, &[#(#keys),*], #field_of)?)
    } else {
        quote!(#runtime::__private::table_fields::<#count>(value, #schema_name, #field_of)?)
    };
    let found: Vec<_> = (0..count)
        .map(|position| format_ident!("field_{position}"))
        .collect();
    let reads = object.fields.iter().zip(&found).map(|(field, found)| {
        let (member, key) = (field.member, &field.key);
        let read = match &field.mode {
            Mode::Optional => quote!(#runtime::__private::optional_field(#found, #key)?),
            Mode::Defaulted(default) => {
                let fallback = or_default(default.as_ref());
                quote!(#runtime::__private::optional_field(#found, #key)? #fallback)
            }
            Mode::Mandatory => quote!(#runtime::__private::required_field(#found, #key)?),
        };
        quote!(#member: #read,)
    });
    quote! {
        let [#(#found),*] = #find;
        ::core::result::Result::Ok(Self { #(#reads)* })
    }
}

/// Types with more fields than this find a key's field by a binary search of their sorted keys
/// rather than by a `match` on its bytes, whose decision tree would grow with their number.
const MATCHED_FIELDS: usize = 64;

/// A closure from a key's bytes to the position of its field: a `match` on the bytes, which the
/// compiler turns into a test of the length and then of the bytes, or a binary search.
fn field_of(runtime: &syn::Path, object: &Object<'_>) -> TokenStream {
    let mut keys: Vec<_> = object
        .fields
        .iter()
        .enumerate()
        .map(|(position, field)| (field.key.as_bytes(), position))
        .collect();
    if keys.is_empty() {
        return quote!(|_: &[::core::primitive::u8]| ::core::option::Option::None);
    }
    if keys.len() > MATCHED_FIELDS {
        keys.sort_unstable();
        let entries = keys.iter().map(|(key, position)| {
            let key = Literal::byte_string(key);
            quote!((#key, #position))
        });
        return quote!(|key: &[::core::primitive::u8]| #runtime::__private::field_position(key, &[#(#entries),*]));
    }
    let arms = keys.iter().map(|(key, position)| {
        let key = Literal::byte_string(key);
        quote!(#key => ::core::option::Option::Some(#position),)
    });
    quote! {
        |key: &[::core::primitive::u8]| match key {
            #(#arms)*
            _ => ::core::option::Option::None,
        }
    }
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
