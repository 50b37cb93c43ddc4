//! How every message from the router changes a joined session: results and errors to their
//! callers, invocations and events to their handlers.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt as _;
use tokio::sync::OwnedSemaphorePermit;

use super::calls::RequestKind;
use super::{Delivery, JoinedSession, SYSTEM_SHUTDOWN, State, Topic};
use crate::backend::{CANCELED, CallResult, Event, Invocation};
use crate::client::progress::{Item, further_invocations};
use crate::context::{CallContext, EventContext, ProgressSink};
use crate::data::payload::Payload;
use crate::data::value::{Dict, Value};
use crate::error::{Error, ErrorKind, PayloadError, WampError};
use crate::wire::{Message, MessageType};

impl JoinedSession {
    /// Ends the session because the router broke the protocol, telling it why with ABORT.
    pub(super) fn protocol_violation(&self, problem: String) {
        tracing::warn!(session = self.session_id, %problem, "protocol violation by the router");
        let abort = Message::Abort {
            details: Dict::from([("message".to_owned(), Value::String(problem.as_str().into()))]),
            reason: "wamp.error.protocol_violation".to_owned(),
        };
        self.terminate(Error::new(ErrorKind::Protocol(problem)), Some(abort));
    }

    /// Applies one message from the router; `false` when the session ended.
    pub(super) fn handle(
        self: &Arc<JoinedSession>,
        message: Message,
        slot: Option<OwnedSemaphorePermit>,
    ) -> bool {
        match message {
            Message::Result {
                request,
                details,
                payload,
            } => self.handle_result(request, details, payload),
            Message::Error {
                request_type,
                request,
                details,
                error,
                payload,
            } => {
                // An error whose payload cannot be read fails its request all the same, with
                // what is wrong in that payload and the error's URI.
                let error = match payload.check() {
                    Ok(()) => {
                        let (args, kwargs) = payload.into_parts();
                        Error::from(WampError {
                            uri: error,
                            args,
                            kwargs,
                        })
                    }
                    Err(problem) => Error::from(PayloadError::new(
                        problem.path,
                        format!("{}, in the payload of error {error}", problem.message),
                    )),
                };
                self.handle_error(request_type, request, error, details)
            }
            Message::Registered {
                request,
                registration,
            } => self.complete_request(request, MessageType::Registered, registration),
            Message::Unregistered { request: 0, details } => {
                if let Some(registration) = details.get("registration").and_then(as_id) {
                    let mut state = self.lock();
                    state.registrations.remove(&registration);
                    state.revoked.registrations.push(registration);
                }
                true
            }
            Message::Unregistered { request, .. } => {
                self.complete_request(request, MessageType::Unregistered, 0)
            }
            Message::Subscribed {
                request,
                subscription,
            } => self.complete_request(request, MessageType::Subscribed, subscription),
            Message::Unsubscribed { request: 0, details } => {
                if let Some(subscription) = details.get("subscription").and_then(as_id) {
                    let mut state = self.lock();
                    state.subscriptions.remove(&subscription);
                    state.revoked.subscriptions.push(subscription);
                }
                true
            }
            Message::Unsubscribed { request, .. } => {
                self.complete_request(request, MessageType::Unsubscribed, 0)
            }
            Message::Published { request, publication } => {
                self.complete_request(request, MessageType::Published, publication)
            }
            Message::Event {
                subscription,
                details,
                payload,
                ..
            } => {
                self.handle_event(subscription, details, payload, slot);
                true
            }
            Message::Invocation {
                request,
                registration,
                details,
                payload,
            } => self.handle_invocation(request, registration, details, payload, slot),
            Message::Interrupt { request, options } => {
                self.handle_interrupt(request, &options);
                true
            }
            Message::Goodbye { details, reason } => {
                self.handle_goodbye(&details, reason);
                false
            }
            Message::Abort { details, reason } => {
                let error = WampError {
                    uri: reason,
                    args: Vec::new(),
                    kwargs: details,
                };
                let reason = format!("the router aborted the session: {error}");
                self.end_by_router(Error::new(ErrorKind::SessionClosed(reason)), None);
                false
            }
            other @ (Message::Hello { .. }
            | Message::Welcome { .. }
            | Message::Challenge { .. }
            | Message::Authenticate { .. }
            | Message::Publish { .. }
            | Message::Subscribe { .. }
            | Message::Unsubscribe { .. }
            | Message::Call { .. }
            | Message::Cancel { .. }
            | Message::Register { .. }
            | Message::Unregister { .. }
            | Message::Yield { .. }) => {
                self.protocol_violation(format!(
                    "a router does not send {} to a joined client",
                    other.message_type()
                ));
                false
            }
        }
    }

