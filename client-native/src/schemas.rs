//! [`Schemas`]: writer schemas by registry id, fetched from the server's Confluent-compatible
//! registry API and cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use affinity_avro::Schema;
use serde_json::Value as Json;

/// How many schemas a client keeps; past it an arbitrary one is dropped (and fetched again when
/// needed). Registry ids are immutable, so a cached schema never goes stale.
const MAX_SCHEMAS: usize = 1024;

/// The schemas a client has fetched, by registry id.
#[derive(Debug, Default)]
pub(crate) struct Schemas {
    cache: Mutex<HashMap<i32, Arc<Schema>>>,
}

impl Schemas {
    pub(crate) fn cached(&self, id: i32) -> Option<Arc<Schema>> {
        self.lock().get(&id).cloned()
    }

    pub(crate) fn insert(&self, id: i32, schema: Arc<Schema>) {
        let mut cache = self.lock();
        if cache.len() >= MAX_SCHEMAS
            && !cache.contains_key(&id)
            && let Some(victim) = cache.keys().next().copied()
        {
            cache.remove(&victim);
        }
        cache.insert(id, schema);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i32, Arc<Schema>>> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Reads the body of Confluent's `GET /schemas/ids/{id}`: `{"schema": "<schema JSON as a
/// string>"}`, optionally with `"schemaType": "AVRO"` (any other type is refused).
pub(crate) fn parse_schema_response(body: &[u8]) -> Result<Schema, String> {
    let json: Json =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    if let Some(kind) = json.get("schemaType").and_then(Json::as_str)
        && kind != "AVRO"
    {
        return Err(format!("a {kind} schema, not an Avro one"));
    }
    let text = json
        .get("schema")
        .and_then(Json::as_str)
        .ok_or("the answer has no \"schema\" string")?;
    Schema::parse(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confluent_answers_are_read() {
        let s = parse_schema_response(br#"{"schema":"{\"type\":\"string\"}"}"#).unwrap();
        assert_eq!(s.canonical_form(), r#""string""#);
        let s = parse_schema_response(br#"{"schema":"\"long\"","schemaType":"AVRO"}"#).unwrap();
        assert_eq!(s.canonical_form(), r#""long""#);
        for bad in [
            &br#"{"schema":"{}","schemaType":"PROTOBUF"}"#[..],
            br#"{"schema":"{\"type\":\"nope\"}"}"#,
            br#"{"id":1}"#,
            b"<html>",
        ] {
            assert!(parse_schema_response(bad).is_err());
        }
    }

    #[test]
    fn the_cache_is_bounded() {
        let schemas = Schemas::default();
        let s = Arc::new(Schema::parse(r#""int""#).unwrap());
        for id in 0..(MAX_SCHEMAS as i32 + 10) {
            schemas.insert(id, s.clone());
        }
        assert_eq!(schemas.lock().len(), MAX_SCHEMAS);
        assert!(schemas.cached(MAX_SCHEMAS as i32 + 9).is_some());
    }
}
