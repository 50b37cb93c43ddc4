//! The derives' expansions and errors, from derive input to tokens.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, parse_quote};

use crate::key::encoded_key;
use crate::payload::{from_payload, into_payload};
use crate::value::{from_value, into_value};

type Derive = fn(&DeriveInput) -> syn::Result<TokenStream>;

/// A key as the expansions write it (see `key_encodings_are_the_writers`).
fn key(text: &str) -> TokenStream {
    encoded_key(&parse_quote!(::wamp_idl_runtime), text)
}

/// Runs `derive` on `input` and compares with `expected`: the expansion, or the message
/// of every error.
fn check(derive: Derive, input: DeriveInput, expected: Result<TokenStream, &[&str]>) {
    let actual = derive(&input).map(|tokens| tokens.to_string()).map_err(|error| {
        error
            .into_iter()
            .map(|error| error.to_string())
            .collect::<Vec<_>>()
    });
    let expected = expected
        .map(|tokens| tokens.to_string())
        .map_err(|messages| messages.iter().map(|message| (*message).to_owned()).collect());
    assert_eq!(actual, expected);
}

#[test]
fn table_from_value_reads_each_field_mode() {
    let input = parse_quote! {
        #[wamp(table = "demo.Table")]
        pub struct Table {
            pub a: ::core::option::Option<u8>,
            #[wamp(default = super::Color::Red)]
            pub b: Color,
            #[wamp(default)]
            pub c: u32,
            pub d: ::std::string::String,
            pub r#type: u8,
            #[wamp(name = "wire")]
            pub e: u8,
        }
    };
    let expected = quote! {
        impl ::wamp_idl_runtime::FromValue for Table {
            fn from_value(value: ::wamp_idl_runtime::ValueRef<'_>) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                let [field_0, field_1, field_2, field_3, field_4, field_5] =
                    ::wamp_idl_runtime::__private::table_fields::<6usize>(value, "demo.Table", |key: &[::core::primitive::u8]| match key {
                        b"a" => ::core::option::Option::Some(0usize),
                        b"b" => ::core::option::Option::Some(1usize),
                        b"c" => ::core::option::Option::Some(2usize),
                        b"d" => ::core::option::Option::Some(3usize),
                        b"type" => ::core::option::Option::Some(4usize),
                        b"wire" => ::core::option::Option::Some(5usize),
                        _ => ::core::option::Option::None,
                    })?;
                ::core::result::Result::Ok(Self {
                    a: ::wamp_idl_runtime::__private::optional_field(field_0, "a")?,
                    b: ::wamp_idl_runtime::__private::optional_field(field_1, "b")?.unwrap_or(super::Color::Red),
                    c: ::wamp_idl_runtime::__private::optional_field(field_2, "c")?.unwrap_or_default(),
                    d: ::wamp_idl_runtime::__private::required_field(field_3, "d")?,
                    r#type: ::wamp_idl_runtime::__private::required_field(field_4, "type")?,
                    e: ::wamp_idl_runtime::__private::required_field(field_5, "wire")?,
                })
            }
        }
    };
    check(from_value, input, Ok(expected));
}

