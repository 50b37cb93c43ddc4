//! wamp-idl-codegen: typed Rust stubs and API docs from the WAMP IDL model.
//!
//! Three ways in share one code path: the `wamp-idl` CLI, [`Builder`] for build
//! scripts, and the `include_wamp_idl!` macro (crate `wamp-idl-macros`).

// Library code reports every failure as an error: what panics is a bug, and tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)
)]

pub mod breaking;
mod builder;
pub mod describe;
pub mod docs;
mod error;
pub mod include_macro;
pub mod output;
pub mod rust;

pub use builder::{Builder, Generated, configure};
pub use error::{Error, ErrorKind};
