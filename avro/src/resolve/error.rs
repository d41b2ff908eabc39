//! Errors of schema resolution.

use std::fmt;

use crate::DecodeError;

/// A writer schema whose data can never be read with a reader schema.
///
/// `path` says where, starting from the reader's root type: record fields are joined with `.`,
/// array items are `[]`, map values `{}`, and a writer union branch is `<type>` (for example
/// `Order.items[].price` or `Event.payload<Click>.x`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot resolve the writer schema against the reader schema at {}: {message}",
    display_path(path)
)]
#[non_exhaustive]
pub struct ResolveError {
    /// Where in the schemas.
    pub path: String,
    /// Why.
    pub message: String,
}

impl ResolveError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> Self {
        ResolveError {
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// `path: message`, for messages that carry this error on.
    pub(crate) fn located(&self) -> String {
        format!("{}: {}", display_path(&self.path), self.message)
    }
}

/// An error of [`crate::from_slice_with`]: the schemas do not resolve, or the bytes do not
/// decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The writer schema can never be read as the type's schema.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// The bytes are not a value of the writer schema, or use a part of it the reader cannot
    /// read.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// A path for messages: the empty path is the root.
pub(crate) fn display_path(path: &str) -> impl fmt::Display + '_ {
    struct P<'a>(&'a str);
    impl fmt::Display for P<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.0.is_empty() {
                f.write_str("<root>")
            } else {
                f.write_str(self.0)
            }
        }
    }
    P(path)
}
