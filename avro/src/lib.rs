//! Avro for Affinity: schemas, fast generated codecs, schema resolution, the JSON encoding,
//! deltas and the Confluent wire format.
//!
//! - [`Schema`]: parse, canonical form, fingerprint, full names.
//! - [`Avro`]: the trait `#[derive(Avro)]` implements — a `&'static` schema and direct binary
//!   encode/decode, with [`to_vec`] and [`from_slice`].
//! - [`Value`]: any datum, read and written against a schema ([`decode_value`], [`encode_value`]).
//!
//! No I/O happens here and nothing here needs an async runtime; the crate builds for
//! `wasm32-unknown-unknown`.

pub mod binary;
mod codec;
mod error;
pub mod schema;
mod value;

/// `#[derive(Avro)]`: see the `affinity-avro-derive` crate.
#[cfg(feature = "derive")]
pub use affinity_avro_derive::Avro;
pub use codec::{Avro, SchemaWriter, build_schema, from_slice, to_vec};
#[cfg(feature = "decimal")]
pub use codec::{Decimal, DecimalError};
pub use codec::{TimestampMicros, TimestampMillis};
pub use error::{DecodeError, EncodeError, SchemaError};
pub use schema::Schema;
pub use value::{Value, decode_value, encode_value, skip_value};
