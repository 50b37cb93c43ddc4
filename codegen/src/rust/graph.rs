//! Questions about the graph of types (which type holds which, through which member),
//! answered in time linear in the graph and without recursion: a schema may chain
//! thousands of types, each holding the next.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use wamp_idl::model::QualifiedName;

/// The edges out of each type: (member name, the type it holds).
pub type Edges<'a> = BTreeMap<&'a QualifiedName, Vec<(&'a str, &'a QualifiedName)>>;

/// The edges that lie on a cycle of types: those between two types of one strongly
/// connected component (each reaches the other), a type holding itself included.
pub fn cyclic_edges<'a>(edges: &Edges<'a>) -> BTreeSet<(&'a QualifiedName, &'a str)> {
    let component = components(edges);
    edges
        .iter()
        .flat_map(|(owner, outgoing)| {
            outgoing
                .iter()
                .map(move |(member, target)| (*owner, *member, *target))
        })
        .filter(|(owner, _, target)| component.get(owner) == component.get(target))
        .map(|(owner, member, _)| (owner, member))
        .collect()
}

/// Every type that reaches one of `targets`, the targets included: a walk back along the
/// edges from them.
pub fn reaching<'a>(
    edges: &Edges<'a>,
    targets: impl IntoIterator<Item = &'a QualifiedName>,
) -> HashSet<&'a QualifiedName> {
    let mut backwards: HashMap<&'a QualifiedName, Vec<&'a QualifiedName>> = HashMap::new();
    for (owner, outgoing) in edges {
        for (_, target) in outgoing {
            backwards.entry(*target).or_default().push(*owner);
        }
    }
    let mut found = HashSet::new();
    let mut pending: Vec<&'a QualifiedName> = targets.into_iter().collect();
    while let Some(name) = pending.pop() {
        if found.insert(name) {
            pending.extend(backwards.get(name).into_iter().flatten().copied());
        }
    }
    found
}

/// The strongly connected component of every type with an edge out: Tarjan's algorithm,
/// with an explicit stack of the types being visited instead of recursion.
fn components<'a>(edges: &Edges<'a>) -> HashMap<&'a QualifiedName, usize> {
    let mut order: HashMap<&'a QualifiedName, usize> = HashMap::new();
    let mut lowest: HashMap<&'a QualifiedName, usize> = HashMap::new();
    let mut open: Vec<&'a QualifiedName> = Vec::new();
    let mut is_open: HashSet<&'a QualifiedName> = HashSet::new();
    let mut component = HashMap::new();
    let mut components = 0;
    for root in edges.keys().copied() {
        if order.contains_key(root) {
            continue;
        }
        let mut visiting = vec![(root, 0usize)];
        order.insert(root, order.len());
        lowest.insert(root, order.len() - 1);
        open.push(root);
        is_open.insert(root);
        while let Some((name, next_edge)) = visiting.last_mut() {
            let name = *name;
            let outgoing = edges.get(name).map_or(&[][..], Vec::as_slice);
            if let Some((_, target)) = outgoing.get(*next_edge) {
                *next_edge += 1;
                if !order.contains_key(target) {
                    order.insert(target, order.len());
                    lowest.insert(target, order.len() - 1);
                    open.push(target);
                    is_open.insert(target);
                    visiting.push((target, 0));
                } else if is_open.contains(target) {
                    let reached = order.get(target).copied().unwrap_or(usize::MAX);
                    lower(&mut lowest, name, reached);
                }
                continue;
            }
            visiting.pop();
            let name_lowest = lowest.get(name).copied().unwrap_or(usize::MAX);
            if let Some((parent, _)) = visiting.last() {
                lower(&mut lowest, parent, name_lowest);
            }
            if Some(&name_lowest) == order.get(name) {
                while let Some(member) = open.pop() {
                    is_open.remove(member);
                    component.insert(member, components);
                    if member == name {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

fn lower<'a>(lowest: &mut HashMap<&'a QualifiedName, usize>, name: &'a QualifiedName, value: usize) {
    if let Some(current) = lowest.get_mut(name) {
        *current = (*current).min(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_and_reachability_of_a_long_chain_take_no_stack() {
        let names: Vec<QualifiedName> = (0..100_000)
            .map(|index| QualifiedName(format!("n.T{index}")))
            .collect();
        let mut edges = Edges::new();
        for pair in names.windows(2) {
            if let [from, to] = pair {
                edges.entry(from).or_default().push(("next", to));
            }
        }
        assert!(cyclic_edges(&edges).is_empty());
        let last = names.last().into_iter();
        assert_eq!(reaching(&edges, last).len(), names.len());
        // Closing the chain into a ring puts every edge on a cycle.
        if let (Some(first), Some(last)) = (names.first(), names.last()) {
            edges.entry(last).or_default().push(("next", first));
        }
        assert_eq!(cyclic_edges(&edges).len(), names.len());
    }

    #[test]
    fn only_edges_within_a_component_are_cyclic() {
        let [a, b, c, d] = ["a", "b", "c", "d"].map(|name| QualifiedName(format!("n.{name}")));
        let mut edges = Edges::new();
        edges.insert(&a, vec![("to_b", &b), ("to_a", &a)]);
        edges.insert(&b, vec![("to_c", &c)]);
        edges.insert(&c, vec![("to_b", &b), ("to_d", &d)]);
        let cyclic = cyclic_edges(&edges);
        assert_eq!(
            cyclic.into_iter().collect::<Vec<_>>(),
            [(&a, "to_a"), (&b, "to_c"), (&c, "to_b")]
        );
        let reaching_a = reaching(&edges, [&a]);
        assert_eq!(reaching_a, HashSet::from([&a]));
        assert_eq!(reaching(&edges, [&d]).len(), 4);
    }
}
