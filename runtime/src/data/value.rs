//! The wire's value model: what WAMP args and kwargs are made of, whatever the serializer.
//!
//! Decoding is dominated by allocation, so the model is shaped to need little of it: strings of
//! up to 24 bytes (most keys and values of WAMP payloads) are stored inline, binary values are
//! reference-counted [`Bytes`] that a decoder can slice out of its input, and a dict is one
//! sorted vector rather than a tree of nodes.

use std::borrow::Borrow;
use std::fmt;

pub use bytes::Bytes;
pub use compact_str::CompactString;

/// Positional arguments.
pub type List = Vec<Value>;

/// A value as it travels in WAMP args and kwargs.
///
/// Integers keep their full range: WAMP ids fit in 53 bits, but schema fields may be
/// any 64-bit integer, signed or not. Cloning is cheap for binary values, which share their
/// buffer.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Integer(i128),
    Float(f64),
    String(CompactString),
    Bytes(Bytes),
    List(List),
    Dict(Dict),
}

impl Value {
    /// A short name of the value's kind, for error messages (`"string"`, `"list"`...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
        }
    }
}

/// Keyword arguments and nested objects: values keyed by name, kept sorted by key.
///
/// Iteration, encoding, equality and `Debug` output follow key order, so they are
/// deterministic. Entries live in one sorted vector: lookups are binary searches and building
/// a dict costs one allocation. [`Dict::insert`] and [`Dict::remove`] shift the entries after
/// the key, which is cheap at the sizes WAMP payloads have; build large dicts with
/// [`FromIterator`] or [`Extend`], which sort once.
#[derive(Clone, Default, PartialEq)]
pub struct Dict {
    /// Sorted by key, without repeated keys.
    entries: Vec<(CompactString, Value)>,
}

impl Dict {
    /// An empty dict; does not allocate.
    pub const fn new() -> Dict {
        Dict { entries: Vec::new() }
    }

    /// An empty dict with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Dict {
        Dict {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// A dict of entries in any order; of repeated keys, the last wins.
    pub(crate) fn from_entries(mut entries: Vec<(CompactString, Value)>) -> Dict {
        // Encoders that sort their keys, as this crate's do, make the check all there is to do.
        if !entries.is_sorted_by(|earlier, later| key_less(&earlier.0, &later.0)) {
            entries.sort_by(|earlier, later| earlier.0.cmp(&later.0));
            // The sort is stable: of equal keys, the one that came last is last. `dedup_by` keeps
            // the first of a run, so it takes over the value of each later one.
            entries.dedup_by(|later, kept| {
                let repeated = later.0 == kept.0;
                if repeated {
                    std::mem::swap(&mut later.1, &mut kept.1);
                }
                repeated
            });
        }
        Dict { entries }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dict has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        CompactString: Borrow<Q>,
    {
        self.entries
            .binary_search_by(|(entry_key, _)| entry_key.borrow().cmp(key))
    }

    /// The value of a key (a `&str`, like any type the keys borrow as, as for a `BTreeMap`).
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&Value>
    where
        CompactString: Borrow<Q>,
    {
        let index = self.find(key).ok()?;
        self.entries.get(index).map(|(_, value)| value)
    }

    /// The value of a key, to change it in place.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut Value>
    where
        CompactString: Borrow<Q>,
    {
        let index = self.find(key).ok()?;
        self.entries.get_mut(index).map(|(_, value)| value)
    }

    /// Whether the dict has a key.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        CompactString: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets the value of a key; returns the value it replaces, if any.
    pub fn insert(&mut self, key: impl Into<CompactString>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.find(&key) {
            Ok(index) => self
                .entries
                .get_mut(index)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(index) => {
                self.entries.insert(index, (key, value));
                None
            }
        }
    }

    /// Removes a key; returns its value, if it had one.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<Value>
    where
        CompactString: Borrow<Q>,
    {
        let index = self.find(key).ok()?;
        Some(self.entries.remove(index).1)
    }

    /// Removes every entry, keeping the allocation.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries, in key order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            entries: self.entries.iter(),
        }
    }

    /// The entries in key order, with values to change in place.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut {
            entries: self.entries.iter_mut(),
        }
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &CompactString> + ExactSizeIterator {
        self.entries.iter().map(|(key, _)| key)
    }

    /// The values, in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, value)| value)
    }
}

