//! Avro → JS values through the decoder that `js/avro.js` generates in JS for each writer
//! schema: the bytes cross into JS once and JS builds the objects, instead of wasm building them
//! through the boundary. Used for subscription values (the session's `Value`, encoded again —
//! cheap inside wasm — and decoded in JS), HTTP answers and the package's `AvroType.fromBuffer`.
//!
//! Where JS cannot compile a decoder (a Content-Security-Policy without `'unsafe-eval'`), the
//! value is built inside wasm by [`to_js`] instead: the same mapping, slower.
//!
//! The browser has no reader schema: values come in the shape of their writer schema (fetched by
//! id), as before; a value written with an evolved schema arrives in the new shape.

use affinity_avro::{Schema, Value, decode_value, encode_value};
use js_sys::{Function, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::convert::to_js;
use crate::error::{Kind, error};

/// The largest scratch buffer kept between values.
const SCRATCH_KEEP: usize = 1 << 20;

#[wasm_bindgen(module = "/js/avro.js")]
extern "C" {
    #[wasm_bindgen(js_name = compileDecoder, catch)]
    fn compile_decoder(canonical_schema: &str) -> Result<JsValue, JsValue>;
}

/// The JS decoder of values written with `schema`, or `None` where JS cannot compile one.
pub(crate) fn compile(schema: &Schema) -> Option<Function> {
    compile_decoder(schema.canonical_form())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
}

/// Decodes `bytes` (written with `schema`) into a JS value: with `decoder` when there is one,
/// otherwise inside wasm. A decoding failure is a `ValueError` with code `code`.
pub(crate) fn bytes_to_js(
    schema: &Schema,
    decoder: Option<&Function>,
    bytes: &[u8],
    code: &str,
) -> Result<JsValue, JsValue> {
    match decoder {
        // The decoder throws a ValueError ("bad-bytes") that says what is wrong.
        Some(f) => f.call1(&JsValue::UNDEFINED, &Uint8Array::from(bytes)),
        None => {
            let value = decode_value(schema, bytes)
                .map_err(|e| error(Kind::Value, code, format!("invalid Avro bytes: {e}")))?;
            to_js(schema, schema.root(), &value)
                .map_err(|e| error(Kind::Value, code, e.to_string()))
        }
    }
}

/// `value` (of `schema`) as a JS value: encoded into `scratch` and decoded by `decoder` when there
/// is one, otherwise converted inside wasm.
pub(crate) fn value_to_js(
    schema: &Schema,
    decoder: Option<&Function>,
    value: &Value,
    scratch: &mut Vec<u8>,
) -> Result<JsValue, JsValue> {
    let Some(f) = decoder else {
        return to_js(schema, schema.root(), value)
            .map_err(|e| error(Kind::Value, "bad-value", e.to_string()));
    };
    scratch.clear();
    encode_value(schema, value, scratch)
        .map_err(|e| error(Kind::Value, "bad-value", e.to_string()))?;
    let js = f.call1(&JsValue::UNDEFINED, &Uint8Array::from(scratch.as_slice()));
    if scratch.capacity() > SCRATCH_KEEP {
        *scratch = Vec::new();
    }
    js
}
