//! The WAMP messages of the basic and advanced profiles, and their mapping to and from wire lists.

use std::fmt;

use crate::data::payload::{Payload, payload_on_tape};
use crate::data::tape::{Node, Siblings, Tag, Tape};
use crate::data::value::{Dict, List};
use crate::data::write::{ErasedPayload, Part, Typed};
use crate::wire::DecodeError;

/// The type of a WAMP message: the integer that opens it on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageType {
    Hello,
    Welcome,
    Abort,
    Challenge,
    Authenticate,
    Goodbye,
    Error,
    Publish,
    Published,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
    Event,
    Call,
    Cancel,
    Result,
    Register,
    Registered,
    Unregister,
    Unregistered,
    Invocation,
    Interrupt,
    Yield,
}

impl MessageType {
    /// Every message type, in code order.
    pub const ALL: [MessageType; 24] = [
        MessageType::Hello,
        MessageType::Welcome,
        MessageType::Abort,
        MessageType::Challenge,
        MessageType::Authenticate,
        MessageType::Goodbye,
        MessageType::Error,
        MessageType::Publish,
        MessageType::Published,
        MessageType::Subscribe,
        MessageType::Subscribed,
        MessageType::Unsubscribe,
        MessageType::Unsubscribed,
        MessageType::Event,
        MessageType::Call,
        MessageType::Cancel,
        MessageType::Result,
        MessageType::Register,
        MessageType::Registered,
        MessageType::Unregister,
        MessageType::Unregistered,
        MessageType::Invocation,
        MessageType::Interrupt,
        MessageType::Yield,
    ];

    /// The message code, as in `[48, ...]` for CALL.
    pub const fn code(self) -> u64 {
        match self {
            MessageType::Hello => 1,
            MessageType::Welcome => 2,
            MessageType::Abort => 3,
            MessageType::Challenge => 4,
            MessageType::Authenticate => 5,
            MessageType::Goodbye => 6,
            MessageType::Error => 8,
            MessageType::Publish => 16,
            MessageType::Published => 17,
            MessageType::Subscribe => 32,
            MessageType::Subscribed => 33,
            MessageType::Unsubscribe => 34,
            MessageType::Unsubscribed => 35,
            MessageType::Event => 36,
            MessageType::Call => 48,
            MessageType::Cancel => 49,
            MessageType::Result => 50,
            MessageType::Register => 64,
            MessageType::Registered => 65,
            MessageType::Unregister => 66,
            MessageType::Unregistered => 67,
            MessageType::Invocation => 68,
            MessageType::Interrupt => 69,
            MessageType::Yield => 70,
        }
    }

    /// The message type of a code, if WAMP defines one.
    pub fn from_code(code: u64) -> Option<MessageType> {
        // A table, not a search: every decoded message is looked up here.
        const BY_CODE: [Option<MessageType>; 71] = {
            let mut table = [None; 71];
            let mut index = 0;
            while index < MessageType::ALL.len() {
                let message_type = MessageType::ALL[index];
                table[message_type.code() as usize] = Some(message_type);
                index += 1;
            }
            table
        };
        BY_CODE.get(usize::try_from(code).ok()?).copied().flatten()
    }

