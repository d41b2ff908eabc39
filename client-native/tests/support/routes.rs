//! The test server's routes.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use affinity_avro::json::{value_from_json_str, value_to_json_string};
use affinity_avro::{Avro, decode_value, encode_value};
use affinity_client::{AVRO_BINARY, JSON, SCHEMA_ID_HEADER};
use affinity_protocol::frame::SUBPROTOCOL;
use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State as Extract};
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{COUNTER_ID, Counter, State, conn};

type Shared = Extract<Arc<State>>;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/live", get(live))
        .route("/schemas/schemas/ids/{id}", get(schema))
        .route(
            "/items/{id}",
            get(get_item).put(put_item).delete(delete_item),
        )
        .route("/conflict", get(conflict))
        .route("/unavailable", get(unavailable))
        .route("/big", get(big))
        .route("/teapot", get(teapot))
        .with_state(state)
}

async fn live(Extract(state): Shared, ws: WebSocketUpgrade) -> Response {
    ws.protocols([SUBPROTOCOL])
        .on_upgrade(move |socket| conn::serve(socket, state))
}

async fn schema(Extract(state): Shared, Path(id): Path<i32>) -> Response {
    state.schema_fetches.fetch_add(1, Ordering::SeqCst);
    let text = state.schemas.lock().unwrap().get(&id).cloned();
    match text {
        Some(text) => (
            [(CONTENT_TYPE, "application/vnd.schemaregistry.v1+json")],
            serde_json::json!({ "schema": text }).to_string(),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(CONTENT_TYPE, "application/vnd.schemaregistry.v1+json")],
            r#"{"error_code":40403,"message":"Schema not found"}"#,
        )
            .into_response(),
    }
}

fn header(headers: &HeaderMap, name: axum::http::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [(CONTENT_TYPE, JSON)],
        serde_json::json!({ "error": message, "code": code }).to_string(),
    )
        .into_response()
}

/// An item in the encoding `Accept` asks for, with its writer schema id.
fn item_response(state: &State, headers: &HeaderMap, id: i64) -> Response {
    let Some((schema_id, schema, bytes)) = state.items.lock().unwrap().get(&id).cloned() else {
        return json_error(StatusCode::NOT_FOUND, "not_found", &format!("no item {id}"));
    };
    let schema_id_header = (
        axum::http::HeaderName::from_static(SCHEMA_ID_HEADER),
        schema_id.to_string(),
    );
    let wants_json = header(headers, ACCEPT).is_some_and(|a| a.contains(JSON));
    if wants_json {
        let value = decode_value(&schema, &bytes).unwrap();
        let body = value_to_json_string(&schema, &value).unwrap();
        ([(CONTENT_TYPE, JSON.to_owned()), schema_id_header], body).into_response()
    } else {
        (
            [(CONTENT_TYPE, AVRO_BINARY.to_owned()), schema_id_header],
            bytes,
        )
            .into_response()
    }
}

fn record(state: &State, headers: &HeaderMap) {
    *state.last_request.lock().unwrap() = (header(headers, CONTENT_TYPE), header(headers, ACCEPT));
}

async fn get_item(Extract(state): Shared, Path(id): Path<i64>, headers: HeaderMap) -> Response {
    record(&state, &headers);
    item_response(&state, &headers, id)
}

/// Stores a Counter sent in either encoding and answers with it.
async fn put_item(
    Extract(state): Shared,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &headers);
    let schema = Counter::schema();
    let value = match header(&headers, CONTENT_TYPE).as_deref() {
        Some(JSON) => std::str::from_utf8(&body)
            .map_err(|e| e.to_string())
            .and_then(|t| value_from_json_str(schema, t).map_err(|e| e.to_string())),
        Some(AVRO_BINARY) => decode_value(schema, &body).map_err(|e| e.to_string()),
        other => {
            return json_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                &format!("{other:?}"),
            );
        }
    };
    let value = match value {
        Ok(v) => v,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, "bad_request", &e),
    };
    let mut bytes = Vec::new();
    encode_value(schema, &value, &mut bytes).unwrap();
    let item = (COUNTER_ID, schema.clone(), bytes);
    state.items.lock().unwrap().insert(id, item);
    item_response(&state, &headers, id)
}

async fn delete_item(Extract(state): Shared, Path(id): Path<i64>) -> Response {
    match state.items.lock().unwrap().remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => json_error(StatusCode::NOT_FOUND, "not_found", &format!("no item {id}")),
    }
}

async fn conflict() -> Response {
    json_error(StatusCode::CONFLICT, "conflict", "version conflict")
}

async fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "try again later\n").into_response()
}

async fn big() -> Response {
    ([(CONTENT_TYPE, AVRO_BINARY)], vec![0u8; 1 << 20]).into_response()
}

async fn teapot() -> Response {
    ([(CONTENT_TYPE, "text/html")], "<p>hi</p>").into_response()
}
