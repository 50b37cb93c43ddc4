//! Schema types → Rust types: tables and structs as structs, enums as `#[repr]` enums,
//! `bit_flags` enums as flags newtypes, unions as enums of their members.

use proc_macro2::TokenStream;
use quote::quote;
use wamp_idl::model::{Enum, Object, Type};

use super::context::{
    Context, FieldMode, TargetModule, enum_default, integer_literal, invalid_model, scalar_type,
};
use super::docs::{doc_attributes, schema_type};
use super::names::ident;
use super::payload;
use super::print::{Container, Enclosing, Piece};
use super::serde_derives;
use crate::Error;

/// The struct of a table or struct, its `Default`, and its value (and payload) conversions.
///
/// The struct's fields are a [`Container`]: a table of many fields is printed a chunk of
/// them at a time.
pub fn object<'a>(
    context: &'a Context<'_>,
    object: &'a Object,
    here: &TargetModule<'a>,
) -> Result<Vec<Piece<'a>>, Error> {
    let name = context.names.type_name(&object.name);
    let kind = if object.is_struct { "struct" } else { "table" };
    let mut extra = Vec::new();
    if context.payload(&object.name).is_some() {
        extra.push(format!(
            "Travels as a WAMP payload: {}.",
            super::docs::payload_layout(context, object)
        ));
    }
    let docs = doc_attributes(&object.docs, &format!("The {kind} `{}`.", object.name), &extra);
    let fields = Context::fields(object).collect::<Vec<_>>();
    // `Default` is derived when it gives the schema's defaults; arrays longer than 32
    // have no `Default` to derive from.
    let mut derivable_default = true;
    for field in &fields {
        derivable_default &= match context.field_mode(object, field) {
            FieldMode::Defaulted => context.default_value(here, field)?.1,
            FieldMode::Optional => true,
            FieldMode::Mandatory => !matches!(field.ty, Type::Array { length, .. } if length > 32),
        };
    }
    let has_default = context.has_default(object);
    let eq = (!context.has_float(&object.name)).then(|| quote!(::core::cmp::Eq,));
    let copy = object.is_struct.then(|| quote!(::core::marker::Copy,));
    let derive = has_default && derivable_default;
    let derive_default = derive.then(|| quote!(::core::default::Default,));
    let attributes = context.type_attributes(&object.name);
    let conversions = payload::conversion_derives(context, context.payload(&object.name).is_some());
    let wamp = payload::type_attribute(context, Some((kind, object.name.as_str())));
    let serde = serde_derives::derives(context);
    let serde_attribute = serde_derives::type_attribute(context, false);
    let shell_name = name.clone();
    let mut pieces = vec![Piece::Container(Container {
        enclosings: &[Enclosing::Struct],
        count: fields.len(),
        weight: 1,
        member: Box::new({
            let fields = fields.clone();
            let here = here.clone();
            move |index| {
                let field = fields
                    .get(index)
                    .ok_or_else(|| invalid_model(format!("no field {index}")))?;
                let field_ident = ident(&context.names.field(&object.name, &field.name));
                let field_type = context.field_type(&here, object, field);
                let field_docs = doc_attributes(
                    &field.docs,
                    &format!("Field `{}: {}`.", field.name, schema_type(&field.ty)),
                    &[],
                );
                let field_attribute = payload::field_attribute(context, object, field, &here)?;
                let serde_attribute = serde_derives::field_attribute(context, object, field);
                Ok(quote!(#field_docs #field_attribute #serde_attribute pub #field_ident: #field_type,))
            }
        }),
        shell: Box::new(move |fields| {
            quote! {
                #docs
                #[derive(
                    ::core::fmt::Debug, ::core::clone::Clone, #copy ::core::cmp::PartialEq, #eq #derive_default
                    #conversions #serde
                )]
                #wamp
                #serde_attribute
                #attributes
                pub struct #shell_name {
                    #fields
                }
            }
        }),
    })];
    if has_default && !derive {
        let mut defaults = Vec::new();
        for field in &fields {
            let field_ident = ident(&context.names.field(&object.name, &field.name));
            let default = match context.field_mode(object, field) {
                FieldMode::Defaulted => context.default_value(here, field)?.0,
                FieldMode::Optional => quote!(::core::option::Option::None),
                FieldMode::Mandatory => match field.ty {
                    Type::Array { length, .. } if length > 32 => {
                        quote!(::core::array::from_fn(|_| ::core::default::Default::default()))
                    }
                    _ => quote!(::core::default::Default::default()),
                },
            };
            defaults.push(quote!(#field_ident: #default,));
        }
        pieces.push(Piece::Items(quote! {
            impl ::core::default::Default for #name {
                fn default() -> Self {
                    Self { #(#defaults)* }
                }
            }
        }));
    }
    Ok(pieces)
}

/// An enum, flags type or union with its conversions.
pub fn enumeration<'a>(
    context: &'a Context<'_>,
    enumeration: &'a Enum,
    here: &TargetModule<'_>,
) -> Result<Vec<Piece<'a>>, Error> {
    if enumeration.is_union {
        Ok(vec![Piece::Items(union(context, enumeration, here)?)])
    } else if enumeration.is_bit_flags() {
        Ok(vec![Piece::Items(flags(context, enumeration)?)])
    } else {
        plain_enum(context, enumeration)
    }
}