    /// The name the spec gives the message type (`"CALL"`).
    pub fn name(self) -> &'static str {
        match self {
            MessageType::Hello => "HELLO",
            MessageType::Welcome => "WELCOME",
            MessageType::Abort => "ABORT",
            MessageType::Challenge => "CHALLENGE",
            MessageType::Authenticate => "AUTHENTICATE",
            MessageType::Goodbye => "GOODBYE",
            MessageType::Error => "ERROR",
            MessageType::Publish => "PUBLISH",
            MessageType::Published => "PUBLISHED",
            MessageType::Subscribe => "SUBSCRIBE",
            MessageType::Subscribed => "SUBSCRIBED",
            MessageType::Unsubscribe => "UNSUBSCRIBE",
            MessageType::Unsubscribed => "UNSUBSCRIBED",
            MessageType::Event => "EVENT",
            MessageType::Call => "CALL",
            MessageType::Cancel => "CANCEL",
            MessageType::Result => "RESULT",
            MessageType::Register => "REGISTER",
            MessageType::Registered => "REGISTERED",
            MessageType::Unregister => "UNREGISTER",
            MessageType::Unregistered => "UNREGISTERED",
            MessageType::Invocation => "INVOCATION",
            MessageType::Interrupt => "INTERRUPT",
            MessageType::Yield => "YIELD",
        }
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A WAMP message.
///
/// Field names follow the spec. `args` and `kwargs` are empty when the message carries none;
/// encoders leave out empty trailing `kwargs` (and `args` when both are empty), as Autobahn does.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// `[HELLO, Realm|uri, Details|dict]`
    Hello { realm: String, details: Dict },
    /// `[WELCOME, Session|id, Details|dict]`
    Welcome { session: u64, details: Dict },
    /// `[ABORT, Details|dict, Reason|uri]`
    Abort { details: Dict, reason: String },
    /// `[CHALLENGE, AuthMethod|string, Extra|dict]`
    Challenge { auth_method: String, extra: Dict },
    /// `[AUTHENTICATE, Signature|string, Extra|dict]`
    Authenticate { signature: String, extra: Dict },
    /// `[GOODBYE, Details|dict, Reason|uri]`
    Goodbye { details: Dict, reason: String },
    /// `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list, ArgumentsKw|dict]`
    Error {
        request_type: MessageType,
        request: u64,
        details: Dict,
        error: String,
        payload: Payload,
    },
    /// `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]`
    Publish {
        request: u64,
        options: Dict,
        topic: String,
        payload: Payload,
    },
    /// `[PUBLISHED, PUBLISH.Request|id, Publication|id]`
    Published { request: u64, publication: u64 },
    /// `[SUBSCRIBE, Request|id, Options|dict, Topic|uri]`
    Subscribe {
        request: u64,
        options: Dict,
        topic: String,
    },
    /// `[SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]`
    Subscribed { request: u64, subscription: u64 },
    /// `[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]`
    Unsubscribe { request: u64, subscription: u64 },
    /// `[UNSUBSCRIBED, UNSUBSCRIBE.Request|id]`, or with `Details|dict` when the router revokes
    /// a subscription (advanced profile; `request` is then 0).
    Unsubscribed { request: u64, details: Dict },
    /// `[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list, ArgumentsKw|dict]`
    Event {
        subscription: u64,
        publication: u64,
        details: Dict,
        payload: Payload,
    },
    /// `[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]`
    Call {
        request: u64,
        options: Dict,
        procedure: String,
        payload: Payload,
    },
    /// `[CANCEL, CALL.Request|id, Options|dict]`
    Cancel { request: u64, options: Dict },
    /// `[RESULT, CALL.Request|id, Details|dict, Arguments|list, ArgumentsKw|dict]`
    Result {
        request: u64,
        details: Dict,
        payload: Payload,
    },
    /// `[REGISTER, Request|id, Options|dict, Procedure|uri]`
    Register {
        request: u64,
        options: Dict,
        procedure: String,
    },
    /// `[REGISTERED, REGISTER.Request|id, Registration|id]`
    Registered { request: u64, registration: u64 },
    /// `[UNREGISTER, Request|id, REGISTERED.Registration|id]`
    Unregister { request: u64, registration: u64 },
    /// `[UNREGISTERED, UNREGISTER.Request|id]`, or with `Details|dict` when the router revokes
    /// a registration (advanced profile; `request` is then 0).
    Unregistered { request: u64, details: Dict },
    /// `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, Arguments|list, ArgumentsKw|dict]`
    Invocation {
        request: u64,
        registration: u64,
        details: Dict,
        payload: Payload,
    },
    /// `[INTERRUPT, INVOCATION.Request|id, Options|dict]`
    Interrupt { request: u64, options: Dict },
    /// `[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]`
    Yield {
        request: u64,
        options: Dict,
        payload: Payload,
    },
}

