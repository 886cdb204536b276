//! An app's Application as text with slots, written once for each set of layers that apply to
//! its placements and then filled per placement: the name, the cluster, and what each value
//! template produced. Most of an Application is the same on every cluster, so most of its bytes
//! are copied rather than serialized again. Filling a program writes the same bytes as writing
//! the whole Application (see [`yaml::Slot`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use super::application::{Application, CLUSTER, NAME};
use super::planned::{FIRST_RESULT, Planned, Results};
use super::yaml::{self, Mark, Slot};
use crate::model::Fleet;
use crate::model::credential::{Secret, secret_in_output_except};
use crate::place::{Evaluated, EvaluatedApp, Part, Placement, Plan};

/// Slot holding the whole values of a placement, where they have no [`Plan`].
const VALUES: u32 = 2;

/// An app's Application for placements with the same layers (see the module documentation).
pub(super) struct Program {
    text: String,
    marks: Vec<Mark>,
    /// The part and (layer, template) of each result slot, from [`FIRST_RESULT`] on.
    results: Vec<(Part, usize, usize)>,
    /// What looks like a secret in the text around the slots, screened once (when compiled for
    /// a fleet).
    secret: Option<Secret>,
}

impl Program {
    /// The program of the app of `placement` for placements whose layers are those of
    /// `evaluated`.
    pub(super) fn compile(
        fleet: &Fleet,
        placement: &Placement,
        evaluated: &EvaluatedApp<'_>,
    ) -> Self {
        let app = &fleet.apps[placement.app];
        // An app's own fields always apply, so there is a plan (an empty one would write an
        // Application without a source).
        let fields = Plan::of_text(&evaluated.fields).unwrap_or(Plan::Map(Vec::new()));
        let mut program = Self::record(&evaluated.values, |values, results| {
            let fields = Planned {
                plan: &fields,
                part: Part::Fields,
                results,
            };
            yaml::record_document(&Application {
                fleet,
                app,
                fields,
                values,
            })
        });
        program.secret =
            secret_in_output_except(&program.text, &|t| fleet.marked_not_credential(t));
        program
    }

    /// The program of the document `record` records with the values of `evaluated`'s layers
    /// (and whatever other slots it records in the results it is given).
    fn record(
        evaluated: &Evaluated<'_>,
        record: impl FnOnce(Option<Values<'_, '_>>, &Results) -> (String, Vec<Mark>),
    ) -> Self {
        let plan = Plan::of(evaluated);
        let results = Results::default();
        let values = match &plan {
            Some(plan) => Some(Values::Planned(Planned {
                plan,
                part: Part::Values,
                results: &results,
            })),
            None => evaluated.view().map(|_| Values::Whole(Slot(VALUES))),
        };
        let (text, marks) = record(values, &results);
        Self {
            secret: None,
            text,
            marks,
            results: results.into_inner(),
        }
    }

    /// Appends the Application named `name` on cluster `cluster`, whose layers `evaluated`
    /// holds, and says whether anything in it looks like a secret. The text around the slots was
    /// screened once; what fills them was screened before: the name and cluster are DNS names,
    /// and every template result was screened where it was produced (and the literals with the
    /// fleet's documents), so every byte of every Application is screened once.
    pub(super) fn write(
        &self,
        name: &str,
        cluster: &str,
        evaluated: &EvaluatedApp<'_>,
        out: &mut String,
    ) -> Option<Secret> {
        yaml::fill(&self.text, &self.marks, out, |mark, out| match mark.slot {
            NAME => yaml::write_at(name, mark, out),
            CLUSTER => yaml::write_at(cluster, mark, out),
            VALUES => yaml::write_at(
                &evaluated
                    .values
                    .view()
                    .expect("a values slot is left only for values"),
                mark,
                out,
            ),
            slot => {
                let (part, layer, index) = self.results[(slot - FIRST_RESULT) as usize];
                let layers = match part {
                    Part::Values => &evaluated.values,
                    Part::Fields => &evaluated.fields,
                    Part::Vars => unreachable!("vars are data, never templates"),
                };
                yaml::write_at(layers.result(layer, index), mark, out);
            }
        });
        self.secret
    }
}

/// Each app's programs by the set of layers they are for, compiled as placements need them.
pub(super) struct Programs {
    by_app: Vec<Mutex<HashMap<u64, Arc<Program>>>>,
}

impl Programs {
    /// No program yet, for a fleet of `apps` apps.
    pub(super) fn new(apps: usize) -> Self {
        Self {
            by_app: (0..apps).map(|_| Mutex::default()).collect(),
        }
    }

    /// The program for `placement`, whose layers `evaluated` holds.
    pub(super) fn of(
        &self,
        fleet: &Fleet,
        placement: &Placement,
        evaluated: &EvaluatedApp<'_>,
    ) -> Arc<Program> {
        let compile = || Arc::new(Program::compile(fleet, placement, evaluated));
        let Some(applied) = evaluated.applied() else {
            return compile();
        };
        let mut programs = self.by_app[placement.app]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(programs.entry(applied).or_insert_with(compile))
    }
}

/// The values of a program's placements.
#[derive(Serialize)]
#[serde(untagged)]
enum Values<'p, 'a> {
    /// Merged once, with a slot per template result.
    Planned(Planned<'p, 'a>),
    /// Merged per placement.
    Whole(Slot),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::templates::strategy::{count_holes, shape, tree};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    #[derive(Serialize)]
    struct Document<V> {
        name: &'static str,
        values: Option<V>,
        after: [u8; 1],
    }

    fn result() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(json!("r")),
            Just(json!("two\nlines")),
            Just(json!(7)),
            Just(json!(null)),
            Just(json!([])),
            Just(json!({})),
            Just(json!({"a": 2, "z": [1, {"b": "c"}]})),
        ]
    }

    /// A layer's values: a mapping, whose two keys make layers meet often.
    fn layer() -> impl Strategy<Value = Value> {
        proptest::collection::btree_map(
            proptest::sample::select(vec!["a", "b"]).prop_map(str::to_owned),
            tree(),
            0..3,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// A program recorded with one placement's results and filled with another's writes
        /// what writing the other's merged values whole does.
        #[test]
        fn a_filled_program_writes_the_whole_document(
            layers in proptest::collection::vec(layer(), 0..4),
            first in proptest::collection::vec(result(), 1..8),
            second in proptest::collection::vec(result(), 1..8),
        ) {
            let shapes: Vec<_> = layers.iter().map(shape).collect();
            let results = |pool: &[Value]| -> Vec<Vec<Value>> {
                layers
                    .iter()
                    .enumerate()
                    .map(|(l, layer)| {
                        (0..count_holes(layer)).map(|i| pool[(3 * l + i) % pool.len()].clone()).collect()
                    })
                    .collect()
            };
            let recorded = Evaluated::new(shapes.iter().zip(results(&first)).collect(), Some(0));
            let filled = Evaluated::new(shapes.iter().zip(results(&second)).collect(), Some(0));
            let program = Program::record(&recorded, |values, _| {
                yaml::record_document(&Document { name: "n", values, after: [1] })
            });
            let filled = EvaluatedApp { values: filled, fields: Evaluated::new(Vec::new(), Some(0)) };
            let mut written = String::new();
            let _ = program.write("unused", "unused", &filled, &mut written);
            let mut whole = String::new();
            yaml::write_document(
                &Document { name: "n", values: filled.values.view(), after: [1] },
                &mut whole,
            );
            prop_assert_eq!(written, whole);
        }
    }
}
