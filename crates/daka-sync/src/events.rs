//! Listens to the server's event stream and turns every `poke` (or `resync`) into a trigger
//! for the sync loop. Reconnects with backoff; a 401 ends it (the loop reports signed out).
//! A (re)connection wakes the loop even while it waits out a failure: the server has just
//! answered, so the outage is over and what waits should go now, not at the end of a backoff
//! of up to 5 minutes.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use tokio::sync::{Notify, watch};

use crate::backoff::Backoff;
use crate::client::Client;

pub(crate) async fn listen(
    client: Client,
    trigger: Arc<Notify>,
    reachable: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(300));
    loop {
        let connected = tokio::select! {
            r = stream_once(&client, &trigger, &reachable, &mut backoff) => r,
            () = crate::runner::stopped(&mut stop) => return,
        };
        if connected == Stream::Unauthorized {
            return;
        }
        let wait = backoff.next_delay(None);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = crate::runner::stopped(&mut stop) => return,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Stream {
    Ended,
    Unauthorized,
}

/// One connection: reads events until it drops. Every (re)connection also triggers a round,
/// since pokes sent while disconnected were missed.
async fn stream_once(
    client: &Client,
    trigger: &Notify,
    reachable: &Notify,
    backoff: &mut Backoff,
) -> Stream {
    // No overall timeout: the stream is meant to stay open (the server sends a comment every 15 s).
    let request = client
        .http()
        .request(Method::GET, format!("{}/v1/events", client.server()))
        .header(daka_wire::PROTOCOL_HEADER, daka_wire::PROTOCOL.to_string())
        .header("accept", "text/event-stream")
        .bearer_auth(client.token().unwrap_or_default())
        .timeout(Duration::from_secs(24 * 3600));
    let Ok(response) = request.send().await else {
        return Stream::Ended;
    };
    if response.status() == reqwest::StatusCode::UNAUTHORIZED {
        return Stream::Unauthorized;
    }
    if !response.status().is_success() {
        return Stream::Ended;
    }
    backoff.reset();
    reachable.notify_one();
    let mut body = response.bytes_stream();
    let mut buffer = String::new();
    while let Some(Ok(chunk)) = body.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if event.lines().any(|l| l == "event: poke" || l == "event: resync") {
                trigger.notify_one();
            }
        }
    }
    Stream::Ended
}
