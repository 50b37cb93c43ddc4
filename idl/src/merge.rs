//! Merges what several inputs contribute into one schema.
//!
//! Within one input, flatc rejects a name defined twice, and so do the front ends.
//! Across inputs (a whole catalog given at once) the same file is often included by
//! several of them: an identical definition is the same type and is kept once. A
//! different definition under the same name is a known defect of upstream's catalog
//! (wamp-meta and wamp-auth both define `wamp.SessionRolesFilter`), so it is a warning
//! and the first definition wins.

use std::collections::BTreeMap;

use crate::Part;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceMap};
use crate::locations::{Item, Locations};
use crate::model::{QualifiedName, Schema};

pub(crate) fn merge(
    parts: Vec<Part>,
    sources: &SourceMap,
    diagnostics: &mut Diagnostics,
) -> (Schema, Locations) {
    let mut merged = Schema::default();
    let mut locations = Locations::default();
    let mut objects = BTreeMap::new();
    let mut enums = BTreeMap::new();
    let mut services = BTreeMap::new();
    for part in parts {
        let Part {
            schema,
            locations: part_locations,
        } = part;
        let mut conflicts = Conflicts {
            sources,
            diagnostics: &mut *diagnostics,
            kept: &locations,
            incoming: &part_locations,
        };
        for object in schema.objects {
            conflicts.insert(&mut objects, object.name.clone(), object, Item::Declaration);
        }
        for enumeration in schema.enums {
            conflicts.insert(
                &mut enums,
                enumeration.name.clone(),
                enumeration,
                Item::Declaration,
            );
        }
        for service in schema.services {
            conflicts.insert(&mut services, service.name.clone(), service, Item::Service);
        }
        merged.root_table = merged.root_table.or(schema.root_table);
        merged.file_identifier = merged.file_identifier.or(schema.file_identifier);
        merged.file_extension = merged.file_extension.or(schema.file_extension);
        locations.extend(part_locations);
    }
    merged.objects = objects.into_values().collect();
    merged.enums = enums.into_values().collect();
    merged.services = services.into_values().collect();
    (merged, locations)
}

struct Conflicts<'a> {
    sources: &'a SourceMap,
    diagnostics: &'a mut Diagnostics,
    kept: &'a Locations,
    incoming: &'a Locations,
}

impl Conflicts<'_> {
    /// Keeps the first definition of `name`; `item` is how the locations name it.
    fn insert<T: PartialEq>(
        &mut self,
        into: &mut BTreeMap<QualifiedName, T>,
        name: QualifiedName,
        value: T,
        item: fn(QualifiedName) -> Item,
    ) {
        match into.get(&name) {
            None => {
                into.insert(name, value);
            }
            Some(existing) if *existing == value => {}
            Some(_) => {
                let item = item(name.clone());
                let first = self.kept.span(&item);
                let first_file = first.and_then(|span| self.sources.get(span.file)).map_or_else(
                    || "an earlier input".to_owned(),
                    |file| format!("`{}`", file.path.display()),
                );
                self.diagnostics.push(
                    Diagnostic::warning(
                        self.incoming.span(&item),
                        format!("`{name}` is defined differently here and in {first_file}; the first definition is used"),
                    )
                    .with_note(first, "first definition"),
                );
            }
        }
    }
}
