//! The generated code the runtime crate ships: `wamp_idl_runtime::meta` is the WAMP Meta
//! API generated from the bundled catalog, and must stay what the generator makes of it.
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the checked-in file after a generator change.

use std::path::Path;

use wamp_idl_codegen::rust::{self, Options};

/// Generates `catalog` with the runtime reached as `crate`, and compares the result with
/// `checked_in` (relative to the workspace root), or rewrites it under `UPDATE_GOLDEN=1`.
fn check(catalog: &str, checked_in: &str) {
    let loaded = wamp_idl::Loader::new()
        .deny_warnings(true)
        .load(&[wamp_idl::catalog::path(catalog)]);
    let diagnostics = loaded.render_diagnostics();
    let schema = match loaded.into_result() {
        Ok(schema) => schema,
        Err(_) => panic!("the bundled `{catalog}` does not load:\n{diagnostics}"),
    };
    let options = Options {
        runtime_path: "crate".to_owned(),
        ..Options::default()
    };
    let generated = rust::generate(&schema, &options).unwrap_or_else(|error| panic!("{catalog}: {error}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(checked_in);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        if let Err(error) = std::fs::write(&path, &generated) {
            panic!("cannot write {}: {error}", path.display());
        }
        return;
    }
    let current =
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert!(
        current == generated,
        "{checked_in} is not the generated code of `{catalog}`: run `UPDATE_GOLDEN=1 cargo test -p \
         wamp-idl-codegen --test it bundled::` and review the diff"
    );
}

#[test]
fn the_runtime_meta_module_is_the_generated_meta_api() {
    check("wamp-meta.fbs", "runtime/src/meta_generated.rs");
}
