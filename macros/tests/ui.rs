//! trybuild tests of `include_wamp_idl!`: schemas that expand and compile, and errors
//! (missing file, broken schema, bad option, a callee whose future is not `Send`) with
//! their golden `.stderr`.
//!
//! trybuild builds the cases in its scratch crate, `<target>/tests/trybuild/<crate>`,
//! and Cargo points `CARGO_MANIFEST_DIR` there, so the schemas the cases name
//! (relative to this crate, as a user writes them) are first mirrored to the same
//! relative paths under the scratch crate. If trybuild moves its scratch crate, the
//! cases fail with "cannot read `tests/ui/schemas/...`".

use std::path::{Path, PathBuf};

/// Files and folders the cases name, relative to this crate.
const SCHEMAS: &[&str] = &[
    "tests/ui/schemas",
    "../tests/data/codegen",
    "../tests/data/fbs/valid",
];

fn scratch_crate() -> PathBuf {
    let target_tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = target_tmp.parent().unwrap_or(target_tmp);
    target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"))
}

fn mirror(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            mirror(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(from, to).map(drop)
    }
}

#[test]
fn ui() -> std::io::Result<()> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = scratch_crate();
    for relative in SCHEMAS {
        mirror(&manifest_dir.join(relative), &scratch.join(relative))?;
    }
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    Ok(())
}
