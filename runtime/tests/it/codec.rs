//! The wire codecs: round trips of every message in every serializer, Autobahn's exact bytes,
//! clear errors (never a panic) on malformed input, and what foreign peers send that costs a
//! payload, not the message around it.

use sha2::{Digest, Sha256};
use wamp_idl_runtime::wire::{DecodeLimits, Message, MessageType, Serializer};
use wamp_idl_runtime::{Bytes, Dict, FromPayload, FromValue, List, Payload, Value};

fn text(text: &str) -> Value {
    Value::String(text.into())
}

fn int(integer: i128) -> Value {
    Value::Integer(integer)
}

fn dict<const N: usize>(entries: [(&str, Value); N]) -> Dict {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&hex[index..index + 2], 16).expect("test hex is valid"))
        .collect()
}

/// At least one message of every type, with payloads of every kind of value.
fn every_message() -> Vec<Message> {
    let payload_args = vec![
        Value::Null,
        Value::Bool(true),
        int(-(1 << 63)),
        int(u64::MAX.into()),
        Value::Float(-2.5e-7),
        text("ünïcødé ✓ \u{1F600}"),
        Value::Bytes(vec![0, 1, 2, 0xff].into()),
        Value::List(vec![Value::List(vec![]), Value::Dict(Dict::new())]),
    ];
    let payload_kwargs = dict([
        (
            "nested",
            Value::Dict(dict([("deeper", Value::List(vec![int(1), text("two")]))])),
        ),
        ("empty", text("")),
    ]);
    let details = dict([("x_flag", Value::Bool(false)), ("count", int(3))]);
    vec![
        Message::Hello {
            realm: "realm1".into(),
            details: dict([("roles", Value::Dict(dict([("caller", Value::Dict(Dict::new()))])))]),
        },
        Message::Welcome {
            session: 9_007_199_254_740_991,
            details: details.clone(),
        },
        Message::Abort {
            details: dict([("message", text("no such realm"))]),
            reason: "wamp.error.no_such_realm".into(),
        },
        Message::Challenge {
            auth_method: "wampcra".into(),
            extra: dict([("challenge", text("{\"nonce\": 1}"))]),
        },
        Message::Authenticate {
            signature: "c2lnbmF0dXJl".into(),
            extra: Dict::new(),
        },
        Message::Goodbye {
            details: Dict::new(),
            reason: "wamp.close.system_shutdown".into(),
        },
        Message::Error {
            request_type: MessageType::Call,
            request: 7,
            details: Dict::new(),
            error: "com.example.error".into(),
            payload: Payload::new(payload_args.clone(), payload_kwargs.clone()),
        },
        Message::Error {
            request_type: MessageType::Subscribe,
            request: 8,
            details: Dict::new(),
            error: "wamp.error.not_authorized".into(),
            payload: Payload::new(List::new(), Dict::new()),
        },
        Message::Publish {
            request: 1,
            options: dict([("acknowledge", Value::Bool(true))]),
            topic: "com.example.topic".into(),
            payload: Payload::new(List::new(), payload_kwargs.clone()),
        },
        Message::Published {
            request: 1,
            publication: 2,
        },
        Message::Subscribe {
            request: 2,
            options: dict([("match", text("prefix"))]),
            topic: "com.example".into(),
        },
        Message::Subscribed {
            request: 2,
            subscription: 3,
        },
        Message::Unsubscribe {
            request: 4,
            subscription: 3,
        },
        Message::Unsubscribed {
            request: 4,
            details: Dict::new(),
        },
        Message::Unsubscribed {
            request: 0,
            details: dict([("subscription", int(3))]),
        },
        Message::Event {
            subscription: 3,
            publication: 5,
            details: details.clone(),
            payload: Payload::new(payload_args.clone(), Dict::new()),
        },
        Message::Call {
            request: 6,
            options: dict([("timeout", int(1000))]),
            procedure: "com.example.add".into(),
            payload: Payload::new(vec![int(2), int(3)], Dict::new()),
        },
        Message::Cancel {
            request: 6,
            options: dict([("mode", text("kill"))]),
        },
        Message::Result {
            request: 6,
            details: Dict::new(),
            payload: Payload::new(payload_args.clone(), payload_kwargs.clone()),
        },
        Message::Register {
            request: 9,
            options: dict([("invoke", text("roundrobin"))]),
            procedure: "com.example.add".into(),
        },
        Message::Registered {
            request: 9,
            registration: 10,
        },
        Message::Unregister {
            request: 11,
            registration: 10,
        },
        Message::Unregistered {
            request: 11,
            details: Dict::new(),
        },
        Message::Invocation {
            request: 12,
            registration: 10,
            details: Dict::new(),
            payload: Payload::new(vec![int(2), int(3)], payload_kwargs.clone()),
        },
        Message::Interrupt {
            request: 12,
            options: dict([("reason", text("wamp.error.canceled"))]),
        },
        Message::Yield {
            request: 12,
            options: Dict::new(),
            payload: Payload::new(vec![int(5)], Dict::new()),
        },
    ]
}

#[test]
fn every_message_type_round_trips_in_every_serializer() {
    let messages = every_message();
    let covered: std::collections::BTreeSet<MessageType> =
        messages.iter().map(Message::message_type).collect();
    assert_eq!(
        covered.len(),
        MessageType::ALL.len(),
        "every message type has a sample"
    );
    for serializer in Serializer::ALL {
        for message in &messages {
            let bytes = serializer
                .encode(message)
                .unwrap_or_else(|error| panic!("{serializer}: encoding {message:?}: {error}"));
            let decoded = serializer
                .decode(&bytes)
                .unwrap_or_else(|error| panic!("{serializer}: decoding {message:?}: {error}"));
            assert_eq!(&decoded, message, "{serializer} round trip");
        }
    }
}

#[test]
fn message_codes_and_names_follow_the_spec() {
    let expected = [
        (1, "HELLO"),
        (2, "WELCOME"),
        (3, "ABORT"),
        (4, "CHALLENGE"),
        (5, "AUTHENTICATE"),
        (6, "GOODBYE"),
        (8, "ERROR"),
        (16, "PUBLISH"),
        (17, "PUBLISHED"),
        (32, "SUBSCRIBE"),
        (33, "SUBSCRIBED"),
        (34, "UNSUBSCRIBE"),
        (35, "UNSUBSCRIBED"),
        (36, "EVENT"),
        (48, "CALL"),
        (49, "CANCEL"),
        (50, "RESULT"),
        (64, "REGISTER"),
        (65, "REGISTERED"),
        (66, "UNREGISTER"),
        (67, "UNREGISTERED"),
        (68, "INVOCATION"),
        (69, "INTERRUPT"),
        (70, "YIELD"),
    ];
    let actual: Vec<(u64, &str)> = MessageType::ALL
        .iter()
        .map(|kind| (kind.code(), kind.name()))
        .collect();
    assert_eq!(actual, expected);
    assert_eq!(MessageType::from_code(7), None);
}

