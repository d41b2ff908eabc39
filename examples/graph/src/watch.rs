//! `watch`: follows one component live through the native client and prints each change.

use affinity_client::{Client, ClientError};
use futures_util::StreamExt;

use crate::model::Component;
use crate::partition::COMPONENTS;

/// Subscribes to component `id` on the server at `base` and prints it, then every change, until
/// the stream ends or Ctrl-C.
pub async fn watch(base: &str, id: i64) -> Result<(), ClientError> {
    let client = Client::connect(base).await?;
    let mut component = client
        .subscribe::<i64, Component>("graph", COMPONENTS, &id)
        .await?;
    println!("watching component {id} on {base} (Ctrl-C to stop)");
    loop {
        let next = tokio::select! {
            next = component.next() => next,
            _ = tokio::signal::ctrl_c() => break,
        };
        match next {
            Some(Ok(Some(c))) => println!(
                "offset {:>6}: component {} = {:?}",
                component.offset().unwrap_or(-1),
                c.id,
                c.members
            ),
            Some(Ok(None)) => println!(
                "offset {:>6}: component {id} does not exist (now)",
                component.offset().unwrap_or(-1)
            ),
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    client.shutdown().await;
    Ok(())
}
