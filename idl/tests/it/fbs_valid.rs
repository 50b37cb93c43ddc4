//! Valid `.fbs` input: the fixtures under `tests/data/fbs/valid` and every `.fbs` of the
//! shared real-world corpus must load without a diagnostic, into the expected model.

use wamp_idl_test_support::corpus as common;

use std::path::{Path, PathBuf};

use common::{corpus_dir, files_with_extension};
use wamp_idl::model::{DefaultValue, Presence, QualifiedName, Scalar, Schema, Type};
use wamp_idl::{Loaded, Loader};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/fbs/valid");

/// Loads a file: its schema, or the rendered diagnostics if any is an error.
fn check(path: &Path) -> Result<Schema, String> {
    let loaded: Loaded = Loader::new().load(&[path]);
    let rendered = loaded.render_diagnostics();
    loaded
        .schema
        .ok_or_else(|| format!("{} does not load:\n{rendered}", path.display()))
}

#[test]
fn every_corpus_fbs_loads_without_diagnostics() {
    let files = files_with_extension(&corpus_dir(), "fbs");
    assert!(
        files.len() >= 35,
        "the corpus has {} .fbs files, expected at least 35",
        files.len()
    );
    let failures: Vec<String> = files.iter().filter_map(|file| check(file).err()).collect();
    assert!(
        failures.is_empty(),
        "{} corpus files do not load:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every fixture next to flatc's own binary schema of it: both must read into the same model.
///
/// The `.bfbs` files are flatc 2.0.8's output, regenerated with
/// `flatc -b --schema --bfbs-comments --bfbs-builtins -I tests/data/fbs/valid -o tests/data/fbs/valid tests/data/fbs/valid/*.fbs`.
#[test]
fn every_fixture_reads_like_flatcs_bfbs_of_it() {
    let fixtures: Vec<PathBuf> = files_with_extension(Path::new(FIXTURES), "fbs")
        .into_iter()
        .filter(|path| path.parent() == Some(Path::new(FIXTURES)))
        .collect();
    assert!(fixtures.len() >= 10, "expected the valid fixtures in {FIXTURES}");
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let bfbs = fixture.with_extension("bfbs");
        match (check(fixture), check(&bfbs)) {
            (Ok(from_text), Ok(from_flatc)) => {
                let text_json = serde_json::to_string_pretty(&from_text).unwrap_or_default();
                let flatc_json = serde_json::to_string_pretty(&from_flatc).unwrap_or_default();
                if text_json != flatc_json {
                    failures.push(format!(
                        "{}:\n{}",
                        fixture.display(),
                        first_difference(&text_json, &flatc_json)
                    ));
                }
            }
            (Err(message), _) | (_, Err(message)) => failures.push(message),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The first differing lines of two texts, with some context.
fn first_difference(left: &str, right: &str) -> String {
    let left: Vec<&str> = left.lines().collect();
    let right: Vec<&str> = right.lines().collect();
    let common = left.iter().zip(&right).take_while(|(a, b)| a == b).count();
    let start = common.saturating_sub(6);
    let mut out = String::new();
    for line in left.get(start..common).unwrap_or_default() {
        out.push_str(&format!("  {line}\n"));
    }
    for line in left.iter().skip(common).take(8) {
        out.push_str(&format!("- {line}\n"));
    }
    for line in right.iter().skip(common).take(8) {
        out.push_str(&format!("+ {line}\n"));
    }
    out
}

fn field<'s>(schema: &'s Schema, object: &str, name: &str) -> &'s wamp_idl::model::Field {
    schema
        .object(&QualifiedName(object.to_owned()))
        .and_then(|object| object.field(name))
        .unwrap_or_else(|| panic!("no field `{object}.{name}`"))
}

fn fixture(name: &str) -> Schema {
    check(&Path::new(FIXTURES).join(name)).unwrap_or_else(|message| panic!("{message}"))
}

#[test]
fn presence_follows_the_canonical_forms() {
    let schema = fixture("tables.fbs");
    let expected = [
        ("Tree", "name", Presence::Required, None),
        ("Tree", "origin", Presence::Optional, None),
        ("Tree", "origin_required", Presence::Required, None),
        (
            "Tree",
            "priority",
            Presence::Default,
            Some(DefaultValue::Integer(3)),
        ),
        ("Leaf", "name", Presence::Required, None),
        ("Point", "x", Presence::Required, None),
    ];
    for (object, name, presence, default) in expected {
        let field = field(&schema, object, name);
        assert_eq!(
            (field.presence, field.default),
            (presence, default),
            "{object}.{name}"
        );
    }
    assert!(field(&schema, "Tree", "old").deprecated);
    assert!(field(&schema, "Leaf", "name").key);
}

#[test]
fn union_fields_take_two_ids() {
    let schema = fixture("ids.fbs");
    let ids = |object: &str| -> Vec<(String, u16)> {
        let object = schema
            .object(&QualifiedName(object.to_owned()))
            .unwrap_or_else(|| panic!("{object}"));
        object
            .fields
            .iter()
            .map(|field| (field.name.clone(), field.id))
            .collect()
    };
    let named = |pairs: &[(&str, u16)]| -> Vec<(String, u16)> {
        pairs.iter().map(|(name, id)| ((*name).to_owned(), *id)).collect()
    };
    assert_eq!(
        ids("WithIds"),
        named(&[("choice", 1), ("a", 2), ("c", 3), ("many", 5), ("b", 6)])
    );
    assert_eq!(
        ids("WithoutIds"),
        named(&[
            ("first", 0),
            ("choice", 2),
            ("last", 3),
            ("many", 5),
            ("after", 6)
        ])
    );
    assert_eq!(
        field(&schema, "WithIds", "choice").ty,
        Type::Union(QualifiedName("Choice".to_owned()))
    );
}

#[test]
fn enum_defaults_by_name_quoted_and_qualified() {
    let schema = fixture("enums.fbs");
    let expected = [
        ("main", DefaultValue::Integer(3)),
        ("quoted", DefaultValue::Integer(4)),
        ("flags", DefaultValue::Integer(3)),
        ("qualified", DefaultValue::Integer(4)),
        ("combined", DefaultValue::Integer(1 | 1 << 15)),
        ("maybe", DefaultValue::Null),
    ];
    for (name, default) in expected {
        assert_eq!(
            field(&schema, "colors.Palette", name).default,
            Some(default),
            "{name}"
        );
    }
}

/// flatc 2.0.8 writes 0 into the `.bfbs` for a `ulong` default above `i64::MAX` (it
/// fails to convert it); the model keeps the value, as its bit pattern.
#[test]
fn ulong_defaults_keep_their_bit_pattern() {
    let loaded = Loader::new().load_fbs_text("ulong.fbs", "table T { a: ulong = 18446744073709551615; }");
    let rendered = loaded.render_diagnostics();
    let schema = loaded.schema.unwrap_or_else(|| panic!("{rendered}"));
    assert_eq!(field(&schema, "T", "a").ty, Type::Scalar(Scalar::ULong));
    assert_eq!(field(&schema, "T", "a").default, Some(DefaultValue::Integer(-1)));
}
