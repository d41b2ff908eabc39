//! [`Compatibility`]: the Confluent Schema Registry's compatibility levels.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use super::{Incompatibility, can_read};
use crate::Schema;

/// A compatibility level, as the Confluent Schema Registry names them.
///
/// `check` compares a new schema with the versions already registered under a subject:
/// - `Backward`: the new schema can read data written with the latest version;
/// - `Forward`: the latest version can read data written with the new schema;
/// - `Full`: both;
/// - the `…Transitive` levels: the same against every earlier version, not only the latest;
/// - `None`: no check.
///
/// ```
/// use affinity_avro::{Compatibility, Schema};
/// let level: Compatibility = "FULL_TRANSITIVE".parse()?;
/// assert_eq!(level, Compatibility::FullTransitive);
/// assert_eq!(Compatibility::default().to_string(), "BACKWARD");
/// let v1 = Schema::parse(r#"{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}"#)?;
/// let v2 = Schema::parse(r#"{"type":"record","name":"P","fields":[{"name":"x","type":"long"}]}"#)?;
/// assert!(Compatibility::Backward.check(&v2, &[v1.clone()]).is_ok());
/// assert!(Compatibility::Forward.check(&v2, &[v1]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compatibility {
    /// No compatibility check.
    None,
    /// The new schema reads the latest version's data (the default).
    #[default]
    Backward,
    /// The latest version reads the new schema's data.
    Forward,
    /// Backward and forward against the latest version.
    Full,
    /// The new schema reads every earlier version's data.
    BackwardTransitive,
    /// Every earlier version reads the new schema's data.
    ForwardTransitive,
    /// Backward and forward against every earlier version.
    FullTransitive,
}

/// A compatibility level name that is not one of Confluent's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown compatibility level `{0}` (expected NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, \
     FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE)"
)]
pub struct ParseCompatibilityError(pub String);

impl Compatibility {
    /// Every level.
    pub const ALL: [Compatibility; 7] = [
        Compatibility::None,
        Compatibility::Backward,
        Compatibility::BackwardTransitive,
        Compatibility::Forward,
        Compatibility::ForwardTransitive,
        Compatibility::Full,
        Compatibility::FullTransitive,
    ];

    /// Confluent's name for the level: `"BACKWARD"`, `"FULL_TRANSITIVE"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Compatibility::None => "NONE",
            Compatibility::Backward => "BACKWARD",
            Compatibility::Forward => "FORWARD",
            Compatibility::Full => "FULL",
            Compatibility::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Compatibility::ForwardTransitive => "FORWARD_TRANSITIVE",
            Compatibility::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    /// Whether the new schema must read older data.
    fn backward(self) -> bool {
        matches!(
            self,
            Compatibility::Backward
                | Compatibility::Full
                | Compatibility::BackwardTransitive
                | Compatibility::FullTransitive
        )
    }

    /// Whether older schemas must read the new schema's data.
    fn forward(self) -> bool {
        matches!(
            self,
            Compatibility::Forward
                | Compatibility::Full
                | Compatibility::ForwardTransitive
                | Compatibility::FullTransitive
        )
    }

    /// Whether every earlier version counts, not only the latest.
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Compatibility::BackwardTransitive
                | Compatibility::ForwardTransitive
                | Compatibility::FullTransitive
        )
    }

    /// Checks `new` against `previous` (the registered versions, oldest first) and lists every
    /// problem. Non-transitive levels look only at the last of `previous`; with no previous
    /// version every schema passes. Each message says which version and direction failed.
    ///
    /// `previous` may hold `Schema`s or anything that borrows as one (`Arc<Schema>`).
    pub fn check<S: Borrow<Schema>>(
        &self,
        new: &Schema,
        previous: &[S],
    ) -> Result<(), Vec<Incompatibility>> {
        let level = *self;
        let first = if level.is_transitive() {
            0
        } else {
            previous.len().saturating_sub(1)
        };
        let mut problems = Vec::new();
        for (i, old) in previous.iter().enumerate().skip(first) {
            let old = old.borrow();
            let version = i + 1;
            if level.backward() {
                collect(&mut problems, can_read(new, old), || {
                    format!("the new schema cannot read data of version {version}")
                });
            }
            if level.forward() {
                collect(&mut problems, can_read(old, new), || {
                    format!("version {version} cannot read data of the new schema")
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

fn collect(
    out: &mut Vec<Incompatibility>,
    result: Result<(), Vec<Incompatibility>>,
    context: impl Fn() -> String,
) {
    if let Err(found) = result {
        out.extend(found.into_iter().map(|p| Incompatibility {
            message: format!("{}: {}", context(), p.message),
            path: p.path,
        }));
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Compatibility {
    type Err = ParseCompatibilityError;

    /// Parses Confluent's names, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Compatibility::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseCompatibilityError(s.to_owned()))
    }
}
