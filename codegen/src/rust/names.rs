//! Schema names → Rust identifiers: case conversion, keywords, and collision checks.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

use crate::{Error, ErrorKind};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers: they get a trailing underscore instead.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "Self", "super", "_"];

/// An identifier for `name`, already in the wanted case.
///
/// Names from a binary schema are not checked by any parser, so characters an
/// identifier cannot have become `_`, and a leading digit gets a `_` before it.
pub fn ident(name: &str) -> Ident {
    let mut name = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    let name = name.as_str();
    if NON_RAW_KEYWORDS.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if RAW_KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `UpperCamelCase`, for types, traits and enum variants.
pub fn type_name(name: &str) -> String {
    name.to_upper_camel_case()
}

/// `snake_case`, for modules, fields, functions and parameters.
pub fn value_name(name: &str) -> String {
    name.to_snake_case()
}

/// `SHOUTY_SNAKE_CASE`, for constants.
pub fn const_name(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// One Rust scope (a module, a struct's fields, an enum's variants...) in which every
/// converted name must be unique.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeMap<String, String>,
}

impl Scope {
    /// A scope whose names `reserved` are taken by generated items.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        let mut scope = Scope::default();
        for name in reserved {
            scope
                .taken
                .insert(ident(name).to_string(), format!("the generated `{name}`"));
        }
        scope
    }

    /// Takes `rust_name` for the schema name `schema_name`; two schema names may not
    /// end up as one Rust name.
    ///
    /// Names are compared as the identifiers [`ident`] makes of them, since that can map
    /// two converted names to one (`Café` and `Cafè` both become `Caf_`).
    pub fn claim(&mut self, rust_name: &str, schema_name: &str) -> Result<(), Error> {
        let identifier = ident(rust_name).to_string();
        match self.taken.entry(identifier) {
            Entry::Vacant(entry) => {
                entry.insert(schema_name.to_owned());
                Ok(())
            }
            Entry::Occupied(entry) => Err(Error::new(ErrorKind::NameCollision {
                rust_name: entry.key().clone(),
                first: entry.get().clone(),
                second: schema_name.to_owned(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_get_an_underscore() {
        let check = |name: &str, expected: &str| assert_eq!(ident(name).to_string(), expected);
        check("type", "r#type");
        check("match", "r#match");
        check("async", "r#async");
        check("gen", "r#gen");
        check("self", "self_");
        check("Self", "Self_");
        check("super", "super_");
        check("crate", "crate_");
        check("column1", "column1");
        check("1st", "_1st");
        check("", "__");
        check("a-b", "a_b");
    }

    #[test]
    fn case_conversion_follows_rust_conventions() {
        assert_eq!(type_name("uint160_t"), "Uint160T");
        assert_eq!(type_name("IWampMeta"), "IWampMeta");
        assert_eq!(type_name("REALTIME"), "Realtime");
        assert_eq!(value_name("sessionCount"), "session_count");
        assert_eq!(value_name("IWampMeta"), "i_wamp_meta");
        assert_eq!(const_name("session_list"), "SESSION_LIST");
    }

    #[test]
    fn collisions_name_both_schema_names() {
        let mut scope = Scope::default();
        assert!(scope.claim("FooBar", "demo.foo_bar").is_ok());
        let error = scope
            .claim("FooBar", "demo.FooBar")
            .map_err(|error| error.to_string());
        assert_eq!(
            error,
            Err(
                "`demo.foo_bar` and `demo.FooBar` both become `FooBar` in Rust; rename one of them"
                    .to_owned()
            )
        );
    }

    #[test]
    fn names_that_become_one_identifier_collide() {
        let mut scope = Scope::default();
        assert!(scope.claim(&type_name("Café"), "demo.Café").is_ok());
        let error = scope
            .claim(&type_name("Cafè"), "demo.Cafè")
            .map_err(|error| error.to_string());
        assert_eq!(
            error,
            Err("`demo.Café` and `demo.Cafè` both become `Caf_` in Rust; rename one of them".to_owned())
        );
    }
}
