//! The errors a procedure declares (`raises`, docs/wamp-idl.md §7.1) → an enum per procedure
//! in its interface's module: a variant per error URI holding its payload table, and `Other`
//! for every error it does not declare.
//!
//! A caller's method fails with the enum, read from the WAMP ERROR by its URI; a callee's
//! method fails with it, and the stub answers a declared variant with its URI and payload.

use proc_macro2::TokenStream;
use quote::quote;
use wamp_idl::locations::Item;
use wamp_idl::model::{Interface, Method, RaisedError};

use super::context::{Context, TargetModule};
use super::names::{Renamed, Scope, ident, type_name};

/// The Rust names of a procedure's error enum and its variants.
pub struct ErrorEnum<'a> {
    /// The enum's name (`FetchError`).
    pub name: String,
    /// Each declared error with its variant's name, in the order `raises` lists them.
    pub variants: Vec<(String, &'a RaisedError)>,
}

/// The error enum of a procedure that declares errors, named in the interface module's
/// `types` scope; `None` for a method that declares none.
pub fn error_enum<'a>(
    interface: &Interface,
    method: &'a Method,
    types: &mut Scope,
    renamed: &mut Vec<Renamed>,
) -> Option<ErrorEnum<'a>> {
    if method.raises.is_empty() {
        return None;
    }
    let item = Item::Call(interface.name.clone(), method.name.clone());
    let schema_name = format!("the errors of `{}.{}`", interface.name, method.name);
    let name = types.claim(
        &format!("{}Error", type_name(&method.name)),
        &schema_name,
        item.clone(),
        renamed,
    );
    let mut variant_scope = Scope::with_reserved(&["Other"]);
    let variants = method
        .raises
        .iter()
        .map(|error| {
            let variant = variant_scope.claim(
                &type_name(error.payload.table.name()),
                &format!(
                    "the error `{}` of `{}.{}`",
                    error.uri, interface.name, method.name
                ),
                Item::Attribute(Box::new(item.clone()), "raises".to_owned()),
                renamed,
            );
            (variant, error)
        })
        .collect();
    Some(ErrorEnum { name, variants })
}

/// The enum, with its conversions from the runtime's error (a caller reads it) and to a WAMP
/// error (a callee answers with it).
pub fn error_items(
    context: &Context<'_>,
    method: &Method,
    errors: &ErrorEnum<'_>,
    here: &TargetModule<'_>,
) -> TokenStream {
    let runtime = &context.runtime;
    let name = ident(&errors.name);
    let variants = errors
        .variants
        .iter()
        .map(|(variant, error)| {
            let variant = ident(variant);
            let payload = context.type_path(here, &error.payload.table);
            let docs = format!(" The error `{}`.", error.uri);
            quote! {
                #[doc = #docs]
                #variant(#payload)
            }
        })
        .collect::<Vec<_>>();
    let reads = errors.variants.iter().map(|(variant, error)| {
        let variant = ident(variant);
        let uri = &error.uri;
        quote!(#uri => #runtime::__private::error_payload(wamp).map(Self::#variant))
    });
    let answers = errors.variants.iter().map(|(variant, error)| {
        let variant = ident(variant);
        let uri = &error.uri;
        quote!(#name::#variant(payload) => #runtime::__private::declared_error(#uri, payload))
    });
    let displays = errors.variants.iter().map(|(variant, error)| {
        let variant = ident(variant);
        let uri = &error.uri;
        quote!(Self::#variant(_) => f.write_str(#uri))
    });
    let docs = format!(
        " The errors of procedure `{}`: the ones it declares, each with its payload, and any other.",
        method.name
    );
    quote! {
        #[doc = #docs]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        pub enum #name {
            #(#variants,)*
            /// Any other error: one the procedure does not declare, the router's or the
            /// session's, or a declared one whose payload does not fit its table.
            Other(#runtime::Error),
        }

        impl ::core::convert::From<#runtime::Error> for #name {
            fn from(error: #runtime::Error) -> Self {
                let declared = match error.as_wamp() {
                    ::core::option::Option::Some(wamp) => match wamp.uri.as_str() {
                        #(#reads,)*
                        _ => return Self::Other(error),
                    },
                    ::core::option::Option::None => return Self::Other(error),
                };
                declared.unwrap_or_else(|problem| {
                    Self::Other(<#runtime::Error as ::core::convert::From<#runtime::PayloadError>>::from(problem))
                })
            }
        }

        impl ::core::convert::From<#runtime::WampError> for #name {
            fn from(error: #runtime::WampError) -> Self {
                let error = <#runtime::Error as ::core::convert::From<#runtime::WampError>>::from(error);
                <Self as ::core::convert::From<#runtime::Error>>::from(error)
            }
        }

        impl ::core::convert::From<#name> for #runtime::WampError {
            fn from(error: #name) -> Self {
                match error {
                    #(#answers,)*
                    #name::Other(error) => <#runtime::WampError as ::core::convert::From<#runtime::Error>>::from(error),
                }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    #(#displays,)*
                    Self::Other(error) => ::core::fmt::Display::fmt(error, f),
                }
            }
        }

        impl ::std::error::Error for #name {
            fn source(&self) -> ::core::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Self::Other(error) => ::core::option::Option::Some(error),
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}
