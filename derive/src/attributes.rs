//! Parsing of `#[wamp(...)]`: each position (the type, a field, a union variant) has its
//! own vocabulary, and a key of another position, an unknown key or a repeated key is an
//! error on that key.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Error, Expr, LitStr, Path, Result, Token};

/// Where a `#[wamp]` attribute sits, which decides the keys it accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    Container,
    Field,
    Variant,
}

impl Position {
    const ALL: [Position; 3] = [Position::Container, Position::Field, Position::Variant];

    fn keys(self) -> &'static [&'static str] {
        match self {
            Position::Container => &["crate", "table", "struct", "union"],
            Position::Field => &["name", "default", "kwarg", "optional_arg"],
            Position::Variant => &["name"],
        }
    }

    fn description(self) -> &'static str {
        match self {
            Position::Container => "the type",
            Position::Field => "a field",
            Position::Variant => "a union variant",
        }
    }
}

/// The schema kind a container key declares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KindKey {
    Table,
    Struct,
    Union,
}

impl KindKey {
    pub fn name(self) -> &'static str {
        match self {
            KindKey::Table => "table",
            KindKey::Struct => "struct",
            KindKey::Union => "union",
        }
    }
}

/// `table = "N"`, `struct = "N"` or `union = "N"`.
pub struct Kind {
    pub key: KindKey,
    /// The key, where errors about a kind that does not fit the type point.
    pub span: Span,
    pub schema_name: String,
}

#[derive(Default)]
pub struct ContainerAttributes {
    pub runtime: Option<Path>,
    pub kind: Option<Kind>,
}

/// `default` (`value` is `None`) or `default = EXPR`.
pub struct FieldDefault {
    pub span: Span,
    pub value: Option<Expr>,
}

/// The keys of a field; `kwarg` and `optional_arg` keep their span for the errors of
/// the field modes they do not fit.
#[derive(Default)]
pub struct FieldAttributes {
    pub name: Option<String>,
    pub default: Option<FieldDefault>,
    pub kwarg: Option<Span>,
    pub optional_arg: Option<Span>,
}

#[derive(Default)]
pub struct VariantAttributes {
    pub name: Option<String>,
}

pub fn container(attrs: &[Attribute]) -> Result<ContainerAttributes> {
    let mut parsed = ContainerAttributes::default();
    each_key(attrs, |key, meta| match key {
        "crate" => {
            let runtime = string(meta)?.parse()?;
            set(&mut parsed.runtime, key, meta, runtime)
        }
        "table" | "struct" | "union" => {
            let kind_key = match key {
                "table" => KindKey::Table,
                "struct" => KindKey::Struct,
                _ => KindKey::Union,
            };
            let schema_name = string(meta)?.value();
            if let Some(kind) = &parsed.kind {
                return Err(if kind.key == kind_key {
                    duplicate(key, meta)
                } else {
                    Error::new_spanned(
                        &meta.path,
                        format!(
                            "`{key}` conflicts with `{}`: give only one of `table`, `struct` or `union`",
                            kind.key.name()
                        ),
                    )
                });
            }
            parsed.kind = Some(Kind {
                key: kind_key,
                span: meta.path.span(),
                schema_name,
            });
            Ok(())
        }
        _ => Err(unknown_key(key, meta, Position::Container)),
    })?;
    Ok(parsed)
}

pub fn field(attrs: &[Attribute]) -> Result<FieldAttributes> {
    let mut parsed = FieldAttributes::default();
    each_key(attrs, |key, meta| match key {
        "name" => {
            let name = string(meta)?.value();
            set(&mut parsed.name, key, meta, name)
        }
        "default" => {
            let value = if meta.input.peek(Token![=]) {
                Some(meta.value()?.parse()?)
            } else {
                None
            };
            let default = FieldDefault {
                span: meta.path.span(),
                value,
            };
            set(&mut parsed.default, key, meta, default)
        }
        "kwarg" => {
            let span = flag(key, meta)?;
            set(&mut parsed.kwarg, key, meta, span)
        }
        "optional_arg" => {
            let span = flag(key, meta)?;
            set(&mut parsed.optional_arg, key, meta, span)
        }
        _ => Err(unknown_key(key, meta, Position::Field)),
    })?;
    Ok(parsed)
}

pub fn variant(attrs: &[Attribute]) -> Result<VariantAttributes> {
    let mut parsed = VariantAttributes::default();
    each_key(attrs, |key, meta| match key {
        "name" => {
            let name = string(meta)?.value();
            set(&mut parsed.name, key, meta, name)
        }
        _ => Err(unknown_key(key, meta, Position::Variant)),
    })?;
    Ok(parsed)
}

/// Rejects `#[wamp]` where no key applies, `what` naming the place.
pub fn forbid(attrs: &[Attribute], what: &str) -> Result<()> {
    match attrs.iter().find(|attr| attr.path().is_ident("wamp")) {
        Some(attr) => Err(Error::new_spanned(
            attr,
            format!("#[wamp] attributes are not allowed on {what}"),
        )),
        None => Ok(()),
    }
}

/// Calls `logic` with each key of every `#[wamp(...)]` in `attrs`, and its meta.
fn each_key(attrs: &[Attribute], mut logic: impl FnMut(&str, &ParseNestedMeta) -> Result<()>) -> Result<()> {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("wamp")) {
        attr.parse_nested_meta(|meta| logic(&key_name(&meta.path), &meta))?;
    }
    Ok(())
}

fn key_name(path: &Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments.join("::")
}

fn string(meta: &ParseNestedMeta) -> Result<LitStr> {
    meta.value()?.parse()
}

/// A key without value; its span.
fn flag(key: &str, meta: &ParseNestedMeta) -> Result<Span> {
    if meta.input.peek(Token![=]) {
        return Err(Error::new_spanned(&meta.path, format!("`{key}` takes no value")));
    }
    Ok(meta.path.span())
}

fn set<T>(slot: &mut Option<T>, key: &str, meta: &ParseNestedMeta, value: T) -> Result<()> {
    if slot.is_some() {
        return Err(duplicate(key, meta));
    }
    *slot = Some(value);
    Ok(())
}

fn duplicate(key: &str, meta: &ParseNestedMeta) -> Error {
    Error::new_spanned(&meta.path, format!("duplicate #[wamp] attribute `{key}`"))
}

/// The error for `key` at `here`: where it belongs if another position takes it, else
/// the keys `here` takes.
fn unknown_key(key: &str, meta: &ParseNestedMeta, here: Position) -> Error {
    let owners: Vec<&str> = Position::ALL
        .into_iter()
        .filter(|position| *position != here && position.keys().contains(&key))
        .map(Position::description)
        .collect();
    let message = if owners.is_empty() {
        let expected: Vec<String> = here.keys().iter().map(|key| format!("`{key}`")).collect();
        format!(
            "unknown #[wamp] attribute `{key}` on {}: expected {}",
            here.description(),
            expected.join(", ")
        )
    } else {
        format!(
            "`{key}` is an attribute of {}, not of {}",
            owners.join(" or "),
            here.description()
        )
    };
    Error::new_spanned(&meta.path, message)
}
