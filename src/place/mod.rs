pub mod selector;
pub mod selector_string;
