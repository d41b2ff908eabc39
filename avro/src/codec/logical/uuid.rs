//! `uuid::Uuid` as the Avro `uuid` logical type on `string`.

use uuid::Uuid;

use crate::DecodeError;
use crate::binary::{Reader, write_str};
use crate::codec::{Avro, SchemaWriter};

/// The length of a hyphenated UUID: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
const HYPHENATED_LEN: usize = 36;

/// `Uuid` is `{"type":"string","logicalType":"uuid"}`, written as the lowercase hyphenated form
/// (RFC 9562). Decoding accepts that form in either case; any other string, including the other
/// textual forms (simple, braced, URN), is [`DecodeError::InvalidValue`].
///
/// ```
/// use affinity_avro::{from_slice, to_vec};
/// let id = uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
/// let bytes = to_vec(&id);
/// assert_eq!(&bytes[1..], b"67e55044-10b1-426f-9247-bb680e5fe0c8");
/// assert_eq!(from_slice::<uuid::Uuid>(&bytes), Ok(id));
/// ```
impl Avro for Uuid {
    const MIN_SIZE: usize = 1 + HYPHENATED_LEN;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"string","logicalType":"uuid"}"#);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        let mut buf = [0u8; HYPHENATED_LEN];
        write_str(out, self.hyphenated().encode_lower(&mut buf));
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let s = r.read_str()?;
        let parsed = if s.len() == HYPHENATED_LEN {
            Uuid::try_parse(s).ok()
        } else {
            None
        };
        parsed.ok_or_else(|| DecodeError::InvalidValue(format!("{s:?} is not a hyphenated UUID")))
    }
}

crate::codec::borrow::via_avro!(Uuid);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Kind, Logical};
    use crate::{from_slice, to_vec};

    #[test]
    fn schema_is_a_uuid_string() {
        let node = Uuid::schema().root_node();
        assert_eq!(node.kind, Kind::String);
        assert_eq!(node.logical, Some(Logical::Uuid));
    }

    #[test]
    fn encodes_lowercase_hyphenated_and_round_trips() {
        let id = Uuid::from_u128(0xA1A2_A3A4_B1B2_C1C2_D1D2_D3D4_D5D6_D7D8);
        let bytes = to_vec(&id);
        assert_eq!(bytes[0], 72); // 36 as a zig-zag varint
        assert_eq!(&bytes[1..], b"a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8");
        assert_eq!(from_slice::<Uuid>(&bytes), Ok(id));
    }

    #[test]
    fn uppercase_is_accepted() {
        let mut bytes = vec![72];
        bytes.extend_from_slice(b"A1A2A3A4-B1B2-C1C2-D1D2-D3D4D5D6D7D8");
        assert_eq!(
            from_slice::<Uuid>(&bytes),
            Ok(Uuid::from_u128(0xA1A2_A3A4_B1B2_C1C2_D1D2_D3D4_D5D6_D7D8))
        );
    }

    #[test]
    fn other_strings_are_invalid_values() {
        for s in [
            "",
            "not a uuid",
            "a1a2a3a4b1b2c1c2d1d2d3d4d5d6d7d8",
            "{a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8}",
            "urn:uuid:a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8",
            "a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7dz",
            "a1a2a3a4-b1b2-c1c2-d1d2d-3d4d5d6d7d8",
        ] {
            let bytes = to_vec(&s.to_owned());
            assert!(
                matches!(
                    from_slice::<Uuid>(&bytes),
                    Err(DecodeError::InvalidValue(_))
                ),
                "{s:?}"
            );
        }
    }
}
