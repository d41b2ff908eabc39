//! The Confluent Schema Registry REST subset: [`schema_routes`].
//!
//! The router is nested at `/schemas` by the node, so a Confluent client's base URL is
//! `http://host:port/schemas`. Paths below are relative to that base.
//!
//! # Routes
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /schemas/ids/{id}` | `{"schema": "<schema JSON>"}` |
//! | `GET /ids/{id}` | the same (the browser client's short form: `/schemas/ids/{id}` from the server root) |
//! | `GET /schemas/ids/{id}/schema` | the schema JSON itself |
//! | `GET /schemas/ids/{id}/subjects` | `["subject", …]`: the subjects with a version holding it |
//! | `GET /schemas/ids/{id}/versions` | `[{"subject": …, "version": n}, …]` |
//! | `GET /schemas/types` | `["AVRO"]` |
//! | `GET /subjects` | `["subject", …]` sorted; `?subjectPrefix=`, `?offset=`, `?limit=` (−1: all) |
//! | `GET /subjects/{subject}/versions` | `[1, 2, …]` |
//! | `GET /subjects/{subject}/versions/{version}` | `{"subject", "version", "id", "schema"}`; `{version}` is a number, `latest` or `-1` |
//! | `GET /subjects/{subject}/versions/{version}/schema` | the schema JSON itself |
//! | `POST /subjects/{subject}/versions` | registers `{"schema": "…", "schemaType"?: "AVRO"}` → `{"id": n}`; idempotent |
//! | `POST /subjects/{subject}` | looks the schema up → `{"subject", "version", "id", "schema"}` |
//! | `DELETE /subjects/{subject}` | deletes the subject → `[1, 2, …]` (its versions) |
//! | `POST /compatibility/subjects/{subject}/versions/{version}` | `{"is_compatible": bool}` against that version at the subject's level; `?verbose=true` adds `"messages": [...]` |
//! | `POST /compatibility/subjects/{subject}/versions` | the same against the versions the subject's level names (all of them when transitive) |
//! | `GET /config`, `GET /config/{subject}` | `{"compatibilityLevel": "BACKWARD"}` |
//! | `PUT /config`, `PUT /config/{subject}` | body `{"compatibility": "FULL"}` → `{"compatibility": "FULL"}` |
//!
//! Every response is `application/vnd.schemaregistry.v1+json` ([`CONTENT_TYPE`]). Request
//! bodies are JSON sent as `application/vnd.schemaregistry.v1+json`,
//! `application/vnd.schemaregistry+json`, `application/json` or `application/octet-stream`
//! (Confluent's list, [`REQUEST_CONTENT_TYPES`]), or without a `Content-Type`; unknown
//! fields and query parameters are ignored.
//!
//! # Errors
//!
//! As Confluent's server: `{"error_code": n, "message": "…"}` with the HTTP status
//! `RegistryError::http_status` gives for registry errors.
//!
//! | status | `error_code` | when |
//! |---|---|---|
//! | 404 | 40401 | no such subject |
//! | 404 | 40402 | no such version |
//! | 404 | 40403 | no such schema id (also a non-numeric id); lookup: the schema is not under the subject |
//! | 409 | 409 | registering a schema incompatible with the subject's versions at its level |
//! | 422 | 42201 | the schema is not valid Avro, is missing, has a `schemaType` other than `AVRO`, or uses `references`, `metadata` or `ruleSet` |
//! | 422 | 42202 | a version that is neither 1…2³¹−1 nor `latest`/`-1` |
//! | 422 | 42203 | an unknown or missing compatibility level |
//! | 400 | 400 | a body that is not JSON (Confluent's JSON parse error) |
//! | 422 | 422 | JSON of the wrong shape, such as `"schema": 5` (Confluent's JSON mapping error) |
//! | 413 | 413 | a body over [`MAX_BODY_BYTES`] (1 MiB) |
//! | 415 | 415 | another `Content-Type` |
//! | 404 / 405 | 404 / 405 | no such route / method |
//! | 500 | 50001 | the registry's store failed |
//!
//! # Departures from Confluent's server
//!
//! - Avro only; no schema references, metadata, rule sets, contexts, modes or import.
//! - `GET /config/{subject}` answers the global level when the subject has none of its own
//!   (Confluent's `?defaultToGlobal=true`) instead of 40408; there is no `DELETE /config`.
//! - `DELETE /subjects/{subject}` deletes at once (there is no soft delete, so `?permanent`
//!   makes no difference and deleted subjects are never listed); schema ids stay valid.
//!   Single versions cannot be deleted.
//! - Compatibility messages are this crate's own wording (path and reason), not Confluent's
//!   `{errorType: …}` strings.
//! - The `Accept` header is not negotiated: every answer is [`CONTENT_TYPE`].

mod body;
mod compatibility;
mod config;
mod error;
mod extract;
mod reply;
mod routes;
mod schemas;
mod subjects;
mod version;

pub use body::{MAX_BODY_BYTES, REQUEST_CONTENT_TYPES};
pub use reply::CONTENT_TYPE;
pub use routes::schema_routes;
