//! The real-world schemas of the shared corpus, beside the project in `../shared`, and their
//! files.

use std::path::{Path, PathBuf};

/// The real-world schemas (`../shared/corpus` beside the project); fails when missing.
pub fn corpus_dir() -> PathBuf {
    shared_dir("corpus")
}

/// The corpus compiled by flatc 2.0.8, same relative paths (`../shared/corpus-bfbs`); fails when missing.
pub fn corpus_bfbs_dir() -> PathBuf {
    shared_dir("corpus-bfbs")
}

fn shared_dir(name: &str) -> PathBuf {
    let dir = crate::repo_root().join("../shared").join(name);
    assert!(
        dir.is_dir(),
        "the shared conformance corpus is missing: expected the directory {} \
         (it lives beside the project, in ../shared)",
        dir.display()
    );
    dir.canonicalize().unwrap_or(dir)
}

/// Every file under `dir` whose name ends in `.<extension>`, sorted.
pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|found| found == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The WAMP meta API schema of the shared corpus; an error naming the path when it is missing.
pub fn corpus_wamp_meta() -> Result<PathBuf, String> {
    let path = crate::repo_root().join("../shared/corpus/wamp-proto/catalog/src/wamp-meta.fbs");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: the docs tests read the shared corpus from ../shared next to the repository",
            path.display()
        ))
    }
}
