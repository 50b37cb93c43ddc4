//! Typed calls through the generated `Caller` to the generated callee, in memory.

use crate::support;

use std::sync::{Arc, PoisonError};

use support::{NODE, Service, caller, session_with_service};
use wamp_idl_behaviour_tests::behaviour_schema::behaviour::types::{
    Circle, Colour, Inner, Label, Permission, Point, Shape, Tick,
};
use wamp_idl_behaviour_tests::behaviour_schema::behaviour::{
    Compound, Keywords, Query, Scalars, i_behaviour,
};
use wamp_idl_runtime::{
    Dict, ErrorKind, InvocationHandler, MatchPolicy, MemorySession, Payload, PayloadError, RegisterOptions,
    Value,
};

fn scalars() -> Scalars {
    Scalars {
        flag: true,
        tiny: i8::MIN,
        utiny: u8::MAX,
        small: i16::MIN,
        usmall: u16::MAX,
        medium: i32::MIN,
        umedium: u32::MAX,
        large: i64::MIN,
        ularge: u64::MAX,
        single: 0.5,
        double: f64::MAX,
    }
}

fn compound(shape: Shape) -> Compound {
    Compound {
        text: "text".to_owned(),
        data: vec![0, 1, 255],
        numbers: vec![1, u32::MAX],
        names: vec!["a".to_owned()],
        inner: Inner { name: None, level: 3 },
        inners: vec![Inner::default()],
        tick: Tick {
            point: Point { x: -1, y: 2 },
            colour: Colour::Blue,
            samples: [1, 2, 3],
        },
        colour: Colour::default(),
        permissions: Permission::READ | Permission::EXECUTE,
        shape,
    }
}

