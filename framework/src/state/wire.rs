//! [`StateError`] as Avro, so a handler's `Result<_, StateError>` reply can travel back from
//! the partition's master on another node (see
//! [`Keyspace::remote`](crate::keyspace::Keyspace::remote)).
//!
//! The record `affinity.StateError {kind, detail, message}` names the variant, its text
//! payload and the error's message. The variants a caller may act on — `AlreadyExists`,
//! `Standby`, `UnknownState`, `InvalidName`, `Corrupt` — read back as themselves; the others
//! (store, key, schema and changelog failures, whose sources are not data) as
//! [`StateError::OnMaster`] with the master's message.

use affinity_avro::binary::Reader;
use affinity_avro::{Avro, DecodeError, SchemaWriter};

use super::StateError;

/// The record a [`StateError`] travels as.
#[derive(Avro)]
#[avro(namespace = "affinity", name = "StateError")]
struct Travelling {
    /// The variant's name.
    kind: String,
    /// Its text payload (a name, a reason), or empty.
    detail: String,
    /// The error's message.
    message: String,
}

impl From<&StateError> for Travelling {
    fn from(error: &StateError) -> Self {
        let (kind, detail) = match error {
            StateError::InvalidName(name) => ("InvalidName", name.clone()),
            StateError::UnknownState(name) => ("UnknownState", name.clone()),
            StateError::AlreadyExists => ("AlreadyExists", String::new()),
            StateError::Standby => ("Standby", String::new()),
            StateError::Corrupt(what) => ("Corrupt", what.clone()),
            _ => ("OnMaster", String::new()),
        };
        Travelling {
            kind: kind.to_owned(),
            detail,
            message: error.to_string(),
        }
    }
}

impl From<Travelling> for StateError {
    fn from(t: Travelling) -> Self {
        match t.kind.as_str() {
            "InvalidName" => StateError::InvalidName(t.detail),
            "UnknownState" => StateError::UnknownState(t.detail),
            "AlreadyExists" => StateError::AlreadyExists,
            "Standby" => StateError::Standby,
            "Corrupt" => StateError::Corrupt(t.detail),
            _ => StateError::OnMaster(t.message),
        }
    }
}

impl Avro for StateError {
    const MIN_SIZE: usize = Travelling::MIN_SIZE;

    fn write_schema(w: &mut SchemaWriter) {
        Travelling::write_schema(w);
    }

    fn encode(&self, out: &mut Vec<u8>) {
        Travelling::from(self).encode(out);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Travelling::decode(r).map(StateError::from)
    }
}

#[cfg(test)]
mod tests {
    use affinity_avro::{from_slice, to_vec};

    use super::*;
    use crate::store::StoreError;

    #[test]
    fn errors_a_caller_acts_on_read_back_as_themselves() {
        for error in [
            StateError::AlreadyExists,
            StateError::Standby,
            StateError::UnknownState("s".to_owned()),
            StateError::InvalidName("_x".to_owned()),
            StateError::Corrupt("bad".to_owned()),
        ] {
            let back: StateError = from_slice(&to_vec(&error)).unwrap();
            assert_eq!(format!("{back:?}"), format!("{error:?}"));
        }
    }

    #[test]
    fn other_errors_keep_their_message() {
        let error = StateError::Store(StoreError::UnknownTable("t".to_owned()));
        let back: StateError = from_slice(&to_vec(&error)).unwrap();
        assert!(matches!(&back, StateError::OnMaster(m) if *m == error.to_string()));
        assert!(back.to_string().contains(&error.to_string()));
    }
}