#[test]
fn serializers_name_their_subprotocol_and_rawsocket_id() {
    let actual: Vec<(&str, u8, bool)> = Serializer::ALL
        .iter()
        .map(|serializer| {
            (
                serializer.subprotocol(),
                serializer.rawsocket_id(),
                serializer.is_binary(),
            )
        })
        .collect();
    assert_eq!(
        actual,
        [
            ("wamp.2.json", 1, false),
            ("wamp.2.msgpack", 2, true),
            ("wamp.2.cbor", 3, true),
            ("wamp.2.ubjson", 4, true)
        ]
    );
    for serializer in Serializer::ALL {
        assert_eq!(
            Serializer::from_subprotocol(serializer.subprotocol()),
            Some(serializer)
        );
        assert_eq!(
            Serializer::from_rawsocket_id(serializer.rawsocket_id()),
            Some(serializer)
        );
    }
    assert_eq!(Serializer::from_subprotocol("wamp.2.flatbuffers"), None);
    assert_eq!(Serializer::from_rawsocket_id(5), None);
}

/// The messages of the golden vectors, as they were built in Python to produce [`GOLDEN`].
fn golden_message(name: &str) -> Message {
    match name {
        "hello" => Message::Hello {
            realm: "com.example.realm".into(),
            details: dict([
                (
                    "authmethods",
                    Value::List(vec![text("anonymous"), text("ticket")]),
                ),
                (
                    "roles",
                    Value::Dict(dict([
                        (
                            "caller",
                            Value::Dict(dict([(
                                "features",
                                Value::Dict(dict([("progressive_call_results", Value::Bool(true))])),
                            )])),
                        ),
                        ("subscriber", Value::Dict(Dict::new())),
                    ])),
                ),
            ]),
        },
        "welcome" => Message::Welcome {
            session: (1 << 53) - 1,
            details: dict([
                ("authid", text("ÄÖÜ-用户")),
                ("authrole", text("anonymous")),
                ("x_cb_node", text("node1")),
            ]),
        },
        "event" => Message::Event {
            subscription: 5_512_315_355,
            publication: 4_429_313_566,
            details: Dict::new(),
            payload: Payload::new(
                vec![
                    Value::Bytes(vec![0x00, 0x01, 0xfe, 0xff].into()),
                    int(-1),
                    int(-129),
                    int(65535),
                    int(65536),
                    int(u64::MAX.into()),
                    int(i64::MIN.into()),
                    Value::Float(1.5),
                    Value::Float(0.1),
                    Value::Float(1e16),
                    Value::Float(-0.0),
                    Value::Float(1e-5),
                    Value::Bool(true),
                    Value::Bool(false),
                    Value::Null,
                    text(""),
                    text("x"),
                    text("é€😀 \" \\ \n \t \u{1}"),
                ],
                dict([
                    ("big", int(1 << 63)),
                    (
                        "nested",
                        Value::Dict(dict([
                            ("bytes", Value::Bytes(Default::default())),
                            (
                                "list",
                                Value::List(vec![Value::List(vec![]), Value::Dict(Dict::new())]),
                            ),
                        ])),
                    ),
                ]),
            ),
        },
        "call" => Message::Call {
            request: 7_814_135,
            options: dict([("timeout", int(1000))]),
            procedure: "com.myapp.echo".into(),
            payload: Payload::new(vec![text("Hello, world!")], Dict::new()),
        },
        "result" => Message::Result {
            request: 7_814_135,
            details: Dict::new(),
            payload: Payload::new(List::new(), Dict::new()),
        },
        "error" => Message::Error {
            request_type: MessageType::Call,
            request: 7_814_135,
            details: Dict::new(),
            error: "wamp.error.no_such_procedure".into(),
            payload: Payload::new(
                vec![text("no callee registered for procedure <com.myapp.echo>")],
                Dict::new(),
            ),
        },
        "publish" => Message::Publish {
            request: 239_714_735,
            options: dict([
                ("acknowledge", Value::Bool(true)),
                ("exclude_me", Value::Bool(false)),
            ]),
            topic: "com.myapp.topic1".into(),
            payload: Payload::new(
                List::new(),
                dict([
                    ("color", text("orange")),
                    ("sizes", Value::List(vec![int(23), int(42), int(7)])),
                ]),
            ),
        },
        "unsubscribed" => Message::Unsubscribed {
            request: 0,
            details: dict([
                ("reason", text("wamp.error.subscription_revoked")),
                ("subscription", int(1_293_722)),
            ]),
        },
        "long_strings" => Message::Call {
            request: 1,
            options: Dict::new(),
            procedure: format!("com.example.{}", "x".repeat(300)),
            payload: Payload::new(
                vec![Value::Bytes(vec![0xab; 300].into()), text(&"y".repeat(70_000))],
                Dict::new(),
            ),
        },
        other => panic!("no golden message {other}"),
    }
}

