//! The JSON encoding for [`Avro`] types: through [`Value`] and the type's own schema.

use serde_json::Value as Json;

use super::decode::{value_from_json, value_from_json_str};
use super::encode::value_to_json;
use crate::{Avro, JsonError, Value, decode_value, encode_value, from_slice, to_vec};

/// `value` in the JSON encoding of its schema (see [`crate::json`]).
///
/// This cannot fail: the bytes a type's [`Avro::encode`] writes are a value of its
/// [`Avro::schema`], and every value of a schema has a JSON form. That holds for derived types
/// and for this crate's implementations; a hand-written implementation whose encoding does not
/// match its own schema (a bug in it) gets `null` here — [`try_to_json`] says what is wrong.
///
/// ```
/// use affinity_avro::json::to_json;
/// assert_eq!(to_json(&Some(vec![1i32, 2])).to_string(), "[1,2]");
/// assert_eq!(to_json(&f64::NAN).to_string(), r#""NaN""#);
/// ```
pub fn to_json<T: Avro>(value: &T) -> Json {
    try_to_json(value).unwrap_or(Json::Null)
}

/// [`to_json`], with the error a faulty hand-written [`Avro`] implementation causes: its
/// encoding does not decode as a value of its own schema.
pub fn try_to_json<T: Avro>(value: &T) -> Result<Json, crate::DecodeError> {
    let schema = T::schema();
    let v = decode_value(schema, &to_vec(value))?;
    // A value decoded against `schema` always matches it; if a future change broke that, the
    // mismatch surfaces as an invalid value rather than a panic.
    value_to_json(schema, &v).map_err(|e| crate::DecodeError::InvalidValue(e.to_string()))
}

/// [`to_json`] as JSON text.
///
/// ```
/// use std::collections::BTreeMap;
/// let m = BTreeMap::from([("b".to_string(), 2i64), ("a".to_string(), 1)]);
/// assert_eq!(affinity_avro::json::to_json_string(&m), r#"{"a":1,"b":2}"#);
/// ```
pub fn to_json_string<T: Avro>(value: &T) -> String {
    to_json(value).to_string()
}

/// Reads a `T` from JSON in the encoding of its schema (see [`crate::json`]).
///
/// ```
/// use affinity_avro::json::from_json;
/// assert_eq!(from_json::<Option<String>>(&serde_json::json!("x")), Ok(Some("x".to_string())));
/// assert_eq!(from_json::<Option<String>>(&serde_json::json!(null)), Ok(None));
/// assert!(from_json::<Option<String>>(&serde_json::json!(1)).is_err());
/// ```
pub fn from_json<T: Avro>(json: &Json) -> Result<T, JsonError> {
    from_value(&value_from_json(T::schema(), json)?)
}

/// Reads a `T` from JSON text (see [`from_json`]).
///
/// ```
/// use affinity_avro::json::from_json_str;
/// assert_eq!(from_json_str::<Vec<f32>>("[0.5, \"-Infinity\"]"), Ok(vec![0.5, f32::NEG_INFINITY]));
/// assert!(from_json_str::<Vec<f32>>("[0.5,").is_err());
/// ```
pub fn from_json_str<T: Avro>(text: &str) -> Result<T, JsonError> {
    from_value(&value_from_json_str(T::schema(), text)?)
}

fn from_value<T: Avro>(value: &Value) -> Result<T, JsonError> {
    let mut bytes = Vec::new();
    // The value was read against `T::schema()`, so it encodes; an error would still be reported.
    encode_value(T::schema(), value, &mut bytes).map_err(|e| match e {
        crate::EncodeError::Mismatch { path, expected } => JsonError::Mismatch {
            path,
            expected,
            found: "a value of another type".into(),
        },
    })?;
    from_slice(&bytes).map_err(JsonError::Value)
}
