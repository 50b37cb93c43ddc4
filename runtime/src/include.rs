//! `include_generated!`: brings in the code a build script generated with `wamp_idl_codegen::Builder`.

/// Includes `$OUT_DIR/<name>.rs`, the stubs a build script generated with
/// `wamp_idl_codegen::Builder` (whose output is named after the first schema's file
/// stem unless `Builder::file_name` says otherwise), like tonic's `include_proto!`.
///
/// ```text
/// // build.rs: wamp_idl_codegen::configure().compile(&["schemas/clock.fbs"]).unwrap();
/// mod clock {
///     wamp_idl_runtime::include_generated!("clock");
/// }
/// ```
#[macro_export]
macro_rules! include_generated {
    ($name:literal) => {
        ::core::include!(::core::concat!(::core::env!("OUT_DIR"), "/", $name, ".rs"));
    };
}
