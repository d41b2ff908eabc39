//! [`Keyspaces`]: the running keyspaces of a node, by handler type and by name, and the axum
//! extractor that finds a [`KeyspaceRef`] among them.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;

use super::start::Started;
use super::{DynKeyspace, KeyspaceRef};
use crate::partition::Handler;

/// The running keyspaces of a node. The node puts it in every request's extensions.
#[derive(Default)]
pub(crate) struct Keyspaces {
    typed: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    by_name: HashMap<String, Arc<dyn DynKeyspace>>,
}

impl std::fmt::Debug for Keyspaces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<_> = self.by_name.keys().collect();
        names.sort();
        f.debug_struct("Keyspaces").field("names", &names).finish()
    }
}

impl Keyspaces {
    /// Adds a started keyspace. Fails (returning its name) if a keyspace with the same name
    /// or handler type is already there: `KeyspaceRef<H>` must name exactly one keyspace.
    pub(crate) fn add(&mut self, started: Started) -> Result<(), String> {
        let name = started.dynamic.name().to_owned();
        if self.by_name.contains_key(&name) || self.typed.contains_key(&started.handler) {
            return Err(name);
        }
        self.typed.insert(started.handler, started.typed);
        self.by_name.insert(name, started.dynamic);
        Ok(())
    }

    /// The keyspace whose partitions run `H`.
    pub(crate) fn typed<H: Handler>(&self) -> Option<KeyspaceRef<H>> {
        self.typed
            .get(&TypeId::of::<H>())
            .and_then(|k| k.downcast_ref::<KeyspaceRef<H>>())
            .cloned()
    }

    /// The keyspace named `name`.
    pub(crate) fn named(&self, name: &str) -> Option<&Arc<dyn DynKeyspace>> {
        self.by_name.get(name)
    }

    /// The names of the keyspaces, sorted.
    pub(crate) fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.by_name.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

/// The rejection of the [`KeyspaceRef`] extractor: the node runs no keyspace with that handler
/// type — a mistake in the application, answered with a 500 and logged.
#[derive(Debug, thiserror::Error)]
#[error("no keyspace runs handler `{0}`")]
pub struct MissingKeyspace(pub &'static str);

impl IntoResponse for MissingKeyspace {
    fn into_response(self) -> Response {
        tracing::error!(
            handler = self.0,
            "a route asked for a keyspace the node does not run"
        );
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(http::header::CONTENT_TYPE, "application/json")],
            r#"{"error":"internal error","code":"internal"}"#,
        )
            .into_response()
    }
}

impl<S: Send + Sync, H: Handler> FromRequestParts<S> for KeyspaceRef<H> {
    type Rejection = MissingKeyspace;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Arc<Keyspaces>>()
            .and_then(|k| k.typed::<H>())
            .ok_or(MissingKeyspace(std::any::type_name::<H>()))
    }
}
