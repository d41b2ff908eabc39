//! The session guard: proves contact with ZooKeeper periodically and gives up every
//! mastership when contact has been lost for longer than the safe bound.
//!
//! ZooKeeper expires a session when its server has heard nothing from the client for the
//! session timeout `T`. A request that the server answered was received after it was sent, so
//! when a request sent at `t0` is answered, the session cannot expire before `t0 + T`. The
//! guard sends such a probe (a stat of the member znode) every `T/6` and extends the
//! [`Lease`](crate::coordinator::mastership::Lease) to `t0 + 2T/3` on each answer. When the
//! lease runs out, the coordinator is `Suspended` and every mastership is lost — at least
//! `T/3` before the server could expire the session and a successor could be elected. The
//! margin covers the timer firing late; it cannot cover a process paused longer than that,
//! which is why the changelog must fence (see the module docs).

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use zookeeper_client as zk;

use super::shared::{Shared, is_terminal};
use crate::coordinator::CoordinatorStatus;

/// The part of the session timeout during which a lease holds after a probe was sent.
pub(crate) fn safe_bound(session_timeout: Duration) -> Duration {
    session_timeout * 2 / 3
}

type Probe = Pin<Box<dyn Future<Output = (Instant, Result<Option<zk::Stat>, zk::Error>)> + Send>>;

/// Runs the guard until the coordinator stops or its session ends.
pub(crate) async fn run(shared: Arc<Shared>, client: zk::Client) {
    let bound = safe_bound(shared.session_timeout);
    let interval = shared.session_timeout / 6;
    let member = shared.paths.member(shared.local.id.as_str());
    let mut states = client.state_watcher();
    let mut probe: Option<Probe> = None;
    let mut next_probe = Instant::now() + interval;
    loop {
        let lease_end = shared
            .lease
            .end()
            .map(Instant::from_std)
            .unwrap_or_else(Instant::now);
        let connected = *shared.status.borrow() == CoordinatorStatus::Connected;
        tokio::select! {
            _ = shared.stop.cancelled() => return,
            state = states.changed() => {
                if state.is_terminated() {
                    shared.end(CoordinatorStatus::Expired);
                    return;
                }
                tracing::debug!(member = %shared.local.id, ?state, "ZooKeeper connection state");
            }
            _ = tokio::time::sleep_until(lease_end), if connected => {
                shared.suspend("no answer from ZooKeeper within 2/3 of the session timeout");
            }
            _ = tokio::time::sleep_until(next_probe), if probe.is_none() => {
                let client = client.clone();
                let path = member.clone();
                let limit = bound;
                probe = Some(Box::pin(async move {
                    let sent = Instant::now();
                    let answer = tokio::time::timeout(limit, client.check_stat(&path))
                        .await
                        .unwrap_or(Err(zk::Error::Timeout));
                    (sent, answer)
                }));
            }
            (sent, answer) = async {
                match probe.as_mut() {
                    Some(p) => p.await,
                    None => std::future::pending().await,
                }
            } => {
                probe = None;
                next_probe = sent + interval;
                match answer {
                    Ok(Some(stat)) if stat.ephemeral_owner == shared.session_id => {
                        shared.lease.extend((sent + bound).into_std());
                        shared.resume();
                    }
                    Ok(_) => {
                        tracing::error!(
                            member = %shared.local.id,
                            path = %member,
                            "this node's member znode is gone while its session lives"
                        );
                        shared.end(CoordinatorStatus::Expired);
                        return;
                    }
                    Err(e) if is_terminal(&e) => {
                        shared.end(CoordinatorStatus::Expired);
                        return;
                    }
                    Err(e) => {
                        tracing::debug!(member = %shared.local.id, error = %e, "ZooKeeper probe failed");
                    }
                }
            }
        }
    }
}
