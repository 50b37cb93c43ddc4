//! The `rust` category of `breaking`: changes that break code written against the
//! generated Rust API.
//!
//! Both versions are named with the generator's own functions (`names`, `Context`'s
//! field types, the interfaces' signatures), so a schema rename that maps to the same
//! Rust name (`foo_bar` to `fooBar`) is not a change, and one that the generator would
//! spell differently is.

use std::collections::{BTreeMap, BTreeSet};

use wamp_idl::Schema;
use wamp_idl::breaking::{Category, Finding, Rule};
use wamp_idl::locations::Item;
use wamp_idl::model::{Enum, Interface, Object, QualifiedName};

use super::Options;
use super::context::{Context, TargetModule};
use super::interfaces;
use super::names::{Names, const_name, type_name, value_name};
use crate::Error;

const fn rule(name: &'static str) -> Rule {
    Rule::new(Category::Rust, name)
}

/// A module (of a namespace or an interface) is gone.
pub const MODULE_REMOVED: Rule = rule("module-removed");
/// A type is gone from its module (removed, or renamed to another Rust name).
pub const TYPE_REMOVED: Rule = rule("type-removed");
/// A type of the same path is another kind of item (struct, enum, flags).
pub const TYPE_KIND_CHANGED: Rule = rule("type-kind-changed");
/// A struct field is gone (removed, deprecated or renamed).
pub const FIELD_REMOVED: Rule = rule("field-removed");
/// A struct gained a field: struct literals without `..Default::default()` no longer compile.
pub const FIELD_ADDED: Rule = rule("field-added");
/// A struct field has another Rust type.
pub const FIELD_RETYPED: Rule = rule("field-retyped");
/// An enum variant or flag constant is gone.
pub const VARIANT_REMOVED: Rule = rule("variant-removed");
/// An enum or union gained a variant: exhaustive `match`es no longer compile.
pub const VARIANT_ADDED: Rule = rule("variant-added");
/// An interface's method is gone.
pub const METHOD_REMOVED: Rule = rule("method-removed");
/// A method's parameters or result changed.
pub const METHOD_SIGNATURE_CHANGED: Rule = rule("method-signature-changed");

/// Every rule of the category, in the order of docs/breaking.md.
pub const RULES: &[Rule] = &[
    MODULE_REMOVED,
    TYPE_REMOVED,
    TYPE_KIND_CHANGED,
    FIELD_REMOVED,
    FIELD_ADDED,
    FIELD_RETYPED,
    VARIANT_REMOVED,
    VARIANT_ADDED,
    METHOD_REMOVED,
    METHOD_SIGNATURE_CHANGED,
];

