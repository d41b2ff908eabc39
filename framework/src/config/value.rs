//! Reading one value of a key's type, from a TOML value or from text (an environment variable
//! or [`NodeConfig::set`](super::NodeConfig::set)).

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::de::{DeInteger, DeValue};

use super::units::{parse_byte_size, parse_duration};

/// A value given for a key.
pub(crate) enum Raw<'a> {
    /// A TOML value from a file.
    Toml(&'a DeValue<'a>),
    /// Text: an environment variable's value or an argument of `NodeConfig::set`.
    Text(&'a str),
}

/// A value and what relative paths in it are relative to.
pub(crate) struct Input<'a> {
    pub(crate) raw: Raw<'a>,
    /// The directory of the file the value is from; `None` leaves relative paths as they are
    /// (relative to the working directory).
    pub(crate) base_dir: Option<&'a Path>,
}

/// The value is not of the key's type.
#[derive(Debug)]
pub(crate) struct Mismatch {
    pub(crate) expected: &'static str,
    pub(crate) found: String,
}

pub(crate) const STRING: &str = "a string";
pub(crate) const PATH: &str = "a path (a non-empty string)";
pub(crate) const SOCKET_ADDR: &str = "an IP address and port such as \"127.0.0.1:8080\"";
pub(crate) const BYTE_SIZE: &str =
    "a size such as 1048576 or \"1MiB\" (units B, KB, MB, GB, KiB, MiB, GiB)";
pub(crate) const DURATION: &str =
    "a duration such as \"30s\", \"250ms\" or \"2m\" (units ms, s, m, h)";
pub(crate) const COUNT: &str = "a non-negative integer";
pub(crate) const POSITIVE: &str = "an integer from 1 to 4294967295";
pub(crate) const LIST: &str = "an array of strings or a comma-separated string";
pub(crate) const TABLE: &str = "a table";

impl Input<'_> {
    pub(crate) fn mismatch(&self, expected: &'static str) -> Mismatch {
        Mismatch {
            expected,
            found: describe(&self.raw),
        }
    }

    /// The value as a string: a TOML string or the text.
    fn text(&self, expected: &'static str) -> Result<&str, Mismatch> {
        match &self.raw {
            Raw::Toml(DeValue::String(s)) => Ok(s.as_ref()),
            Raw::Text(text) => Ok(*text),
            Raw::Toml(_) => Err(self.mismatch(expected)),
        }
    }

    /// The value as an integer: a TOML integer, or text of decimal digits.
    fn integer(&self, expected: &'static str) -> Result<i128, Mismatch> {
        let parsed = match &self.raw {
            Raw::Toml(DeValue::Integer(i)) => toml_integer(i),
            Raw::Text(text) => {
                let text = text.trim();
                let digits = text.strip_prefix('-').unwrap_or(text);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    text.parse().ok()
                }
            }
            Raw::Toml(_) => None,
        };
        parsed.ok_or_else(|| self.mismatch(expected))
    }

    pub(crate) fn string(&self) -> Result<String, Mismatch> {
        self.text(STRING).map(str::to_owned)
    }

    /// A path; a relative path from a file is taken relative to the file's directory.
    pub(crate) fn path(&self) -> Result<PathBuf, Mismatch> {
        let text = self.text(PATH)?;
        if text.is_empty() {
            return Err(self.mismatch(PATH));
        }
        let path = PathBuf::from(text);
        Ok(match self.base_dir {
            Some(base) if path.is_relative() => base.join(path),
            _ => path,
        })
    }

    pub(crate) fn socket_addr(&self) -> Result<SocketAddr, Mismatch> {
        let text = self.text(SOCKET_ADDR)?;
        text.trim().parse().map_err(|_| self.mismatch(SOCKET_ADDR))
    }

    /// A byte size: an integer (bytes) or text with a unit.
    pub(crate) fn byte_size(&self) -> Result<usize, Mismatch> {
        let bytes = match &self.raw {
            Raw::Toml(DeValue::Integer(i)) => toml_integer(i).and_then(|i| u64::try_from(i).ok()),
            Raw::Toml(DeValue::String(s)) => parse_byte_size(s),
            Raw::Text(text) => parse_byte_size(text),
            Raw::Toml(_) => None,
        };
        bytes
            .and_then(|b| usize::try_from(b).ok())
            .ok_or_else(|| self.mismatch(BYTE_SIZE))
    }

    pub(crate) fn duration(&self) -> Result<Duration, Mismatch> {
        parse_duration(self.text(DURATION)?).ok_or_else(|| self.mismatch(DURATION))
    }

    pub(crate) fn count(&self) -> Result<usize, Mismatch> {
        let i = self.integer(COUNT)?;
        usize::try_from(i).map_err(|_| self.mismatch(COUNT))
    }

    pub(crate) fn positive_u32(&self) -> Result<NonZeroU32, Mismatch> {
        let i = self.integer(POSITIVE)?;
        u32::try_from(i)
            .ok()
            .and_then(NonZeroU32::new)
            .ok_or_else(|| self.mismatch(POSITIVE))
    }

    /// A list of strings: a TOML array of strings, or a comma-separated string (items trimmed,
    /// empty items dropped, so `""` is the empty list).
    pub(crate) fn list(&self) -> Result<Vec<String>, Mismatch> {
        match &self.raw {
            Raw::Toml(DeValue::Array(items)) => items
                .iter()
                .map(|item| match item.get_ref() {
                    DeValue::String(s) => Ok(s.to_string()),
                    other => Err(Mismatch {
                        expected: LIST,
                        found: format!("an array containing {}", describe(&Raw::Toml(other))),
                    }),
                })
                .collect(),
            _ => {
                let text = self.text(LIST)?;
                Ok(text
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_owned)
                    .collect())
            }
        }
    }

    /// One of `choices`, by its exact spelling.
    pub(crate) fn choice<T: Copy>(
        &self,
        choices: &[(&str, T)],
        expected: &'static str,
    ) -> Result<T, Mismatch> {
        let text = self.text(expected)?;
        choices
            .iter()
            .find(|(spelling, _)| *spelling == text)
            .map(|&(_, value)| value)
            .ok_or_else(|| self.mismatch(expected))
    }

    /// An integer from TOML as its decimal text, so that `acks = 1` reads like `acks = "1"`.
    pub(crate) fn integer_as_text(&self) -> Option<String> {
        match &self.raw {
            Raw::Toml(DeValue::Integer(i)) => toml_integer(i).map(|i| i.to_string()),
            _ => None,
        }
    }
}

fn toml_integer(i: &DeInteger<'_>) -> Option<i128> {
    i128::from_str_radix(i.as_str(), i.radix()).ok()
}

/// What a value is, for "expected …, found …": its TOML type and value, or the quoted text.
pub(crate) fn describe(raw: &Raw<'_>) -> String {
    match raw {
        Raw::Text(text) => format!("{text:?}"),
        Raw::Toml(value) => match value {
            DeValue::String(s) => format!("string {s:?}"),
            DeValue::Integer(i) => format!("integer {i}"),
            DeValue::Float(f) => format!("float {f}"),
            DeValue::Boolean(b) => format!("boolean {b}"),
            DeValue::Datetime(d) => format!("datetime {d}"),
            DeValue::Array(_) => "an array".to_owned(),
            DeValue::Table(_) => "a table".to_owned(),
        },
    }
}