#[test]
fn types_of_many_fields_find_keys_by_binary_search() {
    let fields = (0..65).rev().map(|number| quote::format_ident!("f{number}"));
    let input = parse_quote! {
        #[wamp(table = "demo.Wide")]
        pub struct Wide { #(pub #fields: u8,)* }
    };
    let Ok(tokens) = from_value(&input) else {
        panic!("a table of 65 fields derives");
    };
    let tokens: String = tokens.to_string().split_whitespace().collect();
    // Keys sorted by their bytes, each with the field's position: `f64` is declared first.
    let search = r#"field_position(key,&[(b"f0",64usize),(b"f1",63usize),(b"f10",54usize),"#;
    assert!(tokens.contains(search), "{tokens}");
    assert!(!tokens.contains("matchkey"), "{tokens}");
}

#[test]
fn two_fields_under_one_key_are_an_error() {
    let input = parse_quote! {
        #[wamp(table = "demo.Table")]
        pub struct Table {
            pub a: u8,
            #[wamp(name = "a")]
            pub b: u8,
        }
    };
    let messages: &[&str] =
        &["`b` travels under the key \"a\", as `a` does: give one of them another #[wamp(name = \"...\")]"];
    check(from_value, input, Err(messages));
}

#[test]
fn table_into_value_leaves_out_only_absent_options() {
    let input = parse_quote! {
        #[wamp(table = "demo.Table")]
        pub struct Table {
            pub a: Option<u8>,
            #[wamp(default = 1.5)]
            pub b: f64,
            pub r#type: u8,
        }
    };
    let key_a = key("a");
    let key_b = key("b");
    let key_type = key("type");
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoValue for Table {
            fn into_value(self) -> ::wamp_idl_runtime::Value {
                ::wamp_idl_runtime::__private::DictWriter::new()
                    .optional("a", self.a)
                    .field("b", self.b)
                    .field("type", self.r#type)
                    .finish()
            }
            fn write_value<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                writer.begin_dict({
                    let mut len = 2usize;
                    if ::core::option::Option::is_some(&self.a) { len += 1; }
                    len
                })?;
                writer.optional_field(#key_a, &self.a)?;
                writer.field(#key_b, &self.b)?;
                writer.field(&::wamp_idl_runtime::__private::NextKey(#key_type), &self.r#type)?;
                writer.end_dict()
            }
        }
    };
    check(into_value, input, Ok(expected));
}

#[test]
fn struct_from_value_lists_every_key() {
    let input = parse_quote! {
        #[wamp(struct = "demo.Pair", crate = "crate")]
        pub struct Pair {
            pub x: i32,
            #[wamp(name = "second")]
            pub y: i32,
        }
    };
    let expected = quote! {
        impl crate::FromValue for Pair {
            fn from_value(value: crate::ValueRef<'_>) -> ::core::result::Result<Self, crate::PayloadError> {
                let [field_0, field_1] = crate::__private::struct_fields::<2usize>(
                    value,
                    "demo.Pair",
                    &["x", "second"],
                    |key: &[::core::primitive::u8]| match key {
                        b"x" => ::core::option::Option::Some(0usize),
                        b"second" => ::core::option::Option::Some(1usize),
                        _ => ::core::option::Option::None,
                    }
                )?;
                ::core::result::Result::Ok(Self {
                    x: crate::__private::required_field(field_0, "x")?,
                    y: crate::__private::required_field(field_1, "second")?,
                })
            }
        }
    };
    check(from_value, input, Ok(expected));
}

#[test]
fn objects_without_fields_bind_nothing() {
    let table = parse_quote!(
        #[wamp(table = "demo.Empty")]
        pub struct Empty {}
    );
    let expected = quote! {
        impl ::wamp_idl_runtime::FromValue for Empty {
            fn from_value(value: ::wamp_idl_runtime::ValueRef<'_>) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                let [] = ::wamp_idl_runtime::__private::table_fields::<0usize>(
                    value,
                    "demo.Empty",
                    |_: &[::core::primitive::u8]| ::core::option::Option::None
                )?;
                ::core::result::Result::Ok(Self {})
            }
        }
    };
    check(from_value, table, Ok(expected));
    let structure = parse_quote!(
        #[wamp(struct = "demo.Empty")]
        pub struct Empty {}
    );
    let expected = quote! {
        impl ::wamp_idl_runtime::FromValue for Empty {
            fn from_value(value: ::wamp_idl_runtime::ValueRef<'_>) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                let [] = ::wamp_idl_runtime::__private::struct_fields::<0usize>(
                    value,
                    "demo.Empty",
                    &[],
                    |_: &[::core::primitive::u8]| ::core::option::Option::None
                )?;
                ::core::result::Result::Ok(Self {})
            }
        }
    };
    check(from_value, structure, Ok(expected));
    let table = parse_quote!(
        #[wamp(table = "demo.Empty")]
        pub struct Empty {}
    );
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoValue for Empty {
            fn into_value(self) -> ::wamp_idl_runtime::Value {
                ::wamp_idl_runtime::__private::DictWriter::new().finish()
            }
            fn write_value<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                writer.begin_dict(0usize)?;
                writer.end_dict()
            }
        }
    };
    check(into_value, table, Ok(expected));
}

