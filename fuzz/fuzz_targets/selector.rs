//! The kubectl selector syntax (`fleetc ls clusters -l`): parsing never panics, a parsed
//! selector prints as a string that parses to the same selector, and matching never panics.
#![no_main]

use std::collections::BTreeMap;

use fleetc::selector::string::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The selector, then label sets to match it against, one `key=value` per line.
    let (selector, labels) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(parsed) = parse(selector) else {
        return;
    };
    let printed = parsed.to_string();
    let again = parse(&printed).unwrap_or_else(|e| panic!("{printed:?} does not parse: {e}"));
    assert_eq!(again, parsed, "{selector:?} printed as {printed:?}");
    let labels: BTreeMap<String, String> = labels
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(parsed.matches(&labels), again.matches(&labels));
});
