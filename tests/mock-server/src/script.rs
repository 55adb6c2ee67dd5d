//! The script: the `scripted` entries of a conformance case and how requests consume them.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One scripted answer, exactly the `scripted` definition of `case.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scripted {
    /// Which requests this entry may answer.
    #[serde(rename = "match")]
    pub matcher: Match,
    /// How many requests this entry answers (default 1). Ignored when `repeat` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// Answer every matching request from now on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repeat: bool,
    /// What to send back.
    pub respond: Respond,
}

/// The `match` object: every given field must fit; an empty matcher fits everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// HTTP method, compared case-insensitively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Exact path (without the query string), compared byte for byte with the raw request path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Prefix of the raw request path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
}

/// The `respond` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    /// Status code (default 200). Must be 200..=999.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Headers added to the response. `Content-Length`/`Transfer-Encoding` are ignored (the
    /// server computes framing itself); any other header overrides the default of the same name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// JSON body (any value, `null` included), sent as `application/json`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Exact body text; content type from `headers` or `text/plain; charset=utf-8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_raw: Option<String>,
    /// Sleep this long before sending anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Misbehave at the transport level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    /// Pause before each body chunk for `slow_body` (default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_body_ms: Option<u64>,
    /// Body size for `huge_body` (default 16 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub huge_body_bytes: Option<u64>,
}

/// Transport-level faults (`respond.fault`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Abort the connection with a TCP RST, no response bytes.
    Reset,
    /// Close the connection cleanly (FIN) without any response bytes.
    Close,
    /// Announce the full `Content-Length`, send only the first half of the body, close.
    Truncate,
    /// Send the body in 4 chunks, sleeping `slow_body_ms` before each.
    SlowBody,
    /// Stream a JSON-looking body of `huge_body_bytes` bytes.
    HugeBody,
}

/// Distinguishes an explicit `"body": null` (Some(Null)) from an absent body (None).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl Scripted {
    /// Checks what serde cannot: status range, `times >= 1`, body vs body_raw.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(s) = self.respond.status {
            if !(200..=999).contains(&s) {
                return Err(format!("respond.status {s} outside 200..=999"));
            }
        }
        if self.times == Some(0) {
            return Err("times must be >= 1".into());
        }
        if self.respond.body.is_some() && self.respond.body_raw.is_some() {
            return Err("respond.body and respond.body_raw are mutually exclusive".into());
        }
        for (k, v) in &self.respond.headers {
            let bad_name = k.is_empty() || !k.bytes().all(|b| b.is_ascii_graphic() && b != b':');
            if bad_name || v.bytes().any(|b| b == b'\r' || b == b'\n') {
                return Err(format!("invalid response header {k:?}"));
            }
        }
        Ok(())
    }
}

impl Match {
    /// Whether a request with this method and raw path (no query) fits.
    pub fn fits(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| p == path)
            && self.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
    }
}

/// Parses either `{"entries": [...]}` or a bare array of scripted entries (a case's `server`).
pub fn parse_entries(v: &Value) -> Result<Vec<Scripted>, String> {
    let list = match v {
        Value::Array(_) => v,
        Value::Object(o) => match (o.get("entries"), o.len()) {
            (Some(e), 1) => e,
            _ => return Err("expected {\"entries\": [...]} or an array".into()),
        },
        _ => return Err("expected {\"entries\": [...]} or an array".into()),
    };
    let entries: Vec<Scripted> = serde_json::from_value(list.clone()).map_err(|e| format!("bad script: {e}"))?;
    for (i, e) in entries.iter().enumerate() {
        e.validate().map_err(|m| format!("entry {i}: {m}"))?;
    }
    Ok(entries)
}

/// An entry together with its remaining uses (`None` = unlimited).
#[derive(Debug)]
struct Slot {
    entry: Scripted,
    left: Option<u64>,
    used: u64,
}

