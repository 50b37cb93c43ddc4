//! Schema evolution checks: what breaks between an old and a new version of a schema.
//!
//! Each category compares two models and returns [`Finding`]s that name the model items
//! involved, on each side; [`report`] turns them into diagnostics at the item's place in
//! the new schema with a note at its place in the old one, after the [`Config`] has
//! dropped the exceptions and chosen each category's severity. The rules are specified
//! with an example each in docs/breaking.md. The `rust` category needs codegen's naming
//! rules and lives there (`wamp_idl_codegen::breaking`); it reports through this module.

mod config;
mod output;
mod wamp;
mod wire;

use std::fmt;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity, SourceMap};
use crate::locations::{Item, Locations};
use crate::model::Schema;

pub use config::{Config, Exception, Level};
pub use output::Format;
pub use wamp::RULES as WAMP_RULES;
pub use wire::RULES as WIRE_RULES;

/// What a category of rules protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// FlatBuffers binary compatibility: old buffers read by new code and back.
    Wire,
    /// What a deployed WAMP peer on the old schema sees: URIs, kinds, payload layouts.
    Wamp,
    /// Code written against the generated Rust API.
    Rust,
}

impl Category {
    /// Every category, in order.
    pub const ALL: [Category; 3] = [Category::Wire, Category::Wamp, Category::Rust];

    /// The category's name, as in rule names and configuration (`wire`).
    pub fn name(self) -> &'static str {
        match self {
            Category::Wire => "wire",
            Category::Wamp => "wamp",
            Category::Rust => "rust",
        }
    }

    /// The category of that name.
    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|category| category.name() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One rule: a kind of change that breaks what its category protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The category the rule belongs to.
    pub category: Category,
    /// The rule's name within its category (`field-removed`).
    pub name: &'static str,
}

impl Rule {
    /// The rule `name` of `category`.
    pub const fn new(category: Category, name: &'static str) -> Rule {
        Rule { category, name }
    }
}

impl fmt::Display for Rule {
    /// The full name, as in diagnostics and configuration: `wire/field-removed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.category, self.name)
    }
}

/// One breaking change between the old and the new schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule that the change breaks.
    pub rule: Rule,
    /// The schema item it is about, as a dotted path (`wamp.SessionInfo.authid`);
    /// exceptions name items this way.
    pub path: String,
    /// What changed and why it breaks, one sentence without a trailing period.
    pub message: String,
    /// Where to point in the new schema; `None` when nothing there stands for the item.
    pub new: Option<Item>,
    /// Where to point in the old schema.
    pub old: Option<Item>,
    /// What the old schema had there.
    pub note: String,
}

/// Finds the changes of the `wire` category.
pub fn compare_wire(old: &Schema, new: &Schema) -> Vec<Finding> {
    wire::compare(old, new)
}

/// Finds the changes of the `wamp` category.
pub fn compare_wamp(old: &Schema, new: &Schema) -> Vec<Finding> {
    wamp::compare(old, new)
}

/// One side of a comparison: where its items are, and the files they are in.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The spans of the schema's items.
    pub locations: &'a Locations,
    /// The files the spans point into.
    pub sources: &'a SourceMap,
}

/// The findings that the configuration keeps, as diagnostics over both schemas' files.
#[derive(Debug, Clone)]
pub struct Report {
    /// One diagnostic per kept finding: an error when its category is enforced, else a warning.
    pub diagnostics: Diagnostics,
    /// The kept findings, in the order of `diagnostics`.
    pub findings: Vec<Finding>,
    /// The files of the new schema, then those of the old one; the spans point here.
    pub sources: SourceMap,
}

impl Report {
    /// Whether a finding of an enforced category was kept.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Applies `config` to `findings` and places each kept one in both schemas.
///
/// The rule's full name ends each message (`[wire/field-removed]`), so that a reader
/// knows what to write in an exception.
pub fn report(findings: Vec<Finding>, config: &Config, new: Side<'_>, old: Side<'_>) -> Report {
    let mut sources = new.sources.clone();
    let shift = sources.append(old.sources.clone());
    let mut diagnostics = Diagnostics::default();
    let mut kept = Vec::new();
    for finding in findings {
        let severity = match config.level(&finding) {
            Level::Off => continue,
            Level::Warn => Severity::Warning,
            Level::Error => Severity::Error,
        };
        let new_span = finding.new.as_ref().and_then(|item| new.locations.span(item));
        let old_span = finding
            .old
            .as_ref()
            .and_then(|item| old.locations.span(item))
            .map(|span| span.shifted(shift));
        let message = format!("{} [{}]", finding.message, finding.rule);
        let diagnostic = Diagnostic {
            severity,
            ..Diagnostic::error(new_span, message)
        };
        diagnostics.push(diagnostic.with_note(old_span, finding.note.clone()));
        kept.push(finding);
    }
    Report {
        diagnostics,
        findings: kept,
        sources,
    }
}

/// A dotted path of a member of a declaration (`wamp.SessionInfo.authid`).
fn member_path(owner: &impl fmt::Display, member: &str) -> String {
    format!("{owner}.{member}")
}
