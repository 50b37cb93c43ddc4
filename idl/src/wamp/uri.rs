//! URI templates: syntax of `wampuri` values, placeholders, resolution against a prefix, UUIDs.
//!
//! The rules are in docs/wamp-idl.md §3. Problems are returned as [`Finding`]s with a
//! byte range into the attribute value, so the caller can point at the offending
//! component rather than the whole string.

use std::collections::HashSet;
use std::ops::Range;

use crate::diagnostic::Severity;
use crate::model::{Placeholder, PlaceholderType, UriComponent, UriTemplate};

/// A problem found in a URI, located by a byte range of the text that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub severity: Severity,
    pub message: String,
    pub range: Range<usize>,
}

impl Finding {
    fn error(range: Range<usize>, message: String) -> Finding {
        Finding {
            severity: Severity::Error,
            message,
            range,
        }
    }

    fn warning(range: Range<usize>, message: String) -> Finding {
        Finding {
            severity: Severity::Warning,
            message,
            range,
        }
    }
}

/// A checked URI with the byte range of each component in the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedUri {
    pub template: UriTemplate,
    pub ranges: Vec<Range<usize>>,
}

impl ParsedUri {
    /// The URI of no components (an interface without `wampuri`).
    pub fn empty() -> ParsedUri {
        ParsedUri {
            template: UriTemplate {
                text: String::new(),
                components: Vec::new(),
            },
            ranges: Vec::new(),
        }
    }
}

/// Checks a URI whose components may be placeholders; `None` when any finding is an error.
pub(crate) fn parse(text: &str, findings: &mut Vec<Finding>) -> Option<ParsedUri> {
    if text.is_empty() {
        findings.push(Finding::error(
            0..0,
            "invalid URI ``: a URI cannot be empty".to_owned(),
        ));
        return None;
    }
    let errors_before = error_count(findings);
    let mut components = Vec::new();
    let mut ranges = Vec::new();
    // A set rather than a scan of the earlier components: a long URI stays linear.
    let mut placeholder_names = HashSet::new();
    let mut start = 0;
    for piece in text.split('.') {
        let range = start..start + piece.len();
        start = range.end + 1;
        if let Some(component) = parse_component(text, piece, range.clone(), findings) {
            if let UriComponent::Placeholder(placeholder) = &component
                && !placeholder_names.insert(placeholder.name.clone())
            {
                findings.push(repeated_name(text, placeholder, &range));
            }
            components.push(component);
            ranges.push(range);
        }
    }
    (error_count(findings) == errors_before).then(|| ParsedUri {
        template: UriTemplate {
            text: text.to_owned(),
            components,
        },
        ranges,
    })
}

fn error_count(findings: &[Finding]) -> usize {
    findings
        .iter()
        .filter(|finding| finding.severity == Severity::Error)
        .count()
}

fn parse_component(
    text: &str,
    piece: &str,
    range: Range<usize>,
    findings: &mut Vec<Finding>,
) -> Option<UriComponent> {
    if piece.contains(['<', '>']) {
        return parse_placeholder(piece, range, findings).map(UriComponent::Placeholder);
    }
    let problem = if piece.is_empty() {
        "empty component"
    } else if piece.contains(char::is_whitespace) {
        "a component contains whitespace"
    } else if piece.contains('#') {
        "a component contains `#`"
    } else {
        return Some(UriComponent::Literal(piece.to_owned()));
    };
    findings.push(Finding::error(range, format!("invalid URI `{text}`: {problem}")));
    None
}

fn parse_placeholder(piece: &str, range: Range<usize>, findings: &mut Vec<Finding>) -> Option<Placeholder> {
    let Some(inner) = piece.strip_prefix('<').and_then(|rest| rest.strip_suffix('>')) else {
        findings.push(Finding::error(
            range,
            format!("a placeholder must be a whole URI component: `{piece}`"),
        ));
        return None;
    };
    let malformed = |findings: &mut Vec<Finding>| {
        findings.push(Finding::error(
            range.clone(),
            format!("malformed placeholder `{piece}`: expected `<type:name>` or `<name:type>`"),
        ));
    };
    let Some((left, right)) = inner.split_once(':') else {
        malformed(findings);
        return None;
    };
    let (ty, type_name, name) = match (placeholder_type(left), placeholder_type(right)) {
        (Some(ty), _) => (ty, left, right),
        (None, Some(ty)) => (ty, right, left),
        (None, None) if is_identifier(left) && is_identifier(right) => {
            findings.push(Finding::error(
                range,
                format!("unknown placeholder type in `{piece}`: expected `str`, `string`, `int` or `uuid`"),
            ));
            return None;
        }
        (None, None) => {
            malformed(findings);
            return None;
        }
    };
    if !is_identifier(name) {
        malformed(findings);
        return None;
    }
    if type_name == "uid" {
        findings.push(Finding::warning(
            range,
            format!("placeholder type `uid` in `{piece}` is read as `uuid`"),
        ));
    }
    Some(Placeholder {
        name: name.to_owned(),
        ty,
    })
}