/// Bytes written by Autobahn|Python's own object serializers (`JsonObjectSerializer`,
/// `MsgPackObjectSerializer`, `CBORObjectSerializer`, `UBJSONObjectSerializer`) for the messages
/// of [`golden_message`], with autobahn 26.10.2, msgpack 1.2.4, cbor2 6.2.1 and bjdata 0.6.6
/// (its C extension), on CPython 3.11.7.
const GOLDEN: &[(&str, Serializer, &str)] = &[
    (
        "hello",
        Serializer::Json,
        "5b312c22636f6d2e6578616d706c652e7265616c6d222c7b22617574686d6574686f6473223a5b22616e6f6e796d6f7573222c227469636b6574225d2c22726f6c6573223a7b2263616c6c6572223a7b226665617475726573223a7b2270726f67726573736976655f63616c6c5f726573756c7473223a747275657d7d2c2273756273637269626572223a7b7d7d7d5d",
    ),
    (
        "hello",
        Serializer::MsgPack,
        "9301b1636f6d2e6578616d706c652e7265616c6d82ab617574686d6574686f647392a9616e6f6e796d6f7573a67469636b6574a5726f6c657382a663616c6c657281a8666561747572657381b870726f67726573736976655f63616c6c5f726573756c7473c3aa7375627363726962657280",
    ),
    (
        "hello",
        Serializer::Cbor,
        "830171636f6d2e6578616d706c652e7265616c6da26b617574686d6574686f64738269616e6f6e796d6f7573667469636b657465726f6c6573a26663616c6c6572a1686665617475726573a1781870726f67726573736976655f63616c6c5f726573756c7473f56a73756273637269626572a0",
    ),
    (
        "hello",
        Serializer::UbJson,
        "5b5501535511636f6d2e6578616d706c652e7265616c6d7b550b617574686d6574686f64735b535509616e6f6e796d6f75735355067469636b65745d5505726f6c65737b550663616c6c65727b550866656174757265737b551870726f67726573736976655f63616c6c5f726573756c7473547d7d550a737562736372696265727b7d7d7d5d",
    ),
    (
        "welcome",
        Serializer::Json,
        "5b322c393030373139393235343734303939312c7b22617574686964223a22c384c396c39c2de794a8e688b7222c2261757468726f6c65223a22616e6f6e796d6f7573222c22785f63625f6e6f6465223a226e6f646531227d5d",
    ),
    (
        "welcome",
        Serializer::MsgPack,
        "9302cf001fffffffffffff83a6617574686964adc384c396c39c2de794a8e688b7a861757468726f6c65a9616e6f6e796d6f7573a9785f63625f6e6f6465a56e6f646531",
    ),
    (
        "welcome",
        Serializer::Cbor,
        "83021b001fffffffffffffa3666175746869646dc384c396c39c2de794a8e688b76861757468726f6c6569616e6f6e796d6f757369785f63625f6e6f6465656e6f646531",
    ),
    (
        "welcome",
        Serializer::UbJson,
        "5b55024dffffffffffff1f007b550661757468696453550dc384c396c39c2de794a8e688b7550861757468726f6c65535509616e6f6e796d6f75735509785f63625f6e6f64655355056e6f6465317d5d",
    ),
    (
        "event",
        Serializer::Json,
        "5b33362c353531323331353335352c343432393331333536362c7b7d2c5b225c75303030304141482b2f773d3d222c2d312c2d3132392c36353533352c36353533362c31383434363734343037333730393535313631352c2d393232333337323033363835343737353830382c312e352c302e312c31652b31362c2d302e302c31652d30352c747275652c66616c73652c6e756c6c2c22222c2278222c22c3a9e282acf09f9880205c22205c5c205c6e205c74205c7530303031225d2c7b22626967223a393232333337323033363835343737353830382c226e6573746564223a7b226279746573223a225c7530303030222c226c697374223a5b5b5d2c7b7d5d7d7d5d",
    ),
    (
        "event",
        Serializer::MsgPack,
        "9624cf00000001488f41dbcf000000010801f61e80dc0012c4040001feffffd1ff7fcdffffce00010000cfffffffffffffffffd38000000000000000cb3ff8000000000000cb3fb999999999999acb4341c37937e08000cb8000000000000000cb3ee4f8b588e368f1c3c2c0a0a178b3c3a9e282acf09f98802022205c200a2009200182a3626967cf8000000000000000a66e657374656482a56279746573c400a46c697374929080",
    ),
    (
        "event",
        Serializer::Cbor,
        "8618241b00000001488f41db1b000000010801f61ea092440001feff20388019ffff1a000100001bffffffffffffffff3b7ffffffffffffffffb3ff8000000000000fb3fb999999999999afb4341c37937e08000fb8000000000000000fb3ee4f8b588e368f1f5f4f660617873c3a9e282acf09f98802022205c200a20092001a2636269671b8000000000000000666e6573746564a265627974657340646c6973748280a0",
    ),
    (
        "event",
        Serializer::UbJson,
        "5b55244ddb418f48010000004d1ef60108010000007b7d5b5b24422355040001feff69ff497fff75ffff6d000001004dffffffffffffffff4c000000000000008044000000000000f83f449a9999999999b93f440080e03779c34143640000008044f168e388b5f8e43e54465a5355004378535513c3a9e282acf09f98802022205c200a200920015d7b55036269674d000000000000008055066e65737465647b550562797465735b244223550055046c6973745b5b5d7b7d5d7d7d5d",
    ),
    (
        "call",
        Serializer::Json,
        "5b34382c373831343133352c7b2274696d656f7574223a313030307d2c22636f6d2e6d796170702e6563686f222c5b2248656c6c6f2c20776f726c6421225d5d",
    ),
    (
        "call",
        Serializer::MsgPack,
        "9530ce00773bf781a774696d656f7574cd03e8ae636f6d2e6d796170702e6563686f91ad48656c6c6f2c20776f726c6421",
    ),
    (
        "call",
        Serializer::Cbor,
        "8518301a00773bf7a16774696d656f75741903e86e636f6d2e6d796170702e6563686f816d48656c6c6f2c20776f726c6421",
    ),
    (
        "call",
        Serializer::UbJson,
        "5b55306df73b77007b550774696d656f757475e8037d53550e636f6d2e6d796170702e6563686f5b53550d48656c6c6f2c20776f726c64215d5d",
    ),
    ("result", Serializer::Json, "5b35302c373831343133352c7b7d5d"),
    ("result", Serializer::MsgPack, "9332ce00773bf780"),
    ("result", Serializer::Cbor, "8318321a00773bf7a0"),
    ("result", Serializer::UbJson, "5b55326df73b77007b7d5d"),
    (
        "error",
        Serializer::Json,
        "5b382c34382c373831343133352c7b7d2c2277616d702e6572726f722e6e6f5f737563685f70726f636564757265222c5b226e6f2063616c6c6565207265676973746572656420666f722070726f636564757265203c636f6d2e6d796170702e6563686f3e225d5d",
    ),
    (
        "error",
        Serializer::MsgPack,
        "960830ce00773bf780bc77616d702e6572726f722e6e6f5f737563685f70726f63656475726591d9336e6f2063616c6c6565207265676973746572656420666f722070726f636564757265203c636f6d2e6d796170702e6563686f3e",
    ),
    (
        "error",
        Serializer::Cbor,
        "860818301a00773bf7a0781c77616d702e6572726f722e6e6f5f737563685f70726f6365647572658178336e6f2063616c6c6565207265676973746572656420666f722070726f636564757265203c636f6d2e6d796170702e6563686f3e",
    ),
    (
        "error",
        Serializer::UbJson,
        "5b550855306df73b77007b7d53551c77616d702e6572726f722e6e6f5f737563685f70726f6365647572655b5355336e6f2063616c6c6565207265676973746572656420666f722070726f636564757265203c636f6d2e6d796170702e6563686f3e5d5d",
    ),
    (
        "publish",
        Serializer::Json,
        "5b31362c3233393731343733352c7b2261636b6e6f776c65646765223a747275652c226578636c7564655f6d65223a66616c73657d2c22636f6d2e6d796170702e746f70696331222c5b5d2c7b22636f6c6f72223a226f72616e6765222c2273697a6573223a5b32332c34322c375d7d5d",
    ),
    (
        "publish",
        Serializer::MsgPack,
        "9610ce0e49c1af82ab61636b6e6f776c65646765c3aa6578636c7564655f6d65c2b0636f6d2e6d796170702e746f706963319082a5636f6c6f72a66f72616e6765a573697a657393172a07",
    ),
    (
        "publish",
        Serializer::Cbor,
        "86101a0e49c1afa26b61636b6e6f776c65646765f56a6578636c7564655f6d65f470636f6d2e6d796170702e746f7069633180a265636f6c6f72666f72616e67656573697a65738317182a07",
    ),
    (
        "publish",
        Serializer::UbJson,
        "5b55106dafc1490e7b550b61636b6e6f776c6564676554550a6578636c7564655f6d65467d535510636f6d2e6d796170702e746f706963315b5d7b5505636f6c6f725355066f72616e6765550573697a65735b5517552a55075d7d5d",
    ),
    (
        "unsubscribed",
        Serializer::Json,
        "5b33352c302c7b22726561736f6e223a2277616d702e6572726f722e737562736372697074696f6e5f7265766f6b6564222c22737562736372697074696f6e223a313239333732327d5d",
    ),
    (
        "unsubscribed",
        Serializer::MsgPack,
        "93230082a6726561736f6ebf77616d702e6572726f722e737562736372697074696f6e5f7265766f6b6564ac737562736372697074696f6ece0013bd9a",
    ),
    (
        "unsubscribed",
        Serializer::Cbor,
        "83182300a266726561736f6e781f77616d702e6572726f722e737562736372697074696f6e5f7265766f6b65646c737562736372697074696f6e1a0013bd9a",
    ),
    (
        "unsubscribed",
        Serializer::UbJson,
        "5b552355007b5506726561736f6e53551f77616d702e6572726f722e737562736372697074696f6e5f7265766f6b6564550c737562736372697074696f6e6d9abd13007d5d",
    ),
];

