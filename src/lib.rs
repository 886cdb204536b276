//! fleetc compiles a fleet repo of Kubernetes cluster declarations and placement rules into every
//! object the runtime needs: ESO `ExternalSecrets` and Argo CD cluster Secrets, Argo CD
//! Applications, Cluster API manifests and Terraform inputs.
//!
//! The folders follow the pipeline, and data flows one way:
//! [`source`] → [`load`] → [`validate`] → [`place`] → [`render`] → [`emit`].
//! Stages are plain functions over plain data. The library never prints: [`cli`] turns a command
//! line into text and an exit code, and `main.rs` writes them out.

pub mod cli;
mod compile;
pub mod conformance;
pub mod diagnostic;
pub mod emit;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod import;
pub mod load;
pub mod model;
pub mod place;
pub mod promote;
pub mod render;
pub mod selector;
pub mod source;
#[cfg(test)]
mod test_fleet;
pub mod validate;

pub use compile::{Compilation, Options, compile, compile_pair};
