//! The bottom layer: values and their views, the tape decoders write, payloads, and the
//! conversions and writer generated types use. Everything else sits on it; it uses only
//! `error`, and the writers of `wire` through the one table of a typed payload
//! (`write::ErasedPayload`), which has a method per serializer so that writing it costs one
//! dynamic call per args or kwargs.

pub(crate) mod convert;
pub(crate) mod derived;
pub(crate) mod payload;
pub(crate) mod tape;
pub mod value;
pub(crate) mod view;
pub(crate) mod write;
