//! The test application's HTTP routes: plain axum handlers with `Avro<T>` bodies that reach
//! the keyspace through `KeyspaceRef<App>`.

use std::time::Duration;

use affinity::gateway::{ApiError, Avro};
use affinity::keyspace::KeyspaceRef;
use axum::Router;
use axum::extract::Path;
use axum::routing::{get, put};
use http::StatusCode;

use crate::handler::{App, Delete, Get, Increment, Put};
use crate::model::{COUNTERS, PROFILES, Profile, SESSIONS};

/// The routes:
///
/// | route | body | answer |
/// |---|---|---|
/// | `GET /profiles/{id}` | | the profile, or 404 |
/// | `PUT /profiles/{id}` | `Profile` | the stored profile |
/// | `DELETE /profiles/{id}` | | 204, or 404 |
/// | `PUT /slow/{ms}/profiles/{id}` | `Profile` | waits `ms` milliseconds, then as `PUT /profiles/{id}` |
/// | `GET /counters/{key}` | | the count (`long`), or 404 |
/// | `POST /counters/{key}` | `long` | adds it; the new count (400 with the handler's message if refused) |
/// | `GET /sessions/{key}` | | the session (`string`), or 404 (also once expired) |
/// | `PUT /sessions/{key}` | `string` | 204 |
pub fn routes() -> Router {
    Router::new()
        .route(
            "/profiles/{id}",
            get(get_profile).put(put_profile).delete(delete_profile),
        )
        .route("/slow/{ms}/profiles/{id}", put(put_profile_slowly))
        .route("/counters/{key}", get(get_counter).post(add_to_counter))
        .route("/sessions/{key}", get(get_session).put(put_session))
}

/// A handler's own failure (a store error) is an internal error.
fn internal(message: String) -> ApiError {
    ApiError::internal(message)
}

async fn get_profile(ks: KeyspaceRef<App>, Path(id): Path<i64>) -> Result<Avro<Profile>, ApiError> {
    ks.ask(&id, Get::<i64, Profile>::new(PROFILES, id))
        .await?
        .map_err(internal)?
        .map(Avro)
        .ok_or(ApiError::NotFound)
}

async fn put_profile(
    ks: KeyspaceRef<App>,
    Path(id): Path<i64>,
    Avro(profile): Avro<Profile>,
) -> Result<Avro<Profile>, ApiError> {
    if profile.id != id {
        return Err(ApiError::BadRequest(format!(
            "the body is profile {}, the path says {id}",
            profile.id
        )));
    }
    let put = Put {
        state: PROFILES,
        key: id,
        value: profile.clone(),
    };
    ks.ask(&id, put).await?.map_err(internal)?;
    Ok(Avro(profile))
}

async fn put_profile_slowly(
    ks: KeyspaceRef<App>,
    Path((ms, id)): Path<(u64, i64)>,
    body: Avro<Profile>,
) -> Result<Avro<Profile>, ApiError> {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    put_profile(ks, Path(id), body).await
}

async fn delete_profile(ks: KeyspaceRef<App>, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    let existed = ks
        .ask(&id, Delete::<i64, Profile>::new(PROFILES, id))
        .await?
        .map_err(internal)?;
    if existed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

async fn get_counter(ks: KeyspaceRef<App>, Path(key): Path<String>) -> Result<Avro<i64>, ApiError> {
    ks.ask(&key, Get::<String, i64>::new(COUNTERS, key.clone()))
        .await?
        .map_err(internal)?
        .map(Avro)
        .ok_or(ApiError::NotFound)
}

async fn add_to_counter(
    ks: KeyspaceRef<App>,
    Path(key): Path<String>,
    Avro(by): Avro<i64>,
) -> Result<Avro<i64>, ApiError> {
    let count = ks
        .ask(
            &key,
            Increment {
                key: key.clone(),
                by,
            },
        )
        .await?
        .map_err(ApiError::BadRequest)?;
    Ok(Avro(count))
}

async fn get_session(
    ks: KeyspaceRef<App>,
    Path(key): Path<String>,
) -> Result<Avro<String>, ApiError> {
    ks.ask(&key, Get::<String, String>::new(SESSIONS, key.clone()))
        .await?
        .map_err(internal)?
        .map(Avro)
        .ok_or(ApiError::NotFound)
}

async fn put_session(
    ks: KeyspaceRef<App>,
    Path(key): Path<String>,
    Avro(session): Avro<String>,
) -> Result<StatusCode, ApiError> {
    let put = Put {
        state: SESSIONS,
        key: key.clone(),
        value: session,
    };
    ks.ask(&key, put).await?.map_err(internal)?;
    Ok(StatusCode::NO_CONTENT)
}
