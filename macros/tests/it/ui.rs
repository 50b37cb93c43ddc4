//! `include_wamp_idl!`'s errors (missing file, broken schema, bad option, a callee whose future
//! is not `Send`): each case of `tests/ui/fail` fails to compile with its golden `.stderr`. Only
//! failing cases go through trybuild, which checks them (`cargo check`) in a scratch workspace
//! of its own; what compiles is a module of this binary.
//!
//! trybuild builds the cases in its scratch crate, `<target>/tests/trybuild/<crate>`,
//! and Cargo points `CARGO_MANIFEST_DIR` there, so the schemas the cases name
//! (relative to this crate, as a user writes them) are first mirrored to the same
//! relative paths under the scratch crate. If trybuild moves its scratch crate, the
//! cases fail with "cannot read `tests/ui/schemas/...`".

use std::path::{Path, PathBuf};

/// The folder of the schemas the cases name, relative to this crate.
const SCHEMAS: &str = "tests/ui/schemas";

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
fn misuse_fails_with_its_stderr() -> std::io::Result<()> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    mirror(&manifest_dir.join(SCHEMAS), &scratch_crate().join(SCHEMAS))?;
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    Ok(())
}