/// The same for `long_strings`, whose 70 KB are given by length and SHA-256.
const GOLDEN_LONG: &[(Serializer, usize, &str)] = &[
    (
        Serializer::Json,
        70738,
        "f458db71041b9701281af102b72e637bbd2ede31ed2cac7d1f3c5f93ee3cb0f0",
    ),
    (
        Serializer::MsgPack,
        70628,
        "1f9f87fe645b6251016df92163695a6dabfc4ee25acdb6248be13031e6d4d5ca",
    ),
    (
        Serializer::Cbor,
        70629,
        "954c562d2571db2c4df6370cf543085abba860af8f48ec194a6493668c575425",
    ),
    (
        Serializer::UbJson,
        70639,
        "a2da8276386c8a2c3164e56add2e4875242e2731c93b14001aee4e3b040ba0c0",
    ),
];

/// Where our bytes differ from Autobahn's [`GOLDEN`] ones: cbor2 writes every float as a double,
/// our CBOR encoder in the shortest width that holds it exactly, as RFC 8949's preferred
/// serialization does (`1.5` and `-0.0` as half floats here, `0.1`, `1e16` and `1e-5` as doubles).
const OURS_WHERE_DIFFERENT: &[(&str, Serializer, &str)] = &[(
    "event",
    Serializer::Cbor,
    "8618241b00000001488f41db1b000000010801f61ea092440001feff20388019ffff1a000100001bffffffffffffffff3b7ffffffffffffffff93e00fb3fb999999999999afb4341c37937e08000f98000fb3ee4f8b588e368f1f5f4f660617873c3a9e282acf09f98802022205c200a20092001a2636269671b8000000000000000666e6573746564a265627974657340646c6973748280a0",
)];

#[test]
fn encodings_match_autobahn_byte_for_byte() {
    for (name, serializer, golden) in GOLDEN {
        let message = golden_message(name);
        let encoded = serializer
            .encode(&message)
            .unwrap_or_else(|error| panic!("{serializer} {name}: {error}"));
        let ours = OURS_WHERE_DIFFERENT
            .iter()
            .find(|(other, with, _)| other == name && with == serializer)
            .map_or(*golden, |(_, _, ours)| *ours);
        assert_eq!(hex(&encoded), ours, "{serializer} encoding of {name}");
        for bytes in [golden, ours] {
            let decoded = serializer
                .decode(&unhex(bytes))
                .unwrap_or_else(|error| panic!("{serializer} {name}: {error}"));
            assert_eq!(decoded, message, "{serializer} decoding of {name}");
        }
    }
    for (serializer, len, sha256) in GOLDEN_LONG {
        let encoded = serializer
            .encode(&golden_message("long_strings"))
            .expect("long strings encode");
        assert_eq!(
            (encoded.len(), hex(&Sha256::digest(&encoded))),
            (*len, sha256.to_string())
        );
        assert_eq!(serializer.decode(&encoded), Ok(golden_message("long_strings")));
    }
}

#[test]
fn python_specific_values_decode_as_autobahn_reads_them() {
    let cases: &[(Serializer, &str, Value)] = &[
        // Python's json writes non-finite floats as bare words.
        (
            Serializer::Json,
            "[Infinity,-Infinity]",
            Value::List(vec![Value::Float(f64::INFINITY), Value::Float(f64::NEG_INFINITY)]),
        ),
        (
            Serializer::Json,
            " [ 1 , 2.0e0 , \"\\u00e9\\ud83d\\ude00\" ] ",
            Value::List(vec![int(1), Value::Float(2.0), text("é😀")]),
        ),
        // Binary strings, also with escapes that other JSON encoders write (`\/`).
        (
            Serializer::Json,
            "[\"\\u0000AAH/\",\"\\u0000AAH\\/\"]",
            Value::List(vec![
                Value::Bytes(vec![0, 1, 0xff].into()),
                Value::Bytes(vec![0, 1, 0xff].into()),
            ]),
        ),
        // cbor2 reads indefinite lengths and half floats.
        (
            Serializer::Cbor,
            "9f01f93e00ff",
            Value::List(vec![int(1), Value::Float(1.5)]),
        ),
        (Serializer::Cbor, "bf616101ff", Value::Dict(dict([("a", int(1))]))),
        (Serializer::Cbor, "c249010000000000000000", int(1 << 64)),
        // BJData sized and typed containers, and high-precision numbers beyond 64 bits.
        (
            Serializer::UbJson,
            "5b235503550155025503",
            Value::List(vec![int(1), int(2), int(3)]),
        ),
        (
            Serializer::UbJson,
            "5b2469235503 01ff02",
            Value::List(vec![int(1), int(-1), int(2)]),
        ),
        (
            Serializer::UbJson,
            "7b2455235502 5501 61 01 5501 62 02",
            Value::Dict(dict([("a", int(1)), ("b", int(2))])),
        ),
        (
            Serializer::UbJson,
            "4855143138343436373434303733373039353531363136",
            int(1 << 64),
        ),
        (Serializer::UbJson, "5b4e55014e5d", Value::List(vec![int(1)])),
        (Serializer::MsgPack, "ca3fc00000", Value::Float(1.5)),
    ];
    for (serializer, input, expected) in cases {
        let bytes = match serializer {
            Serializer::Json => input.as_bytes().to_vec(),
            _ => unhex(&input.replace(' ', "")),
        };
        let decoded = serializer.decode_value_with(&bytes, &DecodeLimits::default());
        assert_eq!(decoded.as_ref(), Ok(expected), "{serializer} {input}");
    }
}

#[test]
fn json_floats_are_written_as_python_repr_writes_them() {
    let floats = [
        0.0,
        -0.0,
        1.0,
        0.1,
        1e-4,
        1e-5,
        123456.789,
        1e15,
        1e16,
        1.5e16,
        9007199254740992.0,
        5e-324,
        1.7976931348623157e308,
        2.5e-7,
        1.2345678901234568e18,
        0.30000000000000004,
        100.0,
        1e21,
        1e22,
        -1.25e-10,
        1.2345,
        43.61577550871403,
    ];
    let value = Value::List(floats.iter().map(|float| Value::Float(*float)).collect());
    let mut encoded = Vec::new();
    Serializer::Json
        .encode_value(&value, &mut encoded)
        .expect("floats encode");
    // json.dumps(floats, separators=(",", ":")) on CPython 3.11.7.
    let python = "[0.0,-0.0,1.0,0.1,0.0001,1e-05,123456.789,1000000000000000.0,1e+16,1.5e+16,\
        9007199254740992.0,5e-324,1.7976931348623157e+308,2.5e-07,1.2345678901234568e+18,\
        0.30000000000000004,100.0,1e+21,1e+22,-1.25e-10,1.2345,43.61577550871403]";
    assert_eq!(String::from_utf8_lossy(&encoded), python);
    let decoded = Serializer::Json.decode_value_with(python.as_bytes(), &DecodeLimits::default());
    assert_eq!(decoded, Ok(value));
}

