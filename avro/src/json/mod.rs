//! The Avro JSON encoding, both ways: for [`Value`](crate::Value)s against a
//! [`Schema`](crate::Schema) ([`value_to_json`], [`value_from_json`]) and for [`Avro`](crate::Avro)
//! types ([`to_json`], [`from_json`]). This is what HTTP bodies and the browser client see.
//!
//! # The mapping
//!
//! | Avro type | JSON | notes |
//! |---|---|---|
//! | `null` | `null` | |
//! | `boolean` | `true` / `false` | |
//! | `int`, `long` | number | exact: a `long` beyond 2^53 is written with all its digits (JavaScript's `JSON.parse` rounds it). Reading, only integer numbers are accepted (`3`, not `3.0`), within the type's range |
//! | `float`, `double` | number | the shortest decimal that reads back as the same value (`0.1`, not `0.10000000149011612`); NaN and the infinities as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, accepted back. Reading accepts any JSON number; a `float` out of range is an error |
//! | `bytes`, `fixed` | string | one character per byte, U+0000–U+00FF, as the specification says (byte `0xff` is `"ÿ"`). A `fixed` must have exactly its size |
//! | `string` | string | |
//! | `enum` | string | the symbol |
//! | `array` | array | |
//! | `map` | object | entries in order |
//! | `record` | object | one key per field, in field order. Reading: a missing field takes its default, a missing field without one is an error, a key that is no field is an error naming it |
//! | union `["null", T]` or `[T, "null"]` | `null` or T's JSON | unwrapped |
//! | any other union | `null` for the `null` branch, otherwise `{"<branch>": value}` | the branch's name is the type name for unnamed types (`"int"`, `"string"`, `"array"`, `"map"`…) and the full name for named types (`"ex.Circle"`) |
//! | `uuid` on `string` | string | as is |
//! | `uuid` on `fixed(16)` | string | `"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"`, lowercase (either case read) |
//! | `date`, `time-*`, `timestamp-*`, `local-timestamp-*` | number | the underlying `int` or `long` |
//! | `decimal` on `bytes` or `fixed` | string | the decimal number with exactly `scale` digits after the point: `"-12.34"`, `"0.005"`, `"7"` (scale 0). Reading accepts `-?[0-9]+(\.[0-9]+)?`: fewer digits after the point are padded, more are an error unless they are zeros, and more than `precision` significant digits are an error. The value is stored in the shortest two's-complement form (for `fixed`, sign-extended to its size) |
//! | `duration` | string | as its `fixed(12)` |
//!
//! # How this differs from the specification's JSON encoding
//!
//! - **Nullable unions are unwrapped**: the specification writes `{"string": "x"}` for the
//!   value `"x"` of `["null", "string"]`; this encoding writes `"x"`. Optional fields are by far
//!   the most common unions, and this is the JSON that people and JavaScript code expect for
//!   them. It is unambiguous: only the `null` branch is written as `null`. Every other union is
//!   tagged exactly as the specification says.
//! - **Decimals are decimal strings**: the specification writes a decimal as its bytes (the
//!   unscaled two's-complement integer, one character per byte), which no JSON consumer can
//!   read. A string, not a number, so that no digit is lost to floating point. The
//!   specification's form is *not* accepted when reading: a string such as `"12"` would read
//!   both ways (the decimal 12, or the bytes `0x31 0x32`), so accepting both would silently
//!   misread some values.
//! - **Non-finite floats** are strings; the specification leaves them undefined (JSON numbers
//!   cannot be NaN or infinite).
//! - **`uuid` on `fixed`** is its text form rather than 16 characters of bytes.
//!
//! Everything else — records, maps, enums, bytes, tagged unions — matches the specification,
//! so its other implementations read and write the same JSON for schemas without nullable
//! unions, decimals or `uuid` on `fixed`.
//!
//! Objects keep their order: records are written in field order and maps in entry order
//! (`serde_json`'s `preserve_order` is on), and reading a map keeps the order of its keys.
//!
//! # Errors
//!
//! Reading reports the first problem as a [`JsonError`](crate::JsonError), with a
//! JavaScript-like path to it and what was found there, for example:
//!
//! ```text
//! items[3].price: expected a number, found "12"
//! missing field `id`, which has no default
//! shape: "ex.Square" does not name a branch of the union; its branches are "ex.Circle", "string"
//! ```

mod decimal;
mod decode;
mod encode;
mod number;
pub(crate) mod path;
mod typed;
mod union;
mod uuid;

pub use decode::{value_from_json, value_from_json_str};
pub use encode::{value_to_json, value_to_json_string};
pub use typed::{from_json, from_json_str, to_json, to_json_string, try_to_json};
