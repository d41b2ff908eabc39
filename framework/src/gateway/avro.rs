//! [`Avro<T>`]: an axum extractor and responder for Avro bodies, in Avro binary or Avro-JSON.

use std::ops::{Deref, DerefMut};

use affinity_avro::{SchemaId, encode_value, from_slice, to_vec};
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{CONTENT_TYPE, VARY};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::context::{Writer, type_label};
use super::limits::BodyLimit;
use super::media::request_format;
use super::negotiate::{ResponseSchema, known_schema_id, response_format};
use super::{ApiError, AvroRejection, Format, Gateway, SCHEMA_ID_HEADER};

/// An Avro value as an HTTP body: extract it from a request, return it as a response.
///
/// **As an extractor** it reads the body by its `Content-Type`:
/// `application/vnd.apache.avro+binary` (also `avro/binary`, `application/avro`) as Avro
/// binary, `application/json` (charset UTF-8 if given) as Avro-JSON
/// ([`affinity_avro::json`]). It refuses, with an [`AvroRejection`], a missing or other
/// content type (415, listing the accepted ones), a body over the limit (413) and a body that
/// is not a valid `T` (400, saying what is wrong). A request with the header
/// `Affinity-Schema-Id: <id>` says its body was written with that registry schema — an older
/// or newer version of `T`'s — and is read through schema resolution (defaults filled in,
/// removed fields skipped…), in either encoding; an unknown id is a 400 naming it. That needs
/// the [`Gateway`] context with a registry, which [`layer`](super::layer) provides.
///
/// **As a response** it is encoded in the format the request's `Accept` prefers (q-values
/// honoured): Avro binary when asked for, Avro-JSON when `Accept` is missing, `*/*` or
/// prefers it, and `406 Not Acceptable` when neither is acceptable. The response has
/// `Content-Type`, `Vary: Accept` and, when the gateway knows `T`'s schema id,
/// `Affinity-Schema-Id`. Negotiation needs the gateway [`layer`](super::layer); without it
/// responses are Avro-JSON.
///
/// ```
/// use affinity::gateway::{ApiError, Avro};
/// use affinity_avro::Avro as AvroType;
/// use axum::{Router, routing::put};
///
/// #[derive(AvroType, Clone, Debug)]
/// #[avro(namespace = "com.example")]
/// struct Vertex { id: i64, edges: Vec<i64> }
///
/// async fn put_vertex(Avro(mut v): Avro<Vertex>) -> Result<Avro<Vertex>, ApiError> {
///     v.edges.sort_unstable();
///     Ok(Avro(v))
/// }
///
/// let app: Router = Router::new().route("/vertex", put(put_vertex));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[must_use]
pub struct Avro<T>(pub T);

impl<T> Avro<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Avro<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Avro<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Avro<T> {
    fn from(value: T) -> Self {
        Avro(value)
    }
}

impl<T, S> FromRequest<S> for Avro<T>
where
    T: affinity_avro::Avro + Send,
    S: Send + Sync,
{
    type Rejection = AvroRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Everything that can be refused from the head is refused before the body is read.
        let format = request_format(request.headers())?;
        let writer = match schema_id_header(request.headers())? {
            None => None,
            Some(id) => match request.extensions().get::<Gateway>() {
                Some(gateway) => Some(gateway.clone().writer::<T>(id).await?),
                None => return Err(AvroRejection::NoRegistry(id)),
            },
        };
        let limit = request.extensions().get::<BodyLimit>().map(|l| l.0);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AvroRejection::PayloadTooLarge { limit }
                } else {
                    AvroRejection::BodyRead(rejection.body_text())
                }
            })?;
        decode(format, &body, writer.as_deref()).map(Avro)
    }
}

/// The `Affinity-Schema-Id` header, if present.
fn schema_id_header(headers: &HeaderMap) -> Result<Option<SchemaId>, AvroRejection> {
    let Some(value) = headers.get(SCHEMA_ID_HEADER) else {
        return Ok(None);
    };
    let invalid = || {
        AvroRejection::InvalidSchemaId(
            String::from_utf8_lossy(value.as_bytes())
                .chars()
                .take(50)
                .collect(),
        )
    };
    let text = value.to_str().map_err(|_| invalid())?.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    text.parse::<u32>()
        .map(|id| Some(SchemaId(id)))
        .map_err(|_| invalid())
}

fn decode<T: affinity_avro::Avro>(
    format: Format,
    body: &[u8],
    writer: Option<&Writer<T>>,
) -> Result<T, AvroRejection> {
    let invalid = |format: &'static str, message: String| AvroRejection::InvalidBody {
        format,
        type_name: type_label(T::schema()),
        message,
    };
    match format {
        Format::Binary => match writer {
            None => from_slice(body),
            Some(writer) => writer.resolver.decode(body),
        }
        .map_err(|e| invalid("Avro binary", e.to_string())),
        Format::Json => {
            let text = std::str::from_utf8(body).map_err(|e| {
                invalid(
                    "Avro-JSON",
                    format!("not UTF-8 (invalid byte at offset {})", e.valid_up_to()),
                )
            })?;
            match writer {
                None => affinity_avro::json::from_json_str(text)
                    .map_err(|e| invalid("Avro-JSON", e.to_string())),
                Some(writer) => {
                    // Read the JSON against the writer schema, then resolve it as binary.
                    let value = affinity_avro::json::value_from_json_str(&writer.schema, text)
                        .map_err(|e| invalid("Avro-JSON", e.to_string()))?;
                    let mut bytes = Vec::with_capacity(body.len());
                    encode_value(&writer.schema, &value, &mut bytes)
                        .map_err(|e| invalid("Avro-JSON", e.to_string()))?;
                    writer
                        .resolver
                        .decode(&bytes)
                        .map_err(|e| invalid("Avro-JSON", e.to_string()))
                }
            }
        }
    }
}

impl<T: affinity_avro::Avro> IntoResponse for Avro<T> {
    fn into_response(self) -> Response {
        let format = match response_format() {
            Ok(format) => format,
            Err(not_acceptable) => {
                return ApiError::NotAcceptable(not_acceptable.to_string()).into_response();
            }
        };
        let body = match format {
            Format::Binary => to_vec(&self.0),
            Format::Json => match affinity_avro::json::try_to_json(&self.0) {
                Ok(json) => json.to_string().into_bytes(),
                Err(e) => {
                    return ApiError::internal(format!(
                        "encoding a {} as JSON: {e}",
                        type_label(T::schema())
                    ))
                    .into_response();
                }
            },
        };
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        headers.append(VARY, HeaderValue::from_static("accept"));
        match known_schema_id(T::schema()) {
            Some(id) => {
                headers.insert(SCHEMA_ID_HEADER, HeaderValue::from(id.0));
            }
            // Not known yet (or outside the gateway layer): the layer registers the schema.
            None => {
                response
                    .extensions_mut()
                    .insert(ResponseSchema(T::schema()));
            }
        }
        response
    }
}
