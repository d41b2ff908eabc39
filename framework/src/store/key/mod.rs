//! An order-preserving encoding of Avro keys: key bytes that sort, byte by byte, the way the
//! Avro specification sorts the values ("Sort Order", Avro 1.12).
//!
//! States are keyed by Avro types, and stores keep keys as bytes in lexicographic order. Avro
//! binary does not sort like its values (zig-zag varints put -1 after 0 and 1 after -1; a
//! length prefix puts `"b"` before `"aa"`), so range and prefix scans in key order need their
//! own encoding. [`KeyCodec`] writes it for dynamic [`Value`](affinity_avro::Value)s of a
//! schema, [`TypedKeyCodec`] for a Rust key type; both decode back, since a scan must give keys
//! back. (The Avro binary key is still what goes to Kafka and into the partitioner; this
//! encoding lives only inside a store.)
//!
//! | type | encoding | order |
//! |---|---|---|
//! | `null` | nothing | all equal |
//! | `boolean` | `0x00` / `0x01` | false < true |
//! | `int`, `long` | 4 / 8 bytes big-endian, sign bit flipped | numeric |
//! | `float`, `double` | 4 / 8 bytes big-endian, IEEE 754 totalOrder transform | numeric; see below |
//! | `bytes`, `string` | the bytes, each `0x00` as `0x00 0xFF`, then `0x00 0x00` | by unsigned bytes (UTF-8 bytes: by code point); a prefix first |
//! | `fixed` | the bytes | by unsigned bytes |
//! | `enum` | symbol index: 1 byte below 255, else `0xFF` + 4 bytes big-endian | by symbol position |
//! | union | branch index (as enum), then the value | by branch, then value |
//! | `array` | each item as `0x01` + item, then `0x00` | element-wise; a shorter prefix first |
//! | record | the fields in order; `descending` fields with every byte inverted; `ignore` fields in the trailer | field by field |
//! | `map` | — | no order: [`KeyError::Unorderable`] |
//!
//! Every encoding is prefix-free, so concatenated fields compare field by field, and inverting
//! a field's bytes reverses its order without disturbing the fields after it.
//!
//! **Floating point.** The specification orders floats "numerically", which leaves `-0.0` and
//! `NaN` open. Here they follow IEEE 754 totalOrder: `-NaN < -inf < … < -0.0 < +0.0 < … < +inf
//! < +NaN`, and NaNs with different payloads are different keys. This agrees with Java's
//! `Double.compare` for every value except negative-signed NaNs (which Java puts with the
//! others, last), and it keeps every key's exact bits, so `-0.0` and `0.0` — different Avro
//! bytes, so different Kafka keys — stay different keys here too.
//!
//! **Ignored fields.** The sort order skips fields with `"order": "ignore"`, but two keys that
//! differ only there are still different keys (their Avro bytes, and so their Kafka identity,
//! differ). So ignored fields are not dropped: after the ordered part of the key comes a
//! *trailer* holding the ignored fields' values (in the order a depth-first walk meets them,
//! every field in place and ascending, maps allowed). Keys the sort order tells apart are
//! decided before the trailer; keys it calls equal are told apart, in some fixed order, by
//! the trailer. Prefixes ([`KeyCodec::encode_prefix`]) never include trailers.
//!
//! In short, for every key schema: `encode(a) < encode(b)` whenever Avro sorts `a` before `b`,
//! `encode(a) == encode(b)` exactly when `a` and `b` have the same Avro binary encoding, and
//! `decode(encode(a))` gives `a` back. Decoding checks every byte (only canonical encodings
//! decode), bounds record nesting by [`affinity_avro::binary::MAX_DEPTH`] and allocates in
//! proportion to the key.

mod check;
mod codec;
mod decode;
mod encode;
mod error;
mod primitives;

pub use codec::{KeyCodec, TypedKeyCodec};
pub use error::KeyError;
