//! The small telemetry of Autobahn's serialization benchmark as a generated type would hold it,
//! for the tests of typed payloads (`runtime/tests/typed_wire.rs`), which cannot use the
//! benchmark crate's (`bench/src/telemetry.rs`): it depends on the runtime they test.

use wamp_idl_runtime::{FromPayload, FromValue, IntoPayload, IntoValue};

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue)]
#[wamp(table = "bench.GpsLocation")]
pub struct GpsLocation {
    pub lng: f64,
    pub lat: f64,
    pub speed: f64,
    pub xtile: u32,
    pub ytile: u32,
    pub zoom: u8,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue)]
#[wamp(table = "bench.RainSensor")]
pub struct RainSensor {
    pub rain: f64,
    pub wiper: String,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue)]
#[wamp(table = "bench.PotholeSensor")]
pub struct PotholeSensor {
    pub depth: f64,
    #[wamp(name = "type")]
    pub kind: String,
}

/// The telemetry of Autobahn's serialization benchmark (`tests/data/serialization/small.json`),
/// with a camera frame for the larger sizes.
#[derive(Debug, Clone, PartialEq, FromValue, IntoValue)]
#[wamp(table = "bench.Telemetry")]
pub struct Telemetry {
    pub ts: String,
    pub vehicle_id: String,
    pub timestamp: String,
    pub gps_location: GpsLocation,
    pub rain_sensor: RainSensor,
    pub pothole_sensor: PotholeSensor,
    pub frame: Option<Vec<u8>>,
}

/// A report: the telemetry as the one positional argument, as the benchmark sends it.
#[derive(Debug, Clone, PartialEq, FromPayload, IntoPayload)]
#[wamp(table = "bench.Report")]
pub struct Report {
    pub telemetry: Telemetry,
}

/// The telemetry, with a frame of `frame` bytes if any.
pub fn telemetry(frame: Option<usize>) -> Telemetry {
    Telemetry {
        ts: "2026-11-21T05:03:24.821Z".to_owned(),
        vehicle_id: "vehicle100".to_owned(),
        timestamp: "2017-03-01T08:00:00.000Z".to_owned(),
        gps_location: GpsLocation {
            lng: 1.4095842406393382,
            lat: 43.61577550871403,
            speed: 0.0,
            xtile: 132_098,
            ytile: 95_708,
            zoom: 18,
        },
        rain_sensor: RainSensor {
            rain: 0.5047619047619047,
            wiper: "off".to_owned(),
        },
        pothole_sensor: PotholeSensor {
            depth: 0.1620507373008877,
            kind: "type-c".to_owned(),
        },
        frame: frame.map(|len| (0..len).map(|i| (i * 31 % 251) as u8).collect()),
    }
}