/// Finds the changes of the `rust` category.
pub fn compare(old: &Schema, new: &Schema) -> Result<Vec<Finding>, Error> {
    let options = Options::default();
    // The names the generator settles for each version, collisions numbered as it numbers them.
    let (old_names, _) = Names::new(old);
    let (new_names, _) = Names::new(new);
    let old_api = Api::of(&Context::new(old, &options, &old_names)?)?;
    let new_api = Api::of(&Context::new(new, &options, &new_names)?)?;
    let mut findings = Vec::new();
    let mut removed_modules: BTreeSet<String> = BTreeSet::new();
    for (path, declaration) in &old_api.modules {
        if new_api.modules.contains_key(path) || removed_modules.iter().any(|parent| is_inside(path, parent))
        {
            continue;
        }
        removed_modules.insert(path.clone());
        findings.push(Finding {
            rule: MODULE_REMOVED,
            path: declaration.to_string(),
            message: format!("module `{path}` is gone: code using its items no longer compiles"),
            new: None,
            old: Some(declaration_item(old, declaration)),
            note: format!("`{path}` came from here"),
        });
    }
    let gone = |path: &str| removed_modules.iter().any(|module| is_inside(path, module));
    for (path, old_type) in &old_api.types {
        match new_api.types.get(path) {
            None if gone(path) => {}
            None => findings.push(Finding {
                rule: TYPE_REMOVED,
                path: old_type.name().to_string(),
                message: format!("type `{path}` is gone (removed, or renamed to another Rust name)"),
                new: None,
                old: Some(Item::Declaration(old_type.name().clone())),
                note: format!("`{}` here", old_type.name()),
            }),
            Some(new_type) if new_type.kind() != old_type.kind() => findings.push(Finding {
                rule: TYPE_KIND_CHANGED,
                path: old_type.name().to_string(),
                message: format!("`{path}` is now {}, was {}", new_type.kind(), old_type.kind()),
                new: Some(Item::Declaration(new_type.name().clone())),
                old: Some(Item::Declaration(old_type.name().clone())),
                note: format!("{} here", old_type.kind()),
            }),
            Some(new_type) => members(path, old_type, new_type, &mut findings),
        }
    }
    for (path, old_methods) in &old_api.methods {
        let Some(new_methods) = new_api.methods.get(path) else {
            continue;
        };
        for (name, old_method) in old_methods {
            let finding = match new_methods.get(name) {
                None => Finding {
                    rule: METHOD_REMOVED,
                    path: old_method.path(),
                    message: format!("method `{path}::{name}` is gone"),
                    new: Some(Item::Service(new_methods.values().next().map_or_else(
                        || old_method.interface.clone(),
                        |method| method.interface.clone(),
                    ))),
                    old: Some(old_method.item()),
                    note: "declared here".to_owned(),
                },
                Some(new_method) if new_method.signature != old_method.signature => {
                    let (new_signature, old_signature) =
                        (rust_text(&new_method.signature), rust_text(&old_method.signature));
                    Finding {
                        rule: METHOD_SIGNATURE_CHANGED,
                        path: old_method.path(),
                        message: format!(
                            "method `{path}::{name}` is now `{}`, was `{}`",
                            new_signature, old_signature
                        ),
                        new: Some(new_method.item()),
                        old: Some(old_method.item()),
                        note: format!("`{old_signature}` here"),
                    }
                }
                Some(_) => continue,
            };
            findings.push(finding);
        }
    }
    Ok(findings)
}

/// A type or signature as a person writes it: the spaces between tokens dropped where
/// Rust writes none, and the prelude's types by their short names (`Option<String>`,
/// not `:: core :: option :: Option < :: std :: string :: String >`).
fn rust_text(tokens: &str) -> String {
    let is_word = |token: &str| token.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    let mut text = String::new();
    let mut previous = "";
    for token in tokens.split_whitespace() {
        let spaced = (is_word(previous) && is_word(token))
            || matches!(previous, ":" | "," | "->" | ")")
            || matches!(token, "->" | "(");
        if spaced && !previous.is_empty() {
            text.push(' ');
        }
        text.push_str(token);
        previous = token;
    }
    PRELUDE_PATHS
        .iter()
        .fold(text, |text, (path, short)| text.replace(path, short))
}

/// Absolute paths of generated code to the types every Rust reader knows by name.
const PRELUDE_PATHS: [(&str, &str); 4] = [
    ("::core::option::Option", "Option"),
    ("::std::string::String", "String"),
    ("::std::vec::Vec", "Vec"),
    ("::std::boxed::Box", "Box"),
];

fn is_inside(path: &str, module: &str) -> bool {
    path.strip_prefix(module)
        .is_some_and(|rest| rest.starts_with("::"))
}

/// The generated API of one schema version, by Rust path.
struct Api<'a> {
    /// Every module, with a declaration that makes it exist.
    modules: BTreeMap<String, QualifiedName>,
    types: BTreeMap<String, RustType<'a>>,
    /// Interface module path → method name → method.
    methods: BTreeMap<String, BTreeMap<String, RustMethod>>,
}

