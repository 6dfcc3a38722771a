//! `GET /v1/events`: a Server-Sent Events stream that pokes the app when one of its groups'
//! feeds advances (research §10.6 triggers). A poke carries no data beyond `{group_id,
//! head_seq}`; the app then pulls. A lost poke is harmless: the app also syncs on a timer.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::AppState;
use crate::extract::Authed;

/// How long a membership answer is trusted before it is asked again (joins and leaves).
const MEMBERSHIP_TTL: Duration = Duration::from_secs(30);

struct Listener {
    app: AppState,
    user: Uuid,
    pokes: tokio::sync::broadcast::Receiver<daka_wire::Poke>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    members_of: HashMap<Uuid, (bool, Instant)>,
}

impl Listener {
    async fn is_member(&mut self, group: Uuid) -> bool {
        if let Some((yes, at)) = self.members_of.get(&group)
            && at.elapsed() < MEMBERSHIP_TTL
        {
            return *yes;
        }
        let yes = matches!(self.app.db.membership(group, self.user).await, Ok(Some(_)));
        self.members_of.insert(group, (yes, Instant::now()));
        yes
    }

    /// The next event for this client, or `None` when the stream should end.
    async fn next(&mut self) -> Option<Event> {
        loop {
            let received = tokio::select! {
                received = self.pokes.recv() => received,
                _ = self.shutdown.wait_for(|down| *down) => return None,
            };
            match received {
                Ok(poke) if self.is_member(poke.group_id).await => {
                    return Event::default().event("poke").json_data(poke).ok();
                }
                Ok(_) => {}
                // Missed pokes: tell the client to sync everything once.
                Err(RecvError::Lagged(_)) => {
                    return Some(Event::default().event("resync").data("{}"));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// Pokes for the caller's groups (`event: poke`, data `Poke`), `event: resync` when some were
/// missed, and a comment every 15 s to keep proxies from closing the connection.
#[utoipa::path(get, path = "/v1/events", tag = "device", security(("device_token" = [])),
    responses((status = 200, description = "an event stream (text/event-stream) of `poke` events", content_type = "text/event-stream", body = String),
        (status = 401, body = daka_wire::ApiError)))]
pub(crate) async fn events(
    State(app): State<AppState>,
    auth: Authed,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let listener = Listener {
        pokes: app.db.pokes(),
        shutdown: app.shutting_down.subscribe(),
        app,
        user: auth.device.user_id,
        members_of: HashMap::new(),
    };
    let ready = stream::once(async { Event::default().event("ready").data("{}") });
    let pokes = stream::unfold(listener, |mut l| async move { l.next().await.map(|e| (e, l)) });
    Sse::new(ready.chain(pokes).map(Ok))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
