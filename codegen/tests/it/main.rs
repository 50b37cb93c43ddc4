//! The generator's integration tests, one module per subject, in one test binary: linking each
//! subject's binary of its own took longer than running most of them.
//!
//! One module, or one test: `cargo test -p wamp-idl-codegen --test it docs::` or
//! `... --test it docs::fixtures_render_in_both_formats`. Insta's snapshots are in `snapshots/`, named
//! after the module (`it__docs__...`).

mod breaking;
mod builder;
mod bundled;
mod cli;
mod cli_generate;
mod docs;
mod docs_browser;
mod snapshots;
