//! How a placement's values merge, without what its templates produced. Placements of one app
//! to which the same layers apply merge the same way, unless a template's result meets a map
//! (then whether it is a map decides whether the two merge): a plan, when there is one, is the
//! merged tree with each template result left as a hole, shared by all those placements.

use std::collections::BTreeMap;

use serde_json::Value;

use super::layer::Shape;
use super::view::Evaluated;

/// The merged values of placements that share their layers (see the module documentation).
#[derive(Debug, PartialEq)]
pub enum Plan<'a> {
    /// A value written as it is.
    Literal(&'a Value),
    /// What templated string `index` of applied layer `layer` produces (see
    /// [`Evaluated::result`]).
    Hole { layer: usize, index: usize },
    /// A mapping, in key order.
    Map(Vec<(&'a str, Plan<'a>)>),
    /// A sequence.
    Seq(Vec<Plan<'a>>),
}

/// A node of one layer whose merge does not depend on template results, except holes.
#[derive(Clone, Copy)]
enum Known<'a> {
    Shape(&'a Shape<'a>, usize),
    Value(&'a Value),
}

impl<'a> Known<'a> {
    fn resolve(self) -> Known<'a> {
        match self {
            Known::Shape(Shape::Literal(v), _) => Known::Value(v),
            other => other,
        }
    }

    fn is_hole(self) -> bool {
        matches!(self, Known::Shape(Shape::Hole(_), _))
    }

    fn is_map(self) -> bool {
        matches!(
            self,
            Known::Shape(Shape::Map(_), _) | Known::Value(Value::Object(_))
        )
    }
}

impl<'a> Plan<'a> {
    /// The plan of these evaluated layers; `None` when none applies or when a template result
    /// meets a map (see the module documentation).
    pub fn of(evaluated: &Evaluated<'a>) -> Option<Plan<'a>> {
        Self::with(evaluated, Holes::Any)
    }

    /// The plan of layers whose template results are never maps (Application fields, which
    /// take text): it exists whenever a layer applies, and it spells out every list and map,
    /// so a writer can look into any of them.
    pub fn of_text(evaluated: &Evaluated<'a>) -> Option<Plan<'a>> {
        Self::with(evaluated, Holes::Text)
    }

    fn with(evaluated: &Evaluated<'a>, holes: Holes) -> Option<Plan<'a>> {
        let roots = evaluated
            .shapes()
            .enumerate()
            .map(|(layer, shape)| Known::Shape(shape, layer));
        build(&effective(roots, holes)?, holes)
    }

    /// The entry `key` of a map plan.
    pub fn get(&self, key: &str) -> Option<&Plan<'a>> {
        match self {
            Plan::Map(entries) => entries.iter().find(|(k, _)| *k == key).map(|(_, p)| p),
            _ => None,
        }
    }
}

/// What template results can be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holes {
    /// Anything: whether one is a map decides how it merges.
    Any,
    /// Never a map: a result merges as text does.
    Text,
}

/// The nodes one path holds across layers, merged as [`deep_merge`](crate::model::deep_merge)
/// does; `None` when that depends on whether a template produced a map.
fn effective<'a>(
    nodes: impl IntoIterator<Item = Known<'a>>,
    holes: Holes,
) -> Option<Vec<Known<'a>>> {
    let mut current: Vec<Known<'a>> = Vec::new();
    for node in nodes {
        let node = node.resolve();
        match current.first() {
            _ if holes == Holes::Text => {
                if node.is_map() && current.first().is_some_and(|first| first.is_map()) {
                    current.push(node);
                } else {
                    current = vec![node];
                }
            }
            Some(first) if node.is_hole() && (first.is_map() || first.is_hole()) => return None,
            Some(first) if node.is_map() && first.is_hole() => return None,
            Some(first) if node.is_map() && first.is_map() => current.push(node),
            _ => current = vec![node],
        }
    }
    Some(current)
}