    fn handle_result(&self, request: u64, details: Dict, payload: Payload) -> bool {
        let is_progress = matches!(details.get("progress"), Some(Value::Bool(true)));
        let result = match payload.check() {
            Ok(()) => Ok(CallResult { payload, details }),
            Err(problem) => Err(Error::from(problem)),
        };
        let mut state = self.lock();
        match result {
            Ok(result) if is_progress => {
                if let Some(call) = state.calls.get(&request) {
                    call.updates.progress(result);
                }
            }
            // A progressive result that cannot be read ends its call, as a final one does.
            result => {
                // Handed over without the lock: waking the caller may wake a thread, which the
                // callers starting calls meanwhile should not wait for.
                let call = state.calls.remove(&request);
                drop(state);
                if let Some(call) = call {
                    call.updates.finish(result);
                }
            }
        }
        // A result for an unknown request belongs to a call its caller gave up on.
        true
    }

    fn handle_error(&self, request_type: MessageType, request: u64, error: Error, details: Dict) -> bool {
        let mut state = self.lock();
        if request_type == MessageType::Call {
            let call = state.calls.remove(&request);
            drop(state);
            if let Some(call) = call {
                call.updates.finish(Err(error));
            }
            return true;
        }
        match state.requests.remove(&request) {
            Some(pending) if pending.kind.message_types().0 == request_type => {
                let _ = pending.reply.send(Err(error));
                true
            }
            Some(pending) => {
                state.requests.insert(request, pending);
                drop(state);
                self.protocol_violation(format!(
                    "ERROR for {request_type} answers request {request}, which is no {request_type}"
                ));
                false
            }
            None => {
                tracing::debug!(session = self.session_id, %request_type, request, ?details, "ERROR for an unknown request");
                true
            }
        }
    }

    /// Completes a pending request with its answer, installing what it creates.
    fn complete_request(&self, request: u64, answer: MessageType, id: u64) -> bool {
        let mut state = self.lock();
        let Some(pending) = state.requests.remove(&request) else {
            // The requester gave up; what it asked for happened anyway, unknown to anyone.
            tracing::debug!(session = self.session_id, %answer, request, "answer to an unknown request");
            self.release_abandoned(&state, answer, id);
            return true;
        };
        let (asked, expected) = pending.kind.message_types();
        if answer != expected {
            state.requests.insert(request, pending);
            drop(state);
            self.protocol_violation(format!("{answer} answers request {request}, a {asked}"));
            return false;
        }
        match pending.kind {
            RequestKind::Register(handler) => {
                state.registrations.insert(id, handler);
            }
            RequestKind::Unregister(registration) => {
                state.registrations.remove(&registration);
            }
            RequestKind::Subscribe(local, topic, queue) => {
                let topic_of = state.subscriptions.entry(id).or_insert_with(|| Topic {
                    uri: topic,
                    queues: Vec::new(),
                });
                topic_of.queues.push((local, queue));
            }
            RequestKind::Unsubscribe(subscription) => {
                state.subscriptions.remove(&subscription);
            }
            RequestKind::Publish => {}
        }
        let _ = pending.reply.send(Ok(id));
        true
    }