/// The binary formats' strings and integers on either side of every change of head: each takes
/// the shortest head its format has, and reads back as written.
#[test]
fn strings_and_integers_at_every_head_boundary_take_the_shortest_form() {
    // The bytes of a string's head (marker and length) by format, for a length.
    let msgpack = |len: usize| match len {
        0..32 => 1,
        32..256 => 2,
        256..65536 => 3,
        _ => 5,
    };
    let cbor = |len: usize| match len {
        0..24 => 1,
        24..256 => 2,
        256..65536 => 3,
        _ => 5,
    };
    // BJData writes a one-byte string as a char; others as `S`, a length with its marker.
    let bjdata = |len: usize| match len {
        1 => 1,
        0..256 => 3,
        256..65536 => 4,
        _ => 6,
    };
    let heads: [(Serializer, &dyn Fn(usize) -> usize); 3] = [
        (Serializer::MsgPack, &msgpack),
        (Serializer::Cbor, &cbor),
        (Serializer::UbJson, &bjdata),
    ];
    let limits = DecodeLimits::default();
    for (serializer, head) in heads {
        for len in [0, 1, 2, 15, 16, 23, 24, 31, 32, 33, 34, 255, 256, 65535, 65536] {
            let value = text(
                &"é"
                    .repeat(len / 2)
                    .chars()
                    .chain("x".repeat(len % 2).chars())
                    .collect::<String>(),
            );
            let mut encoded = Vec::new();
            serializer
                .encode_value(&value, &mut encoded)
                .expect("strings encode");
            assert_eq!(
                encoded.len(),
                head(len) + len,
                "{serializer}: a string of {len} bytes"
            );
            assert_eq!(
                serializer.decode_value_with(&encoded, &limits),
                Ok(value),
                "{serializer}: {len} bytes"
            );
        }
        let integers = [
            0,
            1,
            23,
            24,
            127,
            128,
            255,
            256,
            65535,
            65536,
            (1 << 32) - 1,
            1 << 32,
            u64::MAX.into(),
            -1,
            -24,
            -25,
            -32,
            -33,
            -128,
            -129,
            -32768,
            -32769,
            i64::MIN.into(),
        ];
        for integer in integers {
            let mut encoded = Vec::new();
            serializer
                .encode_value(&int(integer), &mut encoded)
                .expect("64-bit integers encode");
            assert_eq!(
                serializer.decode_value_with(&encoded, &limits),
                Ok(int(integer)),
                "{serializer}: {integer}"
            );
        }
    }
}

#[test]
fn integers_beyond_the_format_fail_to_encode_with_a_clear_message() {
    let message = Message::Yield {
        request: 1,
        options: Dict::new(),
        payload: Payload::new(vec![int(1 << 64)], Dict::new()),
    };
    let error = Serializer::MsgPack
        .encode(&message)
        .expect_err("2^64 does not fit MessagePack");
    assert_eq!(
        error.to_string(),
        "MessagePack integers range from -2^63 to 2^64-1, got 18446744073709551616"
    );
    for serializer in [Serializer::Json, Serializer::Cbor, Serializer::UbJson] {
        let bytes = serializer.encode(&message).expect("128-bit integers fit");
        assert_eq!(serializer.decode(&bytes), Ok(message.clone()), "{serializer}");
    }
}

/// Decodes `input` (hex, or text for JSON); returns a description of the mismatch, if the
/// error message is not `expected`.
fn check_error(serializer: Serializer, input: &str, expected: &str) -> Option<String> {
    let bytes = match serializer {
        Serializer::Json => input.as_bytes().to_vec(),
        _ => unhex(&input.replace(' ', "")),
    };
    match serializer.decode(&bytes) {
        Ok(message) => Some(format!(
            "{serializer} {input}: decoded {message:?}, expected {expected:?}"
        )),
        Err(error) if error.to_string() == expected => None,
        Err(error) => Some(format!(
            "{serializer} {input}: got {:?}, expected {expected:?}",
            error.to_string()
        )),
    }
}

