//! Diagnostics: source files, spans, accumulated errors and warnings, and their rendering.
//!
//! Every stage pushes into one [`Diagnostics`] instead of returning on the first
//! problem, so a run reports all of them. Rendering follows rustc's short form plus
//! a snippet:
//!
//! ```text
//! schema.fbs:3:8: error: unknown type `Foo`
//!   |
//! 3 |     x: Foo;
//!   |        ^^^
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset just past the last byte (equal to `start` for a point).
    pub end: u32,
}

impl Span {
    /// A span of byte offsets; offsets beyond `u32::MAX` (files over 4 GiB) saturate.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

/// One file read during a load.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as it is shown in diagnostics (as given, or as resolved for includes).
    pub path: PathBuf,
    /// The text of a `.fbs` file; empty for binary files, whose spans are empty.
    pub text: String,
    /// Byte offsets of line starts, for line/column lookup.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// The 1-based line and column (in characters) of a byte offset.
    ///
    /// Spans come from callers too, so any offset is accepted: one past the end means
    /// the end, and one inside a multi-byte character means that character.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.text.floor_char_boundary(offset);
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }

    /// The text of a 1-based line, without its line break; empty for a line the file
    /// does not have.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = line.checked_sub(1).and_then(|index| self.line_starts.get(index)) else {
            return "";
        };
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Every file read during a load, by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .collect();
        self.files.push(SourceFile {
            path,
            text,
            line_starts,
        });
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    /// The file of an id; `None` for an id that this map did not hand out.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(usize::try_from(id.0).ok()?)
    }

    /// The id of a file already added under that path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|file| file.path == path)
            .map(|index| FileId(u32::try_from(index).unwrap_or(u32::MAX)))
    }

    /// Paths of every file read, in reading order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|file| file.path.as_path())
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing, but the schema is still used (unless warnings are denied).
    Warning,
    /// The schema cannot be used.
    Error,
}

/// A message about a place in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether the problem stops the load.
    pub severity: Severity,
    /// Where; `None` for problems without a place (a file that cannot be opened).
    pub span: Option<Span>,
    /// What is wrong, as one sentence without a trailing period.
    pub message: String,
    /// Further places and remarks, such as the earlier definition of a duplicate.
    pub notes: Vec<(Option<Span>, String)>,
}

