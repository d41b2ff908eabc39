//! The first byte picks one of `corpus::SCHEMAS`; the rest, if it is UTF-8, is read as JSON
//! with `value_from_json_str`, and any value read must encode and round-trip through JSON (see
//! `check::json`).
#![no_main]

use affinity_avro_fuzz::{SCHEMAS, check, corpus};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&first, rest)) = data.split_first()
        && let Ok(text) = std::str::from_utf8(rest)
    {
        check::json(&SCHEMAS[usize::from(first) % corpus::SCHEMAS.len()], text);
    }
});
