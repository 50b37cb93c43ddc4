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
//!
//! Hostile input stays readable: a snippet shows at most [`SNIPPET_WIDTH`] characters of
//! its line, cut around the caret, and [`Diagnostics::render_bounded`] shows the first
//! [`SHOWN_PER_SEVERITY`] errors, warnings and notes with a count of the rest.

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

    /// The same range in a map that another was appended to (see [`SourceMap::append`]).
    pub fn shifted(self, files: u32) -> Span {
        Span {
            file: FileId(self.file.0.saturating_add(files)),
            ..self
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
        self.line(line).1
    }

    /// The byte offset where a 1-based line starts, and its text without the line break.
    fn line(&self, line: usize) -> (usize, &str) {
        let Some(&start) = line.checked_sub(1).and_then(|index| self.line_starts.get(index)) else {
            return (self.text.len(), "");
        };
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        let text = self
            .text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r']);
        (start, text)
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

    /// Adds every file of another map after this one's, so that diagnostics of two loads
    /// render together; returns the number of files before them, by which the other
    /// map's spans are [`Span::shifted`].
    pub fn append(&mut self, other: SourceMap) -> u32 {
        let before = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.extend(other.files);
        before
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
    /// Information that explains other diagnostics (which file stood in for a missing
    /// include); never denied, never counted.
    Note,
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

    /// A note at a place (or `None` for one without a place).
    pub fn note(span: impl Into<Option<Span>>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
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
            if diagnostic.severity == Severity::Warning {
                diagnostic.severity = Severity::Error;
            }
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

    /// Renders, in the order found, the first [`SHOWN_PER_SEVERITY`] errors, as many warnings
    /// and as many notes, then a line saying how many more there are.
    ///
    /// An input that breaks one rule thousands of times would otherwise bury the first
    /// problems, which are the ones to read, under megabytes of the same message; the
    /// counts and [`Diagnostics::iter`] keep every diagnostic.
    pub fn render_bounded(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let (mut errors, mut warnings, mut notes) = (0usize, 0usize, 0usize);
        for diagnostic in &self.list {
            let shown = match diagnostic.severity {
                Severity::Error => &mut errors,
                Severity::Warning => &mut warnings,
                Severity::Note => &mut notes,
            };
            *shown += 1;
            if *shown <= SHOWN_PER_SEVERITY {
                render_one(&mut out, sources, diagnostic);
            }
        }
        let hidden = [(errors, "error"), (warnings, "warning"), (notes, "note")]
            .into_iter()
            .filter(|(count, _)| *count > SHOWN_PER_SEVERITY)
            .map(|(count, word)| counted(count - SHOWN_PER_SEVERITY, &format!("more {word}")))
            .collect::<Vec<_>>();
        if let Some((last, first)) = hidden.split_last() {
            let listed = if first.is_empty() {
                last.clone()
            } else {
                format!("{} and {last}", first.join(", "))
            };
            let _ = writeln!(
                out,
                "note: {listed} not shown (the first {SHOWN_PER_SEVERITY} of each are)"
            );
        }
        out
    }
}

/// How many errors, how many warnings and how many notes [`Diagnostics::render_bounded`]
/// shows.
pub const SHOWN_PER_SEVERITY: usize = 50;

/// How many characters of its source line a snippet shows at most: longer lines (a
/// generated schema may hold thousands of declarations on one line) are cut to a window
/// around the caret, `…` marking each cut.
pub const SNIPPET_WIDTH: usize = 160;

/// How many characters before the caret a cut snippet keeps.
const SNIPPET_LEAD: usize = 60;

/// `1 error`, `2 more warnings`.
fn counted(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
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
        Severity::Note => "note",
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
    let (line_start, text) = file.line(line);
    let start = file
        .text
        .floor_char_boundary(span.start as usize)
        .saturating_sub(line_start)
        .min(text.len());
    // An end inside a character still underlines that whole character; a span over
    // several lines is underlined to the end of its first.
    let end = file
        .text
        .ceil_char_boundary(span.end as usize)
        .saturating_sub(line_start)
        .clamp(start, text.len());
    let snippet = Snippet::cut(text, start, end);
    let gutter = " ".repeat(line.to_string().len());
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{line} | {}", snippet.text);
    let _ = writeln!(
        out,
        "{gutter} | {}{}",
        " ".repeat(snippet.caret_column),
        "^".repeat(snippet.caret_width)
    );
}

/// The part of a source line a snippet shows, and where its caret goes (in characters).
struct Snippet {
    text: String,
    caret_column: usize,
    caret_width: usize,
}

impl Snippet {
    /// The snippet of `line` underlining the bytes `start..end` (character boundaries,
    /// `start <= end <= line.len()`): the whole line, or [`SNIPPET_WIDTH`] characters of it
    /// from [`SNIPPET_LEAD`] before the caret. Only the window is walked, so that a
    /// diagnostic on a line of megabytes costs what one on a short line does.
    fn cut(line: &str, start: usize, end: usize) -> Snippet {
        let before = line.get(..start).unwrap_or("");
        let fits = line.char_indices().nth(SNIPPET_WIDTH).is_none();
        let mut from = if fits {
            0
        } else {
            before
                .char_indices()
                .rev()
                .nth(SNIPPET_LEAD - 1)
                .map_or(0, |(index, _)| index)
        };
        let after_from = line.get(from..).unwrap_or("");
        let to = after_from
            .char_indices()
            .nth(SNIPPET_WIDTH)
            .map_or(line.len(), |(index, _)| from + index);
        if to == line.len() && !fits {
            // A caret near the end: the window ends with the line and is filled from before.
            let last = line
                .char_indices()
                .rev()
                .nth(SNIPPET_WIDTH - 1)
                .map_or(0, |(index, _)| index);
            from = from.min(last);
        }
        let cut_before = from > 0;
        let cut_after = to < line.len();
        let mut text = String::new();
        if cut_before {
            text.push('…');
        }
        text.extend(line.get(from..to).unwrap_or("").chars().map(shown_char));
        if cut_after {
            text.push('…');
        }
        let caret_column =
            usize::from(cut_before) + line.get(from..start).map_or(0, |shown| shown.chars().count());
        let caret_width = line
            .get(start..end.min(to).max(start))
            .map_or(0, |underlined| underlined.chars().count())
            .max(1);
        Snippet {
            text,
            caret_column,
            caret_width,
        }
    }
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

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_caret() {
        let line = format!(
            "union U {{ {} Bad, {} }}",
            "Member, ".repeat(2_000),
            "Member, ".repeat(2_000)
        );
        let start = line.find("Bad").unwrap_or_default();
        let mut sources = SourceMap::default();
        let file = sources.add(PathBuf::from("s.fbs"), line.clone());
        let mut diagnostics = Diagnostics::default();
        diagnostics.error(Span::new(file, start, start + 3), "unknown type `Bad`");
        let rendered = diagnostics.render(&sources);
        let lines: Vec<&str> = rendered.lines().collect();
        let [_, _, snippet, carets] = lines.as_slice() else {
            panic!("expected a header, a snippet and carets:\n{rendered}");
        };
        let shown = snippet.trim_start_matches("1 | ");
        assert_eq!(shown.chars().count(), SNIPPET_WIDTH + 2, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        let caret = carets.trim_start_matches("  | ");
        let column = caret.find('^').unwrap_or_default();
        assert_eq!(caret.trim_start(), "^^^");
        assert_eq!(shown.chars().skip(column).take(3).collect::<String>(), "Bad");
        assert_eq!(column, SNIPPET_LEAD + 1);
    }

    #[test]
    fn a_caret_near_either_end_of_a_long_line_keeps_the_window_full() {
        let line = "x".repeat(500);
        check(
            &line,
            2,
            3,
            &format!(
                "s.fbs:1:3: error: unknown type `Foo`\n  |\n1 | {}…\n  |   ^\n",
                "x".repeat(SNIPPET_WIDTH)
            ),
        );
        check(
            &line,
            498,
            499,
            &format!(
                "s.fbs:1:499: error: unknown type `Foo`\n  |\n1 | …{}\n  | {}^\n",
                "x".repeat(SNIPPET_WIDTH),
                " ".repeat(SNIPPET_WIDTH - 1)
            ),
        );
    }

    #[test]
    fn bounded_rendering_counts_what_it_does_not_show() {
        let mut sources = SourceMap::default();
        let file = sources.add(PathBuf::from("s.fbs"), "table T {}\n".to_owned());
        let mut diagnostics = Diagnostics::default();
        for _ in 0..SHOWN_PER_SEVERITY + 7 {
            diagnostics.error(Span::new(file, 6, 7), "bad");
            diagnostics.warning(Span::new(file, 6, 7), "odd");
        }
        diagnostics.push(Diagnostic::note(None, "used the bundled file"));
        let rendered = diagnostics.render_bounded(&sources);
        assert_eq!(rendered.matches(": error: bad").count(), SHOWN_PER_SEVERITY);
        assert_eq!(rendered.matches(": warning: odd").count(), SHOWN_PER_SEVERITY);
        assert!(rendered.contains("note: used the bundled file\n"), "{rendered}");
        assert!(
            rendered.ends_with(&format!(
                "note: 7 more errors and 7 more warnings not shown (the first {SHOWN_PER_SEVERITY} of each are)\n"
            )),
            "{rendered}"
        );
        assert_eq!(diagnostics.error_count(), SHOWN_PER_SEVERITY + 7);
    }

    #[test]
    fn bounded_rendering_bounds_notes_too() {
        let sources = SourceMap::default();
        let mut diagnostics = Diagnostics::default();
        for _ in 0..SHOWN_PER_SEVERITY + 2 {
            diagnostics.push(Diagnostic::note(None, "noted"));
        }
        let rendered = diagnostics.render_bounded(&sources);
        assert_eq!(rendered.matches("note: noted\n").count(), SHOWN_PER_SEVERITY);
        assert!(
            rendered.ends_with(&format!(
                "note: 2 more notes not shown (the first {SHOWN_PER_SEVERITY} of each are)\n"
            )),
            "{rendered}"
        );
    }

    #[test]
    fn denying_warnings_leaves_notes_alone() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.warning(None, "odd");
        diagnostics.push(Diagnostic::note(None, "for information"));
        diagnostics.deny_warnings();
        assert_eq!(diagnostics.error_count(), 1);
        assert_eq!(
            diagnostics.render(&SourceMap::default()),
            "error: odd\nnote: for information\n"
        );
    }
}
