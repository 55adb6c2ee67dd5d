//! The verified payload as a typed event: `WebhookEvent { id, type, timestamp, data }`.

use super::{Scheme, VerifiedMessage};
use crate::{Error, ErrorCode, Result};
use serde_json::{Map, Value};

/// The six event types ASCEND sends (PROTOCOL §11.7, DECISIONS D12), and a fallback for any other type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `action.pending`: an action waits for a human decision.
    ActionPending,
    /// `action.approved`: an action was approved.
    ActionApproved,
    /// `action.denied`: an action was denied.
    ActionDenied,
    /// `agent.blocked`: an agent was blocked.
    AgentBlocked,
    /// `policy.violation`: a policy was violated.
    PolicyViolation,
    /// `agent.trust_changed`: an agent's trust level changed.
    AgentTrustChanged,
    /// Any other type; the string is in [`WebhookEvent::event_type`].
    Other,
}

impl EventKind {
    /// The six known kinds.
    pub const KNOWN: [EventKind; 6] = [
        EventKind::ActionPending,
        EventKind::ActionApproved,
        EventKind::ActionDenied,
        EventKind::AgentBlocked,
        EventKind::PolicyViolation,
        EventKind::AgentTrustChanged,
    ];

    /// The kind of an event type string (exact, case-sensitive match; anything else is `Other`).
    pub fn from_type(event_type: &str) -> EventKind {
        EventKind::KNOWN.into_iter().find(|k| k.as_str() == event_type).unwrap_or(EventKind::Other)
    }

    /// The event type string of a known kind (`"action.approved"`, ...); `"other"` for the fallback.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ActionPending => "action.pending",
            EventKind::ActionApproved => "action.approved",
            EventKind::ActionDenied => "action.denied",
            EventKind::AgentBlocked => "agent.blocked",
            EventKind::PolicyViolation => "policy.violation",
            EventKind::AgentTrustChanged => "agent.trust_changed",
            EventKind::Other => "other",
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verified webhook event.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// Event id. Standard Webhooks: the `webhook-id` header (stable across retries). ASCEND forms: the
    /// body's `id` (or `event_id`), stringified; if the body has none, `sig_` + the first 32 hex digits of the
    /// verified signature.
    pub id: String,
    /// The event type as sent (`type`, else `event_type`, else `event`).
    pub event_type: String,
    /// The typed kind of `event_type`.
    pub kind: EventKind,
    /// The body's `timestamp` (when the event happened), as sent: strings verbatim, numbers as decimal text.
    pub timestamp: Option<String>,
    /// The event data: the body's `data` member; for a "squashed" body without `data`, the body object
    /// without its envelope keys (`id`, `event_id`, `type`, `event_type`, `event`, `timestamp`).
    pub data: Value,
    /// The signature scheme that verified the event.
    pub scheme: Scheme,
    /// The signed delivery timestamp (unix seconds) that passed the tolerance check.
    pub signed_at_unix: i64,
}

const TYPE_KEYS: [&str; 3] = ["type", "event_type", "event"];
const ID_KEYS: [&str; 2] = ["id", "event_id"];
const ENVELOPE_KEYS: [&str; 6] = ["id", "event_id", "type", "event_type", "event", "timestamp"];

fn malformed_payload(why: &str) -> Error {
    Error::new(ErrorCode::WebhookMalformedPayload, format!("the verified webhook payload is not a valid event: {why}"))
}

/// A JSON scalar as an id string: strings (non-empty) verbatim, integers in decimal.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

