//! URI templates with placeholders (`eth.demo.clock.<uuid:clock>`), as stubs fill and read them.
//!
//! A placeholder is a whole URI component written `<type:name>` or `<name:type>`, with
//! type `str`/`string`, `int` or `uuid` (`uid` is read as `uuid`), as in spec
//! `docs/wamp-idl.md` §3.2. A caller fills every placeholder with a concrete value; a
//! callee or subscriber registers the template as a wildcard pattern (each placeholder an
//! empty component) and reads the values back from the concrete URI it is handed.

use std::fmt;

use uuid::Uuid;

use crate::backend::MatchPolicy;
use crate::error::{Error, ErrorKind, PayloadError};

/// The value type of a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceholderKind {
    /// Any URI component.
    String,
    /// A decimal `i64`.
    Integer,
    /// A canonical UUID.
    Uuid,
}

impl PlaceholderKind {
    fn from_name(name: &str) -> Option<PlaceholderKind> {
        match name {
            "str" | "string" => Some(PlaceholderKind::String),
            "int" => Some(PlaceholderKind::Integer),
            "uuid" | "uid" => Some(PlaceholderKind::Uuid),
            _ => None,
        }
    }

    /// Whether the URI component `value` is a value of this kind.
    fn accepts(self, value: &str) -> bool {
        match self {
            PlaceholderKind::String => true,
            PlaceholderKind::Integer => <i64 as PlaceholderValue>::parse(value).is_some(),
            PlaceholderKind::Uuid => <Uuid as PlaceholderValue>::parse(value).is_some(),
        }
    }

    /// What a value of this kind is, for errors: `an integer`.
    fn description(self) -> &'static str {
        match self {
            PlaceholderKind::String => "a string",
            PlaceholderKind::Integer => "an integer",
            PlaceholderKind::Uuid => "a UUID",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Component {
    Literal(String),
    Placeholder { name: String, kind: PlaceholderKind },
}

/// A URI whose components may be placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    text: String,
    components: Vec<Component>,
}

impl Template {
    /// Parses a template; the empty text is the empty template (an unset prefix).
    pub fn parse(text: &str) -> Result<Template, Error> {
        let components = if text.is_empty() {
            Vec::new()
        } else {
            text.split('.')
                .map(|component| parse_component(text, component))
                .collect::<Result<_, _>>()?
        };
        Ok(Template {
            text: text.to_owned(),
            components,
        })
    }

    /// Parses `text`, which must have the same placeholders (names and types, in order)
    /// as the schema's template `schema`: it replaces `schema` at run time.
    pub fn conforming(text: &str, schema: &str) -> Result<Template, Error> {
        let template = Template::parse(text)?;
        let expected = Template::parse(schema)?;
        if template.placeholders().ne(expected.placeholders()) {
            return Err(invalid_uri(format!(
                "the prefix `{text}` must have the placeholders of `{schema}`, in the same order"
            )));
        }
        Ok(template)
    }

    /// This template followed by the components of `suffix` (a method's URI suffix).
    pub fn join(&self, suffix: &str) -> Result<Template, Error> {
        match (self.text.is_empty(), suffix.is_empty()) {
            (_, true) => Ok(self.clone()),
            (true, false) => Template::parse(suffix),
            (false, false) => Template::parse(&format!("{}.{suffix}", self.text)),
        }
    }

    /// Whether any component is a placeholder.
    pub fn has_placeholders(&self) -> bool {
        self.placeholders().next().is_some()
    }

    /// The URI to register or subscribe: placeholders become empty (wildcard) components.
    pub fn pattern(&self) -> String {
        let components = self.components.iter().map(|component| match component {
            Component::Literal(literal) => literal.as_str(),
            Component::Placeholder { .. } => "",
        });
        components.collect::<Vec<_>>().join(".")
    }

    /// How [`Template::pattern`] is to be matched.
    pub fn match_policy(&self) -> MatchPolicy {
        if self.has_placeholders() {
            MatchPolicy::Wildcard
        } else {
            MatchPolicy::Exact
        }
    }

