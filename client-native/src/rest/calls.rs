//! The typed HTTP calls of [`Client`]: `get`, `get_opt`, `put`, `post`, `delete`.

use affinity_avro::Avro;
use http::{Method, StatusCode};

use super::transport::Reply;
use super::{decode_body, status_error};
use crate::{Client, ClientError};

impl Client {
    /// `GET path` (joined to the base URL, query included), read as a `T`.
    ///
    /// The answer is read in the encoding its `Content-Type` names; when its
    /// `Affinity-Schema-Id` header names a writer schema other than `T`'s, the body is resolved
    /// into `T` through that schema (fetched once from the server's registry). A non-2xx status
    /// is [`ClientError::Status`] with the server's message.
    pub async fn get<T: Avro>(&self, path: &str) -> Result<T, ClientError> {
        let reply = self.call(Method::GET, path, None).await?;
        self.read(reply).await
    }

    /// [`Client::get`], with `404 Not Found` as `Ok(None)`.
    pub async fn get_opt<T: Avro>(&self, path: &str) -> Result<Option<T>, ClientError> {
        let reply = self.exchange(Method::GET, path, None).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let reply = success(reply)?;
        self.read(reply).await.map(Some)
    }

    /// `PUT path` with `body`, the answer read as a `T` (see [`Client::get`]).
    pub async fn put<B: Avro, T: Avro>(&self, path: &str, body: &B) -> Result<T, ClientError> {
        let bytes = self.ctx().encoding.encode(body);
        let reply = self.call(Method::PUT, path, Some(bytes)).await?;
        self.read(reply).await
    }

    /// `POST path` with `body`, the answer read as a `T` (see [`Client::get`]).
    pub async fn post<B: Avro, T: Avro>(&self, path: &str, body: &B) -> Result<T, ClientError> {
        let bytes = self.ctx().encoding.encode(body);
        let reply = self.call(Method::POST, path, Some(bytes)).await?;
        self.read(reply).await
    }

    /// `DELETE path`; any 2xx answer is success and its body is ignored.
    pub async fn delete(&self, path: &str) -> Result<(), ClientError> {
        self.call(Method::DELETE, path, None).await.map(drop)
    }

    /// One exchange whose status must be 2xx.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Reply, ClientError> {
        success(self.exchange(method, path, body).await?)
    }

    /// One exchange, whatever the status.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Reply, ClientError> {
        let ctx = self.ctx();
        let uri = ctx.endpoints.http(path)?;
        let media = ctx.encoding.media_type();
        let reply = ctx
            .transport
            .send(method.clone(), uri, media, body.map(|b| (media, b)))
            .await?;
        tracing::debug!(%method, path, status = %reply.status, "HTTP call");
        Ok(reply)
    }

    async fn read<T: Avro>(&self, reply: Reply) -> Result<T, ClientError> {
        decode_body(self.ctx(), &reply.headers, &reply.body).await
    }
}

/// `reply` if its status is 2xx, otherwise the server's error.
fn success(reply: Reply) -> Result<Reply, ClientError> {
    if reply.status.is_success() {
        Ok(reply)
    } else {
        Err(status_error(reply.status, &reply.body))
    }
}