impl Message {
    /// The type of this message.
    pub fn message_type(&self) -> MessageType {
        match self {
            Message::Hello { .. } => MessageType::Hello,
            Message::Welcome { .. } => MessageType::Welcome,
            Message::Abort { .. } => MessageType::Abort,
            Message::Challenge { .. } => MessageType::Challenge,
            Message::Authenticate { .. } => MessageType::Authenticate,
            Message::Goodbye { .. } => MessageType::Goodbye,
            Message::Error { .. } => MessageType::Error,
            Message::Publish { .. } => MessageType::Publish,
            Message::Published { .. } => MessageType::Published,
            Message::Subscribe { .. } => MessageType::Subscribe,
            Message::Subscribed { .. } => MessageType::Subscribed,
            Message::Unsubscribe { .. } => MessageType::Unsubscribe,
            Message::Unsubscribed { .. } => MessageType::Unsubscribed,
            Message::Event { .. } => MessageType::Event,
            Message::Call { .. } => MessageType::Call,
            Message::Cancel { .. } => MessageType::Cancel,
            Message::Result { .. } => MessageType::Result,
            Message::Register { .. } => MessageType::Register,
            Message::Registered { .. } => MessageType::Registered,
            Message::Unregister { .. } => MessageType::Unregister,
            Message::Unregistered { .. } => MessageType::Unregistered,
            Message::Invocation { .. } => MessageType::Invocation,
            Message::Interrupt { .. } => MessageType::Interrupt,
            Message::Yield { .. } => MessageType::Yield,
        }
    }

    /// Writes the message as a wire list, element by element.
    pub(super) fn write_to<W: MessageWriter>(&self, writer: &mut W) -> Result<(), W::Error> {
        let code = self.message_type().code();
        match self {
            Message::Hello { realm, details } => {
                writer.begin(3)?;
                writer.id(code)?;
                writer.str(realm)?;
                writer.dict(details)?;
            }
            Message::Welcome { session, details } => {
                writer.begin(3)?;
                writer.id(code)?;
                writer.id(*session)?;
                writer.dict(details)?;
            }
            Message::Abort { details, reason } | Message::Goodbye { details, reason } => {
                writer.begin(3)?;
                writer.id(code)?;
                writer.dict(details)?;
                writer.str(reason)?;
            }
            Message::Challenge {
                auth_method: text,
                extra,
            }
            | Message::Authenticate {
                signature: text,
                extra,
            } => {
                writer.begin(3)?;
                writer.id(code)?;
                writer.str(text)?;
                writer.dict(extra)?;
            }
            Message::Error {
                request_type,
                request,
                details,
                error,
                payload,
            } => {
                writer.begin(5 + payload_len(payload))?;
                writer.id(code)?;
                writer.id(request_type.code())?;
                writer.id(*request)?;
                writer.dict(details)?;
                writer.str(error)?;
                write_payload(writer, payload)?;
            }
            Message::Publish {
                request,
                options,
                topic: uri,
                payload,
            }
            | Message::Call {
                request,
                options,
                procedure: uri,
                payload,
            } => {
                writer.begin(4 + payload_len(payload))?;
                writer.id(code)?;
                writer.id(*request)?;
                writer.dict(options)?;
                writer.str(uri)?;
                write_payload(writer, payload)?;
            }
            Message::Published {
                request,
                publication: second,
            }
            | Message::Subscribed {
                request,
                subscription: second,
            }
            | Message::Unsubscribe {
                request,
                subscription: second,
            }
            | Message::Registered {
                request,
                registration: second,
            }
            | Message::Unregister {
                request,
                registration: second,
            } => {
                writer.begin(3)?;
                writer.id(code)?;
                writer.id(*request)?;
                writer.id(*second)?;
            }
            Message::Subscribe {
                request,
                options,
                topic: uri,
            }
            | Message::Register {
                request,
                options,
                procedure: uri,
            } => {
                writer.begin(4)?;
                writer.id(code)?;
                writer.id(*request)?;
                writer.dict(options)?;
                writer.str(uri)?;
            }
            Message::Unsubscribed { request, details } | Message::Unregistered { request, details } => {
                writer.begin(if details.is_empty() { 2 } else { 3 })?;
                writer.id(code)?;
                writer.id(*request)?;
                if !details.is_empty() {
                    writer.dict(details)?;
                }
            }
            Message::Event {
                subscription: first,
                publication: second,
                details,
                payload,
            }
            | Message::Invocation {
                request: first,
                registration: second,
                details,
                payload,
            } => {
                writer.begin(4 + payload_len(payload))?;
                writer.id(code)?;
                writer.id(*first)?;
                writer.id(*second)?;
                writer.dict(details)?;
                write_payload(writer, payload)?;
            }
            Message::Cancel { request, options } | Message::Interrupt { request, options } => {
                writer.begin(3)?;
                writer.id(code)?;
                writer.id(*request)?;
                writer.dict(options)?;
            }
            Message::Result {
                request,
                details: dict,
                payload,
            }
            | Message::Yield {
                request,
                options: dict,
                payload,
            } => {
                writer.begin(3 + payload_len(payload))?;
                writer.id(code)?;
                writer.id(*request)?;
                writer.dict(dict)?;
                write_payload(writer, payload)?;
            }
        }
        writer.end()
    }

