//! Frames on a peer link's TCP stream: a 4-byte big-endian length, then that many bytes of an
//! Avro-encoded frame (see [`frame`](super::frame)).

use affinity_avro::{Avro, DecodeError, from_slice, to_vec};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest frame a link accepts: a request or reply carries one message, so this bounds
/// what one message may weigh between nodes.
pub(crate) const MAX_FRAME: u32 = 16 * 1024 * 1024;

/// How many bytes of frames a link's writer gathers into one write at most, so one write
/// carries many small frames without holding a large one back.
pub(crate) const WRITE_BATCH: usize = 256 * 1024;

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FrameError {
    /// The stream failed or ended within a frame.
    #[error("the link failed: {0}")]
    Io(#[from] std::io::Error),
    /// The length prefix is over [`MAX_FRAME`].
    #[error("a frame of {0} bytes is over the limit of {MAX_FRAME}")]
    TooLarge(u32),
    /// The frame is not the expected Avro record.
    #[error("a frame does not decode: {0}")]
    Decode(#[from] DecodeError),
}

/// Reads one frame of type `T`; `None` when the stream ended cleanly between frames.
pub(crate) async fn read<T: Avro, R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<Option<T>, FrameError> {
    let mut prefix = [0u8; 4];
    match reader.read_exact(&mut prefix).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_be_bytes(prefix);
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    // Grows with the bytes that arrive rather than trusting the prefix for the allocation.
    let mut body = Vec::new();
    reader.take(u64::from(len)).read_to_end(&mut body).await?;
    if body.len() != len as usize {
        return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
    }
    Ok(Some(from_slice(&body)?))
}

/// Appends `frame`, length-prefixed, to `out`.
pub(crate) fn encode<T: Avro>(frame: &T, out: &mut Vec<u8>) {
    let body = to_vec(frame);
    // Frames are bounded by the messages in them; a larger one is refused by the reader.
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body);
}

/// Writes one frame and flushes.
pub(crate) async fn write<T: Avro, W: AsyncWrite + Unpin>(
    writer: &mut W,
    frame: &T,
) -> std::io::Result<()> {
    let mut out = Vec::new();
    encode(frame, &mut out);
    writer.write_all(&out).await?;
    writer.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peer::frame::Hello;

    fn hello() -> Hello {
        Hello {
            protocol: 1,
            cluster: "c".to_owned(),
            member: "a".to_owned(),
        }
    }

    #[tokio::test]
    async fn frames_round_trip_and_a_clean_end_is_none() {
        let mut bytes = Vec::new();
        encode(&hello(), &mut bytes);
        encode(&hello(), &mut bytes);
        let mut reader = bytes.as_slice();
        assert_eq!(read::<Hello, _>(&mut reader).await.unwrap(), Some(hello()));
        assert_eq!(read::<Hello, _>(&mut reader).await.unwrap(), Some(hello()));
        assert_eq!(read::<Hello, _>(&mut reader).await.unwrap(), None);
    }

    #[tokio::test]
    async fn bad_frames_are_errors() {
        let huge = (MAX_FRAME + 1).to_be_bytes();
        assert!(matches!(
            read::<Hello, _>(&mut huge.as_slice()).await,
            Err(FrameError::TooLarge(_))
        ));
        // A prefix promising more than the stream holds, then the stream ends.
        let short = [0, 0, 0, 200, 1, 2];
        assert!(matches!(
            read::<Hello, _>(&mut short.as_slice()).await,
            Err(FrameError::Io(_))
        ));
        let garbage = [0, 0, 0, 2, 0xff, 0xff];
        assert!(matches!(
            read::<Hello, _>(&mut garbage.as_slice()).await,
            Err(FrameError::Decode(_))
        ));
    }
}