#[test]
fn unions_match_member_names() {
    let input = || {
        parse_quote! {
            #[wamp(union = "demo.Shape")]
            pub enum Shape {
                Circle(Circle),
                #[wamp(name = "square")]
                Square(super::Square),
            }
        }
    };
    let expected = quote! {
        impl ::wamp_idl_runtime::FromValue for Shape {
            fn from_value(value: ::wamp_idl_runtime::ValueRef<'_>) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                let (member, value) = ::wamp_idl_runtime::__private::union_from_value(value, "demo.Shape")?;
                match member {
                    "Circle" => ::wamp_idl_runtime::__private::union_member(value, "Circle").map(Self::Circle),
                    "square" => ::wamp_idl_runtime::__private::union_member(value, "square").map(Self::Square),
                    _ => ::core::result::Result::Err(
                        ::wamp_idl_runtime::__private::unknown_union_member(member, "demo.Shape")
                    ),
                }
            }
        }
    };
    check(from_value, input(), Ok(expected));
    let key_circle = key("Circle");
    let key_square = key("square");
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoValue for Shape {
            fn into_value(self) -> ::wamp_idl_runtime::Value {
                match self {
                    Self::Circle(member) => ::wamp_idl_runtime::__private::union_into_value("Circle", member),
                    Self::Square(member) => ::wamp_idl_runtime::__private::union_into_value("square", member),
                }
            }
            fn write_value<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                match *self {
                    Self::Circle(ref member) => writer.union_member(#key_circle, member),
                    Self::Square(ref member) => writer.union_member(#key_square, member),
                }
            }
        }
    };
    check(into_value, input(), Ok(expected));
}

#[test]
fn unions_without_members_only_reject() {
    let input = || {
        parse_quote!(
            #[wamp(union = "demo.Nothing")]
            pub enum Nothing {}
        )
    };
    let expected = quote! {
        impl ::wamp_idl_runtime::FromValue for Nothing {
            fn from_value(value: ::wamp_idl_runtime::ValueRef<'_>) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                let (member, _) = ::wamp_idl_runtime::__private::union_from_value(value, "demo.Nothing")?;
                ::core::result::Result::Err(
                    ::wamp_idl_runtime::__private::unknown_union_member(member, "demo.Nothing")
                )
            }
        }
    };
    check(from_value, input(), Ok(expected));
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoValue for Nothing {
            fn into_value(self) -> ::wamp_idl_runtime::Value {
                match self {}
            }
            fn write_value<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                match *self {}
            }
        }
    };
    check(into_value, input(), Ok(expected));
}

#[test]
fn enums_travel_as_their_repr() {
    let input = || {
        parse_quote! {
            #[derive(Clone, Copy)]
            #[repr(C, i16)]
            pub enum Color { Red = -1, Green = 1 }
        }
    };
    let expected = quote! {
        impl ::wamp_idl_runtime::FromValue for Color {
            fn from_value(value: ::wamp_idl_runtime::ValueRef<'_>) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                ::wamp_idl_runtime::__private::enum_from_value::<i16, Self>(value)
            }
        }
    };
    check(from_value, input(), Ok(expected));
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoValue for Color {
            fn into_value(self) -> ::wamp_idl_runtime::Value {
                ::wamp_idl_runtime::IntoValue::into_value(self as i16)
            }
            fn write_value<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                ::wamp_idl_runtime::IntoValue::write_value(&(::core::clone::Clone::clone(self) as i16), writer)
            }
        }
    };
    check(into_value, input(), Ok(expected));
}

