//! A decision's projection written straight to JSON text with camelCase top-level keys (the facade's
//! `AuthorizationDecision`), from the core's [`ProjectionSink`]: no JSON tree in between and no key conversion in
//! JavaScript, which were most of a call's cost besides the HTTP round trip. Values are untouched (`raw`,
//! `metadata` and the promoted server fields stay as the server sent them).

use ascend_core::model::{AuthorizationDecision, ProjectionSink};
use serde_json::{Map, Value};

/// The projection of `d` (the keys and values of `AuthorizationDecision::to_json`) as JSON text, keys camelCased.
pub fn decision_json(d: &AuthorizationDecision) -> String {
    let mut sink = CamelJson { out: String::with_capacity(1536), first: true };
    sink.out.push('{');
    d.project(&mut sink);
    sink.out.push('}');
    sink.out
}

struct CamelJson {
    out: String,
    first: bool,
}

impl CamelJson {
    /// Writes `"camelKey":` (the projection's keys are ASCII snake_case).
    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        let mut upper = false;
        for c in key.chars() {
            match c {
                '_' => upper = true,
                c if upper => {
                    self.out.push(c.to_ascii_uppercase());
                    upper = false;
                }
                c => self.out.push(c),
            }
        }
        self.out.push_str("\":");
    }

    /// Appends serialised JSON (serialising a string, list or JSON value into a String cannot fail).
    fn push(&mut self, text: serde_json::Result<String>) {
        self.out.push_str(text.as_deref().unwrap_or("null"));
    }
}

impl ProjectionSink for CamelJson {
    fn str(&mut self, key: &'static str, value: Option<&str>) {
        self.key(key);
        match value {
            Some(s) => self.push(serde_json::to_string(s)),
            None => self.out.push_str("null"),
        }
    }
    fn f64(&mut self, key: &'static str, value: Option<f64>) {
        self.key(key);
        // As `Value::from(f64)`: a non-finite number is null.
        match value.filter(|v| v.is_finite()) {
            Some(v) => self.push(serde_json::to_string(&Value::from(v))),
            None => self.out.push_str("null"),
        }
    }
    fn bool(&mut self, key: &'static str, value: bool) {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
    }
    fn strs(&mut self, key: &'static str, value: &[String]) {
        self.key(key);
        self.push(serde_json::to_string(value));
    }
    fn object(&mut self, key: &'static str, value: &Map<String, Value>) {
        self.key(key);
        self.push(serde_json::to_string(value));
    }
    fn value(&mut self, key: &'static str, value: &Value) {
        self.key(key);
        self.push(serde_json::to_string(value));
    }
}
