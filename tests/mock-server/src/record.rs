//! Recorded platform requests, as returned by `GET /__mock/requests` and [`crate::MockServer::requests`].

use crate::http::Request;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// One platform request as the mock server received it.
///
/// JSON shape: `{method, path, query, query_string, headers, body, body_b64, received_at_ms}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Method exactly as sent.
    pub method: String,
    /// Raw path without the query string (not percent-decoded).
    pub path: String,
    /// Decoded query parameters (`+` is a space, `%XX` decoded, lossy UTF-8); a key that occurs
    /// more than once maps to an array of its values in order. `null` when there is no query
    /// string or it is empty.
    pub query: Option<Map<String, Value>>,
    /// The raw query string after `?`, `null` when the target had no `?`.
    pub query_string: Option<String>,
    /// Headers with lower-case names; repeated headers are joined with `", "`.
    pub headers: BTreeMap<String, String>,
    /// Body as UTF-8 text; `null` when the body is empty or not valid UTF-8.
    pub body: Option<String>,
    /// Body bytes, standard base64 with padding; `null` when the body is empty.
    pub body_b64: Option<String>,
    /// Arrival time, milliseconds since the Unix epoch (after the whole request was read).
    pub received_at_ms: u64,
}

impl RecordedRequest {
    /// Builds the record of a parsed request.
    pub(crate) fn from_request(req: &Request) -> Self {
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (n, v) in &req.headers {
            headers.entry(n.clone()).and_modify(|old| *old = format!("{old}, {v}")).or_insert_with(|| v.clone());
        }
        let (body, body_b64) = if req.body.is_empty() {
            (None, None)
        } else {
            (
                String::from_utf8(req.body.clone()).ok(),
                Some(base64::engine::general_purpose::STANDARD.encode(&req.body)),
            )
        };
        let received_at_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        RecordedRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query_string.as_deref().and_then(parse_query),
            query_string: req.query_string.clone(),
            headers,
            body,
            body_b64,
            received_at_ms,
        }
    }

    /// A header by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    /// The raw body bytes (empty when there was no body).
    pub fn body_bytes(&self) -> Vec<u8> {
        self.body_b64
            .as_deref()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .unwrap_or_default()
    }

    /// The body parsed as JSON, if it is valid JSON.
    pub fn body_json(&self) -> Option<Value> {
        self.body.as_deref().and_then(|b| serde_json::from_str(b).ok())
    }

    /// The JSON form served by `GET /__mock/requests`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn parse_query(q: &str) -> Option<Map<String, Value>> {
    if q.is_empty() {
        return None;
    }
    let mut out = Map::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (percent_decode(k), Value::String(percent_decode(v)));
        match out.get_mut(&k) {
            None => {
                out.insert(k, v);
            }
            Some(Value::Array(a)) => a.push(v),
            Some(old) => *old = Value::Array(vec![old.take(), v]),
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => match (b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_decoding() {
        let q = parse_query("a=1&b=x+y%2Fz&a=2&flag&c=%zz").unwrap();
        assert_eq!(Value::Object(q), json!({"a": ["1", "2"], "b": "x y/z", "flag": "", "c": "%zz"}));
        assert_eq!(parse_query(""), None);
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%41%"), "A%");
    }
}
