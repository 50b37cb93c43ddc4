//! What the client asks of the router: calls, and the requests (REGISTER, SUBSCRIBE, an
//! acknowledged PUBLISH...) that wait for its answer.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::{EventQueue, JoinedSession, Procedure, State};
use crate::backend::{CallResult, CallUpdate};
use crate::data::value::{Dict, Value};
use crate::error::{Error, ErrorKind};
use crate::wire::{Message, MessageType};

/// Where the router's answers to a call go: a one-shot slot when its caller wants only the
/// final result, which spares the queue's allocation on every call, or a queue when the
/// caller also receives progressive results.
#[derive(Debug)]
pub(crate) enum CallSender {
    Final(oneshot::Sender<Result<CallResult, Error>>),
    Progressive(mpsc::UnboundedSender<CallUpdate>),
}

impl CallSender {
    /// Hands over a progressive result, which a caller that did not ask for them never sees.
    pub(super) fn progress(&self, result: CallResult) {
        if let CallSender::Progressive(updates) = self {
            let _ = updates.send(CallUpdate::Progress(result));
        }
    }

    pub(super) fn finish(self, outcome: Result<CallResult, Error>) {
        // A caller that gave up is gone; nobody is left to tell.
        match self {
            CallSender::Final(slot) => {
                let _ = slot.send(outcome);
            }
            CallSender::Progressive(updates) => {
                let _ = updates.send(CallUpdate::Final(outcome));
            }
        }
    }
}

/// A call waiting for its final result.
#[derive(Debug)]
pub(super) struct WaitingCall {
    pub(super) updates: CallSender,
    /// When the call times out, if it does.
    deadline: Option<Instant>,
}

/// The receiving end of a [`CallSender`].
#[derive(Debug)]
pub(crate) enum CallReceiver {
    /// `None` once the slot delivered (or was dropped): it must not be awaited again.
    Final(Option<oneshot::Receiver<Result<CallResult, Error>>>),
    Progressive(mpsc::UnboundedReceiver<CallUpdate>),
}

impl CallReceiver {
    /// The next update; `None` when the session dropped the call without an answer.
    ///
    /// Cancel-safe: an update not yet received stays for the next call.
    pub(crate) async fn recv(&mut self) -> Option<CallUpdate> {
        match self {
            CallReceiver::Final(slot) => {
                let outcome = (slot.as_mut()?).await.ok();
                *slot = None;
                outcome.map(CallUpdate::Final)
            }
            CallReceiver::Progressive(updates) => updates.recv().await,
        }
    }
}

/// A REGISTER, UNREGISTER, SUBSCRIBE, UNSUBSCRIBE or acknowledged PUBLISH waiting for the router.
pub(crate) struct PendingRequest {
    pub(crate) kind: RequestKind,
    /// Receives the new registration, subscription or publication id (0 for the others).
    pub(crate) reply: oneshot::Sender<Result<u64, Error>>,
}

/// Removes a pending request when its requester stops waiting: on timeout, and also when the
/// requesting future is dropped, so that abandoned requests do not pile up in the session and a
/// late answer installs no handler that nobody can remove.
pub(super) struct ForgetRequest<'a> {
    shared: &'a JoinedSession,
    request: u64,
}

impl Drop for ForgetRequest<'_> {
    fn drop(&mut self) {
        self.shared.lock().requests.remove(&self.request);
    }
}

/// The request's kind, with what its success installs.
pub(crate) enum RequestKind {
    Register(Arc<Procedure>),
    Unregister(u64),
    /// A local subscription: its id, topic and event queue.
    Subscribe(u64, String, EventQueue),
    Unsubscribe(u64),
    Publish,
}

impl RequestKind {
    /// The type of the request's message, and of the router's answer to it.
    pub(super) fn message_types(&self) -> (MessageType, MessageType) {
        match self {
            RequestKind::Register(_) => (MessageType::Register, MessageType::Registered),
            RequestKind::Unregister(_) => (MessageType::Unregister, MessageType::Unregistered),
            RequestKind::Subscribe(..) => (MessageType::Subscribe, MessageType::Subscribed),
            RequestKind::Unsubscribe(_) => (MessageType::Unsubscribe, MessageType::Unsubscribed),
            RequestKind::Publish => (MessageType::Publish, MessageType::Published),
        }
    }
}

