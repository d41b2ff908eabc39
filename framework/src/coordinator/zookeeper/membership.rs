//! Membership: joining with an ephemeral member znode, and watching the live members.

use std::sync::Arc;
use std::time::Duration;

use zookeeper_client as zk;

use super::shared::{Shared, ephemeral, failed, is_terminal};
use crate::coordinator::{CoordinatorError, Member, MemberId, Members};

/// Creates this node's member znode (`members/<id>`, ephemeral, the [`Member`] as JSON).
pub(crate) async fn join(
    client: &zk::Client,
    path: &str,
    member: &Member,
    limit: Duration,
) -> Result<(), CoordinatorError> {
    let data = serde_json::to_vec(member).map_err(|e| CoordinatorError::Corrupt {
        path: path.to_owned(),
        reason: format!("encoding the member: {e}"),
    })?;
    let created = tokio::time::timeout(limit, client.create(path, &data, &ephemeral()))
        .await
        .unwrap_or(Err(zk::Error::Timeout));
    match created {
        Ok(_) => Ok(()),
        Err(zk::Error::NodeExists) => Err(CoordinatorError::MemberAlreadyLive(member.id.clone())),
        Err(e) => Err(failed("create", path, e)),
    }
}

/// Reads the live members once, and the watch that fires when they change.
pub(crate) async fn read(
    shared: &Shared,
    client: &zk::Client,
) -> Result<(Members, zk::OneshotWatcher), zk::Error> {
    let path = shared.paths.members();
    let (children, watcher) = shared
        .bounded(client.list_and_watch_children(&path))
        .await?;
    let mut members = Members::new();
    for child in children {
        let Ok(id) = MemberId::new(child.as_str()) else {
            tracing::warn!(path, child, "ignoring a member znode with an invalid name");
            continue;
        };
        let data = match shared
            .bounded(client.get_data(&format!("{path}/{child}")))
            .await
        {
            Ok((data, _)) => data,
            Err(zk::Error::NoNode) => continue,
            Err(e) => return Err(e),
        };
        match serde_json::from_slice::<Member>(&data) {
            Ok(member) if member.id == id => {
                members.insert(id, member);
            }
            _ => tracing::warn!(path, child, "ignoring a member znode with unreadable data"),
        }
    }
    Ok((members, watcher))
}

/// Keeps `shared.members` up to date until the coordinator stops.
pub(crate) async fn watch(shared: Arc<Shared>, client: zk::Client, first: zk::OneshotWatcher) {
    let mut watcher = Some(first);
    loop {
        if let Some(w) = watcher.take() {
            tokio::select! {
                _ = shared.stop.cancelled() => return,
                _ = w.changed() => {}
            }
        }
        match read(&shared, &client).await {
            Ok((members, next)) => {
                shared.members.send_if_modified(|current| {
                    let change = **current != members;
                    if change {
                        *current = Arc::new(members);
                    }
                    change
                });
                watcher = Some(next);
            }
            Err(e) if is_terminal(&e) => return,
            Err(e) => {
                tracing::debug!(error = %e, "reading the members failed; retrying");
                if !shared.pause(Duration::from_millis(250)).await {
                    return;
                }
            }
        }
    }
}
