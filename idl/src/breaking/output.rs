//! A [`Report`] printed for people (the project's diagnostics), as JSON for tools, or as
//! GitHub Actions workflow commands that annotate a pull request's lines.

use std::fmt::Write as _;

use serde::Serialize;

use super::Report;
use crate::diagnostic::{Severity, SourceMap, Span};

/// How [`Report::render`] prints a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The project's diagnostics: `path:line:col: error: message [rule]`, snippet, note.
    Text,
    /// One JSON array of findings, for tools.
    Json,
    /// GitHub Actions workflow commands, which annotate the pull request's lines.
    GithubActions,
}

impl Report {
    /// The report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.diagnostics.render(&self.sources),
            Format::Json => json(self),
            Format::GithubActions => github_actions(self),
        }
    }
}

/// A place in a file, 1-based.
#[derive(Debug, Serialize)]
struct Place {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
}

fn place(sources: &SourceMap, span: Option<Span>) -> Option<Place> {
    let span = span?;
    let file = sources.get(span.file)?;
    let (line, column) = if file.text.is_empty() {
        (None, None)
    } else {
        let (line, column) = file.line_col(span.start as usize);
        (Some(line), Some(column))
    };
    Some(Place {
        file: file.path.display().to_string(),
        line,
        column,
    })
}

#[derive(Debug, Serialize)]
struct JsonFinding<'a> {
    rule: String,
    category: &'static str,
    severity: &'static str,
    item: &'a str,
    message: &'a str,
    #[serde(flatten)]
    place: Option<Place>,
    old: JsonNote<'a>,
}

#[derive(Debug, Serialize)]
struct JsonNote<'a> {
    note: &'a str,
    #[serde(flatten)]
    place: Option<Place>,
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn json(report: &Report) -> String {
    let findings: Vec<JsonFinding<'_>> = report
        .findings
        .iter()
        .zip(report.diagnostics.iter())
        .map(|(finding, diagnostic)| JsonFinding {
            rule: finding.rule.to_string(),
            category: finding.rule.category.name(),
            severity: severity_word(diagnostic.severity),
            item: &finding.path,
            message: &finding.message,
            place: place(&report.sources, diagnostic.span),
            old: JsonNote {
                note: &finding.note,
                place: place(
                    &report.sources,
                    diagnostic.notes.first().and_then(|(span, _)| *span),
                ),
            },
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// `::error file=…,line=…,col=…,title=…::message`, escaped as the runner expects.
fn github_actions(report: &Report) -> String {
    let mut out = String::new();
    for (finding, diagnostic) in report.findings.iter().zip(report.diagnostics.iter()) {
        let mut properties = Vec::new();
        if let Some(place) = place(&report.sources, diagnostic.span) {
            properties.push(format!("file={}", escape_property(&place.file)));
            properties.extend(place.line.map(|line| format!("line={line}")));
            properties.extend(place.column.map(|column| format!("col={column}")));
        }
        properties.push(format!("title={}", escape_property(&finding.rule.to_string())));
        let mut message = finding.message.clone();
        if let Some(old) = place(
            &report.sources,
            diagnostic.notes.first().and_then(|(span, _)| *span),
        ) {
            let line = old.line.map(|line| format!(":{line}")).unwrap_or_default();
            message.push_str(&format!("\nbefore: {} ({}{line})", finding.note, old.file));
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            severity_word(diagnostic.severity),
            properties.join(","),
            escape_data(&message)
        );
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
