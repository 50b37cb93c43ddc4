//! Typed events: the generated publisher, the generated subscriber, and events that do not
//! fit the schema, in memory.

use crate::support;

use std::sync::Arc;

use support::{NODE, Recorder, Seen, caller, float, payload, string};
use wamp_idl_behaviour_tests::behaviour_schema::behaviour::{Reading, i_behaviour};
use wamp_idl_runtime::{MemorySession, PayloadError, PublishOptions, Session, Uuid, Value};

const SENSOR: &str = "0f1e2d3c-4b5a-4968-8776-655443322110";

/// Subscribes a [`Recorder`], runs `publish` against the session, and compares what the
/// recorder saw.
async fn check(publish: impl AsyncFnOnce(Session), expected: Vec<Seen>) {
    let session = MemorySession::new().session();
    let recorder = Arc::new(Recorder::default());
    let subscribed = i_behaviour::subscribe(&session, Arc::clone(&recorder)).await;
    assert_eq!(subscribed.map(|subscriptions| subscriptions.len()), Ok(2));
    publish(session.clone()).await;
    assert_eq!(recorder.seen(), expected);
}

fn sensor() -> Uuid {
    Uuid::try_parse(SENSOR).unwrap_or_else(|error| panic!("{SENSOR}: {error}"))
}

fn reading() -> Reading {
    Reading {
        sensor: "thermometer".to_owned(),
        value: 21.5,
    }
}

#[tokio::test]
async fn typed_events_arrive_with_their_placeholders() {
    let publish = async |session: Session| {
        let caller = caller(&session);
        assert_eq!(caller.publish_on_reading(sensor(), reading()).await, Ok(()));
        assert_eq!(caller.publish_on_reset().await, Ok(()));
    };
    let expected = vec![
        Seen::Reading {
            node: NODE.to_owned(),
            sensor: sensor(),
            reading: reading(),
        },
        Seen::Reset {
            node: NODE.to_owned(),
        },
    ];
    check(publish, expected).await;
}

#[tokio::test]
async fn events_travel_as_args() {
    let publish = async |session: Session| {
        let topic = format!("com.example.other.behaviour.sensor.{SENSOR}.reading");
        let event = payload(vec![string("hygrometer"), float(0.5)], vec![]);
        assert_eq!(
            session.publish(&topic, event, PublishOptions::default()).await,
            Ok(())
        );
    };
    let expected = vec![Seen::Reading {
        node: "other".to_owned(),
        sensor: sensor(),
        reading: Reading {
            sensor: "hygrometer".to_owned(),
            value: 0.5,
        },
    }];
    check(publish, expected).await;
}

#[tokio::test]
async fn events_that_do_not_fit_are_reported_to_the_subscriber() {
    let reading_topic = format!("com.example.n1.behaviour.sensor.{SENSOR}.reading");
    let bad_sensor_topic = "com.example.n1.behaviour.sensor.not-a-uuid.reading";
    let reset_topic = "com.example.n1.behaviour.on_reset";
    let publish = async |session: Session| {
        let events = [
            (reading_topic.as_str(), payload(vec![string("x")], vec![])),
            (
                reading_topic.as_str(),
                payload(vec![string("x"), Value::Bool(true)], vec![]),
            ),
            (bad_sensor_topic, payload(vec![string("x"), float(1.0)], vec![])),
            (reset_topic, payload(vec![], vec![("why", string("because"))])),
        ];
        for (topic, event) in events {
            assert_eq!(
                session.publish(topic, event, PublishOptions::default()).await,
                Ok(())
            );
        }
    };
    let invalid = |topic: &str, path: &str, message: &str| Seen::Invalid {
        topic: topic.to_owned(),
        error: PayloadError::new(path, message),
    };
    let expected = vec![
        invalid(&reading_topic, "args[1] (value)", "missing positional argument"),
        invalid(&reading_topic, "args[1] (value)", "expected float64, got bool"),
        invalid(bad_sensor_topic, "uri.sensor", "`not-a-uuid` is not a UUID"),
        invalid(reset_topic, "kwargs.why", "unknown keyword argument"),
    ];
    check(publish, expected).await;
}
