//! The controller: one node at a time (whoever holds the ephemeral `controller` znode)
//! rebalances the automatic assignments when members join or leave.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use zookeeper_client as zk;

use super::keyspaces::KeyspaceRecord;
use super::shared::{Shared, ephemeral, is_terminal};
use crate::coordinator::{MemberId, assign};

/// Campaigns for the controller role and acts while holding it, until the coordinator stops.
pub(crate) async fn run(shared: Arc<Shared>, client: zk::Client) {
    let path = shared.paths.controller();
    let never = CancellationToken::new();
    loop {
        let Ok(contact) = shared.in_contact(&never).await else {
            return;
        };
        let created = shared
            .bounded(client.create(&path, shared.local.id.as_str().as_bytes(), &ephemeral()))
            .await;
        let result = match created {
            Ok(_) => Ok(true),
            Err(zk::Error::NodeExists) => {
                match shared.bounded(client.check_and_watch_stat(&path)).await {
                    // Ours from before a suspension: still the controller.
                    Ok((Some(stat), _)) if stat.ephemeral_owner == shared.session_id => Ok(true),
                    Ok((Some(_), watcher)) => {
                        tokio::select! {
                            _ = shared.stop.cancelled() => return,
                            _ = watcher.changed() => {}
                        }
                        Ok(false)
                    }
                    Ok((None, _)) => Ok(false),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(true) => {
                tracing::info!(member = %shared.local.id, "this node is the controller");
                if let Err(e) = act(&shared, &client, &contact).await {
                    if is_terminal(&e) {
                        return;
                    }
                    tracing::debug!(error = %e, "the controller's work failed; retrying");
                }
            }
            Ok(false) => {}
            Err(e) if is_terminal(&e) => return,
            Err(e) => {
                tracing::debug!(error = %e, "campaigning for the controller failed; retrying");
            }
        }
        if !shared.pause(Duration::from_millis(200)).await {
            return;
        }
    }
}

/// Rebalances every automatic keyspace, again whenever members or keyspaces change, while in
/// contact.
async fn act(
    shared: &Shared,
    client: &zk::Client,
    contact: &CancellationToken,
) -> Result<(), zk::Error> {
    loop {
        let (children, members_changed) = shared
            .bounded(client.list_and_watch_children(&shared.paths.members()))
            .await?;
        let members: Vec<MemberId> = children
            .iter()
            .filter_map(|c| MemberId::new(c.as_str()).ok())
            .collect();
        let (keyspaces, keyspaces_changed) = shared
            .bounded(client.list_and_watch_children(&shared.paths.keyspaces()))
            .await?;
        let mut raced = false;
        for name in keyspaces {
            raced |= rebalance(shared, client, &name, &members).await?;
        }
        if raced {
            continue;
        }
        tokio::select! {
            _ = shared.stop.cancelled() => return Ok(()),
            _ = contact.cancelled() => return Ok(()),
            _ = members_changed.changed() => {}
            _ = keyspaces_changed.changed() => {}
        }
    }
}

/// Rebalances one keyspace; true when another writer changed it meanwhile (try again).
async fn rebalance(
    shared: &Shared,
    client: &zk::Client,
    name: &str,
    members: &[MemberId],
) -> Result<bool, zk::Error> {
    let path = shared.paths.keyspace(name);
    let (data, stat) = match shared.bounded(client.get_data(&path)).await {
        Ok(found) => found,
        Err(zk::Error::NoNode) => return Ok(false),
        Err(e) => return Err(e),
    };
    let record = match KeyspaceRecord::parse(&path, &data) {
        Ok(record) => record,
        Err(e) => {
            tracing::error!(error = %e, "the controller skips an unreadable keyspace");
            return Ok(false);
        }
    };
    if !record.automatic {
        return Ok(false);
    }
    let assignment = assign(
        Some(&record.assignment),
        members,
        record.partitions,
        record.replicas,
    );
    if assignment == record.assignment {
        return Ok(false);
    }
    let moves = assignment.moves_from(&record.assignment);
    let updated = KeyspaceRecord {
        assignment,
        ..record
    };
    let Ok(data) = updated.encode(&path) else {
        return Ok(false);
    };
    match shared
        .bounded(client.set_data(&path, &data, Some(stat.version)))
        .await
    {
        Ok(_) => {
            tracing::info!(keyspace = name, moves, "assignment rebalanced");
            Ok(false)
        }
        Err(zk::Error::BadVersion) => Ok(true),
        Err(e) => Err(e),
    }
}
