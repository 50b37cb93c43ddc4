//! wamp-idl-runtime: what generated WAMP stubs run on: the session API, values, errors.

// Library code reports every failure as an error: what panics is a bug, and tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)
)]

pub mod client;
pub mod error;
mod include;
pub mod memory;
pub mod meta;
pub mod payload;
#[cfg(feature = "serde")]
mod serde_support;
pub mod session;
pub mod stub;
pub mod uri;
pub mod value;
mod view;
pub mod wire;

pub use client::{Client, ClientConfig};
pub use error::{Error, ErrorKind, PayloadError, WampError};
pub use memory::MemorySession;
pub use payload::{FromPayload, FromValue, IntoPayload, IntoValue, UnknownEnumValue};
pub use session::{
    BoxFuture, CallOptions, CallResult, Event, EventHandler, Invocation, InvocationHandler, InvokePolicy,
    MatchPolicy, Payload, PublishOptions, RegisterOptions, Registration, Session, SubscribeOptions,
    Subscription,
};
pub use uuid::Uuid;
pub use value::{Bytes, CompactString, Dict, List, Value};
pub use view::{DictIter, DictRef, ListIter, ListRef, ValueRef};
pub use wamp_idl_derive::{FromPayload, FromValue, IntoPayload, IntoValue};

/// The serde crate, for the derives of generated types with serde support
/// (`#[serde(crate = "::wamp_idl_runtime::__serde")]`), so that their crate needs no serde
/// dependency of its own. Not public API.
#[cfg(feature = "serde")]
#[doc(hidden)]
pub use serde as __serde;

/// The helpers those derives name in `#[serde(with = "...")]`. Not public API.
#[cfg(feature = "serde")]
#[doc(hidden)]
pub use serde_support::fields as __serde_fields;

/// The result of a session operation or of a generated `Caller` method.
pub type Result<T, E = Error> = std::result::Result<T, E>;
#[cfg(feature = "macros")]
pub use wamp_idl_macros::include_wamp_idl;