    /// Undoes a registration or subscription whose requester gave up before the router
    /// answered, so that the router does not route to this session what nobody handles. One
    /// the session holds anyway (a second SUBSCRIBE to the same topic) stays.
    fn release_abandoned(&self, state: &State, answer: MessageType, id: u64) {
        let release = match answer {
            MessageType::Registered if !state.registrations.contains_key(&id) => Message::Unregister {
                request: self.next_request_id(),
                registration: id,
            },
            MessageType::Subscribed if !state.subscriptions.contains_key(&id) => Message::Unsubscribe {
                request: self.next_request_id(),
                subscription: id,
            },
            _ => return,
        };
        if let Ok(frame) = self.encode(&release) {
            let _ = self.queue(state, &frame);
        }
    }

    fn handle_event(
        &self,
        subscription: u64,
        details: Dict,
        payload: Payload,
        slot: Option<OwnedSemaphorePermit>,
    ) {
        let slot = slot.map(Arc::new);
        let state = self.lock();
        // An event for an unknown subscription raced an UNSUBSCRIBE.
        if let Some(topic) = state.subscriptions.get(&subscription) {
            let uri = details
                .get("topic")
                .and_then(as_string)
                .unwrap_or_else(|| topic.uri.clone());
            let event = Event {
                payload,
                context: EventContext::new(uri, details),
            };
            for (_, queue) in &topic.queues {
                let delivery = Delivery {
                    event: event.clone(),
                    _slot: slot.clone(),
                };
                let _ = queue.send(delivery);
            }
        }
    }

    fn handle_invocation(
        self: &Arc<JoinedSession>,
        request: u64,
        registration: u64,
        details: Dict,
        payload: Payload,
        slot: Option<OwnedSemaphorePermit>,
    ) -> bool {
        let progressive = matches!(details.get("progress"), Some(Value::Bool(true)));
        let handler = {
            let mut state = self.lock();
            if let Some(items) = state.streams.get(&request) {
                // A handler done with its items has dropped their receiver: the rest is not read.
                let _ = items.send(Item {
                    payload,
                    last: !progressive,
                    _slot: slot,
                });
                if !progressive {
                    state.streams.remove(&request);
                }
                return true;
            }
            if state.invocations.contains_key(&request) {
                drop(state);
                // Listing it would orphan the running task, which INTERRUPT and the session's end
                // could then no longer abort.
                self.protocol_violation(format!(
                    "INVOCATION {request} reuses the request id of an invocation still running"
                ));
                return false;
            }
            let Some(handler) = state.registrations.get(&registration).cloned() else {
                let error = invocation_error(
                    request,
                    WampError::with_message(
                        "wamp.error.no_such_registration",
                        format!("this callee has no registration {registration}"),
                    ),
                );
                if let Ok(frame) = self.encode(&error) {
                    let _ = self.queue(&state, &frame);
                }
                return true;
            };
            if let Err(problem) = payload.check() {
                // Answered for every handler, as a typed one answers a payload that does not fit
                // the schema: no handler could see what was sent.
                if let Ok(frame) = self.encode(&invocation_error(request, WampError::from(problem))) {
                    let _ = self.queue(&state, &frame);
                }
                return true;
            }
            handler
        };
        let uri = details
            .get("procedure")
            .and_then(as_string)
            .unwrap_or_else(|| handler.uri.clone());
        let (context, interrupt) = CallContext::new(uri, details);
        let progress = Arc::clone(self);
        let sink: ProgressSink = Arc::new(move |payload| progress.send_progress(request, payload));
        let mut context = context.with_progress(sink);
        let mut items = None;
        if progressive {
            let (sender, further) = further_invocations();
            context = context.with_further_items(further);
            items = Some(sender);
        }
        let invocation = Invocation { payload, context };
        // The handler is called without the lock: it may use the session before it returns its
        // future, and may panic there, which must fail the invocation, not the reader.
        let running = std::panic::catch_unwind(AssertUnwindSafe(|| (handler.handler)(invocation)))
            .map(|future| AssertUnwindSafe(future).catch_unwind());
        let mut state = self.lock();
        if state.ended.is_some() {
            return false;
        }
        let shared = Arc::clone(self);
        // The lock is held until the task is listed, so the task cannot finish unlisted.
        let task = tokio::spawn(async move {
            // Held until the answer is queued, or the task is aborted.
            let _slot = slot;
            let outcome = match running {
                Ok(running) => running.await.unwrap_or_else(|_| Err(handler_panicked())),
                Err(_) => Err(handler_panicked()),
            };
            shared.finish_invocation(request, outcome);
        });
        state
            .invocations
            .insert(request, (task.abort_handle(), interrupt));
        if let Some(items) = items {
            state.streams.insert(request, items);
        }
        true
    }

