//! The control API under `/__mock/` (same port as the fake platform).
//!
//! | Request                | Body                                   | Answer                                         |
//! |------------------------|----------------------------------------|------------------------------------------------|
//! | `POST /__mock/script`  | `{"entries": [<scripted>...]}` or `[...]` | `200 {"loaded": n, "entries": total}`; `400 {"detail"}` on a bad script (nothing loaded) |
//! | `GET /__mock/requests` | —                                      | `200 {"requests": [<recorded>...], "unmatched": n}` |
//! | `POST /__mock/verify`  | `{"expect_requests", "allow_unused", "expect_sleeps", "expect_sleep_total", "sleeps"}` (all optional) | `200 {"ok", "mismatches": [...], "recorded", "unmatched", "unused": [...]}`; `400 {"detail"}` on a bad body |
//! | `POST /__mock/reset`   | —                                      | `200 {"reset": true}` (script, log and unmatched cleared) |
//! | `GET /__mock/health`   | —                                      | `200 {"status": "ok"}`                         |
//!
//! `/__mock/verify` is described in [`crate::verify`].
//!
//! Unknown control paths answer 404, a wrong method 405; both as `{"detail": ...}`.

use crate::http::Request;
use crate::script::parse_entries;
use crate::server::Shared;
use crate::verify::VerifyRequest;
use serde_json::{json, Value};

/// Handles one control request, returning status and JSON body.
pub fn handle(shared: &Shared, req: &Request) -> (u16, Value) {
    let method = req.method.to_ascii_uppercase();
    let want = match req.path.as_str() {
        "/__mock/script" | "/__mock/reset" | "/__mock/verify" => "POST",
        "/__mock/requests" | "/__mock/health" => "GET",
        p => return (404, json!({"detail": format!("mock-server: unknown control path {p}")})),
    };
    if method != want && !(want == "GET" && method == "HEAD") {
        return (405, json!({"detail": format!("mock-server: use {want} {}", req.path)}));
    }
    match req.path.as_str() {
        "/__mock/script" => {
            let parsed = serde_json::from_slice::<Value>(&req.body)
                .map_err(|e| format!("body is not JSON: {e}"))
                .and_then(|v| parse_entries(&v));
            match parsed {
                Ok(entries) => {
                    let loaded = entries.len();
                    let mut st = shared.lock();
                    st.script.extend(entries);
                    (200, json!({"loaded": loaded, "entries": st.script.len()}))
                }
                Err(e) => (400, json!({"detail": format!("mock-server: {e}")})),
            }
        }
        "/__mock/verify" => match serde_json::from_slice::<VerifyRequest>(&req.body) {
            Ok(v) => (200, shared.verify(&v).to_json()),
            Err(e) => (400, json!({"detail": format!("mock-server: bad verify body: {e}")})),
        },
        "/__mock/reset" => {
            let mut st = shared.lock();
            st.script.clear();
            st.log.clear();
            st.unmatched = 0;
            (200, json!({"reset": true}))
        }
        "/__mock/requests" => {
            let st = shared.lock();
            let requests: Vec<Value> = st.log.iter().map(|r| r.to_json()).collect();
            (200, json!({"requests": requests, "unmatched": st.unmatched}))
        }
        _ => (200, json!({"status": "ok"})),
    }
}
