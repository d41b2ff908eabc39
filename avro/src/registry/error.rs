//! [`RegistryError`] and its Confluent REST error codes.

use super::SchemaId;
use crate::compat::{Incompatibility, ParseCompatibilityError};

/// An error of a [`SchemaRegistry`](super::SchemaRegistry).
///
/// [`RegistryError::error_code`] and [`RegistryError::http_status`] give the Confluent Schema
/// Registry's REST error code and HTTP status for each, so a REST layer can answer as Confluent
/// clients expect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// No such subject.
    #[error("subject `{0}` not found")]
    SubjectNotFound(String),
    /// The subject exists but has no such version.
    #[error("version {version} of subject `{subject}` not found")]
    VersionNotFound {
        /// The subject.
        subject: String,
        /// The version asked for.
        version: u32,
    },
    /// No schema has this id.
    #[error("schema {0} not found")]
    SchemaNotFound(SchemaId),
    /// The schema is not compatible with the subject's versions at its compatibility level.
    #[error("schema being registered is incompatible with an earlier schema: {}", list(.0))]
    Incompatible(Vec<Incompatibility>),
    /// The schema text is not a valid Avro schema.
    #[error("invalid schema: {0}")]
    InvalidSchema(String),
    /// A compatibility level that does not exist.
    #[error("invalid compatibility level: {0}")]
    InvalidCompatibilityLevel(String),
    /// The store behind the registry failed (I/O, a connection, a full id space).
    #[error("schema registry backend error: {0}")]
    Backend(String),
}

fn list(problems: &[Incompatibility]) -> String {
    let items: Vec<String> = problems.iter().map(ToString::to_string).collect();
    items.join("; ")
}

impl RegistryError {
    /// The Confluent REST `error_code`: 40401 subject not found, 40402 version not found, 40403
    /// schema not found, 409 incompatible schema, 42201 invalid schema, 42203 invalid
    /// compatibility level, 50001 backend error.
    pub fn error_code(&self) -> u32 {
        match self {
            RegistryError::SubjectNotFound(_) => 40401,
            RegistryError::VersionNotFound { .. } => 40402,
            RegistryError::SchemaNotFound(_) => 40403,
            RegistryError::Incompatible(_) => 409,
            RegistryError::InvalidSchema(_) => 42201,
            RegistryError::InvalidCompatibilityLevel(_) => 42203,
            RegistryError::Backend(_) => 50001,
        }
    }

    /// The HTTP status Confluent answers with: 404, 409, 422 or 500.
    pub fn http_status(&self) -> u16 {
        match self.error_code() {
            409 => 409,
            code => (code / 100) as u16,
        }
    }
}

impl From<ParseCompatibilityError> for RegistryError {
    fn from(e: ParseCompatibilityError) -> Self {
        RegistryError::InvalidCompatibilityLevel(e.0)
    }
}

impl From<crate::SchemaError> for RegistryError {
    fn from(e: crate::SchemaError) -> Self {
        RegistryError::InvalidSchema(e.to_string())
    }
}
