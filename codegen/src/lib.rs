//! wamp-idl-codegen: typed Rust stubs and API docs from the WAMP IDL model.
//!
//! Three ways in share one code path: the `wamp-idl` CLI, [`Builder`] for build
//! scripts, and the `include_wamp_idl!` macro (crate `wamp-idl-macros`).

mod builder;
pub mod describe;
pub mod docs;
mod error;
pub mod include_macro;
pub mod output;
pub mod rust;

pub use builder::{Builder, Generated, configure};
pub use error::{Error, ErrorKind};
