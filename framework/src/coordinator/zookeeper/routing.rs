//! Who masters a partition, for routing: one task per watched partition follows its `master`
//! znode, shared by every receiver, and ends when the last receiver is dropped.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use zookeeper_client as zk;

use super::election::declared;
use super::held::Key;
use super::shared::{Shared, is_terminal, lock};
use crate::coordinator::{CoordinatorError, MasterInfo};

/// A watch of the master of `partition` of a declared `keyspace`.
pub(crate) fn master(
    shared: &Arc<Shared>,
    keyspace: &str,
    partition: u32,
) -> Result<watch::Receiver<Option<MasterInfo>>, CoordinatorError> {
    declared(shared, keyspace, partition)?;
    let client = shared.client()?;
    let key: Key = (keyspace.to_owned(), partition);
    let mut masters = lock(&shared.masters);
    if let Some(sender) = masters.get(&key) {
        return Ok(sender.subscribe());
    }
    let (sender, receiver) = watch::channel(None);
    masters.insert(key.clone(), sender.clone());
    shared
        .tracker
        .spawn(follow(Arc::clone(shared), client, key, sender));
    Ok(receiver)
}

/// What a read of the master znode gave.
enum Read {
    Master(Option<MasterInfo>, zk::OneshotWatcher),
    Again,
}

async fn read(shared: &Shared, client: &zk::Client, path: &str) -> Result<Read, zk::Error> {
    match shared.bounded(client.get_and_watch_data(path)).await {
        Ok((data, _, watcher)) => match serde_json::from_slice::<MasterInfo>(&data) {
            Ok(info) => Ok(Read::Master(Some(info), watcher)),
            Err(e) => {
                tracing::error!(path, error = %e, "unreadable master znode");
                Ok(Read::Master(None, watcher))
            }
        },
        Err(zk::Error::NoNode) => match shared.bounded(client.check_and_watch_stat(path)).await? {
            (None, watcher) => Ok(Read::Master(None, watcher)),
            (Some(_), _) => Ok(Read::Again),
        },
        Err(e) => Err(e),
    }
}

async fn follow(
    shared: Arc<Shared>,
    client: zk::Client,
    key: Key,
    sender: watch::Sender<Option<MasterInfo>>,
) {
    let path = shared.paths.master(&key.0, key.1);
    loop {
        let watcher = match read(&shared, &client, &path).await {
            Ok(Read::Master(info, watcher)) => {
                sender.send_if_modified(|current| {
                    let change = *current != info;
                    if change {
                        *current = info;
                    }
                    change
                });
                Some(watcher)
            }
            Ok(Read::Again) => continue,
            Err(e) if is_terminal(&e) => {
                sender.send_replace(None);
                return;
            }
            Err(e) => {
                tracing::debug!(path, error = %e, "reading the master failed; retrying");
                None
            }
        };
        tokio::select! {
            _ = shared.stop.cancelled() => return,
            _ = sender.closed() => {
                let mut masters = lock(&shared.masters);
                if sender.receiver_count() == 0 {
                    masters.remove(&key);
                    return;
                }
            }
            _ = async {
                match watcher {
                    Some(w) => drop(w.changed().await),
                    None => tokio::time::sleep(Duration::from_millis(250)).await,
                }
            } => {}
        }
    }
}
