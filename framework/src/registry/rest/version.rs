//! [`VersionArg`]: the `{version}` of a subject route.

use std::str::FromStr;

use super::error::{ApiError, INVALID_VERSION};

/// A version asked for: a number from 1 to 2³¹−1, or the latest (`latest`, or `-1` as
/// Confluent also accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionArg {
    /// The latest version.
    Latest,
    /// That version.
    Number(u32),
}

impl FromStr for VersionArg {
    type Err = ApiError;

    fn from_str(s: &str) -> Result<VersionArg, ApiError> {
        let trimmed = s.trim();
        if trimmed.eq_ignore_ascii_case("latest") || trimmed == "-1" {
            return Ok(VersionArg::Latest);
        }
        match trimmed.parse::<u32>() {
            Ok(n) if (1..=i32::MAX as u32).contains(&n) => Ok(VersionArg::Number(n)),
            _ => Err(ApiError::unprocessable(
                INVALID_VERSION,
                format!(
                    "the specified version `{s}` is not a valid version id: allowed values are \
                     between [1, 2^31-1] and the string \"latest\""
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VersionArg;

    #[test]
    fn parses_numbers_latest_and_rejects_the_rest() {
        assert_eq!("latest".parse::<VersionArg>().unwrap(), VersionArg::Latest);
        assert_eq!("LATEST".parse::<VersionArg>().unwrap(), VersionArg::Latest);
        assert_eq!("-1".parse::<VersionArg>().unwrap(), VersionArg::Latest);
        assert_eq!("7".parse::<VersionArg>().unwrap(), VersionArg::Number(7));
        assert_eq!(
            "2147483647".parse::<VersionArg>().unwrap(),
            VersionArg::Number(2_147_483_647)
        );
        for bad in ["0", "-2", "2147483648", "abc", "", "1.5"] {
            let err = bad.parse::<VersionArg>().unwrap_err();
            assert_eq!(err.code, 42202, "{bad}");
        }
    }
}
