//! The `.fbs` front end: reads a schema and its includes, parses them, and lowers them
//! into one model [`Part`].
//!
//! Stages, one module each: `lexer` (text to tokens), `parser` (tokens to a `syntax`
//! tree), loading and include resolution (here), `lower` (syntax trees to the model,
//! with `default` values and `literal` numbers). Any syntax error, unreadable file or
//! missing include stops before lowering, so that its consequences (a type that is
//! "unknown" because its declaration did not parse) are not reported as further errors.

mod default;
mod lexer;
mod literal;
mod lower;
mod parser;
mod syntax;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, FileId, SourceMap, Span};
use crate::{Loader, Part, catalog};

/// Loads a `.fbs` file (read from disk unless `text` is given) with all its includes.
pub(crate) fn load(
    loader: &Loader,
    path: &Path,
    text: Option<String>,
    sources: &mut SourceMap,
    diagnostics: &mut Diagnostics,
) -> Option<Part> {
    let errors_before = diagnostics.error_count();
    let root = match text {
        Some(text) => sources.add(path.to_path_buf(), text),
        None => read_source(path, None, sources, diagnostics)?,
    };
    let mut loading = Loading {
        loader,
        sources,
        diagnostics,
        seen: HashSet::new(),
        stand_ins: Vec::new(),
    };
    loading.seen.insert(canonical(path));
    let files = loading.parse_with_includes(root);
    let stand_ins = loading.stand_ins;
    let part = if diagnostics.error_count() > errors_before {
        None
    } else {
        let part = lower::lower(&files, sources, diagnostics);
        (diagnostics.error_count() == errors_before).then_some(part)
    };
    // A schema written for another `wamp.fbs` fails against the bundled one with errors
    // that do not name the cause (`unknown type uint160_t`): the note does. A schema that
    // loads needs no note, the bundled catalog being the documented default.
    if part.is_none() {
        for note in stand_ins {
            diagnostics.push(note);
        }
    }
    part
}

struct Loading<'l, 's, 'd> {
    loader: &'l Loader,
    sources: &'s mut SourceMap,
    diagnostics: &'d mut Diagnostics,
    /// Canonical paths of the files already loaded, so each is parsed once (and include
    /// cycles end).
    seen: HashSet<PathBuf>,
    /// A note per include that no file on disk answered and a bundled file stood in for.
    stand_ins: Vec<Diagnostic>,
}

impl Loading<'_, '_, '_> {
    /// Parses the root file and, depth first, every file it includes. The result is in
    /// flatc's parse order: an included file comes before the file including it, the
    /// root file last. An explicit stack keeps deep include chains off the call stack.
    fn parse_with_includes(&mut self, root: FileId) -> Vec<syntax::File> {
        let mut done = Vec::new();
        let mut stack = vec![(self.parse(root), 0usize)];
        while let Some((file, next_include)) = stack.last_mut() {
            let Some(&include) = file.includes.get(*next_include) else {
                if let Some((file, _)) = stack.pop() {
                    done.push(file);
                }
                continue;
            };
            *next_include += 1;
            let including = file.file;
            if let Some(included) = self.include(including, include) {
                let parsed = self.parse(included);
                stack.push((parsed, 0));
            }
        }
        done
    }

    fn parse(&mut self, file: FileId) -> syntax::File {
        let text = self.sources.get(file).map_or("", |source| source.text.as_str());
        let mut found = Diagnostics::default();
        let tokens = lexer::lex(text, file, &mut found);
        let parsed = parser::parse(&tokens, text, file, &mut found);
        append_in_source_order(found, self.diagnostics);
        parsed
    }

    /// Resolves and reads an include; `None` if it was loaded already or is missing.
    ///
    /// Like flatc's `-I`: the including file's directory first, then each include
    /// directory in order.
    fn include(&mut self, including: FileId, literal: Span) -> Option<FileId> {
        let source = self.sources.get(including)?;
        let literal_text = source
            .text
            .get(literal.start as usize..literal.end as usize)
            .unwrap_or("");
        let name = lexer::unescape(literal_text).into_owned();
        // A bundled file includes its bundled siblings; any file falls back to the
        // bundled catalog when nothing on disk has the name.
        let bundled = catalog::text(&name).map(|_| catalog::path(&name));
        if catalog::name_of(&source.path).is_some()
            && let Some(bundled) = bundled.clone()
        {
            return self.read_once(&bundled, literal);
        }
        let base = source.path.parent().unwrap_or(Path::new("")).to_path_buf();
        let candidates: Vec<PathBuf> = std::iter::once(base)
            .chain(self.loader.include_dirs().iter().cloned())
            .map(|dir| dir.join(&name))
            .collect();
        if let Some(on_disk) = candidates.iter().find(|candidate| candidate.is_file()) {
            return self.read_once(on_disk, literal);
        }
        let looked_in = candidates
            .iter()
            .map(|candidate| format!("`{}`", candidate.display()))
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(bundled) = bundled {
            self.stand_ins.push(Diagnostic::note(
                literal,
                format!(
                    "no `{name}` on disk (looked for {looked_in}): the bundled `{}` was used; \
                     if the schema was written for another `{name}`, pass its directory with `-I`",
                    bundled.display()
                ),
            ));
            return self.read_once(&bundled, literal);
        }
        let error = match candidates.iter().find(|candidate| candidate.is_dir()) {
            Some(directory) => Diagnostic::error(
                literal,
                format!(
                    "include `{name}` names a directory, `{}`, not a schema file",
                    directory.display()
                ),
            ),
            None => Diagnostic::error(literal, format!("include `{name}` not found"))
                .with_note(None, format!("looked for {looked_in}")),
        };
        self.diagnostics.push(error);
        None
    }

    /// Reads an included file unless it was loaded already.
    fn read_once(&mut self, path: &Path, literal: Span) -> Option<FileId> {
        if !self.seen.insert(canonical(path)) {
            return None;
        }
        read_source(path, Some(literal), self.sources, self.diagnostics)
    }
}

