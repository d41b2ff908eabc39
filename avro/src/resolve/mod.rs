//! Schema resolution: reading data written with one schema as values of another
//! (Avro 1.12 specification, "Schema Resolution").

mod decode;
mod error;
pub(crate) mod matching;
pub(crate) mod path;
mod plan;
mod resolver;
mod typed;

pub(crate) use error::display_path;
pub use error::{ReadError, ResolveError};
pub use resolver::Resolver;
pub use typed::{TypedResolver, from_slice_with};