impl Diagnostic {
    /// An error at a place (or `None` for one without a place).
    pub fn error(span: impl Into<Option<Span>>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            span: span.into(),
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// A warning at a place (or `None` for one without a place).
    pub fn warning(span: impl Into<Option<Span>>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// Adds a note, optionally pointing at another place.
    pub fn with_note(mut self, span: impl Into<Option<Span>>, note: impl Into<String>) -> Self {
        self.notes.push((span.into(), note.into()));
        self
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a diagnostic after those found so far.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Adds an error (see [`Diagnostic::error`]).
    pub fn error(&mut self, span: impl Into<Option<Span>>, message: impl Into<String>) {
        self.push(Diagnostic::error(span, message));
    }

    /// Adds a warning (see [`Diagnostic::warning`]).
    pub fn warning(&mut self, span: impl Into<Option<Span>>, message: impl Into<String>) {
        self.push(Diagnostic::warning(span, message));
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.list
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
    }

    /// How many diagnostics are errors.
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many diagnostics are warnings.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.list
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
            .count()
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for diagnostic in &mut self.list {
            diagnostic.severity = Severity::Error;
        }
    }

    /// Every diagnostic, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Whether there is no diagnostic at all.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Renders every diagnostic with its snippet, errors and warnings in the order found.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for diagnostic in &self.list {
            render_one(&mut out, sources, diagnostic);
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    /// Every diagnostic, in the order found.
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn render_one(out: &mut String, sources: &SourceMap, diagnostic: &Diagnostic) {
    let word = severity_word(diagnostic.severity);
    render_located(out, sources, diagnostic.span, word, &diagnostic.message);
    for (span, note) in &diagnostic.notes {
        render_located(out, sources, *span, "note", note);
    }
}

fn render_located(out: &mut String, sources: &SourceMap, span: Option<Span>, word: &str, message: &str) {
    let Some(span) = span else {
        let _ = writeln!(out, "{word}: {message}");
        return;
    };
    // A diagnostic rendered against another load's sources has no file to show.
    let Some(file) = sources.get(span.file) else {
        let _ = writeln!(out, "{word}: {message}");
        return;
    };
    let path = file.path.display();
    if file.text.is_empty() {
        let _ = writeln!(out, "{path}: {word}: {message}");
        return;
    }
    let (line, column) = file.line_col(span.start as usize);
    let _ = writeln!(out, "{path}:{line}:{column}: {word}: {message}");
    let text = file.line_text(line);
    // An end inside a character still underlines that whole character.
    let end = file.text.ceil_char_boundary(span.end as usize);
    let (end_line, end_column) = file.line_col(end);
    let caret_end = if end_line == line {
        end_column
    } else {
        text.chars().count() + 1
    };
    let width = caret_end.saturating_sub(column).max(1);
    let gutter = " ".repeat(line.to_string().len());
    let shown: String = text.chars().map(shown_char).collect();
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{line} | {shown}");
    let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(column - 1), "^".repeat(width));
}

/// How a character of a snippet line is shown: one column per character, so that the
/// carets stay under it, and nothing that a terminal would act on (a stray carriage
/// return or escape sequence rewriting the output, or bidirectional overrides
/// reordering it).
fn shown_char(character: char) -> char {
    match character {
        '\t' => ' ',
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        _ if character.is_control() => '\u{fffd}',
        _ => character,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, start: usize, end: usize, expected: &str) {
        let mut sources = SourceMap::default();
        let file = sources.add(PathBuf::from("s.fbs"), text.to_owned());
        let mut diagnostics = Diagnostics::default();
        diagnostics.error(Span::new(file, start, end), "unknown type `Foo`");
        assert_eq!(diagnostics.render(&sources), expected);
    }

    #[test]
    fn renders_position_line_and_caret() {
        check(
            "table T {\n  x: Foo;\n}\n",
            15,
            18,
            "s.fbs:2:6: error: unknown type `Foo`\n  |\n2 |   x: Foo;\n  |      ^^^\n",
        );
    }

    #[test]
    fn span_starting_inside_a_character_points_at_that_character() {
        check(
            "x: Ü;\n",
            4,
            5,
            "s.fbs:1:4: error: unknown type `Foo`\n  |\n1 | x: Ü;\n  |    ^\n",
        );
    }

    #[test]
    fn span_ending_inside_a_character_underlines_all_of_it() {
        check(
            "x: Üb;\n",
            3,
            4,
            "s.fbs:1:4: error: unknown type `Foo`\n  |\n1 | x: Üb;\n  |    ^\n",
        );
    }

    #[test]
    fn control_and_bidi_characters_are_not_sent_to_the_terminal() {
        check(
            "a\u{1b}[2J\r\u{202e} Foo\n",
            10,
            13,
            "s.fbs:1:9: error: unknown type `Foo`\n  |\n1 | a\u{fffd}[2J\u{fffd}\u{fffd} Foo\n  |         ^^^\n",
        );
    }

    #[test]
    fn span_past_the_end_of_the_file_points_at_its_end() {
        check(
            "table T {",
            50,
            60,
            "s.fbs:1:10: error: unknown type `Foo`\n  |\n1 | table T {\n  |          ^\n",
        );
    }

    #[test]
    fn span_in_a_file_of_another_source_map_renders_without_place() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.error(Span::new(FileId(7), 0, 1), "unknown type `Foo`");
        assert_eq!(
            diagnostics.render(&SourceMap::default()),
            "error: unknown type `Foo`\n"
        );
    }

    #[test]
    fn empty_span_at_end_of_file_gets_one_caret() {
        check(
            "table T {",
            9,
            9,
            "s.fbs:1:10: error: unknown type `Foo`\n  |\n1 | table T {\n  |          ^\n",
        );
    }
}
