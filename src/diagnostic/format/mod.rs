//! Renderers for diagnostics: one file per output format.

mod github;
mod json;
mod text;

pub use github::{github, github_escape_data, github_escape_property};
pub use json::{JsonDiagnostic, json, json_items};
pub use text::{SourceText, text};