fn non_empty_str(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Parses a verified body into an event.
pub(crate) fn parse(body: &[u8], msg: &VerifiedMessage) -> Result<WebhookEvent> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(malformed_payload("the body is empty"));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| malformed_payload(&format!("not JSON ({})", json_error_kind(&e))))?;
    let Value::Object(mut obj) = value else {
        return Err(malformed_payload("not a JSON object"));
    };
    let event_type = TYPE_KEYS
        .iter()
        .find_map(|k| non_empty_str(obj.get(*k)))
        .ok_or_else(|| malformed_payload("no `type` string"))?
        .to_string();
    let id = match &msg.msg_id {
        Some(id) => id.clone(),
        None => match ID_KEYS.iter().find_map(|k| obj.get(*k).and_then(id_text)) {
            Some(id) => id,
            None => format!("sig_{}", hex::encode(&msg.tag[..16])),
        },
    };
    let timestamp = match obj.get("timestamp") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let data = match obj.remove("data") {
        Some(d) => d,
        None => {
            for k in ENVELOPE_KEYS {
                obj.remove(k);
            }
            Value::Object(obj)
        }
    };
    Ok(WebhookEvent {
        kind: EventKind::from_type(&event_type),
        id,
        event_type,
        timestamp,
        data,
        scheme: msg.scheme,
        signed_at_unix: msg.timestamp_unix,
    })
}

fn json_error_kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "data error",
        serde_json::error::Category::Eof => "unexpected end",
    }
}

impl WebhookEvent {
    /// The action this event is about: `data.action_id`, else `data.id`, stringified (strings verbatim,
    /// integers in decimal). `None` when neither is present.
    pub fn action_id(&self) -> Option<String> {
        let data = self.data.as_object()?;
        data.get("action_id").and_then(id_text).or_else(|| data.get("id").and_then(id_text))
    }

    /// The decision status this event carries, for waking `wait_for_decision`. Only for `action.*` events:
    /// `data.decision`, else `data.status` (non-empty strings, as sent — the client normalises them, D5),
    /// else derived from the type: `action.approved` → `"approved"`, `action.denied` → `"denied"`,
    /// `action.pending` → `"pending_approval"`. `None` for every other event.
    pub fn decision_status(&self) -> Option<String> {
        if !self.event_type.starts_with("action.") {
            return None;
        }
        let data = self.data.as_object();
        let carried = data.and_then(|d| non_empty_str(d.get("decision")).or_else(|| non_empty_str(d.get("status"))));
        if let Some(s) = carried {
            return Some(s.to_string());
        }
        match self.kind {
            EventKind::ActionApproved => Some("approved".into()),
            EventKind::ActionDenied => Some("denied".into()),
            EventKind::ActionPending => Some("pending_approval".into()),
            _ => None,
        }
    }

    /// The JSON projection every binding and the conformance cases use: `id`, `type`, `kind`, `timestamp`,
    /// `data`, `scheme`, `signed_at_unix`, `action_id`, `decision_status`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), self.id.clone().into());
        m.insert("type".into(), self.event_type.clone().into());
        m.insert("kind".into(), self.kind.as_str().into());
        m.insert("timestamp".into(), self.timestamp.clone().map_or(Value::Null, Value::String));
        m.insert("data".into(), self.data.clone());
        m.insert("scheme".into(), self.scheme.as_str().into());
        m.insert("signed_at_unix".into(), self.signed_at_unix.into());
        m.insert("action_id".into(), self.action_id().map_or(Value::Null, Value::String));
        m.insert("decision_status".into(), self.decision_status().map_or(Value::Null, Value::String));
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(id: Option<&str>) -> VerifiedMessage {
        VerifiedMessage {
            scheme: if id.is_some() { Scheme::StandardWebhooks } else { Scheme::AscendStripeStyle },
            msg_id: id.map(str::to_string),
            timestamp_unix: 1_700_000_000,
            timestamp_micros: 1_700_000_000_000_000,
            tag: [0xab; 32],
        }
    }

    fn ev(body: Value, id: Option<&str>) -> WebhookEvent {
        parse(body.to_string().as_bytes(), &msg(id)).unwrap()
    }

    #[test]
    fn known_and_other_kinds() {
        for k in EventKind::KNOWN {
            assert_eq!(EventKind::from_type(k.as_str()), k);
        }
        assert_eq!(EventKind::from_type("Action.Approved"), EventKind::Other);
        let e = ev(json!({"type": "invoice.paid", "data": {"x": 1}}), Some("msg_1"));
        assert_eq!((e.kind, e.id.as_str(), e.event_type.as_str()), (EventKind::Other, "msg_1", "invoice.paid"));
        assert_eq!(e.decision_status(), None);
    }

