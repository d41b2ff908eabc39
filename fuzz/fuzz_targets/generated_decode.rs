//! The first byte picks a Rust type; the rest is decoded with `from_slice::<T>`, and any value
//! decoded must round-trip and agree with the dynamic decoder (see `check::typed`).
#![no_main]

use affinity_avro_fuzz::typed::decode_as;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&first, bytes)) = data.split_first() {
        decode_as(first, bytes);
    }
});
