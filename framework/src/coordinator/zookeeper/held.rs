//! Candidacies and masterships this node holds: following a mastership until it is lost, and
//! releasing (deleting) the znodes of one that ended, so the next candidate can win.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use zookeeper_client as zk;

use super::shared::{Held, Shared, is_terminal, lock};

/// The key of a partition in the held map.
pub(crate) type Key = (String, u32);

/// Follows a won mastership: it is lost when `lost` is cancelled (resign, suspension, stop) or
/// its candidate znode disappears; then its znodes are released.
pub(crate) async fn follow(
    shared: Arc<Shared>,
    client: zk::Client,
    key: Key,
    serial: u64,
    candidate: String,
    lost: CancellationToken,
) {
    loop {
        let watched = tokio::select! {
            _ = lost.cancelled() => break,
            watched = shared.bounded(client.check_and_watch_stat(&candidate)) => watched,
        };
        match watched {
            Ok((Some(_), watcher)) => tokio::select! {
                _ = lost.cancelled() => break,
                _ = watcher.changed() => {}
            },
            Ok((None, _)) => break,
            Err(e) if is_terminal(&e) => break,
            Err(_) => tokio::select! {
                _ = lost.cancelled() => break,
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            },
        }
    }
    lost.cancel();
    tracing::info!(keyspace = key.0, partition = key.1, "mastership lost");
    release(&shared, &client, &key, serial).await;
}

/// Deletes the znodes of the holding `serial` of `key` (its master znode if it won, then its
/// candidate znode — in one transaction that first checks the candidate is still there, so
/// nothing of a later master is touched) and forgets it. Retries while out of contact; gives
/// up when the session ends (the server then deletes them).
pub(crate) async fn release(shared: &Shared, client: &zk::Client, key: &Key, serial: u64) {
    let Some(held) = lock(&shared.held)
        .get(key)
        .filter(|h| h.serial == serial)
        .cloned()
    else {
        return;
    };
    held.cancel.cancel();
    if let Some(candidate) = &held.candidate {
        let master = shared.paths.master(&key.0, key.1);
        let mut with_master = held.master;
        while !shared.stop.is_cancelled() {
            match delete(shared, client, candidate, with_master.then_some(&master)).await {
                Ok(()) => break,
                // The candidate is gone: nothing left of this holding.
                Err(zk::MultiWriteError::OperationFailed { index: 0, .. }) => break,
                Err(zk::MultiWriteError::OperationFailed { index: 1, .. }) if with_master => {
                    with_master = false;
                }
                Err(zk::MultiWriteError::RequestFailed { source }) if is_terminal(&source) => break,
                Err(e) => {
                    tracing::debug!(candidate, error = %e, "releasing a candidacy failed; retrying");
                    if !shared.pause(Duration::from_millis(250)).await {
                        break;
                    }
                }
            }
        }
    }
    let mut map = lock(&shared.held);
    if map.get(key).is_some_and(|h| h.serial == serial) {
        map.remove(key);
    }
}

async fn delete(
    shared: &Shared,
    client: &zk::Client,
    candidate: &str,
    master: Option<&String>,
) -> Result<(), zk::MultiWriteError> {
    let mut multi = client.new_multi_writer();
    multi.add_check_version(candidate, 0)?;
    if let Some(master) = master {
        multi.add_delete(master, None)?;
    }
    multi.add_delete(candidate, None)?;
    match tokio::time::timeout(shared.op_timeout, multi.commit()).await {
        Ok(result) => result.map(drop),
        Err(_) => Err(zk::MultiWriteError::RequestFailed {
            source: zk::Error::Timeout,
        }),
    }
}

/// Resigns the holding of `key`: cancels it, and waits until its znodes are released.
pub(crate) async fn resign(shared: &Shared, client: &zk::Client, key: &Key) {
    let Some(held): Option<Held> = ({
        let map = lock(&shared.held);
        map.get(key).cloned().inspect(|h| h.cancel.cancel())
    }) else {
        return;
    };
    if held.master {
        release(shared, client, key, held.serial).await;
        return;
    }
    // A candidacy still campaigning: its campaign releases it as it ends.
    let deadline = tokio::time::Instant::now() + shared.op_timeout;
    while lock(&shared.held)
        .get(key)
        .is_some_and(|h| h.serial == held.serial)
    {
        if tokio::time::Instant::now() >= deadline || !shared.pause(Duration::from_millis(20)).await
        {
            return;
        }
    }
}
