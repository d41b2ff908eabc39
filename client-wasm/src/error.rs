//! Errors as JS `Error` subclasses with a `code`, made by `js/errors.js` (re-exported by the npm
//! package as `AffinityError`, `ServerError`, `ValueError`, `SchemaError`, `HttpError`,
//! `ConnectionError`).

use affinity_protocol::frame::ErrorCode;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(kind: &str, code: &str, message: &str, details: JsValue) -> JsValue;
}

/// Which JS class an error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `ServerError`.
    Server,
    /// `ValueError`.
    Value,
    /// `SchemaError`.
    Schema,
    /// `HttpError`.
    Http,
    /// `ConnectionError`.
    Connection,
}

/// An error to hand to JS.
pub(crate) fn error(kind: Kind, code: &str, message: impl AsRef<str>) -> JsValue {
    error_with(kind, code, message, JsValue::UNDEFINED)
}

/// An error with extra properties (`details` is an object whose properties are copied).
pub(crate) fn error_with(
    kind: Kind,
    code: &str,
    message: impl AsRef<str>,
    details: JsValue,
) -> JsValue {
    let kind = match kind {
        Kind::Server => "server",
        Kind::Value => "value",
        Kind::Schema => "schema",
        Kind::Http => "http",
        Kind::Connection => "connection",
    };
    make_error(kind, code, message.as_ref(), details)
}

/// The `code` of a server error: its protocol symbol in kebab case (`UnknownKeyspace` →
/// `unknown-keyspace`).
pub(crate) fn server_code(code: ErrorCode) -> String {
    let mut out = String::new();
    for (i, c) in code.symbol().chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
