//! Types that contain themselves are boxed, and travel as nested dicts.

use wamp_idl_behaviour_tests::recursion_schema::recursion::{Branch, Leaf, Node, Tree};
use wamp_idl_runtime::{Dict, FromValue, IntoValue, Payload, Value, ValueRef};

use crate::support;

/// Writes `value`, compares the wire form with `expected`, and reads it back, as built and as
/// received.
fn check<T: FromValue + IntoValue + Clone + PartialEq + std::fmt::Debug>(value: T, expected: Value) {
    assert_eq!(value.clone().into_value(), expected);
    assert_eq!(T::from_value(ValueRef::from(&expected)), Ok(value.clone()));
    let received = support::received_over_the_wire(Payload::new(vec![expected], Dict::new()));
    let arg = received.args().get(0).expect("the value travels as the only arg");
    assert_eq!(T::from_value(arg), Ok(value));
}

fn dict<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::Dict(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

#[test]
fn a_list_of_nodes_nests() {
    let list = Node {
        value: 1,
        next: Some(Box::new(Node { value: 2, next: None })),
    };
    let expected = dict([
        ("value", Value::Integer(1)),
        ("next", dict([("value", Value::Integer(2))])),
    ]);
    check(list, expected);
}

#[test]
fn a_tree_of_unions_nests_boxing_only_the_recursive_member() {
    let leaf = |label: &str| {
        Tree::Leaf(Leaf {
            label: Some(label.to_owned()),
        })
    };
    let tree = Tree::Branch(Box::new(Branch {
        left: Some(Box::new(leaf("a"))),
        right: None,
    }));
    let expected = dict([(
        "Branch",
        dict([(
            "left",
            dict([("Leaf", dict([("label", Value::String("a".into()))]))]),
        )]),
    )]);
    check(tree, expected);
}
