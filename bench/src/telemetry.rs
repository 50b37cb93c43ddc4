//! The benchmark's payload as typed values: the vehicle telemetry of Autobahn's serialization
//! benchmark, declared once with both the runtime's derives and serde's, as a user of either
//! would declare it.
//!
//! Fields are declared in the byte order of their wire names, which is the order the runtime
//! writes dict keys in, so that serde's formats write the same bytes as the runtime's codecs
//! and every decoder of a cell reads one input. An absent optional field is left out on both
//! sides, and binary values follow WAMP's convention in JSON (`"\u0000"` and base64).

use serde::{Deserialize, Serialize};
use wamp_idl_runtime::{FromPayload, FromValue, IntoPayload, IntoValue};

/// The single positional argument of every benchmark message.
#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, FromPayload, IntoPayload)]
#[wamp(table = "bench.VehicleEvent")]
pub struct VehicleEvent {
    pub telemetry: Telemetry,
}

/// A vehicle's report; medium adds `data`, `included` and `widget`, large also `actors` and
/// `nested`, xl a `frame` of bytes.
#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Telemetry")]
pub struct Telemetry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actors: Option<Vec<Actor>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<Article>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "wamp_bytes")]
    pub frame: Option<Vec<u8>>,
    pub gps_location: GpsLocation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub included: Option<Vec<Person>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested: Option<Vec<Donut>>,
    pub pothole_sensor: PotholeSensor,
    pub rain_sensor: RainSensor,
    pub timestamp: String,
    pub ts: String,
    pub vehicle_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget: Option<Widget>,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.GpsLocation")]
pub struct GpsLocation {
    pub lat: f64,
    pub lng: f64,
    pub speed: f64,
    pub xtile: u32,
    pub ytile: u32,
    pub zoom: u8,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.PotholeSensor")]
pub struct PotholeSensor {
    pub depth: f64,
    pub r#type: String,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.RainSensor")]
pub struct RainSensor {
    pub rain: f64,
    pub wiper: String,
}

/// An entry of JSON:API's `data`.
#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Article")]
pub struct Article {
    pub attributes: ArticleAttributes,
    pub id: String,
    pub relationships: Relationships,
    pub r#type: String,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.ArticleAttributes")]
pub struct ArticleAttributes {
    pub body: String,
    pub created: String,
    pub title: String,
    pub updated: String,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Relationships")]
pub struct Relationships {
    pub author: Author,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Author")]
pub struct Author {
    pub data: ResourceId,
}

/// A typed reference: `{"id": …, "type": …}`.
#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.ResourceId")]
pub struct ResourceId {
    pub id: String,
    pub r#type: String,
}

/// An entry of JSON:API's `included`.
#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Person")]
pub struct Person {
    pub attributes: PersonAttributes,
    pub id: String,
    pub r#type: String,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.PersonAttributes")]
pub struct PersonAttributes {
    pub age: u32,
    pub gender: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Widget")]
pub struct Widget {
    pub debug: String,
    pub image: Image,
    pub text: Text,
    pub window: Window,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Image")]
pub struct Image {
    pub alignment: String,
    #[wamp(name = "hOffset")]
    #[serde(rename = "hOffset")]
    pub h_offset: u32,
    pub name: String,
    pub src: String,
    #[wamp(name = "vOffset")]
    #[serde(rename = "vOffset")]
    pub v_offset: u32,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Text")]
pub struct Text {
    pub alignment: String,
    pub data: String,
    #[wamp(name = "hOffset")]
    #[serde(rename = "hOffset")]
    pub h_offset: u32,
    pub name: String,
    #[wamp(name = "onMouseUp")]
    #[serde(rename = "onMouseUp")]
    pub on_mouse_up: String,
    pub size: u32,
    pub style: String,
    #[wamp(name = "vOffset")]
    #[serde(rename = "vOffset")]
    pub v_offset: u32,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Window")]
pub struct Window {
    pub height: u32,
    pub name: String,
    pub title: String,
    pub width: u32,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Actor")]
pub struct Actor {
    #[wamp(name = "Birthdate")]
    #[serde(rename = "Birthdate")]
    pub birthdate: String,
    #[wamp(name = "Born At")]
    #[serde(rename = "Born At")]
    pub born_at: String,
    pub age: u32,
    pub children: Vec<String>,
    #[wamp(name = "hasChildren")]
    #[serde(rename = "hasChildren")]
    pub has_children: bool,
    #[wamp(name = "hasGreyHair")]
    #[serde(rename = "hasGreyHair")]
    pub has_grey_hair: bool,
    pub name: String,
    pub photo: String,
    pub weight: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wife: Option<String>,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Donut")]
pub struct Donut {
    pub batters: Batters,
    pub id: String,
    pub name: String,
    pub ppu: f64,
    pub topping: Vec<ResourceId>,
    pub r#type: String,
}

#[derive(Debug, Clone, PartialEq, FromValue, IntoValue, Serialize, Deserialize)]
#[wamp(table = "bench.Batters")]
pub struct Batters {
    pub batter: Vec<ResourceId>,
}

/// The telemetry of a benchmark size (small, medium, large, xl, xxl).
///
/// # Panics
/// When the payload files do not read as telemetry: they are the benchmark's own.
pub fn telemetry(size: &str) -> Telemetry {
    let mut merged = serde_json::Map::new();
    for file in crate::payload_files(size) {
        match serde_json::from_str(file) {
            Ok(serde_json::Value::Object(entries)) => merged.extend(entries),
            other => panic!("benchmark payload is not a JSON object: {other:?}"),
        }
    }
    let mut telemetry: Telemetry = match serde_json::from_value(serde_json::Value::Object(merged)) {
        Ok(telemetry) => telemetry,
        Err(error) => panic!("benchmark payload is not telemetry: {error}"),
    };
    telemetry.frame = crate::frame_len(size).map(crate::pseudo_random_bytes);
    telemetry
}

/// Bytes as WAMP carries them: in JSON (a human-readable format) a string of `"\u0000"`
/// and standard base64, in binary formats bytes.
mod wamp_bytes {
    use std::fmt;

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::de::{self, Deserializer, Visitor};
    use serde::ser::Serializer;

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
        match bytes {
            None => serializer.serialize_none(),
            Some(bytes) if serializer.is_human_readable() => {
                let mut text = String::with_capacity(1 + bytes.len().div_ceil(3) * 4);
                text.push('\0');
                STANDARD.encode_string(bytes, &mut text);
                serializer.serialize_str(&text)
            }
            Some(bytes) => serializer.serialize_bytes(bytes),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(BytesVisitor).map(Some)
        } else {
            // Owned bytes: ciborium borrows only what fits its 4 KiB scratch buffer.
            deserializer.deserialize_byte_buf(BytesVisitor).map(Some)
        }
    }

    struct BytesVisitor;

    impl<'de> Visitor<'de> for BytesVisitor {
        type Value = Vec<u8>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("bytes, or a string of \\u0000 and base64")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<u8>, E> {
            let base64 = text
                .strip_prefix('\0')
                .ok_or_else(|| E::custom("binary text does not start with \\u0000"))?;
            STANDARD.decode(base64).map_err(E::custom)
        }

        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
            Ok(bytes.to_vec())
        }

        fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(bytes)
        }
    }
}
