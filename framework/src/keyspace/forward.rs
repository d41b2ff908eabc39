//! Routing a request to the partition's master: here, or over the peer link to the master's
//! node, following the mastership across failovers (see [`peer`](crate::peer) for the rules).

use std::time::Duration;

use tokio::time::Instant;

use super::{AskError, KeyspaceRef};
use crate::coordinator::Member;
use crate::partition::{Handler, Route};
use crate::peer::{Code, LinkError, Outcome, Refused, RequestBody};

/// How long a request waits before it tries the master again after a refusal or a failed
/// connection.
const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Where a routed request ended up.
pub(crate) enum Routed {
    /// It runs here, on this node's replica.
    Here,
    /// The master's node carried it out; the reply's encoding.
    Done(Vec<u8>),
    /// The master's node refused the message itself (it does not decode, or the handler
    /// rejected a published one).
    Refused(Refused),
}

impl<H: Handler> KeyspaceRef<H> {
    /// Routes a request for `partition`: [`Routed::Here`] if this node's replica should run
    /// it, otherwise sends the request that `body` makes to the master's node and returns
    /// what came back, retrying (until `deadline`, and for at most
    /// [`NO_MASTER_WAIT`](crate::partition::NO_MASTER_WAIT) without a master) while the
    /// master is unknown, unreachable, or refuses it unrun. `body` is called at most once.
    pub(crate) async fn route_request(
        &self,
        partition: u32,
        deadline: Instant,
        idempotent: bool,
        body: impl FnMut(&Member) -> Result<RequestBody, AskError>,
    ) -> Result<Routed, AskError> {
        // Most requests run here. Answering them before the loop keeps the loop's state (the
        // peer request, the waits) out of every request's future, which a caller allocates and
        // moves: an ask's future went from 2.6 KB to 0.7 KB, under the size glibc's malloc
        // serves from its per-thread cache.
        if self.handle(partition)?.serves_here(self.replica) {
            return Ok(Routed::Here);
        }
        Box::pin(self.route_away(partition, deadline, idempotent, body)).await
    }

    /// [`route_request`](Self::route_request) when the request may have to go elsewhere.
    async fn route_away(
        &self,
        partition: u32,
        deadline: Instant,
        idempotent: bool,
        mut body: impl FnMut(&Member) -> Result<RequestBody, AskError>,
    ) -> Result<Routed, AskError> {
        let handle = self.handle(partition)?;
        let wait_until = deadline.min(Instant::now() + crate::partition::NO_MASTER_WAIT);
        let mut request: Option<RequestBody> = None;
        // Set once an attempt may have been handled (an idempotent request whose link broke):
        // from then on, giving up must say the outcome is unknown, not that nothing ran.
        let mut uncertain: Option<String> = None;
        let unknown = |uncertain: &Option<String>, error: AskError| match uncertain {
            Some(reason) => AskError::Lost {
                reason: reason.clone(),
            },
            None => error,
        };
        loop {
            let route = handle.route(self.replica, partition, wait_until).await;
            let member = match route.map_err(|e| unknown(&uncertain, e))? {
                Route::Here => return Ok(Routed::Here),
                Route::Peer(member) => member,
            };
            let Some(peers) = &self.inner.peers else {
                return Err(AskError::NoMaster { partition });
            };
            let sent = match &request {
                Some(request) => request.clone(),
                None => request.insert(body(&member)?).clone(),
            };
            let outcome = peers
                .request(&member, &self.inner.name, partition, sent, deadline)
                .await;
            let why = match outcome {
                Ok(Outcome::Done(done)) => return Ok(Routed::Done(done.reply)),
                Ok(Outcome::Items(_)) => {
                    return Err(AskError::Refused {
                        reason: "the master's node answered with a watch's items".to_owned(),
                    });
                }
                Ok(Outcome::Refused(refused)) => match refused.code {
                    // Not run: the mastership moved (or the node is leaving); find it again.
                    Code::NotMaster | Code::Stopped => refused.reason,
                    Code::BadMessage | Code::Rejected => return Ok(Routed::Refused(refused)),
                    code => return Err(ask_error(code, refused.reason, partition, self)),
                },
                Err(LinkError::NotSent(why)) => why,
                Err(LinkError::Lost(why)) if idempotent => {
                    uncertain = Some(why.clone());
                    why
                }
                Err(LinkError::Lost(reason)) => return Err(AskError::Lost { reason }),
                Err(LinkError::Timeout) => return Err(AskError::Timeout),
            };
            tracing::debug!(
                keyspace = %self.inner.name, partition, master = %member.id, %why,
                "request not taken by the master; routing it again"
            );
            let pause = Instant::now() + RETRY_PAUSE;
            if pause >= wait_until {
                return Err(unknown(&uncertain, AskError::NoMaster { partition }));
            }
            tokio::time::sleep_until(pause).await;
        }
    }
}

/// The [`AskError`] of a refusal that ends the request.
fn ask_error<H: Handler>(
    code: Code,
    reason: String,
    partition: u32,
    keyspace: &KeyspaceRef<H>,
) -> AskError {
    match code {
        Code::Timeout => AskError::Timeout,
        Code::Failed => AskError::Failed,
        Code::NotWritten => AskError::NotWritten { reason },
        Code::NoSuchPartition => AskError::NoSuchPartition {
            partition,
            partitions: keyspace.partitions(),
        },
        _ => AskError::Refused { reason },
    }
}
