//! Helpers shared by the `derive*` tests.
#![allow(dead_code)]

use std::fmt::Debug;

use affinity_avro::{Avro, SchemaWriter, decode_value, encode_value, from_slice, to_vec};

/// The schema JSON exactly as the type writes it.
pub(crate) fn written_schema<T: Avro>() -> String {
    let mut w = SchemaWriter::new();
    T::write_schema(&mut w);
    w.finish()
}

/// The canonical form of the type's schema.
pub(crate) fn canonical<T: Avro>() -> String {
    T::schema().canonical_form().to_owned()
}

/// Encodes `v`, checks that it decodes back to `v`, and that the dynamic codec reads the same
/// bytes against `T::schema()` and writes them back identically; returns the bytes.
pub(crate) fn round_trip<T: Avro + PartialEq + Debug>(v: &T) -> Vec<u8> {
    let bytes = to_vec(v);
    assert_eq!(from_slice::<T>(&bytes).as_ref(), Ok(v));
    let schema = T::schema();
    let again = decode_value(schema, &bytes)
        .map_err(|e| format!("dynamic decode: {e}"))
        .and_then(|value| {
            let mut out = Vec::new();
            encode_value(schema, &value, &mut out)
                .map(|()| out)
                .map_err(|e| format!("dynamic encode: {e}"))
        });
    assert_eq!(again.as_ref(), Ok(&bytes), "dynamic codec on {v:?}");
    bytes
}