/// A `#[repr]` enum; its variants and the arms of its matches are [`Container`]s, so that an
/// enum of many values is printed a chunk of them at a time.
fn plain_enum<'a>(context: &'a Context<'_>, enumeration: &'a Enum) -> Result<Vec<Piece<'a>>, Error> {
    let runtime = context.runtime.clone();
    let conversions = payload::conversion_derives(context, false);
    let wamp = payload::type_attribute(context, None);
    let serde = serde_derives::derives(context);
    let serde_attribute = serde_derives::type_attribute(context, false);
    let name = context.names.type_name(&enumeration.name);
    let schema_name = enumeration.name.as_str();
    let repr = scalar_type(enumeration.underlying);
    let docs = doc_attributes(
        &enumeration.docs,
        &format!("The enum `{schema_name}`."),
        &["Travels as its integer value.".to_owned()],
    );
    let default = enum_default(enumeration).map(|value| value.name.as_str());
    let values = &enumeration.values;
    let count = values.len();
    let value = move |index: usize| {
        values
            .get(index)
            .ok_or_else(|| invalid_model(format!("no value {index} in `{schema_name}`")))
    };
    let variant =
        move |index: usize| value(index).map(|value| context.names.value(&enumeration.name, &value.name));
    let attributes = context.type_attributes(&enumeration.name);
    let variants = Container {
        enclosings: &[Enclosing::Enum],
        count,
        weight: 1,
        member: Box::new(move |index| {
            let value = value(index)?;
            let variant = variant(index)?;
            let literal = integer_literal(enumeration.underlying, value.value);
            let variant_docs =
                doc_attributes(&value.docs, &format!("`{}` = {}.", value.name, value.value), &[]);
            let default_attribute = (default == Some(value.name.as_str())).then(|| quote!(#[default]));
            let serde_attribute = serde_derives::variant_attribute(context, &value.name, &variant);
            Ok(quote!(#variant_docs #default_attribute #serde_attribute #variant = #literal,))
        }),
        shell: Box::new({
            let name = name.clone();
            let repr = repr.clone();
            move |variants| {
                quote! {
                    #docs
                    #[derive(
                        ::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq,
                        ::core::cmp::Eq, ::core::hash::Hash, ::core::cmp::PartialOrd, ::core::cmp::Ord,
                        ::core::default::Default, #conversions #serde
                    )]
                    #wamp
                    #serde_attribute
                    #[allow(clippy::enum_variant_names)]
                    #attributes
                    #[repr(#repr)]
                    pub enum #name {
                        #variants
                    }
                }
            }
        }),
    };
    let names = Container {
        enclosings: &[Enclosing::Impl, Enclosing::Fn, Enclosing::Match],
        count,
        weight: 1,
        member: Box::new(move |index| {
            let variant = variant(index)?;
            let schema_value_name = &value(index)?.name;
            Ok(quote!(Self::#variant => #schema_value_name,))
        }),
        shell: Box::new({
            let name = name.clone();
            let repr = repr.clone();
            move |arms| {
                let all = (0..count).filter_map(|index| variant(index).ok());
                let count = proc_macro2::Literal::usize_unsuffixed(count);
                quote! {
                    impl #name {
                        /// Every value, in declaration order.
                        pub const ALL: [Self; #count] = [#(Self::#all),*];

                        /// The integer value.
                        pub const fn value(self) -> #repr {
                            self as #repr
                        }

                        /// The value's name as written in the schema.
                        pub const fn name(self) -> &'static str {
                            match self {
                                #arms
                            }
                        }
                    }
                }
            }
        }),
    };
    let try_from = Container {
        enclosings: &[Enclosing::Impl, Enclosing::Fn, Enclosing::Match],
        count,
        weight: 1,
        member: Box::new(move |index| {
            let variant = variant(index)?;
            let literal = integer_literal(enumeration.underlying, value(index)?.value);
            Ok(quote!(#literal => ::core::result::Result::Ok(Self::#variant),))
        }),
        shell: Box::new({
            let name = name.clone();
            let repr = repr.clone();
            move |arms| {
                quote! {
                    impl ::core::convert::TryFrom<#repr> for #name {
                        type Error = #runtime::UnknownEnumValue;

                        fn try_from(value: #repr) -> ::core::result::Result<Self, #runtime::UnknownEnumValue> {
                            match value {
                                #arms
                                _ => ::core::result::Result::Err(#runtime::UnknownEnumValue {
                                    enum_name: #schema_name,
                                    value: ::core::convert::From::from(value),
                                    flags: false,
                                }),
                            }
                        }
                    }
                }
            }
        }),
    };
    let from = quote! {
        impl ::core::convert::From<#name> for #repr {
            fn from(value: #name) -> #repr {
                value as #repr
            }
        }
    };
    Ok(vec![
        Piece::Container(variants),
        Piece::Container(names),
        Piece::Container(try_from),
        Piece::Items(from),
    ])
}