/// `earlier < later`, deciding on the first byte where it can: keys of one dict mostly differ
/// there, and comparing whole keys costs a call.
#[inline]
fn key_less(earlier: &str, later: &str) -> bool {
    match earlier.as_bytes().first().cmp(&later.as_bytes().first()) {
        std::cmp::Ordering::Equal => earlier < later,
        first => first.is_lt(),
    }
}

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<CompactString>> FromIterator<(K, Value)> for Dict {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(entries: I) -> Dict {
        Dict::from_entries(
            entries
                .into_iter()
                .map(|(key, value)| (key.into(), value))
                .collect(),
        )
    }
}

impl<K: Into<CompactString>> Extend<(K, Value)> for Dict {
    /// Adds entries; a key already present, or repeated, takes the last value given.
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, entries: I) {
        let mut all = std::mem::take(&mut self.entries);
        all.extend(entries.into_iter().map(|(key, value)| (key.into(), value)));
        *self = Dict::from_entries(all);
    }
}

impl<K: Into<CompactString>, const N: usize> From<[(K, Value); N]> for Dict {
    fn from(entries: [(K, Value); N]) -> Dict {
        entries.into_iter().collect()
    }
}

impl IntoIterator for Dict {
    type Item = (CompactString, Value);
    type IntoIter = std::vec::IntoIter<(CompactString, Value)>;

    /// The entries, in key order.
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Dict {
    type Item = (&'a CompactString, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Dict {
    type Item = (&'a CompactString, &'a mut Value);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

/// The entries of a [`Dict`], in key order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    entries: std::slice::Iter<'a, (CompactString, Value)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a CompactString, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.entries.next().map(|(key, value)| (key, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.entries.next_back().map(|(key, value)| (key, value))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The entries of a [`Dict`] in key order, with values to change in place.
#[derive(Debug)]
pub struct IterMut<'a> {
    entries: std::slice::IterMut<'a, (CompactString, Value)>,
}

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a CompactString, &'a mut Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.entries.next().map(|(key, value)| (&*key, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl DoubleEndedIterator for IterMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.entries.next_back().map(|(key, value)| (&*key, value))
    }
}

impl ExactSizeIterator for IterMut<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(dict: &Dict) -> Vec<&str> {
        dict.keys().map(CompactString::as_str).collect()
    }

    #[test]
    fn entries_are_sorted_and_the_last_of_repeated_keys_wins() {
        let dict: Dict = [
            ("b", Value::Integer(1)),
            ("a", Value::Integer(2)),
            ("b", Value::Integer(3)),
            ("c", Value::Null),
            ("a", Value::Integer(4)),
        ]
        .into_iter()
        .collect();
        assert_eq!(keys(&dict), ["a", "b", "c"]);
        assert_eq!(dict.get("a"), Some(&Value::Integer(4)));
        assert_eq!(dict.get("b"), Some(&Value::Integer(3)));
        assert_eq!(dict.get("d"), None);
    }

    #[test]
    fn insert_and_remove_keep_the_order() {
        let mut dict = Dict::from([("m", Value::Null)]);
        assert_eq!(dict.insert("z", Value::Integer(1)), None);
        assert_eq!(dict.insert(String::from("a"), Value::Integer(2)), None);
        assert_eq!(dict.insert("z", Value::Integer(3)), Some(Value::Integer(1)));
        assert_eq!(keys(&dict), ["a", "m", "z"]);
        assert_eq!(dict.remove("m"), Some(Value::Null));
        assert_eq!(dict.remove("m"), None);
        assert_eq!(format!("{dict:?}"), r#"{"a": Integer(2), "z": Integer(3)}"#);
    }

    #[test]
    fn extend_overrides_existing_keys() {
        let mut dict = Dict::from([("a", Value::Integer(1)), ("b", Value::Integer(2))]);
        dict.extend([("b", Value::Integer(3)), ("0", Value::Null)]);
        assert_eq!(
            dict,
            Dict::from([
                ("0", Value::Null),
                ("a", Value::Integer(1)),
                ("b", Value::Integer(3))
            ])
        );
        if let Some(value) = dict.get_mut("a") {
            *value = Value::Bool(true);
        }
        let entries: Vec<(CompactString, Value)> = dict.into_iter().collect();
        assert_eq!(entries.get(1), Some(&("a".into(), Value::Bool(true))));
    }
}