#[test]
fn flags_travel_as_their_bits() {
    let input = || {
        parse_quote!(
            pub struct Flags(u32);
        )
    };
    let expected = quote! {
        impl ::wamp_idl_runtime::FromValue for Flags {
            fn from_value(value: ::wamp_idl_runtime::ValueRef<'_>) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                ::wamp_idl_runtime::__private::enum_from_value::<u32, Self>(value)
            }
        }
    };
    check(from_value, input(), Ok(expected));
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoValue for Flags {
            fn into_value(self) -> ::wamp_idl_runtime::Value {
                ::wamp_idl_runtime::IntoValue::into_value(self.0)
            }
            fn write_value<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                ::wamp_idl_runtime::IntoValue::write_value(&self.0, writer)
            }
        }
    };
    check(into_value, input(), Ok(expected));
}

/// A table with every payload field mode: the rows of the READ and WRITE tables.
fn request() -> DeriveInput {
    parse_quote! {
        #[wamp(table = "demo.Request")]
        pub struct Request {
            pub id: u64,
            pub note: ::core::option::Option<::std::string::String>,
            #[wamp(default = 3)]
            pub level: u8,
            #[wamp(kwarg)]
            pub scope: ::core::option::Option<::std::string::String>,
            #[wamp(kwarg, default = 5)]
            pub limit: u32,
            #[wamp(kwarg, default, name = "verbose")]
            pub is_verbose: bool,
            #[wamp(optional_arg, default = 1.5)]
            pub ratio: f64,
            #[wamp(optional_arg)]
            pub tag: ::core::option::Option<::std::string::String>,
            #[wamp(optional_arg, default)]
            pub count: u16,
        }
    }
}

#[test]
fn table_from_payload_reads_each_field_mode() {
    let expected = quote! {
        impl ::wamp_idl_runtime::FromPayload for Request {
            fn from_payload(payload: &::wamp_idl_runtime::Payload) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                let mut fields = ::wamp_idl_runtime::__private::PayloadReader::new(
                    payload,
                    &["id", "note", "level", "ratio", "tag", "count"],
                    3,
                    &["scope", "limit", "verbose"]
                )?;
                ::core::result::Result::Ok(Self {
                    id: fields.arg()?,
                    note: fields.optional_arg()?,
                    level: fields.arg()?,
                    scope: fields.kwarg("scope")?,
                    limit: fields.kwarg("limit")?.unwrap_or(5),
                    is_verbose: fields.kwarg("verbose")?.unwrap_or_default(),
                    ratio: fields.optional_arg()?.unwrap_or(1.5),
                    tag: fields.optional_arg()?,
                    count: fields.optional_arg()?.unwrap_or_default(),
                })
            }
        }
    };
    check(from_payload, request(), Ok(expected));
}