/// A generated type and what code can rely on about its members.
enum RustType<'a> {
    /// A struct (of a table or struct): field name → (schema field name, Rust type).
    Struct(&'a Object, BTreeMap<String, (String, String)>),
    /// An enum (of an enum or union): variant name → schema value name.
    Enum(&'a Enum, BTreeMap<String, String>),
    /// A flags type (of a `bit_flags` enum): constant name → schema value name.
    Flags(&'a Enum, BTreeMap<String, String>),
}

impl RustType<'_> {
    fn name(&self) -> &QualifiedName {
        match self {
            RustType::Struct(object, _) => &object.name,
            RustType::Enum(enumeration, _) | RustType::Flags(enumeration, _) => &enumeration.name,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            RustType::Struct(..) => "a struct",
            RustType::Enum(..) => "an enum",
            RustType::Flags(..) => "a flags type",
        }
    }
}

struct RustMethod {
    interface: QualifiedName,
    schema_name: String,
    signature: String,
}

impl RustMethod {
    fn path(&self) -> String {
        format!("{}.{}", self.interface, self.schema_name)
    }

    fn item(&self) -> Item {
        Item::Call(self.interface.clone(), self.schema_name.clone())
    }
}

/// `a::b` for the namespace `A.b`, as the generator names modules.
fn module_path(namespace: &str) -> Vec<String> {
    namespace
        .split('.')
        .filter(|component| !component.is_empty())
        .map(value_name)
        .collect()
}

fn joined(module: &[String], name: &str) -> String {
    module
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(name))
        .collect::<Vec<_>>()
        .join("::")
}

