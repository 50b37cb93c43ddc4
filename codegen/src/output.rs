//! Writing generated files: only when the content changed, and atomically.
//!
//! Leaving an unchanged file alone keeps its modification time, so Cargo does not
//! rebuild what includes it; writing through a temporary file in the same directory
//! and renaming it means a reader never sees a half-written file, even on error.

use std::io::Write as _;
use std::path::Path;

use crate::Error;

/// Writes `contents` to `path` unless the file already holds exactly that.
///
/// Returns whether the file was written. The parent directory must exist.
pub fn write_if_changed(path: &Path, contents: &str) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
        return Ok(false);
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".wamp-idl-");
    // A temporary file is private (0600); the generated file gets the permissions of any new
    // file (0666 less the umask), so that other users and web servers can read it.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temporary = builder
        .tempfile_in(directory)
        .map_err(|error| Error::io(directory, without_temporary_path(error)))?;
    // The temporary file's random name means nothing to the user: errors name the target.
    copy_permissions(temporary.as_file(), path)
        .and_then(|()| temporary.write_all(contents.as_bytes()))
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|error| Error::io(path, error))?;
    temporary
        .persist(path)
        .map_err(|error| Error::io(path, error.error))?;
    Ok(true)
}

/// The error of creating a temporary file, without the ` at path ".../.wamp-idl-XXXXXX"`
/// that `tempfile` appends: the error already names the directory, which is what the user
/// chose and can fix.
fn without_temporary_path(error: std::io::Error) -> std::io::Error {
    let message = error.to_string();
    match message.split_once(" at path ") {
        Some((cause, _)) => std::io::Error::new(error.kind(), cause),
        None => error,
    }
}

/// Gives the temporary file the permissions of the file it replaces, if any.
fn copy_permissions(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(metadata) => file.set_permissions(metadata.permissions()),
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_new_file_then_leaves_identical_content_alone() -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        let path = directory.path().join("api.rs");
        assert!(write_if_changed(&path, "a")?);
        assert!(!write_if_changed(&path, "a")?);
        assert!(write_if_changed(&path, "b")?);
        assert_eq!(std::fs::read_to_string(&path)?, "b");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640))?;
            assert!(write_if_changed(&path, "c")?);
            let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
            assert_eq!(mode, 0o640, "a rewritten file keeps its permissions");
        }
        let leftovers = std::fs::read_dir(directory.path())?.count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        Ok(())
    }

    #[test]
    fn missing_directory_is_an_error_naming_it() {
        let result = write_if_changed(Path::new("/nonexistent-wamp-idl-dir/api.rs"), "a");
        let message = result.map_or_else(|error| error.to_string(), |_| String::new());
        assert_eq!(
            message, "/nonexistent-wamp-idl-dir: No such file or directory (os error 2)",
            "names the directory, not the temporary file"
        );
    }
}
