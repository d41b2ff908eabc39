//! Path and query extractors whose rejections are Confluent-style errors.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, Query};
use http::StatusCode;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// Path parameters (`axum::extract::Path`), rejected with a JSON error.
#[derive(Debug)]
pub(crate) struct Params<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Params(value)),
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, 400, e.body_text())),
        }
    }
}

/// The query string's parameters; unknown ones are ignored (Confluent clients send several
/// this registry has no use for, such as `normalize` and `deleted`).
#[derive(Debug, Default)]
pub(crate) struct QueryParams(pub(crate) HashMap<String, String>);

impl QueryParams {
    /// Whether `name` is `true` (in any case, as Python clients send `True`).
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.0
            .get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        match Query::<HashMap<String, String>>::try_from_uri(&parts.uri) {
            Ok(Query(map)) => Ok(QueryParams(map)),
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, 400, e.body_text())),
        }
    }
}