#[test]
fn table_into_payload_writes_each_field_mode() {
    let key_limit = key("limit");
    let key_scope = key("scope");
    let key_verbose = key("verbose");
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoPayload for Request {
            fn into_payload(self) -> ::wamp_idl_runtime::Payload {
                ::wamp_idl_runtime::Payload::typed(self)
            }
        }

        impl ::wamp_idl_runtime::__private::WritePayload for Request {
            fn payload_len(&self) -> (::core::primitive::usize, ::core::primitive::usize) {
                (6usize, {
                    let mut len = 2usize;
                    if ::core::option::Option::is_some(&self.scope) { len += 1; }
                    len
                })
            }

            fn write_args<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                writer.begin_list(6usize)?;
                writer.element(&self.id)?;
                writer.nullable(&self.note)?;
                writer.element(&self.level)?;
                writer.element(&self.ratio)?;
                writer.nullable(&self.tag)?;
                writer.element(&self.count)?;
                writer.end_list()
            }

            fn write_kwargs<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                let len = ::wamp_idl_runtime::__private::WritePayload::payload_len(self).1;
                writer.begin_dict(len)?;
                writer.field(#key_limit, &self.limit)?;
                writer.optional_field(&::wamp_idl_runtime::__private::NextKey(#key_scope), &self.scope)?;
                writer.field(&::wamp_idl_runtime::__private::NextKey(#key_verbose), &self.is_verbose)?;
                writer.end_dict()
            }
        }
    };
    check(into_payload, request(), Ok(expected));
}

#[test]
fn value_derives_ignore_payload_keys() {
    let key_count = key("count");
    let key_id = key("id");
    let key_level = key("level");
    let key_limit = key("limit");
    let key_note = key("note");
    let key_ratio = key("ratio");
    let key_scope = key("scope");
    let key_tag = key("tag");
    let key_verbose = key("verbose");
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoValue for Request {
            fn into_value(self) -> ::wamp_idl_runtime::Value {
                ::wamp_idl_runtime::__private::DictWriter::new()
                    .field("id", self.id)
                    .optional("note", self.note)
                    .field("level", self.level)
                    .optional("scope", self.scope)
                    .field("limit", self.limit)
                    .field("verbose", self.is_verbose)
                    .field("ratio", self.ratio)
                    .optional("tag", self.tag)
                    .field("count", self.count)
                    .finish()
            }
            fn write_value<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                writer.begin_dict({
                    let mut len = 6usize;
                    if ::core::option::Option::is_some(&self.note) { len += 1; }
                    if ::core::option::Option::is_some(&self.scope) { len += 1; }
                    if ::core::option::Option::is_some(&self.tag) { len += 1; }
                    len
                })?;
                writer.field(#key_count, &self.count)?;
                writer.field(&::wamp_idl_runtime::__private::NextKey(#key_id), &self.id)?;
                writer.field(&::wamp_idl_runtime::__private::NextKey(#key_level), &self.level)?;
                writer.field(&::wamp_idl_runtime::__private::NextKey(#key_limit), &self.limit)?;
                writer.optional_field(&::wamp_idl_runtime::__private::NextKey(#key_note), &self.note)?;
                writer.field(&::wamp_idl_runtime::__private::NextKey(#key_ratio), &self.ratio)?;
                writer.optional_field(&::wamp_idl_runtime::__private::NextKey(#key_scope), &self.scope)?;
                writer.optional_field(&::wamp_idl_runtime::__private::NextKey(#key_tag), &self.tag)?;
                writer.field(&::wamp_idl_runtime::__private::NextKey(#key_verbose), &self.is_verbose)?;
                writer.end_dict()
            }
        }
    };
    check(into_value, request(), Ok(expected));
}

#[test]
fn empty_tables_are_empty_payloads() {
    let input = || {
        parse_quote!(
            #[wamp(table = "demo.Empty")]
            pub struct Empty {}
        )
    };
    let expected = quote! {
        impl ::wamp_idl_runtime::FromPayload for Empty {
            fn from_payload(payload: &::wamp_idl_runtime::Payload) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                ::wamp_idl_runtime::__private::PayloadReader::new(payload, &[], 0, &[])?;
                ::core::result::Result::Ok(Self {})
            }
        }
    };
    check(from_payload, input(), Ok(expected));
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoPayload for Empty {
            fn into_payload(self) -> ::wamp_idl_runtime::Payload {
                ::wamp_idl_runtime::Payload::typed(self)
            }
        }

        impl ::wamp_idl_runtime::__private::WritePayload for Empty {
            fn payload_len(&self) -> (::core::primitive::usize, ::core::primitive::usize) {
                (0usize, 0usize)
            }

            fn write_args<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                writer.begin_list(0usize)?;
                writer.end_list()
            }

            fn write_kwargs<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                writer.begin_dict(0usize)?;
                writer.end_dict()
            }
        }
    };
    check(into_payload, input(), Ok(expected));
}

#[test]
fn the_mandatory_count_stops_at_the_first_optional_arg() {
    let input: DeriveInput = parse_quote! {
        #[wamp(table = "demo.Ids")]
        pub struct Ids {
            #[wamp(kwarg)]
            pub a: Option<u8>,
            pub b: Option<u64>,
            #[wamp(optional_arg)]
            pub c: Option<u64>,
        }
    };
    let expected = quote! {
        impl ::wamp_idl_runtime::FromPayload for Ids {
            fn from_payload(payload: &::wamp_idl_runtime::Payload) -> ::core::result::Result<Self, ::wamp_idl_runtime::PayloadError> {
                let mut fields = ::wamp_idl_runtime::__private::PayloadReader::new(payload, &["b", "c"], 1, &["a"])?;
                ::core::result::Result::Ok(Self {
                    a: fields.kwarg("a")?,
                    b: fields.optional_arg()?,
                    c: fields.optional_arg()?,
                })
            }
        }
    };
    check(from_payload, input.clone(), Ok(expected));
    // `c` is sent only when it has a value; `b`, before it, always, as null if absent.
    let key_a = key("a");
    let expected = quote! {
        impl ::wamp_idl_runtime::IntoPayload for Ids {
            fn into_payload(self) -> ::wamp_idl_runtime::Payload {
                ::wamp_idl_runtime::Payload::typed(self)
            }
        }

        impl ::wamp_idl_runtime::__private::WritePayload for Ids {
            fn payload_len(&self) -> (::core::primitive::usize, ::core::primitive::usize) {
                (
                    {
                        let mut len = 1usize;
                        if ::core::option::Option::is_some(&self.c) { len = 2usize; }
                        len
                    },
                    {
                        let mut len = 0usize;
                        if ::core::option::Option::is_some(&self.a) { len += 1; }
                        len
                    }
                )
            }

            fn write_args<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                let len = ::wamp_idl_runtime::__private::WritePayload::payload_len(self).0;
                writer.begin_list(len)?;
                writer.nullable(&self.b)?;
                if len > 1usize { writer.nullable(&self.c)?; }
                writer.end_list()
            }

            fn write_kwargs<W: ::wamp_idl_runtime::wire::ValueWriter>(
                &self,
                writer: &mut W,
            ) -> ::core::result::Result<(), ::wamp_idl_runtime::wire::EncodeError> {
                let len = ::wamp_idl_runtime::__private::WritePayload::payload_len(self).1;
                writer.begin_dict(len)?;
                writer.optional_field(#key_a, &self.a)?;
                writer.end_dict()
            }
        }
    };
    check(into_payload, input, Ok(expected));
}

#[test]
fn keys_are_checked_for_their_position() {
    let errors: [(Derive, DeriveInput, &str); 12] = [
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t", colour = "red")]
                struct T {}
            ),
            "unknown #[wamp] attribute `colour` on the type: expected `crate`, `table`, `struct`, `union`",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(rename = "x")]
                    a: u8,
                }
            ),
            "unknown #[wamp] attribute `rename` on a field: expected `name`, `default`, `kwarg`, `optional_arg`",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(union = "u")]
                enum U {
                    #[wamp(kwarg)]
                    A(A),
                }
            ),
            "`kwarg` is an attribute of a field, not of a union variant",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(table = "x")]
                    a: u8,
                }
            ),
            "`table` is an attribute of the type, not of a field",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t", name = "x")]
                struct T {}
            ),
            "`name` is an attribute of a field or a union variant, not of the type",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t")]
                #[wamp(table = "t")]
                struct T {}
            ),
            "duplicate #[wamp] attribute `table`",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(name = "x", name = "y")]
                    a: u8,
                }
            ),
            "duplicate #[wamp] attribute `name`",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t", struct = "t")]
                struct T {}
            ),
            "`struct` conflicts with `table`: give only one of `table`, `struct` or `union`",
        ),
        (
            from_payload,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(kwarg = true)]
                    a: Option<u8>,
                }
            ),
            "`kwarg` takes no value",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(name = x)]
                    a: u8,
                }
            ),
            "expected string literal",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t", crate = "not a path")]
                struct T {}
            ),
            "unexpected token",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp]
                struct T {}
            ),
            "expected attribute arguments in parentheses: #[wamp(...)]",
        ),
    ];
    for (derive, input, message) in errors {
        check(derive, input, Err(&[message]));
    }
}