    #[test]
    fn ids_and_statuses() {
        let e = ev(json!({"id": 9, "type": "action.approved", "data": {"action_id": 42}}), None);
        assert_eq!(
            (e.id.as_str(), e.action_id().as_deref(), e.decision_status().as_deref()),
            ("9", Some("42"), Some("approved"))
        );
        let e = ev(json!({"type": "action.denied", "data": {"id": "a-1", "status": "rejected"}}), None);
        assert_eq!(e.id, "sig_abababababababababababababababab");
        assert_eq!((e.action_id().as_deref(), e.decision_status().as_deref()), (Some("a-1"), Some("rejected")));
        let e = ev(json!({"type": "action.pending", "data": {"decision": "", "status": "escalated"}}), None);
        assert_eq!(e.decision_status().as_deref(), Some("escalated"));
        let e = ev(json!({"type": "action.pending", "data": {}}), None);
        assert_eq!((e.action_id(), e.decision_status().as_deref()), (None, Some("pending_approval")));
        let e = ev(json!({"type": "agent.blocked", "data": {"status": "blocked", "action_id": 3}}), None);
        assert_eq!((e.action_id().as_deref(), e.decision_status()), (Some("3"), None));
    }

    #[test]
    fn squashed_bodies_lose_only_the_envelope() {
        let e = ev(
            json!({"id": "evt_1", "event": "action.approved", "timestamp": 17, "action_id": 5, "status": "approved"}),
            None,
        );
        assert_eq!(e.id, "evt_1");
        assert_eq!(e.timestamp.as_deref(), Some("17"));
        assert_eq!(e.data, json!({"action_id": 5, "status": "approved"}));
        assert_eq!(e.action_id().as_deref(), Some("5"));
        assert_eq!(e.to_json()["kind"], "action.approved");
    }

    #[test]
    fn malformed_payloads() {
        for body in ["", "  ", "[1]", "not json", "{\"data\": {}}", "{\"type\": \"\"}", "{\"type\": 5}"] {
            let e = parse(body.as_bytes(), &msg(None)).unwrap_err();
            assert_eq!(e.code, ErrorCode::WebhookMalformedPayload, "{body}");
        }
    }

    #[test]
    fn kinds_display_as_their_type() {
        for k in EventKind::KNOWN {
            assert_eq!(k.to_string(), k.as_str());
        }
        assert_eq!(EventKind::Other.to_string(), "other");
    }

    #[test]
    fn ids_are_non_empty_strings_or_integers_of_either_sign() {
        let e = ev(
            json!({"id": -3, "type": "action.approved", "data": {"action_id": 18_446_744_073_709_551_615u64}}),
            None,
        );
        assert_eq!((e.id.as_str(), e.action_id().as_deref()), ("-3", Some("18446744073709551615")));
        // An empty string or a fraction is no id: the next key, else the signature-derived id.
        let e = ev(
            json!({"id": "", "event_id": 1.5, "type": "action.approved", "data": {"action_id": "", "id": 2.5}}),
            None,
        );
        assert_eq!((e.id.as_str(), e.action_id()), ("sig_abababababababababababababababab", None));
        let e = ev(json!({"id": "", "event_id": "evt_2", "type": "x", "data": {"action_id": "", "id": "a-1"}}), None);
        assert_eq!((e.id.as_str(), e.action_id().as_deref()), ("evt_2", Some("a-1")));
    }

    #[test]
    fn a_body_that_is_not_json_says_why_without_echoing_it() {
        let e = parse(b"{\"type\": tru", &msg(None)).unwrap_err();
        assert!(e.message.ends_with("not JSON (unexpected end)"), "{}", e.message);
        let e = parse(b"s3cret", &msg(None)).unwrap_err();
        assert!(e.message.ends_with("not JSON (syntax error)") && !e.message.contains("s3cret"), "{}", e.message);
    }
}
