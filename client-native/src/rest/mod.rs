//! Typed HTTP calls to `Avro<T>` endpoints.

mod body;
mod calls;
mod encoding;
mod status;
mod transport;

pub(crate) use encoding::decode_body;
pub use encoding::{AVRO_BINARY, Encoding, JSON, SCHEMA_ID_HEADER};
pub(crate) use status::status_error;
pub(crate) use transport::Transport;
