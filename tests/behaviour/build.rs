//! Generates Rust stubs for every fixture schema in `tests/data/codegen/` into `OUT_DIR`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    match generate_all() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate_all() -> Result<(), String> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|error| error.to_string())?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|error| error.to_string())?);
    let fixtures = manifest_dir.join("../data/codegen");
    println!("cargo::rerun-if-changed={}", fixtures.display());
    let mut schemas = std::fs::read_dir(&fixtures)
        .map_err(|error| format!("cannot list {}: {error}", fixtures.display()))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("cannot list {}: {error}", fixtures.display()))?;
    schemas.retain(|path| path.extension().is_some_and(|extension| extension == "fbs"));
    schemas.sort();
    for schema in &schemas {
        generate(schema, &out_dir)?;
    }
    Ok(())
}

fn generate(schema: &Path, out_dir: &Path) -> Result<(), String> {
    println!("cargo::rerun-if-changed={}", schema.display());
    let loaded = wamp_idl::Loader::new().deny_warnings(true).load(&[schema]);
    let diagnostics = loaded.render_diagnostics();
    let model = loaded.into_result().map_err(|_| diagnostics)?;
    let code = wamp_idl_codegen::rust::generate(&model, &wamp_idl_codegen::rust::Options::default())
        .map_err(|error| format!("{}: {error}", schema.display()))?;
    let stem = schema
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("schema");
    let target = out_dir.join(format!("{stem}.rs"));
    std::fs::write(&target, code).map_err(|error| format!("cannot write {}: {error}", target.display()))
}
