//! The `.fbs` front end: lexer, parser, include resolution and lowering into the model.

use std::path::Path;

use crate::diagnostic::{Diagnostics, SourceMap};
use crate::{Loader, Part};

/// Loads a `.fbs` file (read from disk unless `text` is given) with all its includes.
pub(crate) fn load(
    loader: &Loader,
    path: &Path,
    text: Option<String>,
    sources: &mut SourceMap,
    diagnostics: &mut Diagnostics,
) -> Option<Part> {
    let _ = (loader, path, text, sources, diagnostics);
    None
}