/// The plan of merged nodes; `None` for none, or as for [`effective`].
fn build<'a>(nodes: &[Known<'a>], holes: Holes) -> Option<Plan<'a>> {
    match nodes {
        [] => None,
        [Known::Value(Value::Array(items))] if holes == Holes::Text => items
            .iter()
            .map(|item| build(&[Known::Value(item)], holes))
            .collect::<Option<_>>()
            .map(Plan::Seq),
        [Known::Value(v)] if !v.is_object() => Some(Plan::Literal(v)),
        [Known::Shape(Shape::Hole(index), layer)] => Some(Plan::Hole {
            layer: *layer,
            index: *index,
        }),
        [Known::Shape(Shape::Seq(items), layer)] => items
            .iter()
            .map(|item| build(&[Known::Shape(item, *layer).resolve()], holes))
            .collect::<Option<_>>()
            .map(Plan::Seq),
        maps => {
            let mut keys: BTreeMap<&'a str, Vec<Known<'a>>> = BTreeMap::new();
            for map in maps {
                match map {
                    Known::Shape(Shape::Map(entries), layer) => {
                        for (key, shape) in entries {
                            keys.entry(key)
                                .or_default()
                                .push(Known::Shape(shape, *layer));
                        }
                    }
                    Known::Value(Value::Object(entries)) => {
                        for (key, value) in entries {
                            keys.entry(key).or_default().push(Known::Value(value));
                        }
                    }
                    _ => unreachable!("effective merges only maps"),
                }
            }
            keys.into_iter()
                .map(|(key, nodes)| Some((key, build(&effective(nodes, holes)?, holes)?)))
                .collect::<Option<_>>()
                .map(Plan::Map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::templates::strategy::shape;
    use serde_json::json;

    fn plan_of<'a>(shapes: &'a [Shape<'a>], results: Vec<Vec<Value>>) -> Option<Plan<'a>> {
        let evaluated = Evaluated::new(shapes.iter().zip(results).collect(), None);
        // The plan borrows only the shapes, never the results.
        Plan::of(&evaluated)
    }

    #[test]
    fn literals_and_results_merge_by_path() {
        let a = json!({"x": 1, "m": {"keep": true, "t": "{{ t }}"}});
        let b = json!({"m": {"more": "{{ u }}"}, "y": [1, "{{ v }}"]});
        let shapes = [shape(&a), shape(&b)];
        let plan = plan_of(&shapes, vec![vec![json!(0)], vec![json!(0), json!(0)]]).unwrap();
        let one = json!(1);
        let yes = json!(true);
        assert_eq!(
            plan,
            Plan::Map(vec![
                (
                    "m",
                    Plan::Map(vec![
                        ("keep", Plan::Literal(&yes)),
                        ("more", Plan::Hole { layer: 1, index: 0 }),
                        ("t", Plan::Hole { layer: 0, index: 0 }),
                    ])
                ),
                ("x", Plan::Literal(&one)),
                (
                    "y",
                    Plan::Seq(vec![Plan::Literal(&one), Plan::Hole { layer: 1, index: 1 }])
                ),
            ])
        );
    }

    #[test]
    fn a_result_replaced_by_a_scalar_needs_no_result() {
        let a = json!({"x": "{{ t }}"});
        let b = json!({"x": 2});
        let shapes = [shape(&a), shape(&b)];
        let two = json!(2);
        assert_eq!(
            plan_of(&shapes, vec![vec![json!({"any": 1})], vec![]]),
            Some(Plan::Map(vec![("x", Plan::Literal(&two))]))
        );
    }

    #[test]
    fn a_result_meeting_a_map_has_no_plan() {
        for (a, b) in [
            (json!({"x": {"k": 1}}), json!({"x": "{{ t }}"})),
            (json!({"x": "{{ t }}"}), json!({"x": {"k": 1}})),
            (json!({"x": "{{ t }}"}), json!({"x": "{{ u }}"})),
        ] {
            let shapes = [shape(&a), shape(&b)];
            let results = shapes.iter().map(|_| vec![json!(0)]).collect();
            assert_eq!(plan_of(&shapes, results), None, "{a} then {b}");
        }
    }

    #[test]
    fn results_that_are_text_merge_as_text() {
        let a = json!({"x": "{{ t }}", "m": {"k": 1}});
        let b = json!({"x": "{{ u }}", "m": {"j": "{{ v }}"}});
        let shapes = [shape(&a), shape(&b)];
        let evaluated = Evaluated::new(
            shapes
                .iter()
                .zip(vec![vec![json!("t"); 2], vec![json!("u"); 2]])
                .collect(),
            None,
        );
        let one = json!(1);
        assert_eq!(Plan::of(&evaluated), None);
        assert_eq!(
            Plan::of_text(&evaluated),
            Some(Plan::Map(vec![
                (
                    "m",
                    Plan::Map(vec![
                        ("j", Plan::Hole { layer: 1, index: 0 }),
                        ("k", Plan::Literal(&one)),
                    ])
                ),
                ("x", Plan::Hole { layer: 1, index: 1 }),
            ]))
        );
    }

    #[test]
    fn no_layer_has_no_plan() {
        assert_eq!(plan_of(&[], vec![]), None);
    }
}