    /// Sends a progressive result of a running invocation (a YIELD with `progress: true`).
    ///
    /// Fails when the invocation was interrupted or the session ended.
    fn send_progress(&self, request: u64, payload: Payload) -> Result<(), Error> {
        let message = Message::Yield {
            request,
            options: Dict::from([("progress".to_owned(), Value::Bool(true))]),
            payload,
        };
        let frame = self.encode(&message)?;
        let state = self.lock();
        if !state.invocations.contains_key(&request) && state.ended.is_none() {
            return Err(Error::new(ErrorKind::Canceled));
        }
        self.queue(&state, &frame)
    }

    /// Sends a handler's outcome as YIELD or ERROR, unless the invocation was interrupted.
    fn finish_invocation(&self, request: u64, outcome: Result<Payload, WampError>) {
        let mut state = self.lock();
        if state.invocations.remove(&request).is_none() {
            return;
        }
        let message = match outcome {
            Ok(payload) => Message::Yield {
                request,
                options: Dict::new(),
                payload,
            },
            Err(error) => invocation_error(request, error),
        };
        let frame = self.encode(&message).or_else(|problem| {
            let error = WampError::with_message("wamp.error.invalid_argument", problem.to_string());
            self.encode(&invocation_error(request, error))
        });
        if let Ok(frame) = frame {
            let _ = self.queue(&state, &frame);
        }
    }

    /// Cancels a running invocation: its handler's future is dropped, its context told, and
    /// the router answered `wamp.error.canceled`, unless it said not to wait (`killnowait`),
    /// when any answer would be discarded.
    fn handle_interrupt(&self, request: u64, options: &Dict) {
        let mut state = self.lock();
        // The call is over: the router sends no further INVOCATION of it.
        state.streams.remove(&request);
        let Some((invocation, interrupt)) = state.invocations.remove(&request) else {
            return;
        };
        invocation.abort();
        interrupt.interrupt();
        if matches!(options.get("mode"), Some(Value::String(mode)) if mode == "killnowait") {
            return;
        }
        let error = invocation_error(request, WampError::with_message(CANCELED, "interrupted"));
        if let Ok(frame) = self.encode(&error) {
            let _ = self.queue(&state, &frame);
        }
    }

    fn handle_goodbye(&self, details: &Dict, reason: String) {
        let client_initiated = self.lock().goodbye_sent;
        if client_initiated {
            self.terminate(
                Error::new(ErrorKind::SessionClosed("closed by the client".to_owned())),
                None,
            );
            return;
        }
        let shutting_down = reason == SYSTEM_SHUTDOWN;
        let message = match details.get("message") {
            Some(Value::String(message)) => format!("{reason}: {message}"),
            _ => reason,
        };
        let reply = Message::Goodbye {
            details: Dict::new(),
            reason: "wamp.close.goodbye_and_out".to_owned(),
        };
        let reason = Error::new(ErrorKind::SessionClosed(format!(
            "the router closed the session: {message}"
        )));
        if shutting_down {
            self.terminate(reason, Some(reply));
        } else {
            self.end_by_router(reason, Some(reply));
        }
    }
}

fn handler_panicked() -> WampError {
    WampError::with_message("wamp.error.runtime_error", "the callee's handler panicked")
}

fn invocation_error(request: u64, error: WampError) -> Message {
    Message::Error {
        request_type: MessageType::Invocation,
        request,
        details: Dict::new(),
        error: error.uri,
        payload: Payload::new(error.args, error.kwargs),
    }
}

fn as_id(value: &Value) -> Option<u64> {
    match value {
        Value::Integer(id) => u64::try_from(*id).ok(),
        _ => None,
    }
}

fn as_string(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.to_string()),
        _ => None,
    }
}
