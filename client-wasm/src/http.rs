//! HTTP through the platform's `fetch` (the browser's, Node's, or one given in the options):
//! writer schemas by id, key schemas by subject, and `Avro` endpoint calls.

use std::sync::Arc;

use affinity_avro::Schema;
use js_sys::{Array, Function, JsString, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::convert::long_to_js;
use crate::decode::bytes_to_js;
use crate::error::{Kind, error, error_with};

/// The media type of Avro binary bodies.
pub(crate) const AVRO: &str = "application/vnd.apache.avro+binary";
/// The response header naming the body's writer schema.
pub(crate) const SCHEMA_ID_HEADER: &str = "affinity-schema-id";

/// A fetched response: status, the schema id header and the body.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) schema_id: Option<i32>,
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

/// Calls `fetch(url, {method, headers, body})`.
pub(crate) async fn fetch(
    fetch: &Function,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Response, JsValue> {
    let init = Object::new();
    let h = Object::new();
    for (k, v) in headers {
        Reflect::set(&h, &(*k).into(), &(*v).into())?;
    }
    Reflect::set(&init, &"method".into(), &method.into())?;
    Reflect::set(&init, &"headers".into(), &h)?;
    if let Some(b) = body {
        Reflect::set(&init, &"body".into(), &Uint8Array::from(b))?;
    }
    let net = |e: JsValue| {
        let msg = Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "the request failed".into());
        error(Kind::Http, "network", format!("{method} {url}: {msg}"))
    };
    let promise: Promise = fetch
        .call2(&JsValue::UNDEFINED, &url.into(), &init)
        .map_err(net)?
        .dyn_into()
        .map_err(|_| error(Kind::Http, "network", "fetch did not return a promise"))?;
    let response = JsFuture::from(promise).await.map_err(net)?;
    let status = Reflect::get(&response, &"status".into())?
        .as_f64()
        .unwrap_or(0.0) as u16;
    let headers = Reflect::get(&response, &"headers".into())?;
    let header = |name: &str| -> Option<String> {
        let get: Function = Reflect::get(&headers, &"get".into())
            .ok()?
            .dyn_into()
            .ok()?;
        get.call1(&headers, &name.into()).ok()?.as_string()
    };
    let schema_id = header(SCHEMA_ID_HEADER).and_then(|s| s.trim().parse().ok());
    let content_type = header("content-type").unwrap_or_default();
    let array_buffer: Function = Reflect::get(&response, &"arrayBuffer".into())?.dyn_into()?;
    let buffer = JsFuture::from(Promise::from(array_buffer.call0(&response)?))
        .await
        .map_err(net)?;
    let body = Uint8Array::new(&buffer).to_vec();
    Ok(Response {
        status,
        schema_id,
        content_type,
        body,
    })
}

/// Reads a registry answer (`{"schema": "<json>"}`, optionally with `"schemaType": "AVRO"`).
pub(crate) fn parse_schema_answer(body: &[u8]) -> Result<(Schema, Option<i32>), String> {
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    if let Some(kind) = json.get("schemaType").and_then(|k| k.as_str())
        && kind != "AVRO"
    {
        return Err(format!("a {kind} schema, not an Avro one"));
    }
    let text = json
        .get("schema")
        .and_then(|s| s.as_str())
        .ok_or("the answer has no \"schema\" string")?;
    let id = json
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .and_then(|i| i32::try_from(i).ok());
    Schema::parse(text)
        .map(|s| (s, id))
        .map_err(|e| e.to_string())
}

/// Fetches a schema from the registry at `url`.
pub(crate) async fn fetch_schema(f: &Function, url: &str) -> Result<Arc<Schema>, JsValue> {
    let r = fetch(f, "GET", url, &[("accept", "application/json")], None).await?;
    if r.status != 200 {
        let code = if r.status == 404 {
            "schema-not-found"
        } else {
            "schema-unavailable"
        };
        return Err(error(
            Kind::Schema,
            code,
            format!("GET {url}: HTTP {}", r.status),
        ));
    }
    parse_schema_answer(&r.body)
        .map(|(s, _)| Arc::new(s))
        .map_err(|e| error(Kind::Schema, "bad-schema", format!("GET {url}: {e}")))
}

/// Decodes an Avro body with its writer schema (and that schema's JS decoder, if there is one),
/// or parses a JSON body.
pub(crate) fn decode_body(
    schema: Option<(&Schema, Option<&Function>)>,
    r: &Response,
) -> Result<JsValue, JsValue> {
    if let Some((schema, decoder)) = schema {
        return bytes_to_js(schema, decoder, &r.body, "bad-body");
    }
    if r.body.is_empty() {
        return Ok(JsValue::UNDEFINED);
    }
    let text = String::from_utf8_lossy(&r.body);
    if r.content_type.contains("json") {
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| error(Kind::Value, "bad-body", format!("the response body: {e}")))?;
        return Ok(json_to_js(&json));
    }
    Ok(JsString::from(text.as_ref()).into())
}

