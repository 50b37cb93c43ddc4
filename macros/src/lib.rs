//! `include_wamp_idl!`: the generated stubs of a WAMP IDL schema, expanded in place.
//!
//! Use it through `wamp_idl_runtime::include_wamp_idl!` (the runtime's default
//! `macros` feature), so that the generated code finds the runtime. The logic lives in
//! `wamp_idl_codegen::include_macro`, shared with the CLI and the build-script API.

// Library code reports every failure as an error: what panics is a bug, and tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)
)]

use std::path::PathBuf;

use proc_macro::TokenStream;

/// Expands to the typed stubs generated from a schema (`.fbs` or `.bfbs`).
///
/// ```text
/// mod clock {
///     wamp_idl_runtime::include_wamp_idl!("schemas/clock.fbs");
/// }
/// mod clock_client {
///     wamp_idl_runtime::include_wamp_idl!("schemas/clock.fbs", includes = ["schemas"], callee = false);
/// }
/// ```
///
/// The path is relative to the crate root (`CARGO_MANIFEST_DIR`), or `catalog:<file>`
/// for a schema bundled with wamp-idl (`catalog:wamp-meta.fbs`). Options:
/// `includes = ["dir", ...]` (include directories, relative to the crate root),
/// `caller = bool`, `callee = bool`, `deny_warnings = bool`,
/// `runtime_path = "path::to::runtime"` and `serde = bool` (serde's derives on every type,
/// with the schema's names; needs the runtime's feature `serde`). The crate is rebuilt when
/// the schema or any file it includes changes. Schema errors are compile errors at the path. Schema
/// warnings are not shown, as stable proc macros cannot emit warnings: see them with
/// `wamp-idl check`, or make them errors with `deny_warnings = true`.
#[proc_macro]
pub fn include_wamp_idl(input: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    wamp_idl_codegen::include_macro::expand(input.into(), manifest_dir.as_deref()).into()
}