    /// Reads a message from the tape of its wire list; a payload stays on the tape.
    ///
    /// A value the decoder could not represent fails the message only when it lies outside the
    /// payload: inside it, it costs the payload, whose readers report it (see
    /// [`Payload::check`]).
    pub(crate) fn from_tape(tape: Tape) -> Result<Message, DecodeError> {
        if let Some(unreadable) = tape.unreadable() {
            let in_payload = payload_on_tape(&tape)
                .0
                .is_some_and(|args| unreadable.node >= args);
            if !in_payload {
                return Err(DecodeError::at(unreadable.offset, unreadable.message.as_str()));
            }
        }
        let mut fields = Fields::new(&tape)?;
        let message = match fields.message_type {
            MessageType::Hello => Message::Hello {
                realm: fields.string("Realm")?,
                details: fields.dict("Details")?,
            },
            MessageType::Welcome => Message::Welcome {
                session: fields.id("Session")?,
                details: fields.dict("Details")?,
            },
            MessageType::Abort => Message::Abort {
                details: fields.dict("Details")?,
                reason: fields.string("Reason")?,
            },
            MessageType::Challenge => Message::Challenge {
                auth_method: fields.string("AuthMethod")?,
                extra: fields.dict("Extra")?,
            },
            MessageType::Authenticate => Message::Authenticate {
                signature: fields.string("Signature")?,
                extra: fields.dict("Extra")?,
            },
            MessageType::Goodbye => Message::Goodbye {
                details: fields.dict("Details")?,
                reason: fields.string("Reason")?,
            },
            MessageType::Error => Message::Error {
                request_type: fields.request_type()?,
                request: fields.id("Request")?,
                details: fields.dict("Details")?,
                error: fields.string("Error")?,
                payload: fields.payload()?,
            },
            MessageType::Publish => Message::Publish {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                topic: fields.string("Topic")?,
                payload: fields.payload()?,
            },
            MessageType::Published => Message::Published {
                request: fields.id("Request")?,
                publication: fields.id("Publication")?,
            },
            MessageType::Subscribe => Message::Subscribe {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                topic: fields.string("Topic")?,
            },
            MessageType::Subscribed => Message::Subscribed {
                request: fields.id("Request")?,
                subscription: fields.id("Subscription")?,
            },
            MessageType::Unsubscribe => Message::Unsubscribe {
                request: fields.id("Request")?,
                subscription: fields.id("Subscription")?,
            },
            MessageType::Unsubscribed => Message::Unsubscribed {
                request: fields.id("Request")?,
                details: fields.optional_dict("Details")?,
            },
            MessageType::Event => Message::Event {
                subscription: fields.id("Subscription")?,
                publication: fields.id("Publication")?,
                details: fields.dict("Details")?,
                payload: fields.payload()?,
            },
            MessageType::Call => Message::Call {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                procedure: fields.string("Procedure")?,
                payload: fields.payload()?,
            },
            MessageType::Cancel => Message::Cancel {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
            },
            MessageType::Result => Message::Result {
                request: fields.id("Request")?,
                details: fields.dict("Details")?,
                payload: fields.payload()?,
            },
            MessageType::Register => Message::Register {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                procedure: fields.string("Procedure")?,
            },
            MessageType::Registered => Message::Registered {
                request: fields.id("Request")?,
                registration: fields.id("Registration")?,
            },
            MessageType::Unregister => Message::Unregister {
                request: fields.id("Request")?,
                registration: fields.id("Registration")?,
            },
            MessageType::Unregistered => Message::Unregistered {
                request: fields.id("Request")?,
                details: fields.optional_dict("Details")?,
            },
            MessageType::Invocation => Message::Invocation {
                request: fields.id("Request")?,
                registration: fields.id("Registration")?,
                details: fields.dict("Details")?,
                payload: fields.payload()?,
            },
            MessageType::Interrupt => Message::Interrupt {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
            },
            MessageType::Yield => Message::Yield {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                payload: fields.payload()?,
            },
        };
        fields.finish()?;
        let mut message = message;
        if let Some(payload) = message.payload_mut() {
            *payload = Payload::received(tape);
        }
        Ok(message)
    }

