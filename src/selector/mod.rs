//! Kubernetes label selectors, in one place: the selector as written in fleet YAML
//! ([`LabelSelector`]), the kubectl string syntax of the command line ([`string`]), the syntax
//! of label keys and values (and of the Kubernetes names built from the same rules,
//! [`syntax`]), and the compiled [`Selector`] that matches clusters as apimachinery does. The
//! validate and place stages both use it; it uses no stage.

mod compiled;
mod input;
pub mod string;
pub mod syntax;

pub use compiled::{Operator, PathSegment, Requirement, Selector, SelectorError};
pub use input::{LabelSelector, LabelSelectorRequirement};