fn flags(context: &Context<'_>, enumeration: &Enum) -> Result<TokenStream, Error> {
    let runtime = &context.runtime;
    let conversions = payload::conversion_derives(context, false);
    let wamp = payload::type_attribute(context, None);
    let serde = serde_derives::derives(context);
    let serde_attribute = serde_derives::type_attribute(context, true);
    let name = context.names.type_name(&enumeration.name);
    let schema_name = enumeration.name.as_str();
    let repr = scalar_type(enumeration.underlying);
    let docs = doc_attributes(
        &enumeration.docs,
        &format!("The bit flags `{schema_name}`."),
        &["Any combination of the flags; travels as the integer of their bits.".to_owned()],
    );
    let mut consts = Vec::new();
    let mut all_bits = Vec::new();
    let mut debug_names = Vec::new();
    for value in &enumeration.values {
        let const_ident = context.names.value(&enumeration.name, &value.name);
        let literal = integer_literal(enumeration.underlying, value.value);
        let const_docs = doc_attributes(&value.docs, &format!("`{}` = {}.", value.name, value.value), &[]);
        consts.push(quote!(#const_docs pub const #const_ident: Self = Self(#literal);));
        all_bits.push(literal);
        let schema_value_name = &value.name;
        debug_names.push(quote!((Self::#const_ident, #schema_value_name)));
    }
    let attributes = context.type_attributes(&enumeration.name);
    Ok(quote! {
        #docs
        #[derive(
            ::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq, ::core::cmp::Eq,
            ::core::hash::Hash, ::core::default::Default, #conversions #serde
        )]
        #wamp
        #serde_attribute
        #attributes
        pub struct #name(#repr);

        impl #name {
            #(#consts)*

            /// No flag set.
            pub const fn empty() -> Self {
                Self(0)
            }

            /// Every declared flag set.
            pub const fn all() -> Self {
                Self(#(#all_bits)|*)
            }

            /// The bits of the set flags.
            pub const fn bits(self) -> #repr {
                self.0
            }

            /// The flags of `bits`, or `None` if a bit is not a declared flag.
            pub const fn from_bits(bits: #repr) -> ::core::option::Option<Self> {
                if bits & !Self::all().0 == 0 {
                    ::core::option::Option::Some(Self(bits))
                } else {
                    ::core::option::Option::None
                }
            }

            /// The flags of `bits`, undeclared bits included.
            pub const fn from_bits_retain(bits: #repr) -> Self {
                Self(bits)
            }

            /// Whether no flag is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Whether every flag of `other` is set.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// Sets the flags of `other`.
            pub fn insert(&mut self, other: Self) {
                self.0 |= other.0;
            }

            /// Clears the flags of `other`.
            pub fn remove(&mut self, other: Self) {
                self.0 &= !other.0;
            }
        }

        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut names = f.debug_set();
                for (flag, name) in [#(#debug_names),*] {
                    if self.contains(flag) {
                        names.entry(&::core::format_args!("{}", name));
                    }
                }
                let unknown = self.0 & !Self::all().0;
                if unknown != 0 {
                    names.entry(&::core::format_args!("{:#x}", unknown));
                }
                names.finish()
            }
        }

        impl ::core::ops::BitOr for #name {
            type Output = Self;

            fn bitor(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }
        }

        impl ::core::ops::BitOrAssign for #name {
            fn bitor_assign(&mut self, other: Self) {
                self.0 |= other.0;
            }
        }

        impl ::core::ops::BitAnd for #name {
            type Output = Self;

            fn bitand(self, other: Self) -> Self {
                Self(self.0 & other.0)
            }
        }

        impl ::core::ops::BitAndAssign for #name {
            fn bitand_assign(&mut self, other: Self) {
                self.0 &= other.0;
            }
        }

        impl ::core::convert::TryFrom<#repr> for #name {
            type Error = #runtime::UnknownEnumValue;

            fn try_from(bits: #repr) -> ::core::result::Result<Self, #runtime::UnknownEnumValue> {
                match Self::from_bits(bits) {
                    ::core::option::Option::Some(flags) => ::core::result::Result::Ok(flags),
                    ::core::option::Option::None => ::core::result::Result::Err(#runtime::UnknownEnumValue {
                        enum_name: #schema_name,
                        value: ::core::convert::From::from(bits & !Self::all().0),
                        flags: true,
                    }),
                }
            }
        }

        impl ::core::convert::From<#name> for #repr {
            fn from(flags: #name) -> #repr {
                flags.0
            }
        }
    })
}

