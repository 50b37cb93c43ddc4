//! The WAMP layer: interfaces, URIs, placeholders and payload layouts from the schema layer.

use crate::diagnostic::Diagnostics;
use crate::locations::Locations;
use crate::model::{Interface, Schema};

/// Derives every WAMP interface of a schema, checking the WAMP rules.
pub fn analyze(schema: &Schema, locations: &Locations, diagnostics: &mut Diagnostics) -> Vec<Interface> {
    let _ = (schema, locations, diagnostics);
    Vec::new()
}