/// An HTTP error for a response with an error status (its JSON `error` message if it has one).
pub(crate) fn status_error(method: &str, url: &str, r: &Response) -> JsValue {
    let message = serde_json::from_slice::<serde_json::Value>(&r.body)
        .ok()
        .and_then(|j| {
            j.get("message")
                .or_else(|| j.get("error"))
                .and_then(|m| m.as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| String::from_utf8_lossy(&r.body).chars().take(200).collect());
    let details = Object::new();
    let _ = Reflect::set(&details, &"status".into(), &f64::from(r.status).into());
    error_with(
        Kind::Http,
        "http-status",
        format!("{method} {url}: HTTP {} {message}", r.status),
        details.into(),
    )
}

/// Generic JSON → JS, keeping integers beyond 2^53 as `BigInt`.
pub(crate) fn json_to_js(json: &serde_json::Value) -> JsValue {
    use serde_json::Value as J;
    match json {
        J::Null => JsValue::NULL,
        J::Bool(b) => JsValue::from_bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => long_to_js(i),
            None => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => JsValue::from_str(s),
        J::Array(a) => a.iter().map(json_to_js).collect::<Array>().into(),
        J::Object(o) => {
            let out = Object::new();
            for (k, v) in o {
                let _ = Reflect::set(&out, &JsValue::from_str(k), &json_to_js(v));
            }
            out.into()
        }
    }
}

/// Generic JS → JSON (the affinity JSON mapping without a schema): `BigInt`s as exact
/// integers, `Uint8Array`s as one character per byte.
pub(crate) fn js_to_json(js: &JsValue) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    if js.is_null() || js.is_undefined() {
        return Ok(J::Null);
    }
    if let Some(b) = js.as_bool() {
        return Ok(J::Bool(b));
    }
    if let Some(d) = js.as_f64() {
        if d.fract() == 0.0 && d.abs() < 9.007_199_254_740_992e15 {
            return Ok(J::from(d as i64));
        }
        return serde_json::Number::from_f64(d)
            .map(J::Number)
            .ok_or_else(|| format!("{d} has no JSON form"));
    }
    if js.is_bigint() {
        let text: String = js
            .unchecked_ref::<js_sys::BigInt>()
            .to_string(10)
            .map_err(|_| "a BigInt")?
            .into();
        return text
            .parse::<i64>()
            .map(J::from)
            .map_err(|_| format!("{text} does not fit 64 bits"));
    }
    if let Some(s) = js.as_string() {
        return Ok(J::String(s));
    }
    if let Some(bytes) = js.dyn_ref::<Uint8Array>() {
        return Ok(J::String(
            bytes.to_vec().into_iter().map(char::from).collect(),
        ));
    }
    if let Some(a) = js.dyn_ref::<Array>() {
        return a
            .iter()
            .map(|v| js_to_json(&v))
            .collect::<Result<_, _>>()
            .map(J::Array);
    }
    if js.is_object() {
        let mut out = serde_json::Map::new();
        for entry in Object::entries(js.unchecked_ref::<Object>()).iter() {
            let pair: Array = entry.unchecked_into();
            let k = pair.get(0).as_string().unwrap_or_default();
            out.insert(k, js_to_json(&pair.get(1))?);
        }
        return Ok(J::Object(out));
    }
    Err(format!("{:?} has no JSON form", js.js_typeof().as_string()))
}
