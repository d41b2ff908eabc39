//! The first byte picks a schema of `corpus::SCHEMAS` (applied with the dynamic delta applier)
//! or a Rust type of `typed` (applied with the typed `apply_delta` and cross-checked against
//! the dynamic one); the second picks a base value; the rest is applied as a delta to it (see
//! `check::dynamic_delta` and `check::typed_delta`).
#![no_main]

use affinity_avro_fuzz::corpus::{self, DeltaPick};
use affinity_avro_fuzz::{SCHEMAS, check, typed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match corpus::select_delta(data) {
        Some((DeltaPick::Schema(i), variant, delta)) => {
            let schema = &SCHEMAS[i];
            check::dynamic_delta(schema, &corpus::base_value(schema, variant), delta);
        }
        Some((DeltaPick::Typed(n), variant, delta)) => {
            typed::delta_as(n, variant, delta);
        }
        None => {}
    }
});
