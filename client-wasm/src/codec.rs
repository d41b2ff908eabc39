//! [`AvroType`]: a schema's codec for JS values, like avsc's `Type` (`toBuffer`, `fromBuffer`),
//! plus the delta codec, for publishes, tests and benchmarks.
//!
//! The npm package wraps it (`js-package/src/client.js`): its `AvroType.fromBuffer` and
//! `applyDelta` decode in JS with the decoder `js/avro.js` generates from [`AvroType::canonical_form`]
//! (falling back to these methods where JS cannot compile one). The decoding methods here build
//! the value inside wasm ([`crate::convert::to_js`]): the reference the JS decoder is tested
//! against.

use affinity_avro::delta::{apply_value_delta, value_delta};
use affinity_avro::{Schema, Value, decode_value, encode_value};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, to_js};
use crate::error::{Kind, error};

/// An Avro schema and its codec between JS values and Avro binary.
#[wasm_bindgen]
pub struct AvroType {
    schema: Schema,
}

impl AvroType {
    fn value(&self, js: &JsValue) -> Result<Value, JsValue> {
        from_js(&self.schema, self.schema.root(), js)
            .map_err(|e| error(Kind::Value, "invalid-value", e.to_string()))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Value, JsValue> {
        decode_value(&self.schema, bytes)
            .map_err(|e| error(Kind::Value, "bad-bytes", e.to_string()))
    }

    fn applied(&self, old: &[u8], delta: &[u8]) -> Result<Value, JsValue> {
        let old = self.decode(old)?;
        apply_value_delta(&self.schema, &old, delta)
            .map_err(|e| error(Kind::Value, "bad-delta", e.to_string()))
    }

    fn js(&self, v: &Value) -> Result<JsValue, JsValue> {
        to_js(&self.schema, self.schema.root(), v)
            .map_err(|e| error(Kind::Value, "bad-bytes", e.to_string()))
    }
}

#[wasm_bindgen]
impl AvroType {
    /// Parses a schema from its JSON text.
    #[wasm_bindgen(constructor)]
    pub fn new(schema: &str) -> Result<AvroType, JsValue> {
        Schema::parse(schema)
            .map(|schema| AvroType { schema })
            .map_err(|e| error(Kind::Schema, "bad-schema", e.to_string()))
    }

    /// The schema's canonical form.
    #[wasm_bindgen(getter, js_name = canonicalForm)]
    pub fn canonical_form(&self) -> String {
        self.schema.canonical_form().to_owned()
    }

    /// Encodes a JS value.
    #[wasm_bindgen(js_name = toBuffer)]
    pub fn to_buffer(&self, value: JsValue) -> Result<Uint8Array, JsValue> {
        let v = self.value(&value)?;
        let mut out = Vec::new();
        encode_value(&self.schema, &v, &mut out)
            .map_err(|e| error(Kind::Value, "invalid-value", e.to_string()))?;
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// Decodes Avro binary written with this schema.
    #[wasm_bindgen(js_name = fromBuffer)]
    pub fn from_buffer(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let v = self.decode(bytes)?;
        self.js(&v)
    }

    /// The delta from `old` to `new` (both JS values of this record schema).
    pub fn delta(&self, old: JsValue, new: JsValue) -> Result<Uint8Array, JsValue> {
        let (old, new) = (self.value(&old)?, self.value(&new)?);
        value_delta(&self.schema, &old, &new)
            .map(|d| Uint8Array::from(d.as_slice()))
            .map_err(|e| error(Kind::Value, "invalid-value", e.to_string()))
    }

    /// Applies `delta` to the value encoded as `old` (Avro bytes); returns the new value.
    #[wasm_bindgen(js_name = applyDelta)]
    pub fn apply_delta(&self, old: &[u8], delta: &[u8]) -> Result<JsValue, JsValue> {
        let new = self.applied(old, delta)?;
        self.js(&new)
    }

    /// Applies `delta` to the value encoded as `old` (Avro bytes); returns the new value's Avro
    /// bytes (for a JS decoder).
    #[wasm_bindgen(js_name = applyDeltaBytes)]
    pub fn apply_delta_bytes(&self, old: &[u8], delta: &[u8]) -> Result<Uint8Array, JsValue> {
        let new = self.applied(old, delta)?;
        let mut out = Vec::new();
        encode_value(&self.schema, &new, &mut out)
            .map_err(|e| error(Kind::Value, "bad-delta", e.to_string()))?;
        Ok(Uint8Array::from(out.as_slice()))
    }
}