    /// The payload of the messages that carry one.
    pub fn payload_mut(&mut self) -> Option<&mut Payload> {
        match self {
            Message::Error { payload, .. }
            | Message::Publish { payload, .. }
            | Message::Event { payload, .. }
            | Message::Call { payload, .. }
            | Message::Result { payload, .. }
            | Message::Invocation { payload, .. }
            | Message::Yield { payload, .. } => Some(payload),
            _ => None,
        }
    }
}

/// How many payload elements an encoder writes: none, args, or args and kwargs.
fn payload_len(payload: &Payload) -> usize {
    let (args, kwargs) = match payload.typed_value() {
        Some(typed) => typed.erased().lens(),
        None => (payload.args().len(), payload.kwargs().len()),
    };
    match (args, kwargs) {
        (_, 1..) => 2,
        (1.., 0) => 1,
        (0, 0) => 0,
    }
}

fn write_payload<W: MessageWriter>(writer: &mut W, payload: &Payload) -> Result<(), W::Error> {
    let len = payload_len(payload);
    if len == 0 {
        return Ok(());
    }
    if let Some(typed) = payload.typed_value().map(Typed::erased) {
        writer.typed(typed, Part::Args)?;
        if len == 2 {
            writer.typed(typed, Part::Kwargs)?;
        }
        return Ok(());
    }
    // A received payload is sent on only when a message is forwarded, which is rare enough
    // that its values are copied out for the writer.
    let received;
    let (args, kwargs) = match payload.built_parts() {
        Some(parts) => parts,
        None => {
            received = (payload.args().to_list(), payload.kwargs().to_dict());
            (&received.0, &received.1)
        }
    };
    writer.list(args)?;
    if len == 2 {
        writer.dict(kwargs)?;
    }
    Ok(())
}

/// What a serializer implements to write a message: a list whose length is known up front.
pub(super) trait MessageWriter {
    type Error;
    fn begin(&mut self, len: usize) -> Result<(), Self::Error>;
    fn id(&mut self, id: u64) -> Result<(), Self::Error>;
    fn str(&mut self, text: &str) -> Result<(), Self::Error>;
    fn dict(&mut self, dict: &Dict) -> Result<(), Self::Error>;
    fn list(&mut self, list: &List) -> Result<(), Self::Error>;
    /// Writes a part of a typed payload, as one element.
    fn typed(&mut self, payload: &dyn ErasedPayload, part: Part) -> Result<(), Self::Error>;
    fn end(&mut self) -> Result<(), Self::Error>;
}

/// The elements of a decoded message list, taken in order, with errors naming the field.
struct Fields<'a> {
    message_type: MessageType,
    tape: &'a Tape,
    elements: Siblings<'a>,
    /// The position of the next element in the message list.
    position: usize,
}