#[test]
fn field_modes_are_checked() {
    let errors: [(Derive, DeriveInput, &str); 7] = [
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(default = 1)]
                    a: Option<u8>,
                }
            ),
            "`default` is not allowed on an Option field: an absent optional field is None",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(kwarg, optional_arg)]
                    a: Option<u8>,
                }
            ),
            "`optional_arg` is for positional arguments; a keyword argument may always be left out",
        ),
        (
            from_value,
            parse_quote!(
                #[wamp(struct = "s")]
                struct S {
                    #[wamp(kwarg, default)]
                    a: u8,
                }
            ),
            "`kwarg` is for the fields of a table, which travels as a payload; a struct never does",
        ),
        (
            into_payload,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(kwarg)]
                    a: u8,
                }
            ),
            "a keyword argument is never mandatory: make it an Option or give it #[wamp(default)]",
        ),
        (
            from_payload,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(optional_arg)]
                    a: u8,
                }
            ),
            "an optional argument may be left out: make it an Option or give it #[wamp(default)]",
        ),
        (
            from_payload,
            parse_quote!(
                #[wamp(table = "t")]
                struct T {
                    #[wamp(optional_arg)]
                    a: Option<u8>,
                    b: u8,
                }
            ),
            "optional positional arguments must be trailing: `b` follows `a`; \
             mark it #[wamp(optional_arg)] or #[wamp(kwarg)]",
        ),
        (
            from_payload,
            parse_quote!(
                #[wamp(struct = "s")]
                struct S {
                    a: u8,
                }
            ),
            "FromPayload is for tables: only a struct with #[wamp(table = \"...\")] travels as a payload",
        ),
    ];
    for (derive, input, message) in errors {
        check(derive, input, Err(&[message]));
    }
}

