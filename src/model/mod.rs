pub mod label_selector;
