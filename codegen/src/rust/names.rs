//! Schema names → Rust identifiers: case conversion, keywords, and collisions.
//!
//! flatc accepts names that become one Rust name (fields `self` and `Self` both become
//! `self_`, tables `foo_bar` and `FooBar` both `FooBar`). The generator never refuses such
//! a schema: in each Rust scope the first schema name (in the model's canonical order)
//! keeps its Rust name and each later one gets a numbered one (`self_2`, `FooBar2`), with
//! a [`Renamed`] warning at the later one's place. Names that travel (keys, member names)
//! stay the schema's. Every name of the schema level (modules, types, fields, enum values)
//! is settled once, in [`Names::new`], before any code is generated, so that every unit
//! refers to a renamed item by its new name.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use wamp_idl::Schema;
use wamp_idl::locations::Item;
use wamp_idl::model::{Enum, Object, QualifiedName};

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

/// A schema name that got another Rust name than its case conversion, and why: a
/// warning for the place `item` of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The schema item whose Rust name changed.
    pub item: Item,
    /// What happened, as one sentence without a trailing period.
    pub message: String,
}

/// One Rust scope (a module, a struct's fields, an enum's variants...) in which every
/// converted name must be unique.
#[derive(Debug, Default)]
pub struct Scope {
    /// Identifiers taken, with the schema name (or generated item) that took each.
    taken: BTreeMap<String, String>,
    /// The next number to try for a wanted identifier, so that many collisions with one
    /// name stay linear.
    next_number: HashMap<String, usize>,
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

    /// Takes `rust_name` for the schema name `schema_name` (at `item`) and returns it, or,
    /// when an earlier name took it, the first free `rust_name` with a number (`_2`, `_3`…;
    /// `2`, `3`… for an UpperCamelCase name), recording the renaming in `renamed`.
    ///
    /// Names are compared as the identifiers [`ident`] makes of them, since that can map
    /// two converted names to one (`Café` and `Cafè` both become `Caf_`).
    pub fn claim(
        &mut self,
        rust_name: &str,
        schema_name: &str,
        item: Item,
        renamed: &mut Vec<Renamed>,
    ) -> String {
        let wanted = ident(rust_name).to_string();
        let first = match self.taken.entry(wanted.clone()) {
            Entry::Vacant(entry) => {
                entry.insert(schema_name.to_owned());
                return rust_name.to_owned();
            }
            Entry::Occupied(entry) => entry.get().clone(),
        };
        let separator = if is_upper_camel(rust_name) { "" } else { "_" };
        let mut number = self.next_number.get(&wanted).copied().unwrap_or(2);
        let (candidate, identifier) = loop {
            let candidate = format!("{rust_name}{separator}{number}");
            let identifier = ident(&candidate).to_string();
            number += 1;
            if !self.taken.contains_key(&identifier) {
                break (candidate, identifier);
            }
        };
        self.next_number.insert(wanted.clone(), number);
        self.taken.insert(identifier.clone(), schema_name.to_owned());
        renamed.push(Renamed {
            item,
            message: format!(
                "{schema_name} is generated as `{identifier}` in Rust, since {first} is `{wanted}` there"
            ),
        });
        candidate
    }
}

/// Whether a converted name is UpperCamelCase (a type or variant), which a numbered
/// variant keeps by not adding an underscore.
fn is_upper_camel(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && name.contains(|c: char| c.is_ascii_lowercase())
}

/// How a schema name is quoted in a warning: `n.T`, or the generated item it is.
fn quoted(schema_name: &str) -> String {
    format!("`{schema_name}`")
}

/// The Rust names of everything the schema declares, settled once for every unit.
#[derive(Debug, Default)]
pub struct Names<'a> {
    /// The module name of each namespace (`wamp.meta` → `meta`), by full namespace.
    modules: HashMap<&'a str, String>,
    /// The type name of each table, struct, enum and union, by qualified name.
    types: HashMap<&'a str, String>,
    /// The module name of each interface, by qualified name.
    interfaces: HashMap<&'a str, String>,
    /// The field names of tables and structs, by (qualified name, field name).
    fields: HashMap<(&'a str, &'a str), String>,
    /// The variant (or flag constant) names of enums and unions, by (qualified name, value name).
    values: HashMap<(&'a str, &'a str), String>,
}

impl<'a> Names<'a> {
    /// Names every module, type, interface module, field and enum value of `schema`, in
    /// the model's order (tables and structs, then enums and unions, then interfaces),
    /// and the renamings that collisions forced.
    pub fn new(schema: &'a Schema) -> (Names<'a>, Vec<Renamed>) {
        let mut names = Names::default();
        let mut renamed = Vec::new();
        let mut modules: HashMap<&'a str, Scope> = HashMap::new();
        let declarations = schema
            .objects
            .iter()
            .map(|object| (&object.name, Item::Declaration(object.name.clone()), false))
            .chain(schema.enums.iter().map(|enumeration| {
                (
                    &enumeration.name,
                    Item::Declaration(enumeration.name.clone()),
                    false,
                )
            }))
            .chain(
                schema
                    .interfaces
                    .iter()
                    .map(|interface| (&interface.name, Item::Service(interface.name.clone()), true)),
            );
        for (name, item, is_interface) in declarations {
            let namespace = name.namespace();
            names.add_namespace(namespace, &item, &mut modules, &mut renamed);
            let scope = modules.entry(namespace).or_default();
            let (converted, taken) = if is_interface {
                (value_name(name.name()), &mut names.interfaces)
            } else {
                (type_name(name.name()), &mut names.types)
            };
            let rust_name = scope.claim(&converted, &quoted(name.as_str()), item, &mut renamed);
            taken.insert(name.as_str(), rust_name);
        }
        for object in &schema.objects {
            names.add_fields(object, &mut renamed);
        }
        for enumeration in &schema.enums {
            names.add_values(enumeration, &mut renamed);
        }
        (names, renamed)
    }