#[test]
fn only_tables_are_payloads() {
    let message =
        "IntoPayload is for tables: only a struct with #[wamp(table = \"...\")] travels as a payload";
    for input in [
        parse_quote!(
            #[wamp(union = "u")]
            enum U {
                A(A),
            }
        ),
        parse_quote!(
            #[repr(u8)]
            enum E {
                A,
            }
        ),
        parse_quote!(
            struct F(u8);
        ),
    ] {
        check(into_payload, input, Err(&[message]));
    }
}

#[test]
fn shapes_must_fit_their_kind() {
    let errors: [(DeriveInput, &str); 13] = [
        (
            parse_quote!(
                #[wamp(table = "t")]
                struct T<X> {
                    a: X,
                }
            ),
            "WAMP IDL types are not generic",
        ),
        (
            parse_quote!(
                #[wamp(table = "t")]
                struct T<'a> {
                    a: &'a u8,
                }
            ),
            "WAMP IDL types are not generic",
        ),
        (
            parse_quote!(
                #[wamp(table = "t")]
                struct T
                where
                    u8: Copy,
                {
                    a: u8,
                }
            ),
            "WAMP IDL types are not generic",
        ),
        (
            parse_quote!(
                #[wamp(union = "u")]
                struct T {
                    a: u8,
                }
            ),
            "`union` is for an enum whose variants each hold one member, not a struct",
        ),
        (
            parse_quote!(
                #[wamp(table = "t")]
                struct T(u8);
            ),
            "`table` is for a struct with named fields",
        ),
        (
            parse_quote!(
                #[wamp(struct = "s")]
                enum E {
                    A,
                }
            ),
            "`struct` is for a struct with named fields, not an enum",
        ),
        (
            parse_quote!(
                struct T {
                    a: u8,
                }
            ),
            "a struct with named fields needs #[wamp(table = \"schema.Name\")] or #[wamp(struct = \"schema.Name\")]",
        ),
        (
            parse_quote!(
                struct T(u8, u8);
            ),
            "a tuple struct must have exactly one field, the integer of its flags",
        ),
        (
            parse_quote!(
                struct T;
            ),
            "a unit struct is not a WAMP IDL type: expected a struct with named fields, a one-field tuple struct or an enum",
        ),
        (
            parse_quote!(
                enum E {
                    A,
                    B,
                }
            ),
            "an enum of unit variants travels as its integer: add #[repr(u8)] (or another integer type)",
        ),
        (
            parse_quote!(
                #[repr(C)]
                enum E {
                    A,
                }
            ),
            "expected an integer repr such as #[repr(u8)]: the enum travels as its integer",
        ),
        (
            parse_quote!(
                enum E {
                    A(A),
                    B(B),
                }
            ),
            "an enum of one-value variants is a union: add #[wamp(union = \"schema.Name\")]",
        ),
        (
            parse_quote!(union U { a: u8 }),
            "a Rust union is not a WAMP IDL type: a schema union is an enum with #[wamp(union = \"...\")]",
        ),
    ];
    for (input, message) in errors {
        check(from_value, input, Err(&[message]));
    }
}