    /// The concrete URI, with `values` (one per placeholder, in order) filled in.
    pub fn render(&self, values: &[String]) -> Result<String, Error> {
        let mut values = values.iter();
        let mut components = Vec::with_capacity(self.components.len());
        for component in &self.components {
            match component {
                Component::Literal(literal) => components.push(literal.as_str()),
                Component::Placeholder { name, .. } => {
                    let value = values.next().ok_or_else(|| {
                        invalid_uri(format!("no value for placeholder `{name}` of `{}`", self.text))
                    })?;
                    if !is_component(value) {
                        return Err(invalid_uri(format!(
                            "placeholder `{name}`: `{value}` is not a URI component \
                             (it is empty or has `.`, `#` or whitespace)"
                        )));
                    }
                    components.push(value.as_str());
                }
            }
        }
        Ok(components.join("."))
    }

    /// Reads the placeholder values out of a concrete URI that matched the pattern; a URI
    /// that does not match, or whose placeholder values are not of their kind, makes
    /// every read fail.
    pub fn placeholders_of(&self, uri: Option<&str>) -> Placeholders {
        let values = match uri {
            _ if !self.has_placeholders() => Ok(Vec::new()),
            None => Err(PayloadError::new(
                "uri",
                format!("the router did not say which URI matched `{}`", self.text),
            )),
            Some(uri) => self.extract(uri),
        };
        Placeholders {
            names: self.placeholders().map(|(name, _)| name.to_owned()).collect(),
            values,
        }
    }

    fn extract(&self, uri: &str) -> Result<Vec<String>, PayloadError> {
        let mismatch = || PayloadError::new("uri", format!("`{uri}` does not match `{}`", self.text));
        let parts = uri.split('.').collect::<Vec<_>>();
        if parts.len() != self.components.len() {
            return Err(mismatch());
        }
        let mut values = Vec::new();
        for (component, part) in self.components.iter().zip(parts) {
            match component {
                Component::Literal(literal) if literal == part => {}
                Component::Literal(_) => return Err(mismatch()),
                Component::Placeholder { name, kind } if !kind.accepts(part) => {
                    return Err(PayloadError::new(
                        format!("uri.{name}"),
                        format!("`{part}` is not {}", kind.description()),
                    ));
                }
                Component::Placeholder { .. } => values.push(part.to_owned()),
            }
        }
        Ok(values)
    }

    fn placeholders(&self) -> impl Iterator<Item = (&str, PlaceholderKind)> {
        self.components.iter().filter_map(|component| match component {
            Component::Placeholder { name, kind } => Some((name.as_str(), *kind)),
            Component::Literal(_) => None,
        })
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_component(text: &str, component: &str) -> Result<Component, Error> {
    if let Some(inner) = component
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
    {
        let (left, right) = inner.split_once(':').ok_or_else(|| {
            invalid_uri(format!(
                "malformed placeholder `{component}` in `{text}`: expected `<type:name>`"
            ))
        })?;
        let (name, kind) = match (
            PlaceholderKind::from_name(left),
            PlaceholderKind::from_name(right),
        ) {
            (Some(kind), _) => (right, kind),
            (None, Some(kind)) => (left, kind),
            (None, None) => {
                return Err(invalid_uri(format!(
                    "unknown placeholder type in `{component}` of `{text}`: expected `str`, `string`, `int` or `uuid`"
                )));
            }
        };
        return Ok(Component::Placeholder {
            name: name.to_owned(),
            kind,
        });
    }
    if !is_component(component) || component.contains(['<', '>']) {
        return Err(invalid_uri(format!(
            "`{text}`: component `{component}` is empty or has `.`, `#`, `<`, `>` or whitespace"
        )));
    }
    Ok(Component::Literal(component.to_owned()))
}

/// Whether `text` is a loose URI component: non-empty, without `.`, `#` or whitespace.
pub fn is_component(text: &str) -> bool {
    !text.is_empty() && !text.contains(|c: char| c == '.' || c == '#' || c.is_whitespace())
}

fn invalid_uri(message: String) -> Error {
    Error::new(ErrorKind::InvalidUri(message))
}

/// The placeholder values of one concrete URI, read on demand by generated handlers.
///
/// A URI that did not match the template makes every read fail with that error.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholders {
    names: Vec<String>,
    values: Result<Vec<String>, PayloadError>,
}

impl Placeholders {
    /// Fails with the URI's error if it did not match the template or a value is not of
    /// its placeholder's kind.
    pub fn matched(&self) -> Result<(), PayloadError> {
        self.values.as_ref().map(drop).map_err(Clone::clone)
    }