impl<'a> Fields<'a> {
    fn new(tape: &'a Tape) -> Result<Fields<'a>, DecodeError> {
        let root = tape.node(0);
        if root.tag != Tag::List {
            return Err(DecodeError::message(format!(
                "a WAMP message is a list, got {}",
                root.kind_name()
            )));
        }
        let mut elements = tape.children(0);
        let first = elements
            .next()
            .ok_or_else(|| DecodeError::message("a WAMP message is a non-empty list, got []"))?;
        let code = tape.integer_of(tape.node(first)).ok_or_else(|| {
            DecodeError::message(format!(
                "a WAMP message starts with its type code (an integer), got {}",
                tape.node(first).kind_name()
            ))
        })?;
        let message_type = u64::try_from(code)
            .ok()
            .and_then(MessageType::from_code)
            .ok_or_else(|| DecodeError::message(format!("unknown WAMP message type {code}")))?;
        Ok(Fields {
            message_type,
            tape,
            elements,
            position: 1,
        })
    }

    /// The next element's node and index.
    fn next(&mut self, field: &str) -> Result<(Node, usize), DecodeError> {
        let index = self.elements.next().ok_or_else(|| {
            DecodeError::message(format!(
                "{} has too few elements: {field} (element {}) is missing",
                self.message_type, self.position
            ))
        })?;
        self.position += 1;
        Ok((self.tape.node(index), index))
    }

    fn wrong_type(&self, field: &str, expected: &str, got: Node) -> DecodeError {
        DecodeError::message(format!(
            "{}.{field} (element {}) must be {expected}, got {}",
            self.message_type,
            self.position - 1,
            got.kind_name()
        ))
    }

    fn id(&mut self, field: &str) -> Result<u64, DecodeError> {
        let (node, _) = self.next(field)?;
        match self.tape.integer_of(node) {
            Some(id) => u64::try_from(id).map_err(|_| {
                DecodeError::message(format!(
                    "{}.{field} (element {}) must be an id (0 to 2^64-1), got {id}",
                    self.message_type,
                    self.position - 1
                ))
            }),
            None => Err(self.wrong_type(field, "an integer", node)),
        }
    }

    fn request_type(&mut self) -> Result<MessageType, DecodeError> {
        let code = self.id("RequestType")?;
        MessageType::from_code(code).ok_or_else(|| {
            DecodeError::message(format!(
                "{}.RequestType (element {}) is not a WAMP message type: {code}",
                self.message_type,
                self.position - 1
            ))
        })
    }

    fn string(&mut self, field: &str) -> Result<String, DecodeError> {
        let (node, _) = self.next(field)?;
        match node.tag {
            Tag::Text | Tag::SideText => Ok(self.tape.text_of(node).to_owned()),
            _ => Err(self.wrong_type(field, "a string", node)),
        }
    }

    fn dict_index(&mut self, field: &str) -> Result<usize, DecodeError> {
        match self.next(field)? {
            (node, index) if node.tag == Tag::Dict => Ok(index),
            (node, _) => Err(self.wrong_type(field, "a dict", node)),
        }
    }

    fn dict(&mut self, field: &str) -> Result<Dict, DecodeError> {
        let index = self.dict_index(field)?;
        Ok(self.tape.to_dict(index))
    }

    fn optional_dict(&mut self, field: &str) -> Result<Dict, DecodeError> {
        if self.elements.len() == 0 {
            return Ok(Dict::new());
        }
        self.dict(field)
    }

    /// Steps over the args and kwargs, if the message has them, which stay on the tape: the
    /// message's payload is set once the fields are read. Their kinds are checked when the
    /// payload is read (`payload_problem`), so that a payload that does not fit costs only its
    /// message.
    fn payload(&mut self) -> Result<Payload, DecodeError> {
        for field in ["Arguments", "ArgumentsKw"] {
            if self.elements.len() > 0 {
                self.next(field)?;
            }
        }
        Ok(Payload::default())
    }

    /// Checks that no element is left.
    fn finish(self) -> Result<(), DecodeError> {
        let extra = self.elements.len();
        if extra == 0 {
            Ok(())
        } else {
            Err(DecodeError::message(format!(
                "{} has too many elements: {} (expected at most {})",
                self.message_type,
                self.position + extra,
                self.position
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_back_to_their_message_types_and_no_other_code_does() {
        for message_type in MessageType::ALL {
            assert_eq!(MessageType::from_code(message_type.code()), Some(message_type));
        }
        let known = MessageType::ALL.map(MessageType::code);
        for code in (0..=80).chain([u64::MAX]).filter(|code| !known.contains(code)) {
            assert_eq!(MessageType::from_code(code), None, "code {code}");
        }
    }

    #[test]
    fn a_message_is_small_enough_to_move_without_a_call() {
        // Compilers copy values of up to 128 bytes inline; larger ones cost a `memcpy` call at
        // every move, and a decoded message is moved from the decoder to its handler.
        assert!(size_of::<Message>() <= 128, "{} bytes", size_of::<Message>());
    }
}