impl<'a> Api<'a> {
    fn of(context: &Context<'a>) -> Result<Api<'a>, Error> {
        let schema = context.schema;
        let mut api = Api {
            modules: BTreeMap::new(),
            types: BTreeMap::new(),
            methods: BTreeMap::new(),
        };
        for object in &schema.objects {
            let module = api.namespace(&object.name);
            let here = TargetModule::namespace(object.name.namespace());
            let fields = Context::fields(object)
                .map(|field| {
                    let ty = context.field_type(&here, object, field).to_string();
                    (value_name(&field.name), (field.name.clone(), ty))
                })
                .collect();
            api.types.insert(
                joined(&module, &type_name(object.name.name())),
                RustType::Struct(object, fields),
            );
        }
        for enumeration in &schema.enums {
            let module = api.namespace(&enumeration.name);
            let path = joined(&module, &type_name(enumeration.name.name()));
            let rust_type = if enumeration.is_bit_flags() {
                RustType::Flags(enumeration, variants(enumeration, const_name))
            } else {
                RustType::Enum(enumeration, variants(enumeration, type_name))
            };
            api.types.insert(path, rust_type);
        }
        for interface in &schema.interfaces {
            api.interface(context, interface)?;
        }
        Ok(api)
    }

    /// Records the modules of a declaration's namespace; returns its module path.
    fn namespace(&mut self, name: &QualifiedName) -> Vec<String> {
        let module = module_path(name.namespace());
        for depth in 1..=module.len() {
            let enclosing = module.get(..depth).unwrap_or_default().join("::");
            self.modules.entry(enclosing).or_insert_with(|| name.clone());
        }
        module
    }

    fn interface(&mut self, context: &Context<'_>, interface: &Interface) -> Result<(), Error> {
        let mut module = self.namespace(&interface.name);
        module.push(value_name(interface.name.name()));
        let path = module.join("::");
        self.modules.insert(path.clone(), interface.name.clone());
        let here = TargetModule::interface(interface.name.namespace());
        // Renamings are the generator's warnings to give, not this comparison's.
        let methods = interfaces::signatures(context, interface, &mut Vec::new())?
            .iter()
            .zip(&interface.methods)
            .map(|(signature, method)| {
                let (name, signature) = interfaces::api_text(context, signature, &here);
                let method = RustMethod {
                    interface: interface.name.clone(),
                    schema_name: method.name.clone(),
                    signature,
                };
                (name, method)
            })
            .collect();
        self.methods.insert(path, methods);
        Ok(())
    }
}

/// The Rust names of an enum's values (variants, or flag constants) → schema names;
/// a union's implicit `NONE` is not a variant (a field holding the union is an `Option`).
fn variants(enumeration: &Enum, rust_name: fn(&str) -> String) -> BTreeMap<String, String> {
    enumeration
        .values
        .iter()
        .filter(|value| !enumeration.is_union || value.union_type.is_some())
        .map(|value| (rust_name(&value.name), value.name.clone()))
        .collect()
}

fn members(path: &str, old: &RustType<'_>, new: &RustType<'_>, findings: &mut Vec<Finding>) {
    let owner = old.name();
    let new_owner = new.name();
    match (old, new) {
        (RustType::Struct(_, old_fields), RustType::Struct(_, new_fields)) => {
            for (name, (schema_name, old_type)) in old_fields {
                let old_item = Some(Item::Field(owner.clone(), schema_name.clone()));
                match new_fields.get(name) {
                    None => findings.push(Finding {
                        rule: FIELD_REMOVED,
                        path: format!("{owner}.{schema_name}"),
                        message: format!("field `{path}::{name}` is gone (removed, deprecated or renamed)"),
                        new: Some(Item::Declaration(new_owner.clone())),
                        old: old_item,
                        note: "declared here".to_owned(),
                    }),
                    Some((new_schema_name, new_type)) if new_type != old_type => {
                        let (new_type, old_type) = (rust_text(new_type), rust_text(old_type));
                        findings.push(Finding {
                            rule: FIELD_RETYPED,
                            path: format!("{owner}.{schema_name}"),
                            message: format!("field `{path}::{name}` is now `{new_type}`, was `{old_type}`"),
                            new: Some(Item::Field(new_owner.clone(), new_schema_name.clone())),
                            old: old_item,
                            note: format!("`{old_type}` here"),
                        });
                    }
                    Some(_) => {}
                }
            }
            for (name, (schema_name, _)) in new_fields {
                if !old_fields.contains_key(name) {
                    findings.push(Finding {
                        rule: FIELD_ADDED,
                        path: format!("{owner}.{schema_name}"),
                        message: format!(
                            "struct `{path}` gained the field `{name}`: struct literals without \
                             `..Default::default()` must name it"
                        ),
                        new: Some(Item::Field(new_owner.clone(), schema_name.clone())),
                        old: Some(Item::Declaration(owner.clone())),
                        note: "the struct had no such field".to_owned(),
                    });
                }
            }
        }
        (RustType::Enum(_, old_variants), RustType::Enum(_, new_variants))
        | (RustType::Flags(_, old_variants), RustType::Flags(_, new_variants)) => {
            let exhaustive = matches!(new, RustType::Enum(..));
            for (name, schema_name) in old_variants {
                if !new_variants.contains_key(name) {
                    findings.push(Finding {
                        rule: VARIANT_REMOVED,
                        path: format!("{owner}.{schema_name}"),
                        message: format!("`{path}::{name}` is gone (removed or renamed)"),
                        new: Some(Item::Declaration(new_owner.clone())),
                        old: Some(Item::EnumValue(owner.clone(), schema_name.clone())),
                        note: "declared here".to_owned(),
                    });
                }
            }
            for (name, schema_name) in new_variants.iter().filter(|_| exhaustive) {
                if !old_variants.contains_key(name) {
                    findings.push(Finding {
                        rule: VARIANT_ADDED,
                        path: format!("{owner}.{schema_name}"),
                        message: format!(
                            "enum `{path}` gained the variant `{name}`: exhaustive `match`es must handle it"
                        ),
                        new: Some(Item::EnumValue(new_owner.clone(), schema_name.clone())),
                        old: Some(Item::Declaration(owner.clone())),
                        note: "the enum had no such variant".to_owned(),
                    });
                }
            }
        }
        _ => {}
    }
}

/// The item a module came from: an interface's `rpc_service`, else a type's declaration.
fn declaration_item(schema: &Schema, name: &QualifiedName) -> Item {
    if schema.services.iter().any(|service| service.name == *name) {
        Item::Service(name.clone())
    } else {
        Item::Declaration(name.clone())
    }
}
