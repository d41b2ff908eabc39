//! The HTTP API: plain axum routes with Affinity's `Avro<T>` bodies, which speak Avro binary or
//! JSON as the client asks.
//!
//! | route | body | answer |
//! |---|---|---|
//! | `GET /vertex/{id}` | | `Vertex`, or 404 |
//! | `PUT /vertex/{id}` | `VertexData` | `Vertex` (created or renamed) |
//! | `POST /connect/{a}/{b}` | | the common `Component` |
//! | `POST /disconnect/{a}/{b}` | | `a`'s `Component`, then `b`'s if they split |
//! | `GET /component/{id}` | | `Component`, or 404 |

use affinity::gateway::{ApiError, Avro};
use affinity::keyspace::{KeyspaceRef, MissingKeyspace};
use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::routing::{get, post};

use crate::graph::Graph;
use crate::model::{Component, Vertex, VertexData};
use crate::partition::GraphPartition;

/// The routes. They find the `graph` keyspace among the node's keyspaces.
pub fn router() -> Router {
    Router::new()
        .route("/vertex/{id}", get(get_vertex).put(put_vertex))
        .route("/connect/{a}/{b}", post(connect))
        .route("/disconnect/{a}/{b}", post(disconnect))
        .route("/component/{id}", get(get_component))
}

impl<S: Send + Sync> FromRequestParts<S> for Graph {
    type Rejection = MissingKeyspace;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let keyspace = KeyspaceRef::<GraphPartition>::from_request_parts(parts, state).await?;
        Ok(Graph::new(keyspace))
    }
}

async fn get_vertex(g: Graph, Path(id): Path<i64>) -> Result<Avro<Vertex>, ApiError> {
    g.vertex(id).await?.map(Avro).ok_or(ApiError::NotFound)
}

async fn put_vertex(
    g: Graph,
    Path(id): Path<i64>,
    Avro(data): Avro<VertexData>,
) -> Result<Avro<Vertex>, ApiError> {
    Ok(Avro(g.put_vertex(id, data.name).await?))
}

async fn connect(g: Graph, Path((a, b)): Path<(i64, i64)>) -> Result<Avro<Component>, ApiError> {
    Ok(Avro(g.connect(a, b).await?))
}

async fn disconnect(
    g: Graph,
    Path((a, b)): Path<(i64, i64)>,
) -> Result<Avro<Vec<Component>>, ApiError> {
    Ok(Avro(g.disconnect(a, b).await?))
}

async fn get_component(g: Graph, Path(id): Path<i64>) -> Result<Avro<Component>, ApiError> {
    g.component(id).await?.map(Avro).ok_or(ApiError::NotFound)
}
