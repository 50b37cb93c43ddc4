//! IR → API docs: Markdown and self-contained HTML, rendered with minijinja.
//!
//! The model is first turned into a view model (`view.rs`): anchors, type links, example
//! payloads and doc paragraphs are computed there, so that the templates only lay text
//! out. The templates are embedded in the binary; a directory given in
//! [`Options::templates`] may replace any of them by name (`docs.md`, `docs.html`,
//! `docs.css`) and add templates of its own for them to include.
//!
//! What a template sees (`view.rs` documents every field):
//!
//! - `title`, `procedure_count`, `topic_count`;
//! - `interfaces`: `name`, `short_name`, `anchor`, `uuid`, `prefix`, `placeholders`
//!   (`name`, `ty`), `docs` (`paragraphs`, `summary`) and `methods`: `name`, `anchor`,
//!   `kind` (`procedure`/`topic`), `uri`, `suffix`, `placeholders`, `docs`, `request`
//!   and `response`, each a payload: `table` (a type reference: `text`, `anchor`),
//!   `is_void`, `args` and `kwargs` (`position`, `name`, `ty`, `required`, `default`,
//!   `attributes`, `docs`) and `example` (`args`, `kwargs`, `message`, `message_name`:
//!   JSON text);
//! - `uris`: every method URI, sorted: `uri`, `kind`, `interface`, `method`, `anchor`;
//! - `types`: every table, struct, enum and union: `kind`, `name`, `anchor`,
//!   `underlying`, `bit_flags`, `attributes`, `docs`, `fields` (`id`, `name`, `ty`,
//!   `presence`, `default`, `deprecated`, `attributes`, `docs`), `values` (`name`,
//!   `value`, `ty`, `docs`) and `used_by` (`text`, `role`, `anchor`).
//!
//! Filters besides minijinja's: `md_text`, `md_cell`, `md_code`, `md_cell_code` (Markdown
//! escaping), `breakable_uri` (HTML: a URI that may wrap after its dots), and `markdown`
//! and `markdown_inline` (HTML: doc text rendered from its Markdown, as blocks or, for a
//! table cell, inline).

mod example;
mod markdown;
mod view;

use std::path::{Path, PathBuf};

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, HtmlEscape, TemplateSource, UndefinedBehavior, Value};
use wamp_idl::Schema;

use crate::{Error, ErrorKind};

/// The embedded templates, by name. The `.html` ones are auto-escaped.
const TEMPLATES: &[(&str, &str)] = &[
    ("docs.md", include_str!("../../templates/docs.md")),
    ("docs.html", include_str!("../../templates/docs.html")),
    ("docs.css", include_str!("../../templates/docs.css")),
];

/// The title when [`Options::title`] is not set.
pub const DEFAULT_TITLE: &str = "WAMP API reference";

/// The format of generated docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// GitHub-flavoured Markdown.
    #[default]
    Markdown,
    /// One self-contained HTML page (inline CSS, no scripts, no external assets).
    Html,
}

impl Format {
    /// The usual file extension of the format (`md`, `html`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }

    /// The name of the template the format starts from.
    pub fn template_name(self) -> &'static str {
        match self {
            Format::Markdown => "docs.md",
            Format::Html => "docs.html",
        }
    }
}

/// How to render docs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Markdown or HTML.
    pub format: Format,
    /// A directory whose templates override the embedded ones of the same name.
    pub templates: Option<PathBuf>,
    /// The document title; [`DEFAULT_TITLE`] when `None`.
    pub title: Option<String>,
}

/// An example value of the table, struct, enum or union `name`, as the JSON serializer sends
/// it (the values the docs show: every field present, an enum as its first value's integer, a
/// union as its first member), or `None` when the schema has no such type.
pub fn example_json(schema: &Schema, name: &wamp_idl::model::QualifiedName) -> Option<String> {
    let mut builder = example::ExampleBuilder::new(schema);
    if schema.object(name).is_some() {
        return Some(builder.object(name).to_json());
    }
    let enumeration = schema.enumeration(name)?;
    let example = if enumeration.is_union {
        builder.union(name)
    } else {
        example::Example::Integer(enumeration.values.first().map_or(0, |value| value.value))
    };
    Some(example.to_json())
}