/// The ordered script being consumed.
#[derive(Debug, Default)]
pub struct Script {
    slots: Vec<Slot>,
}

impl Script {
    /// Appends entries (already validated).
    pub fn extend(&mut self, entries: Vec<Scripted>) {
        self.slots.extend(entries.into_iter().map(|entry| {
            let left = if entry.repeat { None } else { Some(entry.times.unwrap_or(1)) };
            Slot { entry, left, used: 0 }
        }));
    }

    /// Total number of entries ever loaded since the last reset.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// Consumes one use of the first entry with uses left that fits, returning its response.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Respond> {
        let slot = self.slots.iter_mut().find(|s| s.left != Some(0) && s.entry.matcher.fits(method, path))?;
        if let Some(n) = slot.left.as_mut() {
            *n -= 1;
        }
        slot.used += 1;
        Some(slot.entry.respond.clone())
    }

    /// Entries with uses left over (a `repeat` entry: never used), in load order.
    pub fn unused(&self) -> Vec<Unused> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| match s.left {
                Some(left) => left > 0,
                None => s.used == 0,
            })
            .map(|(entry, s)| Unused { entry, matcher: s.entry.matcher.clone(), used: s.used, left: s.left })
            .collect()
    }
}

/// A scripted entry that did not answer every request it was scripted for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unused {
    /// Index of the entry in load order.
    pub entry: usize,
    /// Its `match`.
    #[serde(rename = "match")]
    pub matcher: Match,
    /// Requests it answered.
    pub used: u64,
    /// Uses left (`null` for a `repeat` entry).
    pub left: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn order_times_and_repeat() {
        let mut s = Script::default();
        s.extend(
            parse_entries(&json!([
                {"match": {"method": "post", "path": "/a"}, "times": 2, "respond": {"status": 201}},
                {"match": {"path_prefix": "/a"}, "repeat": true, "respond": {"status": 202}},
                {"match": {}, "respond": {"status": 203}}
            ]))
            .unwrap(),
        );
        let st = |r: Option<Respond>| r.map(|r| r.status.unwrap());
        assert_eq!(st(s.take("POST", "/a")), Some(201));
        assert_eq!(st(s.take("GET", "/b")), Some(203));
        assert_eq!(st(s.take("GET", "/b")), None);
        assert_eq!(st(s.take("POST", "/a")), Some(201));
        assert_eq!(st(s.take("POST", "/a")), Some(202));
        assert_eq!(st(s.take("GET", "/abc")), Some(202));
        assert!(s.unused().is_empty());
    }

    #[test]
    fn reports_unused_entries() {
        let mut s = Script::default();
        s.extend(
            parse_entries(&json!([
                {"match": {"path": "/a"}, "times": 2, "respond": {}},
                {"match": {"path": "/b"}, "repeat": true, "respond": {}},
                {"match": {"path": "/c"}, "repeat": true, "respond": {}}
            ]))
            .unwrap(),
        );
        s.take("GET", "/a");
        s.take("GET", "/c");
        let unused: Vec<(usize, u64, Option<u64>)> = s.unused().iter().map(|u| (u.entry, u.used, u.left)).collect();
        assert_eq!(unused, vec![(0, 1, Some(1)), (1, 0, None)]);
    }

    #[test]
    fn rejects_bad_entries() {
        assert!(parse_entries(&json!([{"match": {}, "respond": {"bogus": 1}}])).is_err());
        assert!(parse_entries(&json!([{"match": {}, "respond": {"status": 42}}])).is_err());
        assert!(parse_entries(&json!([{"match": {}, "times": 0, "respond": {}}])).is_err());
        assert!(parse_entries(&json!({"entries": [], "x": 1})).is_err());
        let e = parse_entries(&json!({"entries": [{"match": {}, "respond": {"body": null}}]})).unwrap();
        assert_eq!(e[0].respond.body, Some(Value::Null));
    }
}
