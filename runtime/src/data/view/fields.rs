//! Finding the keyword arguments of a received payload by name, as a generated table's
//! `FromPayload` reads them one after another (tables and structs read as values match their
//! dict's keys in one pass instead: `derived::table_fields`): without it, each kwarg is a scan of
//! the whole dict on the tape, quadratic in the number of kwargs.
//!
//! Where a dict's keys are in strictly increasing byte order, as this runtime and
//! Autobahn|Python write the dicts of tables (one pass over the keys tells), every key is there
//! once, and fields read in key order are each found, or known absent, at a cursor that follows
//! the last one found; a field read out of order is a scan that stops at the first key past it.
//! Any other dict, one with repeated keys included, is scanned whole for each field, so that the
//! last of repeated keys wins, as [`DictRef::get`] has it.

use std::fmt;

use crate::data::tape::Tape;
use crate::data::view::{DictRef, ValueRef};

/// Looks up the fields of one dict by name.
#[derive(Clone, Copy)]
pub(crate) struct FieldLookup<'a> {
    dict: DictRef<'a>,
    /// For a received dict whose keys are sorted.
    cursor: Option<KeyCursor<'a>>,
}

/// Where the next field of a received dict with sorted keys is looked for first.
#[derive(Clone, Copy)]
struct KeyCursor<'a> {
    tape: &'a Tape,
    /// The dict's node.
    dict: usize,
    /// The node of the next entry's key, and how many entries are left from it on.
    next: usize,
    left: usize,
    /// The key of the entry before `next`, if there is one.
    previous: Option<&'a [u8]>,
}

impl<'a> FieldLookup<'a> {
    pub(crate) fn new(dict: DictRef<'a>) -> FieldLookup<'a> {
        FieldLookup {
            dict,
            cursor: dict
                .tape_node()
                .and_then(|(tape, index)| KeyCursor::of_sorted(tape, index)),
        }
    }

    /// The value of a key; of a key sent twice, the last value.
    #[inline]
    pub(crate) fn get(&mut self, name: &str) -> Option<ValueRef<'a>> {
        match &mut self.cursor {
            Some(cursor) => cursor.get(name.as_bytes()),
            None => self.dict.get(name),
        }
    }
}

impl fmt::Debug for FieldLookup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.dict.fmt(f)
    }
}

impl<'a> KeyCursor<'a> {
    /// A cursor at the first entry of the dict at `dict`, if its keys are sorted.
    fn of_sorted(tape: &'a Tape, dict: usize) -> Option<KeyCursor<'a>> {
        let mut previous: Option<&[u8]> = None;
        for (key, _) in tape.entries(dict) {
            let key = tape.bytes_of(tape.node(key));
            if previous.is_some_and(|previous| previous >= key) {
                return None;
            }
            previous = Some(key);
        }
        Some(KeyCursor {
            tape,
            dict,
            next: dict + 1,
            left: tape.node(dict).len as usize,
            previous: None,
        })
    }

    fn key(&self, node: usize) -> &'a [u8] {
        self.tape.bytes_of(self.tape.node(node))
    }

    #[inline]
    fn get(&mut self, name: &[u8]) -> Option<ValueRef<'a>> {
        let key = (self.left > 0).then(|| self.key(self.next));
        if let Some(key) = key.filter(|key| *key == name) {
            return Some(self.found(self.next, key, self.left));
        }
        let after_previous = self.previous.is_none_or(|previous| previous < name);
        if after_previous && key.is_none_or(|key| name < key) {
            return None;
        }
        self.scan(name)
    }

    /// Looks for `name` from the first entry on, up to the first key past it.
    #[cold]
    fn scan(&mut self, name: &[u8]) -> Option<ValueRef<'a>> {
        let count = self.tape.node(self.dict).len as usize;
        for (position, (key_node, _)) in self.tape.entries(self.dict).enumerate() {
            let key = self.key(key_node);
            match key.cmp(name) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Some(self.found(key_node, key, count - position)),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }

    /// Moves past the entry whose key is `key`, at node `key_node`, with `left` entries left
    /// from it on; returns its value.
    fn found(&mut self, key_node: usize, key: &'a [u8], left: usize) -> ValueRef<'a> {
        let value = key_node + 1;
        self.next = self.tape.next_sibling(value);
        self.left = left - 1;
        self.previous = Some(key);
        ValueRef::on_tape(self.tape, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::view::tests::received;

    #[test]
    fn every_lookup_finds_what_a_scan_of_the_dict_finds() {
        let dicts = [
            r#"{}"#,
            r#"{"b": 1}"#,
            r#"{"b": 1, "d": 2, "f": 3}"#,
            r#"{"f": 3, "b": 1, "d": 2}"#,
            r#"{"b": 1, "d": 2, "b": 3}"#,
            r#"{"b": 1, "b": 2}"#,
            r#"{"": 0, "b": 1, "bb": 2, "c": {"b": 9}}"#,
        ];
        let orders: [&[&str]; 5] = [
            &["a", "b", "c", "d", "e", "f", "g"],
            &["g", "f", "e", "d", "c", "b", "a"],
            &["d", "b", "f", "b", "d", "", "bb", "c"],
            &["f", "a", "b"],
            &["", "", "bb", "b"],
        ];
        for dict in dicts {
            let payload = received("[]", dict);
            let kwargs = payload.kwargs();
            for names in orders {
                let mut lookup = FieldLookup::new(kwargs);
                for name in names {
                    let found = lookup.get(name).map(ValueRef::to_value);
                    let expected = kwargs.get(name).map(ValueRef::to_value);
                    assert_eq!(
                        found, expected,
                        "{name:?} of {dict} looked up in the order {names:?}"
                    );
                }
            }
        }
    }
}