#[tokio::test]
async fn every_kind_of_value_makes_the_round_trip() {
    let (session, _) = session_with_service().await;
    let caller = caller(&session);
    assert_eq!(caller.echo_scalars(scalars()).await, Ok(scalars()));
    for shape in [
        Shape::Circle(Circle { radius: 2.5 }),
        Shape::Label(Label {
            text: "hi".to_owned(),
        }),
    ] {
        let sent = compound(shape);
        assert_eq!(caller.echo_compound(sent.clone()).await, Ok(sent));
    }
    let request = Keywords {
        r#type: "x".to_owned(),
        r#match: 1,
        self_: false,
    };
    let answer = Keywords {
        r#type: "X".to_owned(),
        r#match: 2,
        self_: true,
    };
    assert_eq!(caller.r#match(request).await, Ok(answer));
}

#[tokio::test]
async fn schema_defaults_fill_tables_and_kwargs() {
    assert_eq!(Inner::default(), Inner { name: None, level: 7 });
    let query = Query {
        text: "cats".to_owned(),
        ..Query::default()
    };
    assert_eq!(
        (query.limit, query.colour, query.offset),
        (10, Colour::Blue, None)
    );
    let (session, _) = session_with_service().await;
    let names = caller(&session).search(query).await;
    let expected = [
        "n1:cats",
        "limit=10",
        "scope=None",
        "colour=Blue",
        "offset=None",
        "inner=None",
    ];
    assert_eq!(names, Ok(expected.map(str::to_owned).to_vec()));
}

#[tokio::test]
async fn void_and_wrappers_disappear_from_signatures() {
    let (session, service) = session_with_service().await;
    let caller = caller(&session);
    assert_eq!(caller.count().await, Ok(42));
    assert_eq!(caller.reset().await, Ok(()));
    assert_eq!(*service.resets.lock().unwrap_or_else(PoisonError::into_inner), 1);
    let names = caller.item_names(-3, 2).await;
    assert_eq!(names, Ok(vec!["n1/-3/0".to_owned(), "n1/-3/1".to_owned()]));
}

#[tokio::test]
async fn handler_errors_reach_the_caller_as_wamp_errors() {
    let (session, _) = session_with_service().await;
    let error = caller(&session).fail().await.map_err(|error| error.to_string());
    assert_eq!(
        error,
        Err("com.example.error.failed: failing as asked".to_owned())
    );
}

#[tokio::test]
async fn the_prefix_can_be_moved_at_run_time() {
    let session = MemorySession::new().session();
    let moved = "org.other.<node:str>";
    let registered = i_behaviour::register_with_prefix(&session, moved, Arc::new(Service::default())).await;
    assert!(registered.is_ok(), "{registered:?}");
    let caller = caller(&session);
    let unmoved = caller
        .count()
        .await
        .map_err(|error| error.uri().map(str::to_owned));
    assert_eq!(unmoved, Err(Some("wamp.error.no_such_procedure".to_owned())));
    let caller = caller.with_prefix(moved).map_err(|error| error.to_string());
    assert_eq!(caller.as_ref().map(i_behaviour::Caller::prefix), Ok(moved));
    let names = match caller {
        Ok(caller) => caller.item_names(1, 1).await,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(names, Ok(vec![format!("{NODE}/1/0")]));
}

#[tokio::test]
async fn a_moved_prefix_must_keep_the_placeholders() {
    let (session, _) = session_with_service().await;
    let error = caller(&session)
        .with_prefix("org.other")
        .map(|_| ())
        .map_err(|error| error.to_string());
    assert_eq!(
        error,
        Err(
            "invalid URI: the prefix `org.other` must have the placeholders of \
             `com.example.<str:node>.behaviour`, in the same order"
                .to_owned()
        )
    );
    let registered =
        i_behaviour::register_with_prefix(&session, "org.<int:node>", Arc::new(Service::default()));
    assert!(matches!(
        registered.await.map_err(|error| error.into_kind()),
        Err(ErrorKind::InvalidUri(_))
    ));
}

#[tokio::test]
async fn string_placeholders_must_be_uri_components() {
    let (session, _) = session_with_service().await;
    let error = i_behaviour::Caller::new(session, "a.b")
        .count()
        .await
        .map_err(|error| error.to_string());
    assert_eq!(
        error,
        Err("invalid URI: placeholder `node`: `a.b` is not a URI component \
             (it is empty or has `.`, `#` or whitespace)"
            .to_owned())
    );
}

#[tokio::test]
async fn results_that_do_not_fit_the_schema_are_payload_errors() {
    let session = MemorySession::new().session();
    let wrong: InvocationHandler =
        Arc::new(|_| Box::pin(async { Ok(Payload::new(vec![Value::String("many".into())], Dict::new())) }));
    let uri = format!("com.example.{NODE}.behaviour.count");
    let registered = session
        .register_handler(&uri, RegisterOptions::default(), wrong)
        .await;
    assert!(registered.is_ok());
    let error = caller(&session).count().await.map_err(|error| error.into_kind());
    let expected = PayloadError::new("args[0] (value)", "expected uint64, got string");
    assert_eq!(error, Err(ErrorKind::Payload(expected)));
}

#[tokio::test]
async fn registering_is_all_or_nothing() {
    let session = MemorySession::new().session();
    let taken: InvocationHandler = Arc::new(|_| Box::pin(async { Ok(Payload::default()) }));
    let options = RegisterOptions {
        match_policy: MatchPolicy::Wildcard,
        ..RegisterOptions::default()
    };
    let registered = session
        .register_handler("com.example..behaviour.fail", options, taken)
        .await;
    assert!(registered.is_ok());
    let error = i_behaviour::register(&session, Arc::new(Service::default())).await;
    assert_eq!(
        error.map(|_| ()).map_err(|error| error.to_string()),
        Err("wamp.error.procedure_already_exists: procedure `com.example..behaviour.fail` is already registered"
            .to_owned())
    );
    let unregistered = caller(&session)
        .count()
        .await
        .map_err(|error| error.uri().map(str::to_owned));
    assert_eq!(unregistered, Err(Some("wamp.error.no_such_procedure".to_owned())));
}
