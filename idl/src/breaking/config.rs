//! Which categories are enforced, and the findings a schema's owners accept.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Category, Finding};

/// What becomes of a category's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Enforced: each finding is an error, and the check fails.
    Error,
    /// Reported as warnings; the check still passes.
    Warn,
    /// Not checked.
    Off,
}

/// A finding that is accepted: by rule, by item, or both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// A rule (`wamp/uri-changed`) or a whole category (`rust`); any rule when absent.
    pub rule: Option<String>,
    /// An item (`app.IClock.now`), which covers its members too; any item when absent.
    pub item: Option<String>,
    /// Why the change is accepted; for the reader of the file only.
    pub reason: Option<String>,
}

impl Exception {
    /// Whether the exception covers the finding.
    pub fn covers(&self, finding: &Finding) -> bool {
        let rule_matches = self
            .rule
            .as_deref()
            .is_none_or(|rule| rule == finding.rule.category.name() || rule == finding.rule.to_string());
        let item_matches = self.item.as_deref().is_none_or(|item| {
            finding.path == item
                || finding
                    .path
                    .strip_prefix(item)
                    .is_some_and(|rest| rest.starts_with('.'))
        });
        rule_matches && item_matches
    }
}

/// The configuration of a check: a level per category and the exceptions.
///
/// As a file (JSON, the format the workspace already reads):
///
/// ```json
/// {
///   "categories": { "wire": "error", "wamp": "error", "rust": "off" },
///   "ignore": [
///     { "rule": "wamp/uri-changed", "item": "app.IClock.now", "reason": "renamed before release" }
///   ]
/// }
/// ```
///
/// The default enforces `wire` and `wamp`, reports `rust` as warnings, and has no exception.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The level of each category named; the others keep their default.
    #[serde(default)]
    categories: BTreeMap<Category, Level>,
    /// The accepted findings.
    #[serde(default)]
    pub ignore: Vec<Exception>,
}

impl Config {
    /// The level of a category: as configured, else `error` for `wire` and `wamp` and
    /// `warn` for `rust` (whether generated code follows semver is the crate's choice).
    pub fn category_level(&self, category: Category) -> Level {
        self.categories.get(&category).copied().unwrap_or(match category {
            Category::Wire | Category::Wamp => Level::Error,
            Category::Rust => Level::Warn,
        })
    }

    /// Sets the level of a category.
    pub fn set_category_level(&mut self, category: Category, level: Level) -> &mut Config {
        self.categories.insert(category, level);
        self
    }

    /// What becomes of a finding: `off` when an exception covers it, else its category's level.
    pub fn level(&self, finding: &Finding) -> Level {
        if self.ignore.iter().any(|exception| exception.covers(finding)) {
            Level::Off
        } else {
            self.category_level(finding.rule.category)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaking::Rule;

    fn finding(rule: Rule, path: &str) -> Finding {
        Finding {
            rule,
            path: path.to_owned(),
            message: String::new(),
            new: None,
            old: None,
            note: String::new(),
        }
    }

    fn exception(rule: Option<&str>, item: Option<&str>) -> Exception {
        Exception {
            rule: rule.map(str::to_owned),
            item: item.map(str::to_owned),
            reason: None,
        }
    }

    #[test]
    fn exceptions_match_by_rule_category_item_and_members() {
        let uri_changed = finding(Rule::new(Category::Wamp, "uri-changed"), "app.IClock.get_time");
        let check = |rule, item, expected| {
            assert_eq!(
                exception(rule, item).covers(&uri_changed),
                expected,
                "{rule:?} {item:?}"
            );
        };
        check(Some("wamp/uri-changed"), None, true);
        check(Some("wamp"), None, true);
        check(Some("wire"), None, false);
        check(Some("wamp/uri"), None, false);
        check(None, Some("app.IClock.get_time"), true);
        check(None, Some("app.IClock"), true);
        check(None, Some("app.IClo"), false);
        check(Some("wamp/uri-changed"), Some("app.IClock"), true);
        check(Some("wamp/kind-changed"), Some("app.IClock"), false);
    }

    #[test]
    fn levels_default_to_enforcing_wire_and_wamp_and_exceptions_turn_findings_off() {
        let mut config = Config::default();
        let field_added = finding(Rule::new(Category::Rust, "field-added"), "app.Point.y");
        let field_removed = finding(Rule::new(Category::Wire, "field-removed"), "app.Point.z");
        assert_eq!(config.level(&field_added), Level::Warn);
        assert_eq!(config.level(&field_removed), Level::Error);
        config.set_category_level(Category::Rust, Level::Error);
        config.ignore.push(exception(None, Some("app.Point.z")));
        assert_eq!(config.level(&field_added), Level::Error);
        assert_eq!(config.level(&field_removed), Level::Off);
    }
}