#[test]
fn malformed_messages_are_refused_with_clear_messages() {
    use Serializer::{Cbor, Json, MsgPack, UbJson};
    let cases: &[(Serializer, &str, &str)] = &[
        // The message structure, the same whatever the serializer.
        (Json, "{}", "a WAMP message is a list, got dict"),
        (Json, "[]", "a WAMP message is a non-empty list, got []"),
        (
            Json,
            "[\"CALL\"]",
            "a WAMP message starts with its type code (an integer), got string",
        ),
        (Json, "[99,1]", "unknown WAMP message type 99"),
        (Json, "[-1]", "unknown WAMP message type -1"),
        (
            Json,
            "[33,1]",
            "SUBSCRIBED has too few elements: Subscription (element 2) is missing",
        ),
        (
            Json,
            "[33,1,2,3]",
            "SUBSCRIBED has too many elements: 4 (expected at most 3)",
        ),
        (
            Json,
            "[48,1,{},5]",
            "CALL.Procedure (element 3) must be a string, got integer",
        ),
        (
            Json,
            "[48,1,[],\"a\"]",
            "CALL.Options (element 2) must be a dict, got list",
        ),
        (
            Json,
            "[33,-1,2]",
            "SUBSCRIBED.Request (element 1) must be an id (0 to 2^64-1), got -1",
        ),
        (
            Json,
            "[33,1.0,2]",
            "SUBSCRIBED.Request (element 1) must be an integer, got float",
        ),
        (
            Json,
            "[8,7,1,{},\"e\"]",
            "ERROR.RequestType (element 1) is not a WAMP message type: 7",
        ),
        (
            MsgPack,
            "93 21 01 a0",
            "SUBSCRIBED.Subscription (element 2) must be an integer, got string",
        ),
        (Cbor, "82 18 63 01", "unknown WAMP message type 99"),
        (
            UbJson,
            "5b 55 21 55 01 5d",
            "SUBSCRIBED has too few elements: Subscription (element 2) is missing",
        ),
        // JSON syntax.
        (Json, "", "at byte 0: the input ends where a value must be"),
        (Json, "[36,1", "at byte 5: the input ends inside a list"),
        (Json, "[36 1]", "at byte 4: expected , or ] in a list, got '1'"),
        (
            Json,
            "[1,{\"a\" 1}]",
            "at byte 8: expected : after a key, got '1'",
        ),
        (Json, "[1,{1:2}]", "at byte 4: expected a string key, got '1'"),
        (Json, "[1,\"abc]", "at byte 3: a string is not closed"),
        (Json, "[1,\"a\\qb\"]", "at byte 5: invalid escape \\'q'"),
        (
            Json,
            "[1,\"\\ud800\"]",
            "at byte 4: a lone UTF-16 surrogate in a \\u escape",
        ),
        (
            Json,
            "[1,\"\\u0000!!\"]",
            "at byte 3: a binary string is not valid base64: Invalid symbol 33, offset 0.",
        ),
        (Json, "[1,01]", "at byte 3: a number cannot start with 0"),
        (Json, "[1,1.]", "at byte 5: a fraction needs digits"),
        (Json, "[1,nul]", "at byte 3: expected null"),
        (
            Json,
            "[1,100000000000000000000000000000000000000000]",
            "at byte 3: an integer beyond 128 bits",
        ),
        (
            Json,
            "[1,\"x\"] x",
            "at byte 8: unexpected text after the message",
        ),
        // Lengths larger than the input: refused before allocating.
        (
            MsgPack,
            "dc ffff",
            "at byte 3: a list of 65535 elements cannot fit in the 0 bytes left",
        ),
        (
            MsgPack,
            "91 c6 ffffffff",
            "at byte 6: a byte string of 4294967295 bytes runs past the end of the input (0 bytes left)",
        ),
        (
            MsgPack,
            "df 7fffffff 00",
            "at byte 5: a dict of 2147483647 elements cannot fit in the 1 bytes left",
        ),
        (
            MsgPack,
            "93 24",
            "at byte 1: a list of 3 elements cannot fit in the 1 bytes left",
        ),
        (
            MsgPack,
            "91 cd 01",
            "at byte 2: a uint16 of 2 bytes runs past the end of the input (1 bytes left)",
        ),
        (
            MsgPack,
            "91 d4 01 00",
            "at byte 1: MessagePack extension type 1 is not supported",
        ),
        (MsgPack, "91 c1", "at byte 1: 0xc1 is not a MessagePack marker"),
        (MsgPack, "91 a2 c3 28", "at byte 2: a string is not valid UTF-8"),
        (
            MsgPack,
            "91 81 01 02",
            "at byte 2: dict keys must be strings, got integer",
        ),
        (
            MsgPack,
            "91 01 02",
            "at byte 2: 1 unexpected bytes after the message",
        ),
        (
            Cbor,
            "9b ffffffffffffffff",
            "at byte 9: a list of 18446744073709551615 elements cannot fit in the 0 bytes left",
        ),
        (
            Cbor,
            "81 5a ffffffff",
            "at byte 6: a byte string of 4294967295 bytes runs past the end of the input (0 bytes left)",
        ),
        (Cbor, "81 d8 40 00", "at byte 1: CBOR tag 64 is not supported"),
        (
            Cbor,
            "81 ff",
            "at byte 1: a break byte outside an indefinite length item",
        ),
        (
            Cbor,
            "9f 01",
            "at byte 2: the input ends inside an indefinite length item",
        ),
        (
            Cbor,
            "81 1c",
            "at byte 1: additional information 28 is not valid here",
        ),
        (
            UbJson,
            "5b 5b 24 42 23 4d ffffffffffffffff",
            "at byte 14: a byte string of 18446744073709551615 bytes runs past the end of the input (0 bytes left)",
        ),
        (
            UbJson,
            "5b 23 6c ffffff7f",
            "at byte 7: a list of 2147483647 elements cannot fit in the 0 bytes left",
        ),
        (
            UbJson,
            "5b 5b 24 5a 23 55 03 5d",
            "at byte 3: containers typed 'Z' are not supported",
        ),
        (
            UbJson,
            "5b 5b 24 55 23 5b 24 55 23 55 02 02 03 5d",
            "at byte 5: N-dimensional arrays are not supported",
        ),
        (UbJson, "5b 53 69 ff", "at byte 2: invalid length -1"),
        (
            UbJson,
            "5b 53 53",
            "at byte 2: expected an integer marker for a length, got unknown marker 'S'",
        ),
        (UbJson, "5b 7e 5d", "at byte 1: unknown marker '~'"),
        (UbJson, "5b 55 01", "at byte 3: the input ends inside a list"),
        // The message structure again, through each binary decoder's path for message lists,
        // and beyond the longest WAMP message, where they fall back to the general one.
        (
            MsgPack,
            "94 21 01 02 03",
            "SUBSCRIBED has too many elements: 4 (expected at most 3)",
        ),
        (
            MsgPack,
            "98 21 01 02 03 04 05 06 07",
            "SUBSCRIBED has too many elements: 8 (expected at most 3)",
        ),
        (MsgPack, "80", "a WAMP message is a list, got dict"),
        (
            Cbor,
            "84 18 21 01 02 03",
            "SUBSCRIBED has too many elements: 4 (expected at most 3)",
        ),
        (
            Cbor,
            "88 18 21 01 02 03 04 05 06 07",
            "SUBSCRIBED has too many elements: 8 (expected at most 3)",
        ),
        (
            UbJson,
            "5b 55 21 55 01 55 02 55 03 5d",
            "SUBSCRIBED has too many elements: 4 (expected at most 3)",
        ),
        (
            UbJson,
            "5b 55 21 55 01 55 02 55 03 55 04 55 05 55 06 55 07 5d",
            "SUBSCRIBED has too many elements: 8 (expected at most 3)",
        ),
        (
            UbJson,
            "5b 23 55 02 55 21 55 01",
            "SUBSCRIBED has too few elements: Subscription (element 2) is missing",
        ),
    ];
    let mismatches: Vec<String> = cases
        .iter()
        .filter_map(|(serializer, input, expected)| check_error(*serializer, input, expected))
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn nesting_beyond_the_limit_is_refused() {
    let mut value = Value::Null;
    for _ in 0..100 {
        value = Value::List(vec![value]);
    }
    let message = Message::Yield {
        request: 1,
        options: Dict::new(),
        payload: Payload::new(vec![value], Dict::new()),
    };
    for serializer in Serializer::ALL {
        let bytes = serializer.encode(&message).expect("deep values encode");
        let error = serializer.decode(&bytes).expect_err("the default limit is 64");
        assert!(
            error.problem() == "lists and dicts nest deeper than the limit of 64",
            "{serializer}: {error}"
        );
        let generous = DecodeLimits::new(102);
        assert_eq!(
            serializer.decode_with(&bytes, &generous),
            Ok(message.clone()),
            "{serializer}"
        );
    }
}

/// Deterministic xorshift, so that the mutation test is the same on every run.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn truncated_and_mutated_messages_never_panic() {
    let mut random = Xorshift(0x9e37_79b9_7f4a_7c15);
    let interesting = [
        0x00, 0x01, 0x7f, 0x80, 0xff, b'[', b'{', b'#', b'$', b'M', 0x9f, 0xbf, 0xdd, 0xdf, b'"', b'\\',
    ];
    let mut decoded_mutants = 0;
    for serializer in Serializer::ALL {
        for message in every_message()
            .iter()
            .chain(&[golden_message("event"), golden_message("hello")])
        {
            let bytes = serializer.encode(message).expect("samples encode");
            for len in 0..bytes.len() {
                assert!(
                    serializer.decode(&bytes[..len]).is_err(),
                    "{serializer}: a truncated message decoded"
                );
            }
            for _ in 0..300 {
                let mut mutant = bytes.clone();
                for _ in 0..=random.next() % 3 {
                    let position = (random.next() % mutant.len() as u64) as usize;
                    mutant[position] = match random.next() % 3 {
                        0 => interesting[(random.next() % interesting.len() as u64) as usize],
                        1 => mutant[position] ^ (1 << (random.next() % 8)),
                        _ => random.next() as u8,
                    };
                }
                if let Ok(decoded) = serializer.decode(&mutant) {
                    decoded_mutants += 1;
                    // Whatever decodes must encode again, in any serializer.
                    for other in Serializer::ALL {
                        let _ = other.encode(&decoded);
                    }
                }
            }
        }
    }
    assert!(
        decoded_mutants > 0,
        "some mutants (changed ids, strings) still decode"
    );
}

