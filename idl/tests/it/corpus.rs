//! Conformance over the real-world corpus: every `.fbs` must read into exactly the model
//! that flatc's own `.bfbs` of it reads into, and every `.bfbs` upstream committed must load.
//!
//! The corpus lives outside the project (`../shared/corpus`, compiled by flatc 2.0.8
//! into `../shared/corpus-bfbs`); see its README.

use wamp_idl_test_support::corpus as common;

use std::fmt::Write as _;
use std::path::Path;

use common::{corpus_bfbs_dir, corpus_dir, files_with_extension};
use wamp_idl::model::{DefaultValue, Presence, QualifiedName, Scalar, Type};
use wamp_idl::{Loader, Schema};

/// Loads one file, or says why it did not load.
fn load(path: &Path) -> Result<Schema, String> {
    let loaded = Loader::new().load(&[path]);
    loaded.schema.ok_or_else(|| {
        format!(
            "{} does not load:\n{}",
            path.display(),
            loaded.diagnostics.render(&loaded.sources)
        )
    })
}

fn to_json(schema: &Schema) -> String {
    serde_json::to_string_pretty(schema).unwrap_or_else(|error| panic!("the model serializes: {error}"))
}

/// Compares the model of a corpus `.fbs` with that of flatc's `.bfbs` of it.
fn check_conformance(fbs: &Path) -> Result<(), String> {
    let corpus = corpus_dir();
    let relative = fbs.strip_prefix(&corpus).unwrap_or(fbs);
    let bfbs = corpus_bfbs_dir().join(relative).with_extension("bfbs");
    let from_text = to_json(&load(fbs)?);
    let from_flatc = to_json(&load(&bfbs)?);
    if from_text == from_flatc {
        return Ok(());
    }
    Err(format!(
        "{}: the .fbs reads differently from flatc's .bfbs of it:\n{}",
        relative.display(),
        first_difference(&from_text, &from_flatc)
    ))
}

/// The first differing stretch of two texts as one unified-diff hunk, with context.
fn first_difference(left: &str, right: &str) -> String {
    const CONTEXT: usize = 4;
    const SHOWN: usize = 12;
    let left: Vec<&str> = left.lines().collect();
    let right: Vec<&str> = right.lines().collect();
    let common = left.iter().zip(&right).take_while(|(a, b)| a == b).count();
    let start = common.saturating_sub(CONTEXT);
    let mut hunk = format!("--- .fbs\n+++ flatc .bfbs\n@@ line {} @@\n", start + 1);
    for line in left.get(start..common).unwrap_or_default() {
        let _ = writeln!(hunk, " {line}");
    }
    for line in left.iter().skip(common).take(SHOWN) {
        let _ = writeln!(hunk, "-{line}");
    }
    for line in right.iter().skip(common).take(SHOWN) {
        let _ = writeln!(hunk, "+{line}");
    }
    hunk
}

/// The conformance criterion: both front ends agree on every real-world schema.
#[test]
fn every_fbs_reads_like_flatcs_bfbs_of_it() {
    let sources = files_with_extension(&corpus_dir(), "fbs");
    assert!(
        sources.len() >= 35,
        "the corpus has {} .fbs files, expected at least 35",
        sources.len()
    );
    let failures: Vec<String> = sources
        .iter()
        .filter_map(|fbs| check_conformance(fbs).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus files differ:\n\n{}",
        failures.len(),
        sources.len(),
        failures.join("\n")
    );
}

/// The reader alone, so that a failure of the `.fbs` side above does not hide one of the reader.
#[test]
fn every_flatc_bfbs_loads() {
    let failures: Vec<String> = files_with_extension(&corpus_bfbs_dir(), "bfbs")
        .iter()
        .filter_map(|bfbs| load(bfbs).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Upstream's committed `.bfbs` files, some of them stale: they must load, whatever they hold.
#[test]
fn every_upstream_bfbs_loads() {
    let committed = files_with_extension(&corpus_dir(), "bfbs");
    assert!(!committed.is_empty(), "the corpus has no committed .bfbs files");
    let failures: Vec<String> = committed.iter().filter_map(|bfbs| load(bfbs).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What one field of flatc's `demo.bfbs` must read as.
struct ExpectedField {
    object: &'static str,
    name: &'static str,
    id: u16,
    ty: Type,
    default: Option<DefaultValue>,
    presence: Presence,
}

fn demo_schema() -> Schema {
    let path = corpus_bfbs_dir().join("autobahn-python/autobahn/xbr/test/catalog/src/demo.bfbs");
    load(&path).unwrap_or_else(|message| panic!("{message}"))
}

fn check_field(schema: &Schema, expected: &ExpectedField) {
    let object = schema
        .object(&QualifiedName(expected.object.to_owned()))
        .unwrap_or_else(|| panic!("no object `{}`", expected.object));
    let field = object
        .field(expected.name)
        .unwrap_or_else(|| panic!("no field `{}.{}`", expected.object, expected.name));
    let place = format!("{}.{}", expected.object, expected.name);
    assert_eq!(field.id, expected.id, "id of {place}");
    assert_eq!(field.ty, expected.ty, "type of {place}");
    assert_eq!(field.default, expected.default, "default of {place}");
    assert_eq!(field.presence, expected.presence, "presence of {place}");
}

fn name(text: &str) -> QualifiedName {
    QualifiedName(text.to_owned())
}

#[test]
fn bfbs_fields_lower_to_canonical_model_fields() {
    let schema = demo_schema();
    let expectations = [
        ExpectedField {
            object: "demo.ClockTick",
            name: "mode",
            id: 1,
            ty: Type::Enum {
                name: name("demo.ClockMode"),
                underlying: Scalar::UByte,
            },
            default: None,
            presence: Presence::Required,
        },
        ExpectedField {
            object: "demo.ClockTick",
            name: "address",
            id: 0,
            ty: Type::Struct(name("uint160_t")),
            default: None,
            presence: Presence::Required,
        },
        ExpectedField {
            object: "demo.TestRequest",
            name: "value",
            id: 1,
            ty: Type::Union(name("demo.TestRequestAny")),
            default: None,
            presence: Presence::Optional,
        },
        ExpectedField {
            object: "KeyValue",
            name: "key",
            id: 0,
            ty: Type::String,
            default: None,
            presence: Presence::Required,
        },
        ExpectedField {
            object: "EthAddresses",
            name: "value",
            id: 0,
            ty: Type::Vector(Box::new(Type::Struct(name("uint160_t")))),
            default: None,
            presence: Presence::Optional,
        },
    ];
    for expected in &expectations {
        check_field(&schema, expected);
    }
}
