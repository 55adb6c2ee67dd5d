//! Webhook configuration endpoints.

use super::*;

impl Client {
    pub(crate) fn check_webhook_url(url: &str) -> Result<()> {
        check_url(url).map_err(|_| {
            Error::validation(
                "url",
                "Must start with https:// (http:// only for loopback addresses)",
                "Webhook URL must use HTTPS",
            )
        })
    }

    pub(crate) fn check_events(events: &[String]) -> Result<()> {
        let invalid: Vec<&String> = events.iter().filter(|e| !WEBHOOK_EVENTS.contains(&e.as_str())).collect();
        if !invalid.is_empty() || events.is_empty() {
            return Err(Error::validation(
                "events",
                format!("Valid events: {WEBHOOK_EVENTS:?}"),
                if events.is_empty() {
                    "events must not be empty".to_string()
                } else {
                    format!("Invalid events: {invalid:?}")
                },
            ));
        }
        Ok(())
    }

    /// `POST /api/webhooks/configure` → a `Webhook` (D12 item 1).
    pub async fn configure_webhook(&self, url: &str, events: Vec<String>, secret: Option<&str>) -> Result<Webhook> {
        Self::check_webhook_url(url)?;
        Self::check_events(&events)?;
        let mut body = Map::new();
        body.insert("url".into(), json!(url));
        body.insert("events".into(), json!(events));
        body.insert("agent_id".into(), json!(self.agent_id()));
        if let Some(s) = secret.filter(|s| !s.is_empty()) {
            body.insert("secret".into(), json!(s));
        }
        let v = self.raw(Request::new(Method::POST, "/api/webhooks/configure").body(Value::Object(body))).await?;
        Ok(Webhook::from_json(&v))
    }

    /// `GET /api/webhooks`.
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>> {
        let v = self.raw(Request::new(Method::GET, "/api/webhooks")).await?;
        let items = match &v {
            Value::Array(a) => a.clone(),
            other => other.get("webhooks").and_then(Value::as_array).cloned().unwrap_or_default(),
        };
        Ok(items.iter().map(Webhook::from_json).collect())
    }

    /// `PUT /api/webhooks/{id}` with only the given fields (validated, unlike the peer's Q18).
    pub async fn update_webhook(
        &self,
        webhook_id: &str,
        url: Option<&str>,
        events: Option<Vec<String>>,
        secret: Option<&str>,
    ) -> Result<Webhook> {
        require_nonblank("webhook_id", webhook_id, "Required field is missing or empty")?;
        let mut body = Map::new();
        if let Some(u) = url {
            Self::check_webhook_url(u)?;
            body.insert("url".into(), json!(u));
        }
        if let Some(e) = events {
            Self::check_events(&e)?;
            body.insert("events".into(), json!(e));
        }
        if let Some(s) = secret {
            body.insert("secret".into(), json!(s));
        }
        let v = self
            .raw(Request::new(Method::PUT, format!("/api/webhooks/{}", path_seg(webhook_id))).body(Value::Object(body)))
            .await?;
        Ok(Webhook::from_json(&v))
    }

    /// `DELETE /api/webhooks/{id}` (204 is success, D10).
    pub async fn delete_webhook(&self, webhook_id: &str) -> Result<()> {
        require_nonblank("webhook_id", webhook_id, "Required field is missing or empty")?;
        self.raw(Request::new(Method::DELETE, format!("/api/webhooks/{}", path_seg(webhook_id)))).await?;
        Ok(())
    }

    /// `POST /api/webhooks/{id}/test`.
    pub async fn test_webhook(&self, webhook_id: &str) -> Result<WebhookTestResult> {
        require_nonblank("webhook_id", webhook_id, "Required field is missing or empty")?;
        let v = self.raw(Request::new(Method::POST, format!("/api/webhooks/{}/test", path_seg(webhook_id)))).await?;
        Ok(WebhookTestResult::from_json(&v))
    }
}
