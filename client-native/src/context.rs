//! [`Context`]: what a client's HTTP calls, its driver task and its subscriptions share.

use std::sync::Arc;

use affinity_avro::Schema;
use http::Method;

use crate::ClientError;
use crate::endpoints::Endpoints;
use crate::rest::{Encoding, Transport, status_error};
use crate::schemas::{Schemas, parse_schema_response};
use crate::typed::Resolvers;

/// The media types asked for when fetching a schema: Confluent's, then plain JSON.
const REGISTRY_ACCEPT: &str = "application/vnd.schemaregistry.v1+json, application/json";

/// The server's URLs, the HTTP transport, the encoding of HTTP calls and the schema and
/// resolver caches.
#[derive(Debug)]
pub(crate) struct Context {
    pub(crate) endpoints: Endpoints,
    pub(crate) transport: Transport,
    pub(crate) encoding: Encoding,
    pub(crate) schemas: Schemas,
    pub(crate) resolvers: Resolvers,
}

impl Context {
    /// The writer schema registered as `id`: from the cache, or fetched from the server's
    /// registry (`<base>/schemas/schemas/ids/{id}`) and cached.
    pub(crate) async fn schema(&self, id: i32) -> Result<Arc<Schema>, ClientError> {
        if let Some(schema) = self.schemas.cached(id) {
            return Ok(schema);
        }
        let failed = |reason: String| ClientError::Schema { id, reason };
        let uri = self.endpoints.schema(id)?;
        let reply = self
            .transport
            .send(Method::GET, uri, REGISTRY_ACCEPT, None)
            .await
            .map_err(|e| failed(e.to_string()))?;
        if !reply.status.is_success() {
            return Err(failed(status_error(reply.status, &reply.body).to_string()));
        }
        let schema = Arc::new(parse_schema_response(&reply.body).map_err(failed)?);
        self.schemas.insert(id, schema.clone());
        tracing::debug!(schema_id = id, "fetched a writer schema");
        Ok(schema)
    }
}
