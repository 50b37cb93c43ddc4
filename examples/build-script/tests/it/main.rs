//! The example's tests in one test binary: its transcript over the in-memory session
//! (`transcript`), and the same through a Crossbar.io router (`router`).
//!
//! One of them: `cargo test -p example-build-script --test it router::`.

mod router;
mod transcript;
