//! [`Avro`](crate::Avro) for logical types: explicit timestamp units over `SystemTime`, and,
//! behind features, `uuid::Uuid` (`uuid`), `chrono` dates and times (`chrono`) and fixed-scale
//! decimals over `rust_decimal` (`decimal`).
//!
//! Each type writes the schema the Avro specification gives its logical type, so other Avro
//! implementations (apache-avro, the Java library, fastavro, avsc) see the logical type, and
//! decoding checks the logical constraints: a value that is valid for the underlying Avro type
//! but not for the logical one (a string that is no UUID, a timestamp out of range, a decimal
//! with too many digits) is [`DecodeError::InvalidValue`](crate::DecodeError::InvalidValue).

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "decimal")]
mod decimal;
mod timestamp;
#[cfg(feature = "uuid")]
mod uuid;

#[cfg(feature = "decimal")]
pub use decimal::{Decimal, DecimalError};
pub use timestamp::{TimestampMicros, TimestampMillis};
