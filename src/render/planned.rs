//! A [`Plan`] written with a [`Slot`] for each template result, numbered in document order, so a
//! [program](super::program) can fill them per placement.

use std::cell::RefCell;

use serde::ser::{SerializeMap as _, SerializeSeq as _};
use serde::{Serialize, Serializer};

use super::yaml::Slot;
use crate::place::{Part, Plan};

/// The first slot holding a template result; the rest follow in document order.
pub(super) const FIRST_RESULT: u32 = 3;

/// What each result slot holds, from [`FIRST_RESULT`] on: which part, and which template of
/// which applied layer.
pub(super) type Results = RefCell<Vec<(Part, usize, usize)>>;

/// Writes `plan` (of `part`), recording each template result's slot in `results`.
#[derive(Clone, Copy)]
pub(super) struct Planned<'p, 'a> {
    pub(super) plan: &'p Plan<'a>,
    pub(super) part: Part,
    pub(super) results: &'p Results,
}

impl<'p, 'a> Planned<'p, 'a> {
    /// The same for a plan below this one.
    pub(super) fn at(&self, plan: &'p Plan<'a>) -> Planned<'p, 'a> {
        Planned { plan, ..*self }
    }

    /// The entry `key`, if this is a map that has it.
    pub(super) fn get(&self, key: &str) -> Option<Planned<'p, 'a>> {
        self.plan.get(key).map(|plan| self.at(plan))
    }
}

impl Serialize for Planned<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.plan {
            Plan::Literal(value) => value.serialize(serializer),
            Plan::Hole { layer, index } => {
                let mut results = self.results.borrow_mut();
                let slot = FIRST_RESULT + u32::try_from(results.len()).expect("fewer results");
                results.push((self.part, *layer, *index));
                drop(results);
                Slot(slot).serialize(serializer)
            }
            Plan::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, plan) in entries {
                    map.serialize_entry(key, &self.at(plan))?;
                }
                map.end()
            }
            Plan::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for plan in items {
                    seq.serialize_element(&self.at(plan))?;
                }
                seq.end()
            }
        }
    }
}
