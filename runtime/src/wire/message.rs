//! The WAMP messages of the basic and advanced profiles, and their mapping to and from wire lists.

use std::fmt;

use crate::value::{Dict, List, Value};
use crate::wire::DecodeError;

/// The most elements a WAMP message has: ERROR's seven.
pub(crate) const MAX_ELEMENTS: usize = 7;

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
    pub fn code(self) -> u64 {
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
        MessageType::ALL
            .into_iter()
            .find(|message_type| message_type.code() == code)
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
        args: List,
        kwargs: Dict,
    },
    /// `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]`
    Publish {
        request: u64,
        options: Dict,
        topic: String,
        args: List,
        kwargs: Dict,
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
        args: List,
        kwargs: Dict,
    },
    /// `[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]`
    Call {
        request: u64,
        options: Dict,
        procedure: String,
        args: List,
        kwargs: Dict,
    },
    /// `[CANCEL, CALL.Request|id, Options|dict]`
    Cancel { request: u64, options: Dict },
    /// `[RESULT, CALL.Request|id, Details|dict, Arguments|list, ArgumentsKw|dict]`
    Result {
        request: u64,
        details: Dict,
        args: List,
        kwargs: Dict,
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
        args: List,
        kwargs: Dict,
    },
    /// `[INTERRUPT, INVOCATION.Request|id, Options|dict]`
    Interrupt { request: u64, options: Dict },
    /// `[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]`
    Yield {
        request: u64,
        options: Dict,
        args: List,
        kwargs: Dict,
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
    pub(crate) fn write_to<W: MessageWriter>(&self, writer: &mut W) -> Result<(), W::Error> {
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
                args,
                kwargs,
            } => {
                writer.begin(5 + payload_len(args, kwargs))?;
                writer.id(code)?;
                writer.id(request_type.code())?;
                writer.id(*request)?;
                writer.dict(details)?;
                writer.str(error)?;
                write_payload(writer, args, kwargs)?;
            }
            Message::Publish {
                request,
                options,
                topic: uri,
                args,
                kwargs,
            }
            | Message::Call {
                request,
                options,
                procedure: uri,
                args,
                kwargs,
            } => {
                writer.begin(4 + payload_len(args, kwargs))?;
                writer.id(code)?;
                writer.id(*request)?;
                writer.dict(options)?;
                writer.str(uri)?;
                write_payload(writer, args, kwargs)?;
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
                args,
                kwargs,
            }
            | Message::Invocation {
                request: first,
                registration: second,
                details,
                args,
                kwargs,
            } => {
                writer.begin(4 + payload_len(args, kwargs))?;
                writer.id(code)?;
                writer.id(*first)?;
                writer.id(*second)?;
                writer.dict(details)?;
                write_payload(writer, args, kwargs)?;
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
                args,
                kwargs,
            }
            | Message::Yield {
                request,
                options: dict,
                args,
                kwargs,
            } => {
                writer.begin(3 + payload_len(args, kwargs))?;
                writer.id(code)?;
                writer.id(*request)?;
                writer.dict(dict)?;
                write_payload(writer, args, kwargs)?;
            }
        }
        writer.end()
    }

    /// Reads a message from the elements of its decoded wire list.
    pub(crate) fn from_elements(
        elements: impl ExactSizeIterator<Item = Value>,
    ) -> Result<Message, DecodeError> {
        let mut fields = Fields::new(elements)?;
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
                args: fields.args()?,
                kwargs: fields.kwargs()?,
            },
            MessageType::Publish => Message::Publish {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                topic: fields.string("Topic")?,
                args: fields.args()?,
                kwargs: fields.kwargs()?,
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
                args: fields.args()?,
                kwargs: fields.kwargs()?,
            },
            MessageType::Call => Message::Call {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                procedure: fields.string("Procedure")?,
                args: fields.args()?,
                kwargs: fields.kwargs()?,
            },
            MessageType::Cancel => Message::Cancel {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
            },
            MessageType::Result => Message::Result {
                request: fields.id("Request")?,
                details: fields.dict("Details")?,
                args: fields.args()?,
                kwargs: fields.kwargs()?,
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
                args: fields.args()?,
                kwargs: fields.kwargs()?,
            },
            MessageType::Interrupt => Message::Interrupt {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
            },
            MessageType::Yield => Message::Yield {
                request: fields.id("Request")?,
                options: fields.dict("Options")?,
                args: fields.args()?,
                kwargs: fields.kwargs()?,
            },
        };
        fields.finish()?;
        Ok(message)
    }
}