#[test]
fn wamp_attributes_are_refused_where_nothing_applies() {
    let errors: [(DeriveInput, &str); 3] = [
        (
            parse_quote!(
                struct F(#[wamp(name = "x")] u8);
            ),
            "#[wamp] attributes are not allowed on the field of a flags type",
        ),
        (
            parse_quote!(
                #[repr(u8)]
                enum E {
                    #[wamp(name = "x")]
                    A,
                }
            ),
            "#[wamp] attributes are not allowed on a variant of an integer-backed enum",
        ),
        (
            parse_quote!(
                #[wamp(union = "u")]
                enum U {
                    A(#[wamp(name = "x")] A),
                }
            ),
            "#[wamp] attributes are not allowed on the value of a union member",
        ),
    ];
    for (input, message) in errors {
        check(from_value, input, Err(&[message]));
    }
}

#[test]
fn errors_of_several_fields_and_variants_accumulate() {
    let input: DeriveInput = parse_quote! {
        #[wamp(table = "t")]
        struct T<X> {
            #[wamp(kwarg)]
            a: u8,
            #[wamp(default)]
            b: Option<X>,
            #[wamp(optional_arg)]
            c: Option<u8>,
            d: u8,
            #[wamp(kwarg)]
            e: u8,
        }
    };
    check(
        from_value,
        input.clone(),
        Err(&[
            "WAMP IDL types are not generic",
            "`default` is not allowed on an Option field: an absent optional field is None",
        ]),
    );
    let mut input = input;
    input.generics = syn::Generics::default();
    let payload_errors: &[&str] =
        &["`default` is not allowed on an Option field: an absent optional field is None"];
    check(from_payload, input, Err(payload_errors));
    let input = parse_quote! {
        #[wamp(table = "t")]
        struct T {
            #[wamp(kwarg)]
            a: u8,
            #[wamp(optional_arg)]
            c: Option<u8>,
            d: u8,
            #[wamp(kwarg)]
            e: u8,
        }
    };
    check(
        from_payload,
        input,
        Err(&[
            "a keyword argument is never mandatory: make it an Option or give it #[wamp(default)]",
            "optional positional arguments must be trailing: `d` follows `c`; mark it #[wamp(optional_arg)] or #[wamp(kwarg)]",
            "a keyword argument is never mandatory: make it an Option or give it #[wamp(default)]",
        ]),
    );
    let input = parse_quote! {
        enum E {
            A,
            B(u8),
            C { x: u8 },
        }
    };
    check(
        from_value,
        input,
        Err(&[
            "an integer-backed enum has unit variants only (a union, with #[wamp(union = \"schema.Name\")], has one-value variants only)",
            "an integer-backed enum has unit variants only (a union, with #[wamp(union = \"schema.Name\")], has one-value variants only)",
            "an enum of unit variants travels as its integer: add #[repr(u8)] (or another integer type)",
        ]),
    );
    let input = parse_quote! {
        #[wamp(union = "u")]
        enum U {
            A,
            B(B),
            C(C, C),
        }
    };
    check(
        from_value,
        input,
        Err(&[
            "a variant of a union holds exactly one member: expected `A(Type)`",
            "a variant of a union holds exactly one member: expected `C(Type)`",
        ]),
    );
}

/// The encodings of a key are those the runtime's writers make: JSON's after its comma, a
/// fixstr, a text of length 5 and a key of `U` length 5 here; the headers of longer keys and
/// JSON's escapes are checked against the writers themselves in `runtime/tests/typed_wire.rs`.
#[test]
fn key_encodings_are_the_writers() {
    let expected = quote! {
        &::wamp_idl_runtime::__private::EncodedKey {
            text: "speed",
            json: b",\"speed\":",
            msgpack: b"\xA5speed",
            cbor: b"espeed",
            bjdata: b"U\x05speed",
        }
    };
    assert_eq!(key("speed").to_string(), expected.to_string());
}
