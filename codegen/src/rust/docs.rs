//! Rustdoc for generated items: the schema's doc comments, or a fallback line, plus
//! generated paragraphs (URIs, payload layouts).

use proc_macro2::TokenStream;
use quote::quote;
use wamp_idl::model::{Object, Type};

use super::context::{Context, Placement, is_optional_arg};

/// `#[doc]` attributes: the schema's lines (or `fallback` when there are none), then each
/// paragraph of `extra` after a blank line.
///
/// Schema lines keep their leading space, so that prettyplease prints `/// text`.
pub fn doc_attributes(schema_docs: &[String], fallback: &str, extra: &[String]) -> TokenStream {
    let mut lines = if schema_docs.is_empty() {
        vec![format!(" {fallback}")]
    } else {
        schema_docs.iter().map(|line| link_bare_urls(line)).collect()
    };
    for paragraph in extra {
        lines.push(String::new());
        lines.extend(paragraph.lines().map(|line| format!(" {line}")));
    }
    quote!(#(#[doc = #lines])*)
}

/// A type as written in a schema (`uint32`, `[string]`, `demo.ClockTick`), for docs.
pub fn schema_type(ty: &Type) -> String {
    match ty {
        Type::Scalar(scalar) => scalar.fbs_name().to_owned(),
        Type::String => "string".to_owned(),
        Type::Vector(element) | Type::Vector64(element) => format!("[{}]", schema_type(element)),
        Type::Array { element, length } => format!("[{}:{length}]", schema_type(element)),
        Type::Table(name) | Type::Struct(name) | Type::Union(name) | Type::Enum { name, .. } => {
            name.to_string()
        }
    }
}

/// How a table travels as a payload, in words: `args `a: int`; kwargs `b: string``,
/// `no args or kwargs` for an empty table.
pub fn payload_layout(context: &Context<'_>, object: &Object) -> String {
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    for field in Context::fields(object) {
        let entry = format!("`{}: {}`", field.name, schema_type(&field.ty));
        match context.placement(object, field) {
            Some(Placement::Keyword) => kwargs.push(entry),
            _ if is_optional_arg(field) => args.push(format!("{entry} (optional)")),
            _ => args.push(entry),
        }
    }
    let parts = [("args", args), ("kwargs", kwargs)]
        .into_iter()
        .filter(|(_, entries)| !entries.is_empty())
        .map(|(what, entries)| format!("{what} {}", entries.join(", ")))
        .collect::<Vec<_>>();
    if parts.is_empty() {
        "no args or kwargs".to_owned()
    } else {
        parts.join("; ")
    }
}

/// Wraps bare URLs in `<…>`, which rustdoc wants (its `bare_urls` lint); URLs that are
/// already links (`<url>`, `[text](url)`) stay as they are.
fn link_bare_urls(line: &str) -> String {
    let mut linked = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let (before, from_url) = rest.split_at(start);
        linked.push_str(before);
        let end = from_url
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\''))
            .unwrap_or(from_url.len());
        let url = from_url
            .get(..end)
            .unwrap_or(from_url)
            .trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let already_linked = before.ends_with('<') || before.ends_with("](");
        if already_linked {
            linked.push_str(url);
        } else {
            linked.push_str(&format!("<{url}>"));
        }
        rest = from_url.get(url.len()..).unwrap_or_default();
    }
    linked.push_str(rest);
    linked
}

#[cfg(test)]
mod tests {
    use super::link_bare_urls;

    #[test]
    fn bare_urls_become_links() {
        let check = |line: &str, expected: &str| assert_eq!(link_bare_urls(line), expected);
        check(
            " see https://wamp-proto.org/x#ids.",
            " see <https://wamp-proto.org/x#ids>.",
        );
        check("  (https://a.b) and http://c", "  (<https://a.b>) and <http://c>");
        check(
            " <https://a.b> and [x](https://c.d)",
            " <https://a.b> and [x](https://c.d)",
        );
        check(" no link here", " no link here");
    }
}
