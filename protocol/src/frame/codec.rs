//! [`encode`] and [`decode`]: one frame per WebSocket binary message, with a size limit and
//! tolerance of frame kinds from a newer peer.

use affinity_avro::binary::Reader;
use affinity_avro::{Avro, from_slice, to_vec};

use super::{ClientFrame, ServerFrame};
use crate::ProtocolError;

/// The largest frame either side sends or accepts by default: 16 MiB. A peer may configure a
/// lower limit (the session's [`Config::max_frame_size`](crate::session::Config::max_frame_size)).
pub const MAX_FRAME_SIZE: usize = 16 << 20;

/// The WebSocket subprotocol of this version of the live protocol. A client offers it in
/// `Sec-WebSocket-Protocol`; a server that speaks it echoes it. The number changes only for an
/// incompatible change, which the appending rules of the [`frame`](crate::frame) module avoid.
pub const SUBPROTOCOL: &str = "affinity.live.v1";

/// A frame union: [`ClientFrame`] or [`ServerFrame`].
pub trait Frame: Avro + sealed::Sealed {
    /// How many branches this version's union has.
    const BRANCHES: usize;
}

impl Frame for ClientFrame {
    const BRANCHES: usize = 4;
}

impl Frame for ServerFrame {
    const BRANCHES: usize = 6;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ClientFrame {}
    impl Sealed for super::ServerFrame {}
}

/// The Avro binary encoding of a frame: the bytes of one WebSocket binary message.
///
/// ```
/// use affinity_protocol::frame::{ClientFrame, Ping, encode};
/// assert_eq!(encode(&ClientFrame::Ping(Ping { nonce: 1 })), [0x06, 0x02]);
/// ```
pub fn encode<F: Frame>(frame: &F) -> Vec<u8> {
    to_vec(frame)
}

/// Reads one frame from the bytes of one WebSocket message.
///
/// Frames over [`MAX_FRAME_SIZE`] are refused before anything is read; a branch index this
/// version does not know is [`ProtocolError::UnknownFrame`] (a newer peer — skip it); bytes that
/// are not a frame, or are followed by more bytes, are [`ProtocolError::Malformed`].
///
/// ```
/// use affinity_protocol::ProtocolError;
/// use affinity_protocol::frame::{Pong, ServerFrame, decode};
/// assert_eq!(decode::<ServerFrame>(&[0x0a, 0x02]), Ok(ServerFrame::Pong(Pong { nonce: 1 })));
/// assert_eq!(decode::<ServerFrame>(&[0x0c]), Err(ProtocolError::UnknownFrame { index: 6 }));
/// assert!(matches!(decode::<ServerFrame>(&[0x0a]), Err(ProtocolError::Malformed(_))));
/// ```
pub fn decode<F: Frame>(bytes: &[u8]) -> Result<F, ProtocolError> {
    decode_limited(bytes, MAX_FRAME_SIZE)
}

/// [`decode`] with another size limit.
pub fn decode_limited<F: Frame>(bytes: &[u8], max: usize) -> Result<F, ProtocolError> {
    if bytes.len() > max {
        return Err(ProtocolError::FrameTooLarge {
            len: bytes.len(),
            max,
        });
    }
    let index = Reader::new(bytes)
        .read_long()
        .map_err(ProtocolError::Malformed)?;
    if usize::try_from(index).is_ok_and(|i| i >= F::BRANCHES) {
        return Err(ProtocolError::UnknownFrame { index });
    }
    from_slice(bytes).map_err(ProtocolError::Malformed)
}

#[cfg(test)]
mod tests {
    use affinity_avro::DecodeError;
    use affinity_avro::schema::Kind;

    use super::*;
    use crate::frame::{Pong, Unsubscribe};

    fn branches<F: Frame>() -> usize {
        match &F::schema().root_node().kind {
            Kind::Union(b) => b.len(),
            other => panic!("a frame schema is a union, not {}", other.type_name()),
        }
    }

    #[test]
    fn branch_counts_match_the_schemas() {
        assert_eq!(ClientFrame::BRANCHES, branches::<ClientFrame>());
        assert_eq!(ServerFrame::BRANCHES, branches::<ServerFrame>());
    }

    #[test]
    fn round_trip() {
        let f = ClientFrame::Unsubscribe(Unsubscribe { sub_id: -3 });
        assert_eq!(decode::<ClientFrame>(&encode(&f)), Ok(f));
    }

    #[test]
    fn size_limit_is_checked_first() {
        let pong = encode(&ServerFrame::Pong(Pong { nonce: 300 }));
        assert_eq!(pong.len(), 3);
        assert_eq!(
            decode_limited::<ServerFrame>(&pong, 2),
            Err(ProtocolError::FrameTooLarge { len: 3, max: 2 })
        );
        assert!(decode_limited::<ServerFrame>(&pong, 3).is_ok());
    }

    #[test]
    fn malformed_frames() {
        assert_eq!(
            decode::<ServerFrame>(&[]),
            Err(ProtocolError::Malformed(DecodeError::UnexpectedEof(0)))
        );
        // A negative branch index is not a newer frame kind, just garbage.
        assert!(matches!(
            decode::<ServerFrame>(&[0x01]),
            Err(ProtocolError::Malformed(
                DecodeError::InvalidUnionIndex { .. }
            ))
        ));
        // Trailing bytes.
        assert_eq!(
            decode::<ServerFrame>(&[0x0a, 0x02, 0x00]),
            Err(ProtocolError::Malformed(DecodeError::TrailingBytes(1)))
        );
        // A client frame kind unknown to a server of this version.
        assert_eq!(
            decode::<ClientFrame>(&[0x08]),
            Err(ProtocolError::UnknownFrame { index: 4 })
        );
    }
}