impl JoinedSession {
    /// Sends a further CALL of a call in flight (progressive call invocations); fails once the
    /// call is over, as the router would take it for a new call.
    pub(crate) fn send_further_call(&self, request: u64, message: &Message) -> Result<(), Error> {
        let frame = self.encode(message)?;
        let state = self.lock();
        if let Some(reason) = &state.ended {
            return Err(JoinedSession::closed_error(reason));
        }
        if !state.calls.contains_key(&request) {
            return Err(Error::new(ErrorKind::Canceled));
        }
        self.queue(&state, &frame)
    }

    /// Sends a CALL and returns where its results arrive (progressive ones only when
    /// `progressive`); the call fails with [`ErrorKind::Timeout`] once `deadline` passes.
    pub(crate) fn start_call(
        &self,
        request: u64,
        message: &Message,
        progressive: bool,
        deadline: Option<Instant>,
    ) -> Result<CallReceiver, Error> {
        let frame = self.encode(message)?;
        let (updates, receiver) = if progressive {
            let (sender, receiver) = mpsc::unbounded_channel();
            (
                CallSender::Progressive(sender),
                CallReceiver::Progressive(receiver),
            )
        } else {
            let (sender, receiver) = oneshot::channel();
            (CallSender::Final(sender), CallReceiver::Final(Some(receiver)))
        };
        let (flush, deadline_moved) = {
            let mut state = self.lock();
            if let Some(reason) = &state.ended {
                return Err(JoinedSession::closed_error(reason));
            }
            state.calls.insert(request, WaitingCall { updates, deadline });
            // Calls with the same timeout reach their deadlines in the order they start: of
            // those in flight together, only the first moves the timeouts task's next look.
            let earlier = deadline.filter(|deadline| state.next_deadline.is_none_or(|next| *deadline < next));
            if earlier.is_some() {
                state.next_deadline = earlier;
            }
            (state.flush(), earlier.is_some())
        };
        if deadline_moved {
            self.deadline_moved.notify_one();
        }
        // Written without the session's lock, which the reader needs to deliver results. Should
        // the session end meanwhile, its end fails the call listed above.
        if let Err(error) = self.outbox.send(&frame, flush) {
            self.lock().calls.remove(&request);
            return Err(error);
        }
        Ok(receiver)
    }

    /// Forgets a call whose caller gave up, and asks the router to cancel it.
    pub(crate) fn abandon_call(&self, request: u64) {
        let mut state = self.lock();
        if state.calls.remove(&request).is_some() {
            self.cancel_forgotten(&state, request);
        }
    }

    /// Fails the calls whose deadline passed, asking the router to cancel them, and sets when
    /// to look again.
    pub(super) fn expire_calls(&self) {
        let now = Instant::now();
        let mut state = self.lock();
        let expired: Vec<(u64, WaitingCall)> = state
            .calls
            .extract_if(|_, call| call.deadline.is_some_and(|deadline| deadline <= now))
            .collect();
        state.next_deadline = state.calls.values().filter_map(|call| call.deadline).min();
        for (request, _) in &expired {
            self.cancel_forgotten(&state, *request);
        }
        drop(state);
        for (_, call) in expired {
            call.updates.finish(Err(Error::new(ErrorKind::Timeout)));
        }
    }

    /// Asks the router to cancel a call the session no longer waits for.
    fn cancel_forgotten(&self, state: &State, request: u64) {
        if state.ended.is_some() {
            return;
        }
        let cancel = Message::Cancel {
            request,
            options: Dict::from([("mode".to_owned(), Value::String("killnowait".into()))]),
        };
        if let Ok(frame) = self.encode(&cancel) {
            // The session may end meanwhile; nothing waits for this CANCEL.
            let _ = self.queue(state, &frame);
        }
    }

    /// Sends a request and waits for the router's answer (within the default timeout).
    pub(crate) async fn request(
        &self,
        request: u64,
        kind: RequestKind,
        message: &Message,
    ) -> Result<u64, Error> {
        let frame = self.encode(message)?;
        let (reply, answer) = oneshot::channel();
        {
            let mut state = self.lock();
            self.queue(&state, &frame)?;
            state.requests.insert(request, PendingRequest { kind, reply });
        }
        let _forget_on_exit = ForgetRequest {
            shared: self,
            request,
        };
        let answer = match self.default_timeout {
            Some(timeout) => match tokio::time::timeout(timeout, answer).await {
                Ok(answer) => answer,
                Err(_) => return Err(Error::new(ErrorKind::Timeout)),
            },
            None => answer.await,
        };
        answer.unwrap_or_else(|_| {
            Err(Error::new(ErrorKind::SessionClosed(
                "the session ended".to_owned(),
            )))
        })
    }
}
