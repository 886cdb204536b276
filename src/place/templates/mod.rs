//! Templates and the layers they come in. An app's own values and Application fields, then each
//! matching override's, are layers of templated data ([`layer`]): compiled once per app
//! ([`app_layers`], [`fleet_values`] for the whole fleet), evaluated per placement (most reads
//! straight from the placement's data, [`paths`]; the rest by minijinja, within a memory bound,
//! [`memory`]), merged as written ([`view`]) or, for placements that share their layers, as one
//! plan with holes for what templates produce ([`plan`]).

pub(crate) mod app_layers;
pub(crate) mod fleet_values;
pub(crate) mod layer;
pub(crate) mod memory;
pub(crate) mod paths;
pub(crate) mod plan;
#[cfg(test)]
pub(crate) mod strategy;
pub(crate) mod view;