    /// The value of placeholder number `index`, as the type of the handler parameter it
    /// goes to (`String`, `i64` or `Uuid`).
    pub fn get<T: PlaceholderValue>(&self, index: usize) -> Result<T, PayloadError> {
        let (name, value) = self.value(index)?;
        T::parse(value).ok_or_else(|| {
            PayloadError::new(
                format!("uri.{name}"),
                format!("`{value}` is not {}", T::KIND.description()),
            )
        })
    }

    /// Each placeholder's name and value, as a handler's context shows them; none when the URI
    /// did not match.
    pub(crate) fn named(&self) -> std::sync::Arc<[(String, String)]> {
        match &self.values {
            Ok(values) => self.names.iter().cloned().zip(values.iter().cloned()).collect(),
            Err(_) => std::sync::Arc::new([]),
        }
    }

    fn value(&self, index: usize) -> Result<(&str, &str), PayloadError> {
        let values = self.values.as_ref().map_err(Clone::clone)?;
        match (self.names.get(index), values.get(index)) {
            (Some(name), Some(value)) => Ok((name, value)),
            _ => Err(PayloadError::new("uri", format!("no placeholder number {index}"))),
        }
    }
}

/// The type of a placeholder value as handlers receive it.
pub trait PlaceholderValue: Sized {
    /// The placeholders this type reads.
    const KIND: PlaceholderKind;

    /// The value of a URI component, if it is one.
    fn parse(component: &str) -> Option<Self>;
}

/// A `str` placeholder.
impl PlaceholderValue for String {
    const KIND: PlaceholderKind = PlaceholderKind::String;

    fn parse(component: &str) -> Option<String> {
        Some(component.to_owned())
    }
}

/// An `int` placeholder.
impl PlaceholderValue for i64 {
    const KIND: PlaceholderKind = PlaceholderKind::Integer;

    fn parse(component: &str) -> Option<i64> {
        component.parse().ok()
    }
}

/// A `uuid` placeholder.
impl PlaceholderValue for Uuid {
    const KIND: PlaceholderKind = PlaceholderKind::Uuid;

    fn parse(component: &str) -> Option<Uuid> {
        Uuid::try_parse(component).ok()
    }
}

/// A caller's prefix: the template (the schema's, or one given at run time) and the
/// values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    template: String,
    values: Vec<String>,
}

impl Prefix {
    /// The schema's prefix template with its placeholder values, in order.
    pub fn new(template: &str, values: &[&(dyn fmt::Display + Sync)]) -> Prefix {
        Prefix {
            template: template.to_owned(),
            values: values.iter().map(ToString::to_string).collect(),
        }
    }

    /// The same values under another template with the placeholders of `schema`.
    pub fn with_template(self, template: &str, schema: &str) -> Result<Prefix, Error> {
        Template::conforming(template, schema)?;
        Ok(Prefix {
            template: template.to_owned(),
            values: self.values,
        })
    }