#[test]
fn long_binary_values_decoded_from_a_shared_buffer_share_it() {
    let frame: Bytes = (0..=255).cycle().take(4096).collect::<Vec<u8>>().into();
    let message = |blob: Bytes| Message::Result {
        request: 7,
        details: Dict::new(),
        payload: Payload::new(
            vec![Value::Bytes(blob), Value::Bytes(Bytes::from_static(b"short"))],
            Dict::new(),
        ),
    };
    let within = |outer: &Bytes, inner: &Bytes| {
        let range = outer.as_ptr_range();
        range.start <= inner.as_ptr() && inner.as_ptr_range().end <= range.end
    };
    for serializer in Serializer::ALL {
        let encoded = Bytes::from(serializer.encode(&message(frame.clone())).expect("bytes encode"));
        let decoded = serializer.decode_shared_with(&encoded, &DecodeLimits::default());
        assert_eq!(decoded, Ok(message(frame.clone())), "{serializer}");
        let Ok(Message::Result { payload, .. }) = decoded else {
            continue;
        };
        let shared: Vec<bool> = payload
            .args()
            .iter()
            .map(|arg| arg.to_bytes().is_some_and(|bytes| within(&encoded, &bytes)))
            .collect();
        // JSON carries binary values as base64, which must be decoded into a buffer of its own.
        let expected = if serializer == Serializer::Json {
            [false, false]
        } else {
            [true, false]
        };
        assert_eq!(shared, expected, "{serializer}: which values share the input");
    }
}

/// The wire list `elements` in `serializer`, with the value `bad` (its bytes) in place of the
/// string `"MARKER"`, and where `bad` starts.
fn spliced(serializer: Serializer, elements: Vec<Value>, bad: &[u8]) -> (Vec<u8>, usize) {
    let mut marker = Vec::new();
    serializer
        .encode_value(&text("MARKER"), &mut marker)
        .expect("a string encodes");
    let mut bytes = encoded_list(serializer, elements);
    let at = bytes
        .windows(marker.len())
        .position(|window| window == marker)
        .expect("the marker is in the message");
    bytes.splice(at..at + marker.len(), bad.iter().copied());
    (bytes, at)
}

/// The wire list `elements` in `serializer`.
fn encoded_list(serializer: Serializer, elements: Vec<Value>) -> Vec<u8> {
    let mut bytes = Vec::new();
    serializer
        .encode_value(&Value::List(elements), &mut bytes)
        .expect("the message encodes");
    bytes
}

/// A value each decoder reads past but cannot represent: its bytes, where in them the problem
/// is, and what it is. `key` when the problem is in a dict's key, which its dict's path names.
struct Unreadable {
    bytes: Vec<u8>,
    offset: usize,
    problem: &'static str,
    key: bool,
}

