//! wamp-idl-runtime: what generated WAMP stubs run on: the session API, values, errors.

pub mod error;
pub mod session;
pub mod value;

pub use error::{Error, ErrorKind, PayloadError, WampError};
pub use session::{
    BoxFuture, CallOptions, CallResult, Event, EventHandler, Invocation, InvocationHandler, InvokePolicy,
    MatchPolicy, Payload, PublishOptions, RegisterOptions, Registration, Session, SubscribeOptions,
    Subscription,
};
pub use value::{Dict, List, Value};