    /// The template in use.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The concrete URI of a method: this prefix, then `suffix` with `values` filled in.
    pub fn uri(&self, suffix: &str, values: &[&(dyn fmt::Display + Sync)]) -> Result<String, Error> {
        let all_values = self
            .values
            .iter()
            .cloned()
            .chain(values.iter().map(ToString::to_string))
            .collect::<Vec<_>>();
        Template::parse(&self.template)?.join(suffix)?.render(&all_values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_wildcard_patterns() {
        let template =
            Template::parse("eth.clock.<uuid:clock>").and_then(|prefix| prefix.join("on_tick.<int:level>"));
        let template = template.map_err(|error| error.to_string());
        assert_eq!(
            template
                .as_ref()
                .map(|template| (template.pattern(), template.match_policy())),
            Ok(("eth.clock..on_tick.".to_owned(), MatchPolicy::Wildcard))
        );
    }

    #[test]
    fn placeholder_values_are_read_back_and_checked() {
        let Ok(template) = Template::parse("node.<node_id:str>.<int:level>.<uid:book>") else {
            panic!("the template parses");
        };
        let uuid = "15a72fbf-3800-46ae-8fcd-ae0590e59ead";
        let values = template.placeholders_of(Some(&format!("node.n1.7.{uuid}")));
        assert_eq!(values.matched(), Ok(()));
        assert_eq!(values.get::<String>(0), Ok("n1".to_owned()));
        assert_eq!(values.get::<i64>(1), Ok(7));
        assert_eq!(
            values.get::<Uuid>(2).map(|uuid| uuid.to_string()),
            Ok(uuid.to_owned())
        );
        let values = template.placeholders_of(Some("node.n1.x.y"));
        assert_eq!(
            values.matched().map_err(|error| error.to_string()),
            Err("uri.level: `x` is not an integer".to_owned())
        );
        let values = template.placeholders_of(Some(&format!("node.n1.7.{uuid}x")));
        assert_eq!(
            values.get::<String>(0).map_err(|error| error.to_string()),
            Err(format!("uri.book: `{uuid}x` is not a UUID"))
        );
        assert_eq!(
            values.get::<Uuid>(0).map_err(|error| error.to_string()),
            Err(format!("uri.book: `{uuid}x` is not a UUID"))
        );
        let values = template.placeholders_of(Some(&format!("node.n1.7.{uuid}")));
        assert_eq!(
            values.get::<i64>(0).map_err(|error| error.to_string()),
            Err("uri.node_id: `n1` is not an integer".to_owned())
        );
        let values = template.placeholders_of(Some("other.n1.7.y"));
        assert_eq!(
            values.matched().map_err(|error| error.to_string()),
            Err("uri: `other.n1.7.y` does not match `node.<node_id:str>.<int:level>.<uid:book>`".to_owned())
        );
        assert_eq!(
            values.get::<String>(0).map_err(|error| error.to_string()),
            Err("uri: `other.n1.7.y` does not match `node.<node_id:str>.<int:level>.<uid:book>`".to_owned())
        );
    }

    #[test]
    fn rendering_rejects_values_that_are_not_components() {
        let prefix = Prefix::new("svc.<str:node>", &[&"a.b"]);
        assert_eq!(
            prefix.uri("get", &[]).map_err(|error| error.to_string()),
            Err("invalid URI: placeholder `node`: `a.b` is not a URI component (it is empty or has `.`, `#` or whitespace)".to_owned())
        );
        let prefix = Prefix::new("svc.<str:node>", &[&"n1"]);
        assert_eq!(
            prefix.uri("get", &[]).map_err(|error| error.to_string()),
            Ok("svc.n1.get".to_owned())
        );
        let moved = prefix.with_template("other.<node:str>.x", "svc.<str:node>");
        assert_eq!(
            moved
                .and_then(|prefix| prefix.uri("", &[]))
                .map_err(|error| error.to_string()),
            Ok("other.n1.x".to_owned())
        );
        let wrong = Prefix::new("svc", &[]).with_template("svc.<int:n>", "svc");
        assert!(matches!(
            wrong.map_err(Error::into_kind),
            Err(ErrorKind::InvalidUri(_))
        ));
    }
}
