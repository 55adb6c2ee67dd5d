//! Action status and decision notification (webhook delivery wakes waiters).

use super::*;

impl Client {
    /// `GET /api/v1/actions/{id}/status` as a decision.
    pub async fn get_action_status(&self, action_id: &str) -> Result<AuthorizationDecision> {
        Ok(self.get_action_status_reply(action_id, None).await?.0)
    }

    pub(crate) async fn get_action_status_reply(
        &self,
        action_id: &str,
        wait: Option<f64>,
    ) -> Result<(AuthorizationDecision, Option<f64>)> {
        require_nonblank("action_id", action_id, "Required field is missing or empty")?;
        let mut req = Request::new(Method::GET, format!("/api/v1/actions/{}/status", path_seg(action_id)));
        if let Some(w) = wait {
            req = req.query("wait", crate::transport::fmt_wait(w));
            req.attempt_timeout = Some(self.effective_timeout() + Duration::from_secs_f64(w));
        }
        let reply = self.send(req).await?;
        // D23: a status reply about another action is not an answer about this one.
        if let Some(other) = crate::model::decision::reply_ids(&reply.body).into_iter().find(|id| id != action_id) {
            let shown: String = other.chars().take(64).collect();
            return Err(Self::malformed(&reply, &format!("the status reply is for action {shown}, not {action_id}"))
                .with_detail("reply_action_id", Value::String(shown)));
        }
        Ok((Self::decision_from(&reply)?, reply.long_poll_max))
    }

    /// Hands a verified webhook event to the client: a `wait_for_decision` on its action wakes at once and
    /// re-polls. Returns false when the event carries no action (nothing to wake).
    pub fn deliver_webhook_event(&self, event: &crate::webhook::WebhookEvent) -> bool {
        match (event.action_id(), event.decision_status()) {
            (Some(id), status) => {
                self.notify_decision(&id, status.as_deref().unwrap_or(""));
                true
            }
            _ => false,
        }
    }

    /// Wakes any `wait_for_decision` on `action_id` (the low-level form of `deliver_webhook_event`).
    pub fn notify_decision(&self, action_id: &str, status: &str) {
        // Only a live waiter needs the note: events for actions nobody waits on are not kept (no unbounded map).
        let Some(n) = self.inner.waiters.lock().ok().and_then(|w| w.get(action_id).cloned()) else { return };
        if let Ok(mut d) = self.inner.delivered.lock() {
            d.insert(action_id.to_string(), status.to_string());
        }
        n.notify_waiters();
        n.notify_one();
    }

    /// How many actions have a live `wait_for_decision` registration (0 once every wait ended or was cancelled).
    pub fn waiting_actions(&self) -> usize {
        self.inner.waiters.lock().map(|w| w.len()).unwrap_or(0)
    }

    /// A stream of the escalations any `wait_for_decision` of this client sees, for bindings that deliver them
    /// on the host's own thread or event loop instead of running a callback on a runtime worker.
    pub fn escalations(&self) -> tokio::sync::broadcast::Receiver<Escalation> {
        self.inner.escalations.subscribe()
    }
}
