//! [`Op`]: one change to the registry, as the journal records it.

use serde::{Deserialize, Serialize};

/// A change to the registry: the payload of one journal record, as JSON.
///
/// Only changes that succeeded are recorded, so replaying them (without compatibility checks,
/// which were passed when they were made) rebuilds the same ids, versions and levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Op {
    /// A new version of `subject`; the schema is in its full JSON form
    /// ([`Schema::to_json`](affinity_avro::Schema::to_json)).
    Register {
        /// The subject.
        subject: String,
        /// The schema's full JSON form.
        schema: String,
    },
    /// A compatibility level set on `subject`, or the global level when it is `None`.
    Compatibility {
        /// The subject, or `None` for the global level.
        subject: Option<String>,
        /// Confluent's name of the level (`"FULL"`, …).
        level: String,
    },
    /// `subject` deleted with its versions and level.
    DeleteSubject {
        /// The subject.
        subject: String,
    },
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn json_form_is_stable() {
        let op = Op::Compatibility {
            subject: None,
            level: "FULL".into(),
        };
        let json = serde_json::to_string(&op).unwrap();
        assert_eq!(
            json,
            r#"{"op":"compatibility","subject":null,"level":"FULL"}"#
        );
        assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), op);
        let register = r#"{"op":"register","subject":"t-value","schema":"\"int\""}"#;
        assert_eq!(
            serde_json::from_str::<Op>(register).unwrap(),
            Op::Register {
                subject: "t-value".into(),
                schema: "\"int\"".into()
            }
        );
    }
}