    /// Names the modules of `namespace` and of its parents that have no name yet, each in
    /// its parent's scope.
    fn add_namespace(
        &mut self,
        namespace: &'a str,
        item: &Item,
        modules: &mut HashMap<&'a str, Scope>,
        renamed: &mut Vec<Renamed>,
    ) {
        let mut parent = "";
        for (end, _) in namespace
            .match_indices('.')
            .chain(std::iter::once((namespace.len(), "")))
        {
            let child = namespace.get(..end).unwrap_or(namespace);
            let component = child.get(parent.len()..).unwrap_or(child).trim_start_matches('.');
            if !component.is_empty() && !self.modules.contains_key(child) {
                let scope = modules.entry(parent).or_default();
                let module = scope.claim(
                    &value_name(component),
                    &format!("namespace `{child}`"),
                    item.clone(),
                    renamed,
                );
                self.modules.insert(child, module);
            }
            parent = child;
        }
    }

    fn add_fields(&mut self, object: &'a Object, renamed: &mut Vec<Renamed>) {
        let mut scope = Scope::default();
        for field in object.fields.iter().filter(|field| !field.deprecated) {
            let rust_name = scope.claim(
                &value_name(&field.name),
                &format!("`{}.{}`", object.name, field.name),
                Item::Field(object.name.clone(), field.name.clone()),
                renamed,
            );
            self.fields
                .insert((object.name.as_str(), field.name.as_str()), rust_name);
        }
    }

    fn add_values(&mut self, enumeration: &'a Enum, renamed: &mut Vec<Renamed>) {
        let mut scope = Scope::default();
        let flags = enumeration.is_bit_flags() && !enumeration.is_union;
        for value in &enumeration.values {
            if enumeration.is_union && value.union_type.is_none() {
                continue;
            }
            let converted = if flags {
                const_name(&value.name)
            } else {
                type_name(&value.name)
            };
            let rust_name = scope.claim(
                &converted,
                &format!("`{}.{}`", enumeration.name, value.name),
                Item::EnumValue(enumeration.name.clone(), value.name.clone()),
                renamed,
            );
            self.values
                .insert((enumeration.name.as_str(), value.name.as_str()), rust_name);
        }
    }

    /// The module name of a namespace (`wamp.meta` → `meta`).
    pub fn module(&self, namespace: &str) -> String {
        settled(&self.modules, &namespace, || {
            value_name(namespace.rsplit('.').next().unwrap_or(namespace))
        })
    }

    /// The type name of a table, struct, enum or union.
    pub fn type_name(&self, name: &QualifiedName) -> Ident {
        ident(&settled(&self.types, &name.as_str(), || type_name(name.name())))
    }

    /// The module name of an interface.
    pub fn interface(&self, name: &QualifiedName) -> Ident {
        ident(&settled(&self.interfaces, &name.as_str(), || {
            value_name(name.name())
        }))
    }

    /// The Rust name of a field (before [`ident`], as its docs and attributes want it).
    pub fn field(&self, owner: &QualifiedName, field: &str) -> String {
        settled(&self.fields, &(owner.as_str(), field), || value_name(field))
    }

    /// The variant or flag constant of an enum value, or the variant of a union member.
    pub fn value(&self, owner: &QualifiedName, value: &str) -> Ident {
        ident(&settled(&self.values, &(owner.as_str(), value), || {
            type_name(value)
        }))
    }
}

/// The name settled for `key`, or its plain conversion for an item that [`Names::new`]
/// did not see (a hand-built model's).
fn settled<K: Eq + std::hash::Hash>(
    names: &HashMap<K, String>,
    key: &K,
    converted: impl FnOnce() -> String,
) -> String {
    names.get(key).cloned().unwrap_or_else(converted)
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
    fn a_later_name_that_collides_gets_a_number_and_a_warning() {
        let mut scope = Scope::default();
        let mut renamed = Vec::new();
        let item = |name: &str| Item::Field(QualifiedName("n.T".to_owned()), name.to_owned());
        let claims = [
            ("self", "self", "self"),
            ("self", "Self", "self_2"),
            ("self_2", "self_2", "self_2_2"),
            ("FooBar", "foo_bar", "FooBar"),
            ("FooBar", "FooBar", "FooBar2"),
        ];
        for (rust_name, schema_name, expected) in claims {
            let claimed = scope.claim(
                rust_name,
                &format!("`n.T.{schema_name}`"),
                item(schema_name),
                &mut renamed,
            );
            assert_eq!(claimed, expected);
        }
        assert_eq!(
            renamed.first(),
            Some(&Renamed {
                item: item("Self"),
                message: "`n.T.Self` is generated as `self_2` in Rust, since `n.T.self` is `self_` there"
                    .to_owned()
            })
        );
        assert_eq!(renamed.len(), 3);
    }

    #[test]
    fn names_that_become_one_identifier_collide() {
        let mut scope = Scope::default();
        let mut renamed = Vec::new();
        let item = Item::Declaration(QualifiedName("demo.Cafè".to_owned()));
        scope.claim(&type_name("Café"), "`demo.Café`", item.clone(), &mut renamed);
        assert_eq!(
            scope.claim(&type_name("Cafè"), "`demo.Cafè`", item, &mut renamed),
            "Cafè2"
        );
        assert_eq!(ident("Cafè2").to_string(), "Caf_2");
        assert_eq!(renamed.len(), 1);
    }
}
