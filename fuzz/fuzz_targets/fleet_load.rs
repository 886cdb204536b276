//! Arbitrary bytes as a fleet file: alone, and added to a small valid fleet. Loading,
//! validating, placing, formatting findings and (when valid) rendering never panic, and what
//! would be written reads back.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::check(common::compile_files(vec![(
        "fleet/input.yaml",
        data.to_vec(),
    )]));
    common::check(common::compile_files(vec![
        ("fleet/base.yaml", common::BASE.as_bytes().to_vec()),
        ("fleet/input.yaml", data.to_vec()),
    ]));
});
