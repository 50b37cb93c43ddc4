//! The bundled catalog: WAMP IDL schemas shipped inside the crate, usable without files.
//!
//! A bundled file is named `catalog:<file>` (for example `catalog:wamp-meta.fbs`) wherever
//! a schema path is accepted, and `include "wamp.fbs";` falls back to the bundled
//! `wamp.fbs` when no file of that name is found on disk.

use std::path::{Path, PathBuf};

/// The scheme that marks a bundled file's path.
pub const SCHEME: &str = "catalog:";

/// The bundled files, by file name.
pub const FILES: &[(&str, &str)] = &[
    ("wamp.fbs", include_str!("../catalog/wamp.fbs")),
    ("wamp-meta.fbs", include_str!("../catalog/wamp-meta.fbs")),
];

/// The text of a bundled file, by file name (`wamp-meta.fbs`).
pub fn text(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(file_name, _)| *file_name == name)
        .map(|(_, text)| *text)
}

/// The path that names a bundled file (`catalog:wamp-meta.fbs`).
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(format!("{SCHEME}{name}"))
}

/// The bundled file a path names, if it is a `catalog:` path.
pub fn name_of(path: &Path) -> Option<&str> {
    path.to_str()?.strip_prefix(SCHEME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_loads_without_diagnostics() {
        for (name, _) in FILES {
            let loaded = crate::Loader::new().load(&[path(name)]);
            assert!(
                loaded.diagnostics.is_empty(),
                "{name}:\n{}",
                loaded.render_diagnostics()
            );
        }
    }

    #[test]
    fn catalog_paths_round_trip() {
        assert_eq!(name_of(&path("wamp.fbs")), Some("wamp.fbs"));
        assert_eq!(name_of(Path::new("wamp.fbs")), None);
    }
}
