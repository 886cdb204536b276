pub mod label_syntax;