fn placeholder_type(name: &str) -> Option<PlaceholderType> {
    match name {
        "str" | "string" => Some(PlaceholderType::String),
        "int" => Some(PlaceholderType::Integer),
        "uuid" | "uid" => Some(PlaceholderType::Uuid),
        _ => None,
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The error for a placeholder named like an earlier one of the URI `text`.
fn repeated_name(text: &str, placeholder: &Placeholder, range: &Range<usize>) -> Finding {
    Finding::error(
        range.clone(),
        format!(
            "placeholder name `{}` appears twice in `{text}`",
            placeholder.name
        ),
    )
}

/// A method URI resolved against its interface's prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub uri: UriTemplate,
    pub suffix: UriTemplate,
}

/// Resolves a method's `wampuri` against the prefix: absolute when it is the prefix or
/// starts with `prefix.`, else relative. Findings' ranges index into `written`.
pub(crate) fn resolve(prefix: &ParsedUri, written: &str, findings: &mut Vec<Finding>) -> Option<Resolved> {
    let prefix_text = prefix.template.text.as_str();
    let absolute_suffix = if prefix_text.is_empty() {
        None
    } else if written == prefix_text {
        Some("")
    } else {
        written
            .strip_prefix(prefix_text)
            .and_then(|rest| rest.strip_prefix('.'))
    };
    let method = parse(written, findings)?;
    let Some(suffix_text) = absolute_suffix else {
        return relative(prefix, method, findings);
    };
    let suffix = UriTemplate {
        text: suffix_text.to_owned(),
        components: method
            .template
            .components
            .get(prefix.template.components.len()..)
            .unwrap_or_default()
            .to_vec(),
    };
    Some(Resolved {
        uri: method.template,
        suffix,
    })
}

/// The URI of a method without `wampuri`: the prefix joined with the method's name.
pub(crate) fn resolve_name(prefix: &ParsedUri, name: &str, findings: &mut Vec<Finding>) -> Option<Resolved> {
    let method = parse(name, findings)?;
    relative(prefix, method, findings)
}

fn relative(prefix: &ParsedUri, method: ParsedUri, findings: &mut Vec<Finding>) -> Option<Resolved> {
    let uri = join(&prefix.template, &method.template);
    let errors_before = error_count(findings);
    let prefix_names: HashSet<&str> = prefix
        .template
        .placeholders()
        .map(|placeholder| placeholder.name.as_str())
        .collect();
    for (component, range) in method.template.components.iter().zip(&method.ranges) {
        if let UriComponent::Placeholder(placeholder) = component
            && prefix_names.contains(placeholder.name.as_str())
        {
            findings.push(repeated_name(&uri.text, placeholder, range));
        }
    }
    (error_count(findings) == errors_before).then_some(Resolved {
        uri,
        suffix: method.template,
    })
}

fn join(prefix: &UriTemplate, suffix: &UriTemplate) -> UriTemplate {
    if prefix.text.is_empty() {
        return suffix.clone();
    }
    UriTemplate {
        text: format!("{}.{}", prefix.text, suffix.text),
        components: prefix
            .components
            .iter()
            .chain(&suffix.components)
            .cloned()
            .collect(),
    }
}

/// The URI with every placeholder as a wildcard: two methods with equal keys match the same URIs.
pub(crate) fn match_key(uri: &UriTemplate) -> Vec<Option<String>> {
    uri.components
        .iter()
        .map(|component| match component {
            UriComponent::Literal(literal) => Some(literal.clone()),
            UriComponent::Placeholder(_) => None,
        })
        .collect()
}

/// The canonical lower-case form of a UUID written as 8-4-4-4-12 hex digits.
pub(crate) fn canonical_uuid(text: &str) -> Option<String> {
    let groups = text.split('-').collect::<Vec<_>>();
    let well_formed = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, length)| group.len() == length && group.chars().all(|c| c.is_ascii_hexdigit()));
    well_formed.then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a template compactly: literals as written, placeholders as `{name:type}`.
    fn render(template: &UriTemplate) -> String {
        template
            .components
            .iter()
            .map(|component| match component {
                UriComponent::Literal(literal) => literal.clone(),
                UriComponent::Placeholder(placeholder) => {
                    format!("{{{}:{:?}}}", placeholder.name, placeholder.ty)
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Renders findings as `severity@start..end: message`, one per line.
    fn render_findings(findings: &[Finding]) -> String {
        findings
            .iter()
            .map(|finding| {
                format!(
                    "{:?}@{}..{}: {}",
                    finding.severity, finding.range.start, finding.range.end, finding.message
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Parses `text`; expects the rendered template (or `-` for rejected) and the findings.
    fn check(text: &str, expected_template: &str, expected_findings: &str) {
        let mut findings = Vec::new();
        let parsed = parse(text, &mut findings);
        let actual = parsed
            .as_ref()
            .map_or_else(|| "-".to_owned(), |parsed| render(&parsed.template));
        assert_eq!(actual, expected_template, "template of {text:?}");
        assert_eq!(
            render_findings(&findings),
            expected_findings,
            "findings of {text:?}"
        );
        if let Some(parsed) = parsed {
            assert_eq!(parsed.template.text, text);
            assert_eq!(parsed.ranges.len(), parsed.template.components.len());
        }
    }

    #[test]
    fn plain_uris() {
        check("wamp", "wamp", "");
        check("wamp.session.list", "wamp.session.list", "");
        check("eth.wamp-proto.demo", "eth.wamp-proto.demo", "");
        check("com.Example.über_1", "com.Example.über_1", "");
    }

    #[test]
    fn malformed_uris() {
        check("", "-", "Error@0..0: invalid URI ``: a URI cannot be empty");
        check("a..b", "-", "Error@2..2: invalid URI `a..b`: empty component");
        check(".a", "-", "Error@0..0: invalid URI `.a`: empty component");
        check("a.", "-", "Error@2..2: invalid URI `a.`: empty component");
        check(
            "a.b c",
            "-",
            "Error@2..5: invalid URI `a.b c`: a component contains whitespace",
        );
        check(
            "a.#",
            "-",
            "Error@2..3: invalid URI `a.#`: a component contains `#`",
        );
        check(
            "a..b c",
            "-",
            "Error@2..2: invalid URI `a..b c`: empty component\n\
             Error@3..6: invalid URI `a..b c`: a component contains whitespace",
        );
    }

    #[test]
    fn placeholders_in_both_orders() {
        check("clock.<uuid:clock>", "clock.{clock:Uuid}", "");
        check("a.<int:warp_level>", "a.{warp_level:Integer}", "");
        check("node.<node_id:str>", "node.{node_id:String}", "");
        check("node.<string:node_id>", "node.{node_id:String}", "");
        check("node.<node_id:string>", "node.{node_id:String}", "");
        check("n.<x:int>.<uuid:y>", "n.{x:Integer}.{y:Uuid}", "");
    }

    #[test]
    fn a_type_on_the_left_wins_when_both_sides_are_types() {
        check("a.<int:str>", "a.{str:Integer}", "");
        check("a.<uuid:string>", "a.{string:Uuid}", "");
    }

    #[test]
    fn uid_is_read_as_uuid_with_a_warning() {
        check(
            "book.<uid:book>",
            "book.{book:Uuid}",
            "Warning@5..15: placeholder type `uid` in `<uid:book>` is read as `uuid`",
        );
    }

    #[test]
    fn malformed_placeholders() {
        let malformed =
            |piece: &str| format!("malformed placeholder `{piece}`: expected `<type:name>` or `<name:type>`");
        check("a.<int>", "-", &format!("Error@2..7: {}", malformed("<int>")));
        check("a.<int:>", "-", &format!("Error@2..8: {}", malformed("<int:>")));
        check("a.<:x>", "-", &format!("Error@2..6: {}", malformed("<:x>")));
        check(
            "a.<int:9x>",
            "-",
            &format!("Error@2..10: {}", malformed("<int:9x>")),
        );
        check(
            "a.<int: x>",
            "-",
            &format!("Error@2..10: {}", malformed("<int: x>")),
        );
        check(
            "a.<int:x:y>",
            "-",
            &format!("Error@2..11: {}", malformed("<int:x:y>")),
        );
        check(
            "a.<<int:x>>",
            "-",
            &format!("Error@2..11: {}", malformed("<<int:x>>")),
        );
    }

    #[test]
    fn placeholders_must_be_whole_components() {
        check(
            "a.x<int:y>",
            "-",
            "Error@2..10: a placeholder must be a whole URI component: `x<int:y>`",
        );
        check(
            "a.<int:y>x",
            "-",
            "Error@2..10: a placeholder must be a whole URI component: `<int:y>x`",
        );
        check(
            "a.<int",
            "-",
            "Error@2..6: a placeholder must be a whole URI component: `<int`",
        );
        check(
            "a.b>",
            "-",
            "Error@2..4: a placeholder must be a whole URI component: `b>`",
        );
    }

    #[test]
    fn unknown_placeholder_types() {
        check(
            "a.<float:x>",
            "-",
            "Error@2..11: unknown placeholder type in `<float:x>`: expected `str`, `string`, `int` or `uuid`",
        );
        check(
            "a.<x:long>",
            "-",
            "Error@2..10: unknown placeholder type in `<x:long>`: expected `str`, `string`, `int` or `uuid`",
        );
    }

    #[test]
    fn placeholder_names_are_unique() {
        check(
            "a.<int:x>.<str:x>",
            "-",
            "Error@10..17: placeholder name `x` appears twice in `a.<int:x>.<str:x>`",
        );
    }

    /// Resolves `written` against `prefix`; expects `uri | suffix` (or `-`) and the findings.
    fn check_resolve(prefix: &str, written: &str, expected: &str, expected_findings: &str) {
        let mut findings = Vec::new();
        let prefix = if prefix.is_empty() {
            ParsedUri::empty()
        } else {
            parse(prefix, &mut findings).unwrap_or_else(ParsedUri::empty)
        };
        let resolved = resolve(&prefix, written, &mut findings);
        let actual = resolved.as_ref().map_or_else(
            || "-".to_owned(),
            |resolved| format!("{} | {}", resolved.uri.text, resolved.suffix.text),
        );
        assert_eq!(actual, expected, "{written:?} under {:?}", prefix.template.text);
        assert_eq!(render_findings(&findings), expected_findings);
        if let Some(resolved) = resolved {
            let suffix_count = resolved.suffix.components.len();
            let prefix_count = prefix.template.components.len();
            assert_eq!(resolved.uri.components.len(), prefix_count + suffix_count);
        }
    }

    #[test]
    fn absolute_relative_and_equal_uris() {
        check_resolve(
            "wamp",
            "wamp.session.list",
            "wamp.session.list | session.list",
            "",
        );
        check_resolve("wamp", "wamp", "wamp | ", "");
        check_resolve("wamp", "session.list", "wamp.session.list | session.list", "");
        check_resolve("wamp", "wampx.list", "wamp.wampx.list | wampx.list", "");
        check_resolve("a.b", "a", "a.b.a | a", "");
        check_resolve("", "a.b", "a.b | a.b", "");
    }

    #[test]
    fn placeholders_in_prefix_and_method() {
        check_resolve("clock.<uuid:c>", "tick", "clock.<uuid:c>.tick | tick", "");
        check_resolve(
            "clock.<uuid:c>",
            "clock.<uuid:c>.tick",
            "clock.<uuid:c>.tick | tick",
            "",
        );
        check_resolve(
            "clock.<uuid:c>",
            "book.<int:c>",
            "-",
            "Error@5..12: placeholder name `c` appears twice in `clock.<uuid:c>.book.<int:c>`",
        );
    }

    #[test]
    fn a_method_name_is_always_relative() {
        let mut findings = Vec::new();
        let prefix = parse("wamp", &mut findings).unwrap_or_else(ParsedUri::empty);
        let resolved = resolve_name(&prefix, "wamp", &mut findings).map(|resolved| resolved.uri.text);
        assert_eq!(resolved.as_deref(), Some("wamp.wamp"));
        let resolved =
            resolve_name(&ParsedUri::empty(), "list", &mut findings).map(|resolved| resolved.uri.text);
        assert_eq!(resolved.as_deref(), Some("list"));
        assert!(findings.is_empty());
    }

    #[test]
    fn invalid_method_uris_point_into_the_written_value() {
        check_resolve(
            "wamp",
            "a..b",
            "-",
            "Error@2..2: invalid URI `a..b`: empty component",
        );
    }

    #[test]
    fn wildcard_keys_ignore_placeholder_names_and_types() {
        let mut findings = Vec::new();
        let key = |text: &str, findings: &mut Vec<Finding>| {
            parse(text, findings).map(|parsed| match_key(&parsed.template))
        };
        assert_eq!(
            key("a.<int:x>.b", &mut findings),
            key("a.<str:y>.b", &mut findings)
        );
        assert_ne!(key("a.<int:x>.b", &mut findings), key("a.x.b", &mut findings));
        assert!(findings.is_empty());
    }

    #[test]
    fn uuids() {
        let cases = [
            (
                "88711231-3d95-44bc-9464-58d871dd7fd7",
                Some("88711231-3d95-44bc-9464-58d871dd7fd7"),
            ),
            (
                "15A72FBF-3800-46AE-8FCD-AE0590E59EAD",
                Some("15a72fbf-3800-46ae-8fcd-ae0590e59ead"),
            ),
            ("88711231-3d95-44bc-9464-58d871dd7fd", None),
            ("887112313d9544bc946458d871dd7fd7", None),
            ("{88711231-3d95-44bc-9464-58d871dd7fd7}", None),
            ("88711231-3d95-44bc-9464-58d871dd7fdg", None),
            ("88711231-3d95-44bc-94645-8d871dd7fd7", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(canonical_uuid(text).as_deref(), expected, "{text:?}");
        }
    }
}
