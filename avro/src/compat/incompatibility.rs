//! [`Incompatibility`]: one reason a reader schema cannot read a writer schema's data.

use crate::resolve::display_path;

/// One reason a reader schema cannot read all data of a writer schema.
///
/// `path` starts at the reader's root type, like [`crate::ResolveError`]'s:
/// `Order.items[].price`, `[]` for array items, `{}` for map values, `<type>` for a writer union
/// branch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", display_path(path))]
#[non_exhaustive]
pub struct Incompatibility {
    /// Where in the schemas.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Incompatibility {
    /// An incompatibility at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Incompatibility {
            path: path.into(),
            message: message.into(),
        }
    }
}
