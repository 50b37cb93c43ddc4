//! `breaking`: compares a schema with an earlier version of it, in three categories.
//!
//! The `wire` and `wamp` rules live in the front end (`wamp_idl::breaking`), which also
//! applies the [`Config`] and places each finding in both schemas; the `rust` rules need
//! the generator's naming and live in `rust::breaking`. This module runs them together,
//! and reads configuration files and the old schema at a git revision. The rules are
//! in docs/breaking.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use wamp_idl::breaking::{Side, WAMP_RULES, WIRE_RULES};
use wamp_idl::{Loaded, Loader};

pub use crate::rust::breaking::RULES as RUST_RULES;
pub use wamp_idl::breaking::{Category, Config, Exception, Finding, Format, Level, Report, Rule};

use crate::Error;

/// Every rule of every category, in the order of docs/breaking.md.
pub fn rules() -> impl Iterator<Item = Rule> {
    WIRE_RULES.iter().chain(WAMP_RULES).chain(RUST_RULES).copied()
}

/// Reads a configuration file (JSON, see [`Config`]); an exception naming a rule or
/// category that does not exist is an error, since it would silently never apply.
pub fn read_config(path: &Path) -> Result<Config, Error> {
    let text = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
    let config: Config =
        serde_json::from_str(&text).map_err(|error| Error::config(format!("{}: {error}", path.display())))?;
    for exception in &config.ignore {
        if exception.rule.is_none() && exception.item.is_none() {
            return Err(Error::config(format!(
                "{}: an exception needs a `rule`, an `item`, or both",
                path.display()
            )));
        }
        if let Some(rule) = &exception.rule {
            let known =
                Category::from_name(rule).is_some() || rules().any(|known| known.to_string() == *rule);
            if !known {
                return Err(Error::config(format!(
                    "{}: unknown rule `{rule}` in `ignore` (rules are listed in docs/breaking.md)",
                    path.display()
                )));
            }
        }
    }
    Ok(config)
}

/// Compares two loaded schemas: every finding of every category that `config` does
/// not turn off. Either schema having errors is an error carrying its diagnostics.
pub fn check(old: &Loaded, new: &Loaded, config: &Config) -> Result<Report, Error> {
    let (Some(old_schema), Some(new_schema)) = (&old.schema, &new.schema) else {
        let failed = if old.schema.is_none() { old } else { new };
        return Err(Error::new(crate::ErrorKind::Breaking(
            failed.render_diagnostics(),
        )));
    };
    let enabled = |category| config.category_level(category) != Level::Off;
    let mut findings = Vec::new();
    // Every rule compares the two models, so equal models (the usual case in CI: the
    // schema did not change) have nothing to report, and the rust category, which
    // works out both generated APIs, is not worth running.
    if old_schema == new_schema {
        return Ok(wamp_idl::breaking::report(findings, config, side(new), side(old)));
    }
    if enabled(Category::Wire) {
        findings.extend(wamp_idl::breaking::compare_wire(old_schema, new_schema));
    }
    if enabled(Category::Wamp) {
        findings.extend(wamp_idl::breaking::compare_wamp(old_schema, new_schema));
    }
    if enabled(Category::Rust) {
        findings.extend(crate::rust::breaking::compare(old_schema, new_schema)?);
    }
    Ok(wamp_idl::breaking::report(findings, config, side(new), side(old)))
}

fn side(loaded: &Loaded) -> Side<'_> {
    Side {
        locations: &loaded.locations,
        sources: &loaded.sources,
    }
}

/// Loads the schema `path` as it was at the git revision `revision` (`git show`, no
/// checkout). Its includes are resolved as `loader` resolves them, then in the file's
/// directory as it is now: git is asked for the named file only.
pub fn load_at_revision(loader: &Loader, revision: &str, path: &Path) -> Result<Loaded, Error> {
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::config(format!("`{}` has no file name", path.display())))?;
    let output = Command::new("git")
        .arg("-C")
        .arg(directory)
        .arg("show")
        .arg(format!("{revision}:./{}", file_name.to_string_lossy()))
        .output()
        .map_err(|error| Error::io("git", error))?;
    if !output.status.success() {
        return Err(Error::config(format!(
            "`git show {revision}:{}` failed: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let shown = PathBuf::from(format!("{revision}:{}", path.display()));
    let mut loader = loader.clone();
    loader.include_dir(directory);
    if path.extension().is_some_and(|extension| extension == "bfbs") {
        return Ok(loader.load_bfbs_bytes(shown, &output.stdout));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| Error::config(format!("`{}` at `{revision}` is not UTF-8 text", path.display())))?;
    Ok(loader.load_fbs_text(shown, text))
}
