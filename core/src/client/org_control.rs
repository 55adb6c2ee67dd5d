//! Organisation kill switch and model linking.

use super::*;

impl Client {
    pub(crate) fn kill_switch_checks(organization_id: &Value, reason: &Value) -> Result<i64> {
        match reason {
            Value::String(r) if r.trim().chars().count() >= 10 => {}
            _ => {
                return Err(Error::validation(
                    "reason",
                    "min_length=10",
                    "reason must be a string of at least 10 characters (audit trail minimum)",
                ))
            }
        }
        match organization_id.as_i64() {
            Some(n) if n >= 1 && organization_id.is_i64() => Ok(n),
            _ => Err(Error::validation(
                "organization_id",
                "Must be a positive integer",
                "organization_id must be a positive integer",
            )),
        }
    }

    /// `POST /api/billing/kill-switch/{org}/trigger`.
    pub async fn trigger_kill_switch(&self, organization_id: &Value, reason: &Value) -> Result<Value> {
        let org = Self::kill_switch_checks(organization_id, reason)?;
        self.raw(
            Request::new(Method::POST, format!("/api/billing/kill-switch/{org}/trigger"))
                .body(json!({"reason": reason})),
        )
        .await
    }

    /// `POST /api/billing/kill-switch/{org}/release`.
    pub async fn release_kill_switch(&self, organization_id: &Value, reason: &Value) -> Result<Value> {
        let org = Self::kill_switch_checks(organization_id, reason)?;
        self.raw(
            Request::new(Method::POST, format!("/api/billing/kill-switch/{org}/release"))
                .body(json!({"reason": reason})),
        )
        .await
    }

    /// `PUT /api/registry/agents/{agent_id}` with `{"model_id": <int>}`.
    pub async fn link_model_to_agent(&self, agent_id: &str, model_id: &Value) -> Result<Value> {
        require_nonblank("agent_id", agent_id, "Required field is missing or empty")?;
        let m = positive_int("model_id", model_id)?;
        self.raw(
            Request::new(Method::PUT, format!("/api/registry/agents/{}", path_seg(agent_id)))
                .body(json!({"model_id": m})),
        )
        .await
    }
}
