//! The WAMP Meta API (`wamp.session.*`, `wamp.registration.*`, `wamp.subscription.*`),
//! ready to use without a schema file or a build script.
//!
//! This is the code wamp-idl generates from its bundled `catalog:wamp-meta.fbs`, which
//! declares the procedures and topics as Crossbar.io answers and sends them. The
//! interface's items are here at `meta::`: a [`Caller`] for the procedures, a
//! [`Subscriber`] trait and [`subscribe`] for all the meta events, a [`SubscriberBuilder`] for
//! some of them, [`Callee`] and [`register`] (or a [`CalleeBuilder`]) for a router that serves
//! the API, and every payload type.
//!
//! ```
//! use wamp_idl_runtime::{Error, Session, meta};
//!
//! async fn admins(session: Session) -> Result<Vec<u64>, Error> {
//!     let meta = meta::Caller::new(session);
//!     let everyone = meta.session_count(None).await?;
//!     let admins = meta.session_list(Some(vec!["admin".to_owned()])).await?;
//!     assert!(admins.len() as u64 <= everyone);
//!     Ok(admins)
//! }
//! ```
//!
//! `meta_generated.rs` is checked in; `cargo test -p wamp-idl-codegen --test it bundled::`
//! fails when it is not what the generator makes of the catalog (`UPDATE_GOLDEN=1`
//! rewrites it).

mod generated {
    include!("meta_generated.rs");
}

pub use generated::wamp::meta::i_wamp_meta::*;
pub use generated::wamp::meta::*;
pub use generated::wamp::{
    KeyValue, KeyValues, OptionalWampId, OptionalWampIds, Uint, Void, WampId, WampIds, WampUri, WampUris,
};
