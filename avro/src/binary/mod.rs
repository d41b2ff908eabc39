//! The Avro binary encoding: a bounds-checked [`Reader`] and the `write_*` functions.
//!
//! Generated code and the dynamic codec both build on these, so that every decoder shares the
//! same limits: lengths are checked against the remaining input, block counts against the
//! remaining input divided by the item's minimum encoded size, and record nesting against
//! [`MAX_DEPTH`].

mod reader;
mod writer;

pub use reader::{MAX_DEPTH, MAX_ZERO_SIZE_ITEMS, Reader};
pub use writer::{
    write_bool, write_bytes, write_double, write_float, write_int, write_long, write_str,
};