/// Moves diagnostics found by one stage over to `into`, ordered by place (stable, so
/// diagnostics at the same place keep the order in which they were found).
fn append_in_source_order(found: Diagnostics, into: &mut Diagnostics) {
    let mut found: Vec<Diagnostic> = found.into_iter().collect();
    found.sort_by_key(|diagnostic| diagnostic.span);
    for diagnostic in found {
        into.push(diagnostic);
    }
}

/// The path the once-check compares: canonical if the file exists.
fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a file into the source map (reusing an entry of the same path from an earlier
/// input of the same load). A file that is not UTF-8 is registered with its valid
/// prefix, so that the error can point at the first bad byte.
fn read_source(
    path: &Path,
    included_at: Option<Span>,
    sources: &mut SourceMap,
    diagnostics: &mut Diagnostics,
) -> Option<FileId> {
    if let Some(file) = sources.find(path) {
        return Some(file);
    }
    if let Some(name) = catalog::name_of(path) {
        let Some(text) = catalog::text(name) else {
            let bundled: Vec<&str> = catalog::FILES.iter().map(|(file_name, _)| *file_name).collect();
            diagnostics.error(
                included_at,
                format!(
                    "the bundled catalog has no `{name}` (it has {})",
                    bundled.join(", ")
                ),
            );
            return None;
        };
        return Some(sources.add(path.to_path_buf(), text.to_owned()));
    }
    if path.is_dir() {
        diagnostics.error(
            included_at,
            format!("`{}` is a directory, not a schema file", path.display()),
        );
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.error(included_at, format!("cannot read `{}`: {error}", path.display()));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(sources.add(path.to_path_buf(), text)),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let bad_byte = bytes.get(valid).copied().unwrap_or(0);
            let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned();
            let file = sources.add(path.to_path_buf(), prefix);
            diagnostics.error(
                Span::new(file, valid, valid),
                format!(
                    "`{}` is not valid UTF-8: byte 0x{bad_byte:02x} at offset {valid} (schemas must be UTF-8)",
                    path.display()
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locations::Item;
    use crate::model::QualifiedName;

    const SCHEMA: &str = r#"attribute "a";
namespace n;
table Req (a: "v") { f: int (a); }
table Resp {}
enum E : byte { X }
rpc_service S { m(Req): Resp (a: 1); }
"#;

    #[test]
    fn locations_point_at_names_types_and_attribute_values() {
        let mut sources = SourceMap::default();
        let mut diagnostics = Diagnostics::default();
        let part = load(
            &Loader::new(),
            Path::new("s.fbs"),
            Some(SCHEMA.to_owned()),
            &mut sources,
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{}", diagnostics.render(&sources));
        let Some(part) = part else {
            panic!("no part for a valid schema");
        };
        let name = |text: &str| QualifiedName(text.to_owned());
        let field = Item::Field(name("n.Req"), "f".to_owned());
        let call = Item::Call(name("n.S"), "m".to_owned());
        let expected = [
            (Item::Declaration(name("n.Req")), "Req"),
            (
                Item::Attribute(Box::new(Item::Declaration(name("n.Req"))), "a".to_owned()),
                "\"v\"",
            ),
            (field.clone(), "f"),
            (Item::Attribute(Box::new(field), "a".to_owned()), "a"),
            (Item::EnumValue(name("n.E"), "X".to_owned()), "X"),
            (Item::Service(name("n.S")), "S"),
            (call.clone(), "m"),
            (Item::CallRequest(name("n.S"), "m".to_owned()), "Req"),
            (Item::CallResponse(name("n.S"), "m".to_owned()), "Resp"),
            (Item::Attribute(Box::new(call), "a".to_owned()), "1"),
        ];
        for (item, text) in expected {
            let span = part.locations.span(&item);
            let found = span.map(|span| &SCHEMA[span.start as usize..span.end as usize]);
            assert_eq!(found, Some(text), "{item:?}");
        }
    }
}
