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
mod compat;
pub mod delta;
mod error;
mod framing;
pub mod json;
mod registry;
mod resolve;
pub mod schema;
mod value;

/// `#[derive(Avro)]`: see the `affinity-avro-derive` crate.
#[cfg(feature = "derive")]
pub use affinity_avro_derive::Avro;
pub use codec::{Avro, SchemaWriter, build_schema, from_slice, to_vec};
#[cfg(feature = "decimal")]
pub use codec::{Decimal, DecimalError};
pub use codec::{TimestampMicros, TimestampMillis};
pub use compat::{Compatibility, Incompatibility, ParseCompatibilityError, can_read};
pub use delta::apply_delta;
pub use error::{DecodeError, EncodeError, JsonError, SchemaError};
pub use framing::{
    FRAME_HEADER_LEN, MAGIC_BYTE, decode_frame, encode_frame, to_framed, write_frame_header,
};
pub use registry::{
    MemoryRegistry, RegisteredSchema, RegistryError, RegistryFuture, SchemaId, SchemaRegistry,
};
pub use resolve::{ReadError, ResolveError, Resolver, TypedResolver, from_slice_with};
pub use schema::Schema;
pub use value::{Value, decode_value, encode_value, skip_value};
