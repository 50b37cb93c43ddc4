//! The plumbing of procedures that stream or declare errors (`stream` and `raises`,
//! docs/wamp-idl.md §7): a caller's items and results as typed streams, a callee's items as
//! a typed stream and its results through a typed sink, and the payloads of declared errors.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt as _};

use super::{CallerCore, UriValue};
use crate::backend::{PendingCall, ends_stream};
use crate::context::CallContext;
use crate::data::convert::{FromPayload, IntoPayload};
use crate::data::payload::Payload;
use crate::error::{Error, PayloadError, WampError};

/// Items one after the other, each read as `T` or failing with `E`: a caller's results of a
/// procedure with `stream: "out"` or `"inout"` (they end after the last one, or after an
/// error), or the items a callee of a procedure with `stream: "in"` or `"inout"` receives (an
/// item that does not fit the schema is a [`PayloadError`]).
pub type Items<T, E = PayloadError> = Pin<Box<dyn Stream<Item = Result<T, E>> + Send>>;

/// Where a callee sends the items of a procedure with `stream: "out"` or `"inout"`, each a
/// progressive result through its [`CallContext::progress`].
pub struct ItemSink<T> {
    context: CallContext,
    item: PhantomData<fn(T)>,
}

impl<T: IntoPayload> ItemSink<T> {
    /// Sends one item. Fails once the call is over (the caller cancelled it, the session
    /// ended).
    pub fn send(&self, item: T) -> Result<(), Error> {
        self.context.progress(item.into_payload())
    }
}

impl<T> std::fmt::Debug for ItemSink<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemSink").finish_non_exhaustive()
    }
}

/// The sink of a procedure that streams its results; a caller that did not ask for
/// progressive results would get none of them, so its call is refused instead.
pub fn item_sink<T>(context: &CallContext) -> Result<ItemSink<T>, WampError> {
    if !context.wants_progress() {
        return Err(WampError::with_message(
            "wamp.error.invalid_argument",
            "this procedure streams its results: call it with receive_progress",
        ));
    }
    Ok(ItemSink {
        context: context.clone(),
        item: PhantomData,
    })
}

/// A callee's items read as `Q`.
pub(super) fn typed_items<Q: FromPayload + Send + 'static>(
    items: impl Stream<Item = Payload> + Send + 'static,
) -> Items<Q> {
    Box::pin(items.map(|payload| Q::from_payload(&payload)))
}

/// The payload of a declared error (docs/wamp-idl.md §7.1), read as its table.
pub fn error_payload<T: FromPayload>(error: &WampError) -> Result<T, PayloadError> {
    T::from_payload(&Payload::new(error.args.clone(), error.kwargs.clone()))
}

/// The WAMP error a callee answers a declared error with: its URI, its table as args and kwargs.
pub fn declared_error(uri: &str, payload: impl IntoPayload) -> WampError {
    let (args, kwargs) = payload.into_payload().into_parts();
    WampError {
        uri: uri.to_owned(),
        args,
        kwargs,
    }
}

impl CallerCore {
    /// Calls the procedure `suffix` (`stream: "out"`) with `request` and reads its results as
    /// items `R`.
    pub fn call_results<R, E>(
        &self,
        suffix: &str,
        values: &[UriValue<'_>],
        request: impl IntoPayload,
    ) -> Items<R, E>
    where
        R: FromPayload + Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let uri = self.prefix.uri(suffix, values);
        let payload = request.into_payload();
        let session = self.session.clone();
        let options = self.call_options.clone();
        typed_results(async move { session.call_progressive(&uri?, payload, options).await })
    }

    /// Calls the procedure `suffix` (`stream: "inout"`) with `items`, one CALL each, and reads
    /// its results as items `R`.
    pub fn call_items_results<T, R, E>(
        &self,
        suffix: &str,
        values: &[UriValue<'_>],
        items: impl Stream<Item = T> + Send + 'static,
    ) -> Items<R, E>
    where
        T: IntoPayload + 'static,
        R: FromPayload + Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let uri = self.prefix.uri(suffix, values);
        let session = self.session.clone();
        let options = self.call_options.clone();
        let items = items.map(IntoPayload::into_payload);
        typed_results(async move { session.call_streaming(&uri?, items, options).await })
    }

    /// Calls the procedure `suffix` (`stream: "in"`) with `items`, one CALL each, and reads its
    /// final result as `R`.
    pub fn call_items<T, R>(
        &self,
        suffix: &str,
        values: &[UriValue<'_>],
        items: impl Stream<Item = T> + Send + 'static,
    ) -> impl Future<Output = Result<R, Error>> + Send + 'static
    where
        T: IntoPayload + 'static,
        R: FromPayload,
    {
        let uri = self.prefix.uri(suffix, values);
        let session = self.session.clone();
        let options = self.call_options.clone();
        let items = items.map(IntoPayload::into_payload);
        async move {
            let call = session.call_streaming(&uri?, items, options).await?;
            let result = call.result().await?;
            Ok(R::from_payload(&result.payload)?)
        }
    }
}

/// Each result of the call `started` read as an item: the progressive ones, then the final one
/// unless it is empty, which only ends them (docs/wamp-idl.md §7.2); the first error ends them
/// too.
fn typed_results<R, E>(
    started: impl Future<Output = Result<PendingCall, Error>> + Send + 'static,
) -> Items<R, E>
where
    R: FromPayload + Send + 'static,
    E: From<Error> + Send + 'static,
{
    let results = stream::once(started).flat_map(|started| {
        stream::unfold(Some(started), |call| async move {
            let mut call = match call? {
                Ok(call) => call,
                Err(error) => return Some((Err(E::from(error)), None)),
            };
            let payload = match call.next_progress().await {
                Ok(Some(progress)) => progress.payload,
                Ok(None) => match call.result().await {
                    Ok(result) if ends_stream(&result.payload) => return None,
                    Ok(result) => {
                        let item =
                            R::from_payload(&result.payload).map_err(|problem| E::from(problem.into()));
                        return Some((item, None));
                    }
                    Err(error) => return Some((Err(E::from(error)), None)),
                },
                Err(error) => return Some((Err(E::from(error)), None)),
            };
            let item = R::from_payload(&payload).map_err(|problem| E::from(problem.into()));
            let next = item.is_ok().then_some(Ok(call));
            Some((item, next))
        })
    });
    Box::pin(results)
}
