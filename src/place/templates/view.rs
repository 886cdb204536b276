//! A placement's final values, merged as they are written. The layers (an app's `values` and
//! each override that applies) are deep-merged by [`deep_merge`](crate::model::deep_merge)'s
//! rules, but without building the merged tree: the view walks the layers' shapes together and
//! serializes what the merge would hold, borrowing every literal from the fleet. Only templated
//! strings are computed per placement.

use serde::ser::{SerializeMap as _, SerializeSeq as _};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::layer::Shape;

/// The layers of one placement that apply, in order, each with the values of its templated
/// strings (in the order of its shape's holes).
pub struct Evaluated<'a> {
    layers: Vec<(&'a Shape<'a>, Vec<Value>)>,
    applied: Option<u64>,
}

impl<'a> Evaluated<'a> {
    /// `applied` is the set of the app's layers that apply (bit 0 for its own, bit `i + 1` for
    /// override `i`), when the app has fewer than 64 overrides: placements with the same set
    /// share how their layers merge.
    pub(crate) fn new(layers: Vec<(&'a Shape<'a>, Vec<Value>)>, applied: Option<u64>) -> Self {
        Self { layers, applied }
    }

    /// Which of the app's layers apply: bit 0 for its own, bit `i + 1` for override `i`; `None`
    /// when it has 64 overrides or more.
    pub fn applied(&self) -> Option<u64> {
        self.applied
    }

    /// The merged values as one tree (what [`Evaluated::view`] writes); `None` when no layer
    /// applies. For readers of a few fields: writing goes through the view.
    pub fn merged(&self) -> Option<serde_json::Value> {
        self.view()
            .map(|v| serde_json::to_value(v).expect("merged values are JSON"))
    }

    /// The merged values; `None` when no layer applies.
    pub fn view(&self) -> Option<ValuesView<'_>> {
        (!self.layers.is_empty()).then_some(ValuesView {
            layers: &self.layers,
        })
    }

    /// The shapes of the layers that apply.
    pub(crate) fn shapes(&self) -> impl Iterator<Item = &'a Shape<'a>> + '_ {
        self.layers.iter().map(|(shape, _)| *shape)
    }

    /// What templated string `index` of layer `layer` (among those that apply) produced.
    pub fn result(&self, layer: usize, index: usize) -> &Value {
        &self.layers[layer].1[index]
    }
}

/// The merged values of one placement, written without building the merged tree.
pub struct ValuesView<'a> {
    layers: &'a [(&'a Shape<'a>, Vec<Value>)],
}

/// A node of one layer: part of its shape (with that layer's template results), or a plain
/// value (a literal subtree, or what a template produced).
#[derive(Clone, Copy)]
enum Node<'a> {
    Shape(&'a Shape<'a>, &'a [Value]),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    /// A template result is a plain value from here on.
    fn resolve(self) -> Node<'a> {
        match self {
            Node::Shape(Shape::Hole(i), results) => Node::Value(&results[*i]),
            Node::Shape(Shape::Literal(v), _) => Node::Value(v),
            other => other,
        }
    }

    fn is_map(self) -> bool {
        matches!(
            self.resolve(),
            Node::Shape(Shape::Map(_), _) | Node::Value(Value::Object(_))
        )
    }

    /// The entries of a map node, in key order.
    fn entries(self) -> Entries<'a> {
        match self.resolve() {
            Node::Shape(Shape::Map(entries), results) => Entries::Shape(entries.iter(), results),
            Node::Value(Value::Object(map)) => Entries::Value(map.iter()),
            _ => Entries::None,
        }
    }
}

/// The entries of a map node, in key order, without collecting them.
#[derive(Clone)]
enum Entries<'a> {
    Shape(std::slice::Iter<'a, (&'a str, Shape<'a>)>, &'a [Value]),
    Value(serde_json::map::Iter<'a>),
    None,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Entries::Shape(iter, results) => {
                iter.next().map(|(k, s)| (*k, Node::Shape(s, results)))
            }
            Entries::Value(iter) => iter.next().map(|(k, v)| (k.as_str(), Node::Value(v))),
            Entries::None => None,
        }
    }
}

/// Walks several maps' entries together in key order: each step gives the next key and the
/// nodes the maps hold for it, in map order.
struct Union<'a> {
    maps: Vec<std::iter::Peekable<Entries<'a>>>,
}

impl<'a> Union<'a> {
    fn new(maps: &[Node<'a>]) -> Self {
        Self {
            maps: maps.iter().map(|m| m.entries().peekable()).collect(),
        }
    }

    fn next(&mut self, nodes: &mut Vec<Node<'a>>) -> Option<&'a str> {
        let key = self
            .maps
            .iter_mut()
            .filter_map(|m| m.peek().map(|(k, _)| *k))
            .min()?;
        nodes.clear();
        for m in &mut self.maps {
            if let Some((_, node)) = m.next_if(|(k, _)| *k == key) {
                nodes.push(node);
            }
        }
        Some(key)
    }
}

/// The nodes one path holds across layers, merged: a later non-map replaces all before it; a
/// later map replaces a non-map before it and merges with maps before it.
fn effective<'a>(nodes: impl IntoIterator<Item = Node<'a>>) -> Vec<Node<'a>> {
    let mut current: Vec<Node<'a>> = Vec::new();
    for node in nodes {
        let node = node.resolve();
        if node.is_map() && current.first().is_some_and(|n| n.is_map()) {
            current.push(node);
        } else {
            current = vec![node];
        }
    }
    current
}

/// Serializes merged nodes (never empty).
struct Merged<'a>(Vec<Node<'a>>);

impl Serialize for Merged<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [single] if !single.is_map() => match *single {
                Node::Value(v) => v.serialize(serializer),
                Node::Shape(Shape::Seq(items), results) => {
                    let mut seq = serializer.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(&Merged(vec![Node::Shape(item, results).resolve()]))?;
                    }
                    seq.end()
                }
                Node::Shape(..) => unreachable!("holes and literals are resolved, maps are maps"),
            },
            maps => {
                let mut nodes = Vec::with_capacity(maps.len());
                let mut count = 0;
                let mut counting = Union::new(maps);
                while counting.next(&mut nodes).is_some() {
                    count += 1;
                }
                let mut map = serializer.serialize_map(Some(count))?;
                let mut union = Union::new(maps);
                while let Some(key) = union.next(&mut nodes) {
                    map.serialize_entry(key, &Merged(effective(nodes.iter().copied())))?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for ValuesView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let roots = self
            .layers
            .iter()
            .map(|(shape, results)| Node::Shape(shape, results.as_slice()));
        Merged(effective(roots)).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::deep_merge;
    use crate::place::templates::strategy::{count_holes, eager, shape, tree};
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn the_view_writes_what_deep_merging_builds(
            layers in proptest::collection::vec(tree(), 1..4),
            result in prop_oneof![Just(json!("r")), Just(json!({"a": 2, "z": [1]})), Just(json!(7))],
        ) {
            let shapes: Vec<Shape<'_>> = layers.iter().map(shape).collect();
            let results: Vec<Vec<Value>> = layers.iter().map(|l| vec![result.clone(); count_holes(l)]).collect();
            let evaluated = Evaluated::new(shapes.iter().zip(results.clone()).collect(), None);
            let view = evaluated.view().unwrap();
            let mut merged = eager(&layers[0], &mut results[0].iter());
            for (layer, r) in layers.iter().zip(&results).skip(1) {
                deep_merge(&mut merged, &eager(layer, &mut r.iter()));
            }
            prop_assert_eq!(serde_json::to_value(&view).unwrap(), merged);
        }
    }
}