fn unreadable_values(serializer: Serializer) -> Vec<Unreadable> {
    let value = |bytes: &[u8], offset, problem| Unreadable {
        bytes: bytes.to_vec(),
        offset,
        problem,
        key: false,
    };
    let key = |bytes: &[u8], offset, problem| Unreadable {
        key: true,
        ..value(bytes, offset, problem)
    };
    match serializer {
        Serializer::Json => vec![
            value(b"\"ab\xff\"", 3, "a string is not valid UTF-8"),
            value(br#""\n\ud800""#, 3, r"a lone UTF-16 surrogate in a \u escape"),
            value(
                br#""\u0000!!""#,
                0,
                "a binary string is not valid base64: Invalid symbol 33, offset 0.",
            ),
            value(
                b"-1000000000000000000000000000000000000000",
                0,
                "an integer beyond 128 bits",
            ),
            key(b"{\"\xff\":1}", 2, "a string is not valid UTF-8"),
        ],
        Serializer::MsgPack => vec![
            value(
                &unhex("d40500"),
                0,
                "MessagePack extension type 5 is not supported",
            ),
            value(
                &unhex("c70307010203"),
                0,
                "MessagePack extension type 7 is not supported",
            ),
            value(
                &unhex("d6ff00000000"),
                0,
                "MessagePack timestamps are not supported: WAMP values have no time type",
            ),
            value(&unhex("a261ff"), 2, "a string is not valid UTF-8"),
            key(&unhex("810102"), 1, "dict keys must be strings, got integer"),
        ],
        Serializer::Cbor => vec![
            value(
                &unhex("c11a5f5e1000"),
                0,
                "CBOR tag 1 (a date and time) is not supported: WAMP values have no time type",
            ),
            value(&unhex("d8414100"), 0, "CBOR tag 65 is not supported"),
            value(&unhex("f0"), 0, "CBOR simple value 16 is not supported"),
            value(&unhex("61ff"), 1, "a string is not valid UTF-8"),
            value(
                &unhex("c2510100000000000000000000000000000000"),
                0,
                "bignums beyond 128 bits are not supported",
            ),
            key(&unhex("a1f402"), 1, "dict keys must be strings, got bool"),
        ],
        Serializer::UbJson => vec![
            value(&unhex("535501ff"), 3, "a string is not valid UTF-8"),
            value(&unhex("43ff"), 0, "a char must be ASCII"),
            value(&unhex("48550178"), 3, "\"x\" is not a number"),
            key(&unhex("7b5501ff547d"), 3, "a string is not valid UTF-8"),
        ],
    }
}

/// An INVOCATION's wire list with these args and kwargs.
fn invocation(details: Dict, args: Value, kwargs: Value) -> Vec<Value> {
    vec![int(68), int(1), int(9), Value::Dict(details), args, kwargs]
}

#[test]
fn an_unreadable_value_in_a_payload_costs_the_payload_and_names_its_place() {
    let marker = || text("MARKER");
    let places: [(&str, Vec<Value>); 4] = [
        (
            "args[1]",
            invocation(
                Dict::new(),
                Value::List(vec![int(1), marker()]),
                Value::Dict(Dict::new()),
            ),
        ),
        (
            "kwargs.name",
            invocation(
                Dict::new(),
                Value::List(vec![]),
                Value::Dict(dict([("a", int(1)), ("name", marker())])),
            ),
        ),
        (
            "args[0].a[1]",
            invocation(
                Dict::new(),
                Value::List(vec![Value::Dict(dict([(
                    "a",
                    Value::List(vec![Value::Null, marker()]),
                )]))]),
                Value::Dict(Dict::new()),
            ),
        ),
        (
            "args",
            invocation(Dict::new(), marker(), Value::Dict(Dict::new())),
        ),
    ];
    let mut mismatches = Vec::new();
    for serializer in Serializer::ALL {
        for bad in unreadable_values(serializer) {
            for (place, elements) in &places {
                let (bytes, at) = spliced(serializer, elements.clone(), &bad.bytes);
                let key = if bad.key { "a key: " } else { "" };
                let expected = format!("{place}: {key}{} (at byte {})", bad.problem, at + bad.offset);
                let read = match serializer.decode(&bytes) {
                    Ok(Message::Invocation { payload, .. }) => {
                        let checked = payload.check().map_err(|error| error.to_string());
                        let typed = <()>::from_payload(&payload).map_err(|error| error.to_string());
                        (checked == typed).then_some(checked)
                    }
                    _ => None,
                };
                if read != Some(Err(expected.clone())) {
                    mismatches.push(format!("{serializer} {place}: {read:?}, expected {expected:?}"));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn an_unreadable_value_in_the_envelope_or_broken_framing_fails_the_message() {
    let mut mismatches = Vec::new();
    for serializer in Serializer::ALL {
        for bad in unreadable_values(serializer) {
            let details = dict([("x", text("MARKER"))]);
            let elements = invocation(details, Value::List(vec![int(1)]), Value::Dict(Dict::new()));
            let (bytes, at) = spliced(serializer, elements, &bad.bytes);
            let expected = format!("at byte {}: {}", at + bad.offset, bad.problem);
            let decoded = serializer.decode(&bytes).map_err(|error| error.to_string());
            if decoded != Err(expected.clone()) {
                mismatches.push(format!(
                    "{serializer} in Details: {decoded:?}, expected {expected:?}"
                ));
            }
            // The same value in the payload, with the message cut short: its framing is broken.
            let elements = invocation(
                Dict::new(),
                Value::List(vec![text("MARKER")]),
                Value::Dict(Dict::new()),
            );
            let (bytes, _) = spliced(serializer, elements, &bad.bytes);
            if let Some(len) = (0..bytes.len()).find(|len| serializer.decode(&bytes[..*len]).is_ok()) {
                mismatches.push(format!("{serializer}: {len} of {} bytes decoded", bytes.len()));
            }
        }
        // A marker no value starts with, inside the args: the rest of the message is lost.
        let garbled: &[u8] = match serializer {
            Serializer::Json => b"}",
            Serializer::MsgPack => &[0xc1],
            Serializer::Cbor => &[0x1c],
            Serializer::UbJson => b"~",
        };
        let elements = invocation(
            Dict::new(),
            Value::List(vec![text("MARKER")]),
            Value::Dict(Dict::new()),
        );
        let (bytes, at) = spliced(serializer, elements, garbled);
        let offset = serializer.decode(&bytes).map_err(|error| error.offset());
        if offset != Err(Some(at)) {
            mismatches.push(format!(
                "{serializer} garbled: {offset:?}, expected an error at byte {at}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The payload of an INVOCATION `bytes` in `serializer`.
fn received_payload(serializer: Serializer, bytes: &[u8]) -> Result<Payload, String> {
    match serializer.decode(bytes) {
        Ok(Message::Invocation { payload, .. }) => Ok(payload),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn javascript_undefined_reads_as_null() {
    // MessagePack as msgpackr writes it, CBOR as cbor-x does; JSON and BJData have no
    // `undefined`: JavaScript's JSON writes it as null in a list.
    let undefined: [(Serializer, &[u8]); 4] = [
        (Serializer::MsgPack, &[0xd4, 0x00, 0x00]),
        (Serializer::Cbor, &[0xf7]),
        (Serializer::Json, b"null"),
        (Serializer::UbJson, b"Z"),
    ];
    for (serializer, bytes) in undefined {
        let elements = invocation(
            Dict::new(),
            Value::List(vec![int(1), text("MARKER")]),
            Value::Dict(Dict::new()),
        );
        let payload = received_payload(serializer, &spliced(serializer, elements, bytes).0);
        let read = payload.map(|payload| (payload.check(), payload.args().to_list()));
        assert_eq!(read, Ok((Ok(()), vec![int(1), Value::Null])), "{serializer}");
    }
}

#[test]
fn null_args_and_kwargs_read_as_empty_and_other_kinds_fail_the_payload() {
    let cases: [(Value, Value, Result<(), &str>); 5] = [
        (Value::Null, Value::Null, Ok(())),
        (Value::Null, Value::Dict(dict([("a", int(1))])), Ok(())),
        (Value::List(vec![int(1)]), Value::Null, Ok(())),
        (
            Value::Dict(Dict::new()),
            Value::Dict(Dict::new()),
            Err("args: expected a list, got dict"),
        ),
        (
            Value::List(vec![]),
            Value::List(vec![]),
            Err("kwargs: expected a dict, got list"),
        ),
    ];
    for serializer in Serializer::ALL {
        for (args, kwargs, expected) in &cases {
            let elements = invocation(Dict::new(), args.clone(), kwargs.clone());
            let payload =
                received_payload(serializer, &encoded_list(serializer, elements)).unwrap_or_else(|error| {
                    panic!("{serializer} {args:?} {kwargs:?}: {error}");
                });
            let checked = payload.check().map_err(|error| error.to_string());
            assert_eq!(
                checked,
                expected.map_err(str::to_owned),
                "{serializer} {args:?} {kwargs:?}"
            );
            let parts = (payload.args().to_list(), payload.kwargs().to_dict());
            let expected_parts = match (args, kwargs) {
                (Value::List(args), Value::Dict(kwargs)) => (args.clone(), kwargs.clone()),
                (Value::List(args), _) => (args.clone(), Dict::new()),
                (_, Value::Dict(kwargs)) => (List::new(), kwargs.clone()),
                _ => (List::new(), Dict::new()),
            };
            assert_eq!(parts, expected_parts, "{serializer} {args:?} {kwargs:?}");
        }
        // Left out, or null, as fox-wamp sends them.
        let short = vec![int(68), int(1), int(9), Value::Dict(Dict::new()), Value::Null];
        let payload = received_payload(serializer, &encoded_list(serializer, short));
        assert_eq!(payload.map(|payload| payload.check()), Ok(Ok(())), "{serializer}");
    }
}

#[test]
fn integral_floats_read_as_integers_when_exact_and_in_range() {
    let timestamp = 1_765_000_000_123.0;
    let cases: [(f64, Result<u64, &str>); 6] = [
        (timestamp, Ok(1_765_000_000_123)),
        (4_294_967_296.0, Ok(1 << 32)),
        (-0.0, Ok(0)),
        (1.5, Err("expected uint64, got 1.5")),
        (-1.0, Err("-1 is out of range for uint64")),
        (
            18_446_744_073_709_551_616.0,
            Err("18446744073709551616 is out of range for uint64"),
        ),
    ];
    for serializer in Serializer::ALL {
        for (float, expected) in &cases {
            let elements = invocation(Dict::new(), Value::List(vec![Value::Float(*float)]), Value::Null);
            let payload =
                received_payload(serializer, &encoded_list(serializer, elements)).unwrap_or_else(|error| {
                    panic!("{serializer} {float}: {error}");
                });
            let arg = payload.args().get(0).expect("one arg");
            let read = u64::from_value(arg).map_err(|error| error.to_string());
            assert_eq!(read, expected.map_err(str::to_owned), "{serializer} {float}");
        }
        let elements = invocation(
            Dict::new(),
            Value::List(vec![Value::Float(f64::NAN)]),
            Value::Null,
        );
        let payload = received_payload(serializer, &encoded_list(serializer, elements)).expect("NaN decodes");
        let read =
            i32::from_value(payload.args().get(0).expect("one arg")).map_err(|error| error.to_string());
        assert_eq!(read, Err("expected int32, got NaN".to_owned()), "{serializer}");
    }
    // The bytes wampy.js sends for a `ulong` timestamp: `[68, 1, 9, {}, [timestamp]]`.
    let mut javascript = unhex("954401098091cb");
    javascript.extend_from_slice(&timestamp.to_be_bytes());
    let read = match Serializer::MsgPack.decode(&javascript) {
        Ok(Message::Invocation { payload, .. }) => payload.args().get(0).map(u64::from_value),
        other => panic!("{other:?}"),
    };
    assert_eq!(read, Some(Ok(1_765_000_000_123)));
}
