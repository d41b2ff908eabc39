//! The first byte picks one of `corpus::SCHEMAS` or `corpus::RESOLUTIONS`; the rest is decoded
//! with `decode_value` (and skipped, resolved, written as JSON) or read through the resolver,
//! and whatever is accepted must round-trip (see `check::dynamic` and `check::resolved`).
#![no_main]

use affinity_avro_fuzz::corpus::{self, Pick};
use affinity_avro_fuzz::{IDENTITIES, RESOLVERS, SCHEMAS, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match corpus::select(data) {
        Some((Pick::Schema(i), bytes)) => {
            check::dynamic(&SCHEMAS[i], &IDENTITIES[i], bytes);
        }
        Some((Pick::Resolution(i), bytes)) => {
            check::resolved(&RESOLVERS[i], bytes);
        }
        None => {}
    }
});
