//! Avro for Affinity: schemas, fast generated codecs, schema resolution, the JSON encoding,
//! deltas, the Confluent wire format and schema registries.
//!
//! ```
//! # #[cfg(feature = "derive")] {
//! use affinity_avro::{Avro, from_slice, to_vec};
//!
//! #[derive(Avro, Clone, Debug, PartialEq)]
//! #[avro(namespace = "com.example")]
//! struct Point { x: i64, y: i64, label: Option<String> }
//!
//! let p = Point { x: 1, y: -1, label: None };
//! let bytes = to_vec(&p);
//! assert_eq!(bytes, [2, 1, 0]);
//! assert_eq!(from_slice::<Point>(&bytes)?, p);
//! assert_eq!(affinity_avro::json::to_json_string(&p), r#"{"x":1,"y":-1,"label":null}"#);
//! # }
//! # Ok::<(), affinity_avro::DecodeError>(())
//! ```
//!
//! | what | where |
//! |---|---|
//! | the schema model: parse, canonical form, Rabin fingerprint, full names | [`Schema`], [`schema`] |
//! | `#[derive(Avro)]` and the [`Avro`] trait: a `&'static` schema and direct binary codecs | [`Avro`], [`to_vec`], [`from_slice`] |
//! | decoding that borrows strings and bytes from the input (`&'a str`, `Cow<'a, str>`) | [`AvroBorrow`], [`from_slice_borrowed`] |
//! | any datum against a schema, for tools and the browser | [`Value`], [`decode_value`], [`encode_value`] |
//! | data written with another schema (evolution) | [`Resolver`], [`TypedResolver`], [`from_slice_with`] |
//! | BACKWARD / FORWARD / FULL (transitive) checks | [`Compatibility`], [`can_read`] |
//! | the JSON encoding, as HTTP users see it | [`json`] |
//! | deltas: only the changed fields of a record | [`delta`], [`apply_delta`] |
//! | Confluent framing and the registry trait | [`encode_frame`], [`decode_frame`], [`SchemaRegistry`], [`MemoryRegistry`] |
//! | the binary reader and writers generated code builds on | [`binary`] |
//!
//! Every decoder here bounds what it allocates by the bytes in front of it, nests at most
//! [`binary::MAX_DEPTH`] records deep and returns an error — never panics — on malformed input.
//! No I/O happens here and nothing needs an async runtime; the crate builds for
//! `wasm32-unknown-unknown` (apache-avro is only a dev-dependency, for interoperability tests).

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
pub use codec::Wire;
pub use codec::{
    Avro, AvroBorrow, AvroMapKey, SchemaWriter, build_schema, from_slice, from_slice_borrowed,
    to_vec, to_vec_borrowed,
};
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
