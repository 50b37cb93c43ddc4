//! wamp-idl-runtime: what generated WAMP stubs run on: the session API, values, errors.

// Library code reports every failure as an error: what panics is a bug, and tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)
)]

mod backend;
pub mod client;
mod context;
mod data;
pub mod error;
mod handle;
mod include;
pub mod memory;
pub mod meta;
#[cfg(feature = "serde")]
mod serde_support;
mod stub;
mod uri;
pub mod wire;

pub use backend::{
    BoxFuture, CallOptions, CallProgress, CallResult, CallUpdate, CancelMode, Event, EventHandler,
    Invocation, InvocationHandler, InvokePolicy, MatchPolicy, PendingCall, PublishOptions, RegisterOptions,
    SessionBackend, SubscribeOptions,
};
pub use client::{Client, ClientConfig};
pub use context::{CallContext, EventContext, Interrupt, ProgressSink};
pub use data::convert::{FromPayload, FromValue, IntoPayload, IntoValue, UnknownEnumValue};
pub use data::payload::{Payload, PayloadStream};
pub use data::value;
pub use data::value::{Bytes, CompactString, Dict, List, Value};
pub use data::view::{DictIter, DictRef, ListIter, ListRef, ValueRef};
pub use error::{Error, ErrorKind, PayloadError, WampError};
pub use handle::{DropGuard, Registration, Registrations, Session, Subscription, Subscriptions};
pub use memory::MemorySession;
pub use stub::{ItemSink, Items};
pub use uuid::Uuid;
pub use wamp_idl_derive::{FromPayload, FromValue, IntoPayload, IntoValue};

/// What only generated code and the derives' expansions use: their plumbing, not a promise to
/// users.
#[doc(hidden)]
pub mod __private {
    pub use crate::data::convert::WritePayload;
    pub use crate::data::derived::{
        DictWriter, PayloadReader, PayloadWriter, enum_from_value, field_position, optional_field,
        required_field, struct_fields, table_fields, union_from_value, union_into_value, union_member,
        unknown_union_member,
    };
    pub use crate::data::write::{DictKey, EncodedKey, NextKey};
    /// The helpers those derives name in `#[serde(with = "...")]`.
    #[cfg(feature = "serde")]
    pub use crate::serde_support::fields as serde_fields;
    pub use crate::stub::{
        CallerCore, Delivery, Handled, InvalidEventHandler, Procedures, Reply, Topics, UriValue, bind,
        declared_error, error_payload, ignore_invalid_events, invalid_event_handler, item_sink,
        not_implemented, not_implemented_error,
    };
    pub use crate::uri::Placeholders;
    /// The trait of the item streams generated callers take.
    pub use futures_util::Stream;
    /// The serde crate, for the derives of generated types with serde support
    /// (`#[serde(crate = "::wamp_idl_runtime::__private::serde")]`), so that their crate needs
    /// no serde dependency of its own.
    #[cfg(feature = "serde")]
    pub use serde;
}

/// The result of a session operation or of a generated `Caller` method.
pub type Result<T, E = Error> = std::result::Result<T, E>;
#[cfg(feature = "macros")]
pub use wamp_idl_macros::include_wamp_idl;
