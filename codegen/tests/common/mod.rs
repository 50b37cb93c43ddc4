//! Test support shared by the docs tests: where the shared corpus's schemas are.

use std::path::{Path, PathBuf};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");

/// The WAMP meta API schema of the shared corpus; an error naming the path when it is missing.
pub fn corpus_wamp_meta() -> Result<PathBuf, String> {
    let path = Path::new(SHARED).join("corpus/wamp-proto/catalog/src/wamp-meta.fbs");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: the docs tests read the shared corpus from ../shared next to the repository",
            path.display()
        ))
    }
}
