//! Shared helpers for the integration tests.
//!
//! Each test binary includes this module with `mod support;` and uses only part of it, so unused
//! items and `pub` items that are unreachable from the test crate root are expected here.
#![allow(dead_code, unreachable_pub)]

pub mod cases;
pub mod changes;
pub mod fleet;
pub mod skips;
pub mod tools;
pub mod upstream;