/// How many payload elements an encoder writes: none, args, or args and kwargs.
fn payload_len(args: &List, kwargs: &Dict) -> usize {
    match (args.is_empty(), kwargs.is_empty()) {
        (_, false) => 2,
        (false, true) => 1,
        (true, true) => 0,
    }
}

fn write_payload<W: MessageWriter>(writer: &mut W, args: &List, kwargs: &Dict) -> Result<(), W::Error> {
    match payload_len(args, kwargs) {
        2 => {
            writer.list(args)?;
            writer.dict(kwargs)
        }
        1 => writer.list(args),
        _ => Ok(()),
    }
}

/// What a serializer implements to write a message: a list whose length is known up front.
pub(crate) trait MessageWriter {
    type Error;
    fn begin(&mut self, len: usize) -> Result<(), Self::Error>;
    fn id(&mut self, id: u64) -> Result<(), Self::Error>;
    fn str(&mut self, text: &str) -> Result<(), Self::Error>;
    fn dict(&mut self, dict: &Dict) -> Result<(), Self::Error>;
    fn list(&mut self, list: &List) -> Result<(), Self::Error>;
    fn end(&mut self) -> Result<(), Self::Error>;
}

/// The elements of a decoded message list, taken in order, with errors naming the field.
struct Fields<I> {
    message_type: MessageType,
    elements: I,
    /// The position of the next element in the message list.
    position: usize,
}

impl<I: ExactSizeIterator<Item = Value>> Fields<I> {
    fn new(mut elements: I) -> Result<Fields<I>, DecodeError> {
        let code = match elements.next() {
            None => return Err(DecodeError::message("a WAMP message is a non-empty list, got []")),
            Some(Value::Integer(code)) => code,
            Some(other) => {
                return Err(DecodeError::message(format!(
                    "a WAMP message starts with its type code (an integer), got {}",
                    other.kind_name()
                )));
            }
        };
        let message_type = u64::try_from(code)
            .ok()
            .and_then(MessageType::from_code)
            .ok_or_else(|| DecodeError::message(format!("unknown WAMP message type {code}")))?;
        Ok(Fields {
            message_type,
            elements,
            position: 1,
        })
    }

    fn next(&mut self, field: &str) -> Result<Value, DecodeError> {
        let value = self.elements.next().ok_or_else(|| {
            DecodeError::message(format!(
                "{} has too few elements: {field} (element {}) is missing",
                self.message_type, self.position
            ))
        })?;
        self.position += 1;
        Ok(value)
    }

    fn wrong_type(&self, field: &str, expected: &str, got: &Value) -> DecodeError {
        DecodeError::message(format!(
            "{}.{field} (element {}) must be {expected}, got {}",
            self.message_type,
            self.position - 1,
            got.kind_name()
        ))
    }

    fn id(&mut self, field: &str) -> Result<u64, DecodeError> {
        match self.next(field)? {
            Value::Integer(id) => u64::try_from(id).map_err(|_| {
                DecodeError::message(format!(
                    "{}.{field} (element {}) must be an id (0 to 2^64-1), got {id}",
                    self.message_type,
                    self.position - 1
                ))
            }),
            other => Err(self.wrong_type(field, "an integer", &other)),
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
        match self.next(field)? {
            Value::String(text) => Ok(text.into_string()),
            other => Err(self.wrong_type(field, "a string", &other)),
        }
    }

    fn dict(&mut self, field: &str) -> Result<Dict, DecodeError> {
        match self.next(field)? {
            Value::Dict(dict) => Ok(dict),
            other => Err(self.wrong_type(field, "a dict", &other)),
        }
    }

    fn optional_dict(&mut self, field: &str) -> Result<Dict, DecodeError> {
        if self.elements.len() == 0 {
            return Ok(Dict::new());
        }
        self.dict(field)
    }

    fn args(&mut self) -> Result<List, DecodeError> {
        if self.elements.len() == 0 {
            return Ok(List::new());
        }
        match self.next("Arguments")? {
            Value::List(list) => Ok(list),
            other => Err(self.wrong_type("Arguments", "a list", &other)),
        }
    }

    fn kwargs(&mut self) -> Result<Dict, DecodeError> {
        self.optional_dict("ArgumentsKw")
    }

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