fn union(context: &Context<'_>, union: &Enum, here: &TargetModule<'_>) -> Result<TokenStream, Error> {
    let name = context.names.type_name(&union.name);
    let schema_name = union.name.as_str();
    let docs = doc_attributes(
        &union.docs,
        &format!("The union `{schema_name}`."),
        &[format!(
            "Travels as a dict with one key, the member's name: `{{\"{}\": {{…}}}}`.",
            union
                .values
                .iter()
                .find_map(|member| member.union_type.as_ref().map(|_| member.name.as_str()))
                .unwrap_or("Member")
        )],
    );
    let mut variants = Vec::new();
    let mut has_float = false;
    for member in &union.values {
        let Some(member_type) = &member.union_type else {
            continue;
        };
        let variant = context.names.value(&union.name, &member.name);
        let ty = if context.object(member_type)?.is_struct {
            Type::Struct(member_type.clone())
        } else {
            Type::Table(member_type.clone())
        };
        has_float |= context.has_float(member_type);
        let rust_type = context.rust_type(here, &union.name, &member.name, &ty);
        let member_name = &member.name;
        let member_docs = doc_attributes(
            &member.docs,
            &format!("Member `{member_name}` (`{member_type}`)."),
            &[],
        );
        let member_attribute = payload::member_attribute(member_name, &variant);
        let serde_attribute = serde_derives::variant_attribute(context, member_name, &variant);
        variants.push(quote!(#member_docs #member_attribute #serde_attribute #variant(#rust_type),));
    }
    let eq = (!has_float).then(|| quote!(::core::cmp::Eq,));
    let attributes = context.type_attributes(&union.name);
    let conversions = payload::conversion_derives(context, false);
    let wamp = payload::type_attribute(context, Some(("union", schema_name)));
    let serde = serde_derives::derives(context);
    let serde_attribute = serde_derives::type_attribute(context, false);
    Ok(quote! {
        #docs
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, #eq #conversions #serde)]
        #wamp
        #serde_attribute
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        #attributes
        pub enum #name {
            #(#variants)*
        }
    })
}
