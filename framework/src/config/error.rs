//! Why a configuration was refused: [`ConfigError`], made of [`ConfigIssue`]s that each name the
//! key (as a dotted path) and where its value came from ([`Origin`]).

use std::fmt;
use std::path::PathBuf;

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A TOML file, at a 1-based line and column (in characters).
    File {
        /// The file, as it was given to the loader.
        path: PathBuf,
        /// The line.
        line: usize,
        /// The column.
        column: usize,
    },
    /// An environment variable (see the [module docs](super) for the naming scheme).
    Env {
        /// The variable's name.
        var: String,
    },
    /// [`NodeConfig::set`](super::NodeConfig::set).
    Set,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line, column } => {
                write!(f, "{}:{line}:{column}", path.display())
            }
            Origin::Env { var } => write!(f, "environment variable {var}"),
            Origin::Set => f.write_str("NodeConfig::set"),
        }
    }
}

/// What is wrong with one key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// No such key. `hint` says what was probably meant, or which keys exist.
    UnknownKey {
        /// "did you mean …" or the list of known keys.
        hint: String,
    },
    /// The value is not of the key's type.
    Mismatch {
        /// What the key takes, for example `a duration such as "30s", "250ms" or "2m"`.
        expected: String,
        /// What was given, for example `integer 30`.
        found: String,
    },
    /// The value has the right type but is not allowed, alone or together with other keys.
    Invalid {
        /// Why, for example `must be at least 1, found 0`.
        reason: String,
    },
}

/// One problem with one key of a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    key: String,
    origin: Option<Origin>,
    problem: Problem,
}

impl ConfigIssue {
    pub(crate) fn new(key: impl Into<String>, origin: Option<Origin>, problem: Problem) -> Self {
        Self {
            key: key.into(),
            origin,
            problem,
        }
    }

    /// The key, as a dotted path such as `http.listen` or `keyspaces.graph.partitions`.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Where the offending value came from; `None` for a value set in code.
    #[must_use]
    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }

    /// What is wrong.
    #[must_use]
    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, "{origin}: ")?;
        }
        let key = &self.key;
        match &self.problem {
            Problem::UnknownKey { hint } => write!(f, "unknown key `{key}` ({hint})"),
            Problem::Mismatch { expected, found } => {
                write!(f, "`{key}`: expected {expected}, found {found}")
            }
            Problem::Invalid { reason } => write!(f, "`{key}`: {reason}"),
        }
    }
}

/// A node configuration that could not be loaded or is not valid. Nothing was applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("cannot read the configuration file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{}:{line}:{column}: invalid TOML: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the error.
        line: usize,
        /// The 1-based column of the error, in characters.
        column: usize,
        /// The TOML parser's message.
        message: String,
    },
    /// Keys are unknown, mistyped or invalid: every problem found, in the order of the sources
    /// (file in line order, then environment variables, then cross-key rules).
    #[error("{}", Issues(.0))]
    Invalid(Vec<ConfigIssue>),
}

impl ConfigError {
    /// The problems with individual keys (empty for [`Read`](Self::Read) and
    /// [`Syntax`](Self::Syntax)).
    #[must_use]
    pub fn issues(&self) -> &[ConfigIssue] {
        match self {
            ConfigError::Invalid(issues) => issues,
            _ => &[],
        }
    }
}

/// Displays issues: one on its own line, several under a count.
struct Issues<'a>(&'a [ConfigIssue]);

impl fmt::Display for Issues<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "invalid node configuration: {one}"),
            many => {
                write!(f, "invalid node configuration ({} problems):", many.len())?;
                for issue in many {
                    write!(f, "\n  {issue}")?;
                }
                Ok(())
            }
        }
    }
}