/// The docs of a schema: every interface with its methods, payloads and example
/// messages, an index of all URIs, and every type, all cross-linked.
pub fn render(schema: &Schema, options: &Options) -> Result<String, Error> {
    let title = options.title.as_deref().unwrap_or(DEFAULT_TITLE);
    let document = view::document(schema, title)?;
    let environment = environment(options.templates.as_deref())?;
    let template = environment
        .get_template(options.format.template_name())
        .map_err(template_error)?;
    template
        .render(Value::from(Serde(&document)))
        .map_err(template_error)
}

fn environment(overrides: Option<&Path>) -> Result<Environment<'static>, Error> {
    let mut environment = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(template_error)?;
    environment.set_syntax(syntax);
    // A typo in a custom template is an error rather than silently empty text.
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    environment.add_filter("md_text", markdown_text);
    environment.add_filter("md_cell", markdown_cell);
    environment.add_filter("md_code", markdown_code);
    environment.add_filter("md_cell_code", markdown_cell_code);
    environment.add_filter("breakable_uri", breakable_uri);
    environment.add_filter("markdown", |text: &str| {
        Value::from_safe_string(markdown::blocks(text))
    });
    environment.add_filter("markdown_inline", |text: &str| {
        Value::from_safe_string(markdown::inline(text))
    });
    match overrides {
        None => {
            for (name, source) in TEMPLATES {
                environment.add_template(name, source).map_err(template_error)?;
            }
        }
        Some(directory) => {
            std::fs::read_dir(directory).map_err(|error| Error::io(directory, error))?;
            let from_directory = minijinja::path_loader(directory);
            environment.set_loader(move |name| match from_directory(name)? {
                Some(source) => Ok(Some(source)),
                None => Ok(TEMPLATES
                    .iter()
                    .find(|(embedded, _)| *embedded == name)
                    .map(|(_, source)| TemplateSource::from(*source))),
            });
        }
    }
    Ok(environment)
}

/// A template error with its causes (such as the I/O error of an unreadable template).
fn template_error(error: minijinja::Error) -> Error {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::new(ErrorKind::Template(message))
}

/// A URI for HTML, escaped, with a line-break opportunity after every dot, so that a long
/// URI wraps between components rather than anywhere.
fn breakable_uri(text: &str) -> Value {
    Value::from_safe_string(HtmlEscape(text).to_string().replace('.', ".<wbr>"))
}

/// Doc text for a Markdown block: `<` is escaped so that `<uuid:clock>` is not read as HTML.
fn markdown_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// Text for a GitHub table cell: one line, `|` escaped.
fn markdown_cell(text: &str) -> String {
    markdown_text(text).replace('|', "\\|").replace('\n', " ")
}

/// A code span that holds any text, backticks included.
fn markdown_code(text: &str) -> String {
    let mut longest_run = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest_run = longest_run.max(run);
    }
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A code span inside a GitHub table cell, where `|` ends the cell even in code.
fn markdown_cell_code(text: &str) -> String {
    markdown_code(&text.replace('|', "\\|").replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_code_spans_survive_backticks_and_pipes() {
        assert_eq!(markdown_code("wamp.Void"), "`wamp.Void`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`a"), "`` `a ``");
        assert_eq!(markdown_cell_code("a|b"), "`a\\|b`");
    }

    #[test]
    fn markdown_text_keeps_placeholders_visible() {
        assert_eq!(
            markdown_text("calls <uuid:clock> & co"),
            "calls &lt;uuid:clock> &amp; co"
        );
        assert_eq!(markdown_cell("a | b\nc"), "a \\| b c");
    }
}
