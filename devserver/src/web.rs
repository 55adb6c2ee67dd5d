//! The review page at `/`: server-rendered HTML (no build step) listing pending actions with Approve and Deny
//! buttons. Open `/?token=<admin token>` once: the server sets an HttpOnly, SameSite=Strict session cookie
//! (a hash of the token, not the token) and redirects to `/`. Form posts also require a same-origin `Origin`
//! when the browser sends one.

use crate::actions;
use crate::auth::same;
use crate::error::{parse_id, ApiError};
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const COOKIE: &str = "ascend_dev_admin";

/// Routes of the page.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(index)).route("/ui/actions/{id}/{verdict}", post(decide))
}

fn session_value(token: &str) -> String {
    hex::encode(Sha256::digest(format!("ascend-dev-ui-session:{token}").as_bytes()))
}

fn has_session(h: &HeaderMap, token: &str) -> bool {
    let want = session_value(token);
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim().strip_prefix(COOKIE).and_then(|r| r.strip_prefix('=')).is_some_and(|v| same(v.trim(), &want)))
}

/// Escapes text for HTML element and attribute content.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}form{display:inline-block;margin:0 .3rem}\
.approve{background:#1a7f37;color:#fff;border:0;padding:.3rem .8rem}.deny{background:#cf222e;color:#fff;border:0;padding:.3rem .8rem}\
.muted{color:#777}";

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(title)
    ))
}

fn login(msg: &str) -> Response {
    let body = format!(
        "<h1>ascend-dev</h1><p>{}</p><form method=\"get\" action=\"/\"><label>Admin token <input type=\"password\" name=\"token\" id=\"token\"></label> \
         <button type=\"submit\">Open</button></form>",
        esc(msg)
    );
    (StatusCode::UNAUTHORIZED, page("ascend-dev — sign in", &body)).into_response()
}

async fn index(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(t) = q.get("token") {
        if !same(t, &state.cfg.admin_token) {
            return login("That admin token is not valid.");
        }
        let cookie = format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict", session_value(t));
        let mut r = Redirect::to("/").into_response();
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        return r;
    }
    if !has_session(&headers, &state.cfg.admin_token) {
        return login("Sign in with the admin token printed by `ascend-dev serve` (or open /?token=<admin token>).");
    }
    let (pending, recent) = {
        let c = state.db.lock();
        let pending = actions::list(&c, Some("pending"), None, 200, 0).map(|r| r.0);
        let recent = c
            .prepare("SELECT * FROM actions WHERE status != 'pending_approval' ORDER BY id DESC LIMIT 20")
            .and_then(|mut s| s.query_map([], actions::render)?.collect::<rusqlite::Result<Vec<_>>>());
        (pending, recent)
    };
    let (Ok(pending), Ok(recent)) = (pending, recent) else {
        return ApiError::internal("cannot list actions").into_response();
    };
    let mut body =
        format!("<h1>ascend-dev — pending actions (<span id=\"pending-count\">{}</span>)</h1>", pending.len());
    if pending.is_empty() {
        body.push_str("<p class=\"muted\" id=\"no-pending\">Nothing is waiting for a decision.</p>");
    } else {
        body.push_str("<table id=\"pending\"><tr><th>ID</th><th>Agent</th><th>Action</th><th>Resource</th><th>Risk</th><th>Submitted</th><th>Decision</th></tr>");
        for a in &pending {
            let id = text(&a["id"]);
            body.push_str(&format!(
                "<tr id=\"action-{id}\"><td>{id}</td><td>{}</td><td>{}<div class=\"muted\">{}</div></td><td>{}</td><td>{} ({})</td><td>{}</td><td>\
                 <form method=\"post\" action=\"/ui/actions/{id}/approve\"><input name=\"comment\" placeholder=\"comment (optional)\">\
                 <button type=\"submit\" class=\"approve\" id=\"approve-{id}\">Approve</button></form>\
                 <form method=\"post\" action=\"/ui/actions/{id}/deny\"><input name=\"reason\" placeholder=\"reason\">\
                 <button type=\"submit\" class=\"deny\" id=\"deny-{id}\">Deny</button></form></td></tr>",
                esc(&text(&a["agent_id"])),
                esc(&text(&a["action_type"])),
                esc(&text(&a["description"])),
                esc(&text(&a["resource"])),
                esc(&text(&a["risk_score"])),
                esc(&text(&a["risk_level"])),
                esc(&text(&a["created_at"])),
            ));
        }
        body.push_str("</table>");
    }
    body.push_str("<h2>Recent decisions</h2><table id=\"recent\"><tr><th>ID</th><th>Agent</th><th>Action</th><th>Status</th><th>Reason</th></tr>");
    for a in &recent {
        body.push_str(&format!(
            "<tr id=\"decided-{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"status\">{}</td><td>{}</td></tr>",
            esc(&text(&a["id"])),
            esc(&text(&a["id"])),
            esc(&text(&a["agent_id"])),
            esc(&text(&a["action_type"])),
            esc(&text(&a["status"])),
            esc(&text(a.get("reason").unwrap_or(&Value::Null))),
        ));
    }
    body.push_str("</table>");
    page("ascend-dev — review", &body).into_response()
}

fn same_origin(h: &HeaderMap) -> bool {
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

async fn decide(
    State(state): State<AppState>,
    Path((id, verdict)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    if !has_session(&headers, &state.cfg.admin_token) {
        return login("Your session is missing or expired; sign in again.");
    }
    if !same_origin(&headers) {
        return ApiError::forbidden("Cross-origin form post refused").into_response();
    }
    let id = match parse_id("Action", &id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let form = form.map(|f| f.0).unwrap_or_default();
    let field = |k: &str| form.get(k).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let result = match verdict.as_str() {
        "approve" => actions::review(&state, id, true, "web", field("comment")),
        "deny" => actions::review(
            &state,
            id,
            false,
            "web",
            Some(field("reason").unwrap_or_else(|| "Denied from the review page".into())),
        ),
        _ => Err(ApiError::not_found("Unknown verdict")),
    };
    match result {
        Ok(_) => Redirect::to("/").into_response(),
        Err(e) if e.status == StatusCode::CONFLICT => Redirect::to("/").into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<script>alert('x')</script>&\""), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
    }

    #[test]
    fn session_cookie_is_checked() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, format!("a=b; {COOKIE}={}", session_value("tok")).parse().unwrap());
        assert!(has_session(&h, "tok"));
        assert!(!has_session(&h, "other"));
    }
}
