//! What the workspace's integration tests and benches share: where the repository and the
//! shared corpus are ([`corpus`]), and, with the feature `router`, a Crossbar.io node with the
//! Autobahn|Python and JS peers ([`router`]) and the examples' transcript check
//! ([`transcript`]); with the feature `runtime`, the telemetry of Autobahn's serialization
//! benchmark as generated types ([`telemetry`]).
//!
//! A crate of its own, which the other crates take as a dev-dependency, so that each of their
//! test binaries reads the same code without including its files by path. Its functions fail
//! the calling test with a message saying what is missing and how to fix it: panicking is how a
//! test fails.

use std::path::{Path, PathBuf};

pub mod corpus;
#[cfg(feature = "router")]
pub mod router;
#[cfg(feature = "runtime")]
pub mod telemetry;
#[cfg(feature = "router")]
pub mod transcript;

/// The repository's root directory (this crate is `tests/support` in it).
pub fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}
