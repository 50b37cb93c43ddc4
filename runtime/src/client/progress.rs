//! Progressive call invocations on the client (docs/wamp-idl.md §7.2): a call whose items go
//! as several CALLs, and, for a callee, the further INVOCATIONs of such a call as the stream
//! [`Invocation::items`](crate::Invocation::items) reads.
//!
//! A caller sends every item in a CALL with `progress: true` and ends with a final CALL whose
//! payload is empty; a callee reads a final INVOCATION whose payload is not empty as the last
//! item, as peers that put the last item there send it.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use futures_util::stream::StreamExt as _;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use crate::backend::{CallOptions, PendingCall, ends_stream};
use crate::client::api::Client;
use crate::client::joined::JoinedSession;
use crate::data::payload::{Payload, PayloadStream};
use crate::data::value::{Dict, Value};
use crate::error::Error;
use crate::wire::Message;

/// A further INVOCATION's payload on its way to the handler, holding its place among the
/// invocations and events the client has in hand until the handler takes it.
#[derive(Debug)]
pub(crate) struct Item {
    pub(crate) payload: Payload,
    /// Whether it is the final INVOCATION (without `progress`).
    pub(crate) last: bool,
    pub(crate) _slot: Option<OwnedSemaphorePermit>,
}

pub(crate) type ItemSender = mpsc::UnboundedSender<Item>;

/// The payloads of the further INVOCATIONs of a progressive call invocation, in order; it ends
/// after the final one, which it leaves out when its payload is empty (it only ends the items).
struct FurtherInvocations {
    items: mpsc::UnboundedReceiver<Item>,
}

impl Stream for FurtherInvocations {
    type Item = Payload;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Payload>> {
        self.items.poll_recv(context).map(|item| {
            let item = item?;
            if item.last && ends_stream(&item.payload) {
                return None;
            }
            Some(item.payload)
        })
    }
}

/// Where the further INVOCATIONs of a call go, and the stream its handler reads them from.
pub(crate) fn further_invocations() -> (ItemSender, PayloadStream) {
    let (sender, items) = mpsc::unbounded_channel();
    (sender, Box::pin(FurtherInvocations { items }))
}

/// The sending side of a progressive call invocation: each [`send`](Self::send) is a further
/// CALL with `progress: true`; [`finish`](Self::finish), or dropping it, sends the final CALL.
struct CallSender {
    shared: Arc<JoinedSession>,
    request: u64,
    procedure: String,
    finished: bool,
}

impl CallSender {
    /// Sends one more item. Fails once the call is over (answered, canceled, timed out) or
    /// the session ended.
    fn send(&self, payload: Payload) -> Result<(), Error> {
        self.call(payload, true)
    }

    /// Sends the final CALL, whose empty payload ends the items.
    fn finish(mut self) -> Result<(), Error> {
        self.finished = true;
        self.call(Payload::default(), false)
    }

    fn call(&self, payload: Payload, progress: bool) -> Result<(), Error> {
        let options = if progress {
            Dict::from([("progress".to_owned(), Value::Bool(true))])
        } else {
            Dict::new()
        };
        let message = Message::Call {
            request: self.request,
            options,
            procedure: self.procedure.clone(),
            payload,
        };
        self.shared.send_further_call(self.request, &message)
    }
}

impl Drop for CallSender {
    fn drop(&mut self) {
        if !self.finished {
            // A call over or a session ended has nobody left to tell.
            let _ = self.call(Payload::default(), false);
        }
    }
}

impl Client {
    /// Sends the first item at once in a CALL with `progress: true`, and the others from a
    /// task of their own as the caller's stream yields them: the caller reads results
    /// meanwhile, and an `inout` callee may answer an item before the next one is sent.
    pub(super) async fn start_streaming_call(
        &self,
        procedure: &str,
        mut items: PayloadStream,
        mut options: CallOptions,
    ) -> Result<PendingCall, Error> {
        let Some(first) = items.next().await else {
            // No item at all: one CALL whose empty payload ends the items at once.
            return self
                .start_call(procedure, Payload::default(), options, true)
                .await
                .map(|(_, _, call)| call);
        };
        options.extra.insert("progress".to_owned(), Value::Bool(true));
        let (shared, request, call) = self.start_call(procedure, first, options, true).await?;
        let sender = CallSender {
            shared,
            request,
            procedure: procedure.to_owned(),
            finished: false,
        };
        tokio::spawn(async move {
            while let Some(item) = items.next().await {
                if sender.send(item).is_err() {
                    return;
                }
            }
            let _ = sender.finish();
        });
        Ok(call)
    }
}
