//! The review page: server-rendered HTML (no build step). `/` lists pending actions with what a reviewer needs
//! to decide (description, parameters and context, risk with CVSS/MITRE/NIST and the pre-score's factors, the
//! agent and its thresholds, age) and Approve/Deny forms; `/ui/actions/{id}` is one action in full, with its
//! audit trail. The page reloads itself when something changes (a small same-origin script polls
//! `/ui/state`).
//!
//! Sign-in is a POST form (`/ui/login`, the token never goes into a URL); the server sets an HttpOnly,
//! SameSite=Strict session cookie (a hash of the token, not the token). Every answer carries
//! `X-Frame-Options: DENY`, a CSP with `frame-ancestors 'none'` and no inline script, and
//! `Cache-Control: no-store`. Form posts must come from this origin (scheme, host and port).

use crate::actions;
use crate::auth::same;
use crate::error::{parse_id, ApiError};
use crate::review;
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const COOKIE: &str = "ascend_dev_admin";

/// The Content-Security-Policy of every page: own styles and script only, no framing, forms post here only.
pub const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Routes of the page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/ui/login", post(login_post))
        .route("/ui/logout", post(logout))
        .route("/ui/state", get(ui_state))
        .route("/ui/style.css", get(style))
        .route("/ui/app.js", get(script))
        .route("/ui/actions/{id}", get(detail))
        .route("/ui/actions/{id}/{verdict}", post(decide))
        .layer(axum::middleware::map_response(security_headers))
}

/// Adds the anti-framing, CSP and no-store headers to every answer of the page.
async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let set = [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Not `no-referrer`: with it Chromium sends `Origin: null` on form posts.
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    for (k, v) in set {
        h.insert(k, HeaderValue::from_static(v));
    }
    resp
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

/// `text`, escaped, or a muted dash when empty.
fn cell(v: &Value) -> String {
    let t = text(v);
    if t.is_empty() {
        "<span class=\"muted\">—</span>".into()
    } else {
        esc(&t)
    }
}

/// Pretty-printed, escaped JSON in a `<pre>`.
fn pretty(id: &str, v: &Value) -> String {
    let empty = v.as_object().is_some_and(|m| m.is_empty()) || v.is_null();
    if empty {
        return format!("<p class=\"muted\" id=\"{id}\">none</p>");
    }
    format!("<pre id=\"{id}\">{}</pre>", esc(&serde_json::to_string_pretty(v).unwrap_or_default()))
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem 2rem;color:#1f2328;background:#fff}\
h1{font-size:1.4rem;margin:0 0 1rem}h2{font-size:1.1rem;margin:1.6rem 0 .6rem}a{color:#0969da}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.5rem .6rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa;font-size:.85rem}form{display:inline-block;margin:.2rem .3rem .2rem 0}input{padding:.25rem;width:12rem}\
.approve{background:#1a7f37;color:#fff;border:0;padding:.35rem .9rem;border-radius:4px;cursor:pointer}\
.deny{background:#cf222e;color:#fff;border:0;padding:.35rem .9rem;border-radius:4px;cursor:pointer}\
.muted{color:#656d76}.small{font-size:.85rem}.mono{font-family:ui-monospace,monospace;font-size:.8rem;word-break:break-all}\
.badge{display:inline-block;border-radius:10px;padding:0 .5rem;font-size:.8rem;font-weight:600;color:#fff}\
.low{background:#1a7f37}.medium{background:#9a6700}.high{background:#bc4c00}.critical{background:#cf222e}.minimal{background:#1a7f37}\
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:.5rem;margin:.3rem 0;max-height:16rem;overflow:auto;font-size:.8rem}\
details summary{cursor:pointer;color:#0969da;font-size:.85rem}ol{margin:.3rem 0;padding-left:1.3rem;font-size:.85rem}\
.top{display:flex;justify-content:space-between;align-items:baseline}.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin-top:1rem}\
.box{border:1px solid #d0d7de;border-radius:6px;padding:.7rem 1rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}\
dt{color:#656d76}dd{margin:0}.age{white-space:nowrap}";

/// Reloads the page when `/ui/state` reports a change (unless the reviewer is typing), and keeps ages fresh.
const SCRIPT: &str = r#""use strict";
(() => {
  const version = document.body.dataset.version;
  const typing = () => {
    const a = document.activeElement;
    return (a && a.tagName === "INPUT")
      || [...document.querySelectorAll("input:not([type=hidden])")].some((i) => i.value !== "");
  };
  const fmt = (s) => s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min`
    : s < 86400 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(s / 86400)} d`;
  const tick = async () => {
    for (const el of document.querySelectorAll("[data-created]")) {
      const t = Date.parse(el.dataset.created);
      if (!Number.isNaN(t)) el.textContent = fmt(Math.max(0, Math.floor((Date.now() - t) / 1000)));
    }
    try {
      const r = await fetch("/ui/state", { cache: "no-store", credentials: "same-origin" });
      if (r.status === 401) { location.reload(); return; }
      const s = await r.json();
      if (version !== undefined && s.version !== version && !typing()) location.reload();
    } catch (e) { /* the server is restarting: try again on the next tick */ }
  };
  setInterval(tick, 2000);
})();
"#;

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT).into_response()
}

fn page(title: &str, version: Option<&str>, body: &str) -> Html<String> {
    let data = version.map(|v| format!(" data-version=\"{}\"", esc(v))).unwrap_or_default();
    let js = if version.is_some() { "<script src=\"/ui/app.js\" defer></script>" } else { "" };
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <link rel=\"stylesheet\" href=\"/ui/style.css\">{js}</head><body{data}>{body}</body></html>",
        esc(title)
    ))
}

fn login(status: StatusCode, msg: &str) -> Response {
    let body = format!(
        "<h1>ascend-dev</h1><p>{}</p><form method=\"post\" action=\"/ui/login\"><label>Admin token \
         <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\" autofocus></label> \
         <button type=\"submit\" id=\"sign-in\">Sign in</button></form>",
        esc(msg)
    );
    (status, page("ascend-dev — sign in", None, &body)).into_response()
}

const SIGN_IN: &str = "Sign in with the admin token printed by `ascend-dev serve`.";

fn same_origin(h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    let Some(origin) = h.get(header::ORIGIN) else { return true };
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // The dev server speaks plain HTTP, so its own origin is exactly `http://<Host>`.
    !host.is_empty() && origin.to_str().is_ok_and(|o| o.eq_ignore_ascii_case(&format!("http://{host}")))
}

async fn login_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    if !same_origin(&headers) {
        return ApiError::forbidden("Cross-origin sign-in refused").into_response();
    }
    let token = form.ok().and_then(|f| f.0.get("token").cloned()).unwrap_or_default();
    if token.is_empty() || !same(token.trim(), &state.cfg.admin_token) {
        return login(StatusCode::UNAUTHORIZED, "That admin token is not valid.");
    }
    let cookie = format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict", session_value(token.trim()));
    let mut r = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

async fn logout(headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return ApiError::forbidden("Cross-origin sign-out refused").into_response();
    }
    let mut r = Redirect::to("/").into_response();
    let gone = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&gone) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// `GET /ui/state`: `{version, pending}` for the page's auto-refresh (session cookie; 401 JSON otherwise).
async fn ui_state(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !has_session(&headers, &state.cfg.admin_token) {
        return ApiError::unauthorized("No review session").into_response();
    }
    let c = state.db.lock();
    let pending: rusqlite::Result<i64> =
        c.query_row("SELECT COUNT(*) FROM actions WHERE status = 'pending_approval'", [], |r| r.get(0));
    match (review::version(&c), pending) {
        (Ok(v), Ok(p)) => Json(json!({"version": v, "pending": p})).into_response(),
        (Err(e), _) | (_, Err(e)) => ApiError::internal(e).into_response(),
    }
}

fn risk_badge(a: &Value) -> String {
    let level = text(&a["risk_level"]).to_ascii_lowercase();
    let class =
        if ["low", "medium", "high", "critical", "minimal"].contains(&level.as_str()) { level.as_str() } else { "" };
    format!("<span class=\"badge {class}\">{} {}</span>", cell(&a["risk_score"]), esc(&level))
}

fn thresholds_text(agent: &Value) -> String {
    let th = &agent["thresholds"];
    let deny = if th["deny_at"].is_null() { "never".to_string() } else { text(&th["deny_at"]) };
    format!(
        "auto-approve &lt; {} · deny ≥ {} <span class=\"muted\">({})</span>",
        esc(&text(&th["auto_approve_below"])),
        esc(&deny),
        esc(&text(&th["source"]))
    )
}

fn age_cell(a: &Value) -> String {
    let created = text(&a["created_at"]);
    let age = a["age_seconds"].as_i64().map(review::age_text).unwrap_or_default();
    format!("<span data-created=\"{}\" title=\"{}\">{}</span>", esc(&created), esc(&created), esc(&age))
}

fn decide_forms(id: &str, back: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/ui/actions/{id}/approve\"><input type=\"hidden\" name=\"back\" value=\"{back}\">\
         <input name=\"comment\" placeholder=\"comment (optional)\" aria-label=\"comment\">\
         <button type=\"submit\" class=\"approve\" id=\"approve-{id}\">Approve</button></form>\
         <form method=\"post\" action=\"/ui/actions/{id}/deny\"><input type=\"hidden\" name=\"back\" value=\"{back}\">\
         <input name=\"reason\" placeholder=\"reason\" aria-label=\"reason\">\
         <button type=\"submit\" class=\"deny\" id=\"deny-{id}\">Deny</button></form>"
    )
}

fn risk_block(a: &Value) -> String {
    let r = &a["risk"];
    let factors: String =
        r["factors"].as_array().into_iter().flatten().map(|f| format!("<li>{}</li>", esc(&text(f)))).collect();
    format!(
        "<dl class=\"small\"><dt>CVSS</dt><dd>{} {} <span class=\"mono\">{}</span></dd>\
         <dt>MITRE</dt><dd>{} · {}</dd><dt>NIST</dt><dd>{}</dd></dl>\
         <details class=\"factors\"><summary>pre-score factors ({})</summary><ol>{factors}</ol></details>",
        cell(&r["cvss_score"]),
        cell(&r["cvss_severity"]),
        cell(&r["cvss_vector"]),
        cell(&r["mitre_tactic"]),
        cell(&r["mitre_technique"]),
        cell(&r["nist_control"]),
        r["factors"].as_array().map_or(0, Vec::len),
    )
}

fn agent_block(a: &Value) -> String {
    let ag = &a["agent"];
    let name = text(&ag["display_name"]);
    let status = text(&ag["status"]);
    let flag = if status == "active" { String::new() } else { format!(" <strong>{}</strong>", esc(&status)) };
    format!(
        "{}{flag}<div class=\"small mono\">{}</div><div class=\"small\">{}</div>",
        if name.is_empty() { String::new() } else { format!("{}<br>", esc(&name)) },
        esc(&text(&a["agent_id"])),
        thresholds_text(ag),
    )
}

fn load_view(state: &AppState) -> Result<(Vec<Value>, Vec<Value>, String), ApiError> {
    let c = state.db.lock();
    let (pending, _) = review::list(&c, state, Some("pending"), None, 200, 0)?;
    let recent = c
        .prepare(
            "SELECT * FROM actions WHERE status != 'pending_approval' ORDER BY decision_at DESC, id DESC LIMIT 20",
        )?
        .query_map([], actions::render)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((pending, recent, review::version(&c)?))
}

async fn index(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if q.contains_key("token") {
        return login(
            StatusCode::BAD_REQUEST,
            "The admin token is not accepted in a URL (it would end up in history and logs); use this form.",
        );
    }
    if !has_session(&headers, &state.cfg.admin_token) {
        return login(StatusCode::UNAUTHORIZED, SIGN_IN);
    }
    let (pending, recent, version) = match load_view(&state) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let mut body = format!(
        "<div class=\"top\"><h1>ascend-dev — pending actions (<span id=\"pending-count\">{}</span>)</h1>\
         <span class=\"small muted\">refreshes by itself · <form method=\"post\" action=\"/ui/logout\">\
         <button type=\"submit\">Sign out</button></form></span></div>",
        pending.len()
    );
    if pending.is_empty() {
        body.push_str("<p class=\"muted\" id=\"no-pending\">Nothing is waiting for a decision.</p>");
    } else {
        body.push_str(
            "<table id=\"pending\"><tr><th>ID</th><th>Agent and thresholds</th><th>Action</th><th>Risk</th>\
             <th>Age</th><th>Decision</th></tr>",
        );
        for a in &pending {
            let id = text(&a["id"]);
            let tool = text(&a["tool_name"]);
            let tool = if tool.is_empty() { String::new() } else { format!(" · tool {}", esc(&tool)) };
            body.push_str(&format!(
                "<tr id=\"action-{id}\"><td><a href=\"/ui/actions/{id}\" id=\"details-{id}\">#{id}</a></td><td>{}</td>\
                 <td><strong>{}</strong> on {}{tool}<div class=\"description\">{}</div>\
                 <details class=\"payload\"><summary>parameters and context</summary>\
                 <div class=\"small muted\">parameters</div>{}<div class=\"small muted\">context</div>{}</details></td>\
                 <td>{}{}</td><td class=\"age\">{}</td><td>{}</td></tr>",
                agent_block(a),
                esc(&text(&a["action_type"])),
                esc(&text(&a["resource"])),
                cell(&a["description"]),
                pretty(&format!("parameters-{id}"), &a["parameters"]),
                pretty(&format!("context-{id}"), &a["context"]),
                risk_badge(a),
                risk_block(a),
                age_cell(a),
                decide_forms(&id, "/"),
            ));
        }
        body.push_str("</table>");
    }
    body.push_str(
        "<h2>Recent decisions</h2><table id=\"recent\"><tr><th>ID</th><th>Agent</th><th>Action</th><th>Status</th>\
         <th>By</th><th>Reason</th></tr>",
    );
    for a in &recent {
        let id = text(&a["id"]);
        body.push_str(&format!(
            "<tr id=\"decided-{id}\"><td><a href=\"/ui/actions/{id}\">#{id}</a></td><td>{}</td><td>{} on {}</td>\
             <td class=\"status\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&text(&a["agent_id"])),
            esc(&text(&a["action_type"])),
            esc(&text(&a["resource"])),
            esc(&text(&a["status"])),
            cell(a.get("reviewed_by").unwrap_or(&a["enforcement_decision_source"])),
            cell(a.get("reason").unwrap_or(&Value::Null)),
        ));
    }
    body.push_str("</table>");
    page("ascend-dev — review", Some(&version), &body).into_response()
}

/// `GET /ui/actions/{id}`: one action in full.
async fn detail(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !has_session(&headers, &state.cfg.admin_token) {
        return login(StatusCode::UNAUTHORIZED, SIGN_IN);
    }
    let id = match parse_id("Action", &id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let loaded = {
        let c = state.db.lock();
        review::one(&c, &state, id).and_then(|a| Ok((a, review::version(&c)?)))
    };
    let (a, version) = match loaded {
        Ok((Some(a), v)) => (a, v),
        Ok((None, _)) => return ApiError::not_found(format!("Action {id} not found")).into_response(),
        Err(e) => return e.into_response(),
    };
    let sid = id.to_string();
    let pending = a["status"] == "pending_approval";
    let decision = if pending {
        decide_forms(&sid, &format!("/ui/actions/{sid}"))
    } else {
        format!(
            "<p><strong class=\"status\" id=\"status\">{}</strong> by {} at {}: {}</p>",
            esc(&text(&a["status"])),
            cell(a.get("reviewed_by").unwrap_or(&a["enforcement_decision_source"])),
            cell(&a["decision_at"]),
            cell(a.get("reason").unwrap_or(&Value::Null)),
        )
    };
    let trail: String = a["audit_trail"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                cell(&e["timestamp"]),
                cell(&e["event_type"]),
                cell(&e["actor"]),
                cell(&e["outcome"])
            )
        })
        .collect();
    let body = format!(
        "<p><a href=\"/\">← all pending actions</a></p><h1>Action #{sid}: {} on {}</h1>\
         <p class=\"description\" id=\"description\">{}</p>{decision}\
         <div class=\"grid\"><div class=\"box\"><h2>Risk {}</h2>{}</div>\
         <div class=\"box\"><h2>Agent</h2>{}<dl class=\"small\"><dt>status</dt><dd>{}</dd><dt>submitted</dt><dd>{} ({} ago)</dd>\
         <dt>tool</dt><dd>{}</dd><dt>resource id</dt><dd>{}</dd><dt>policy</dt><dd>{}</dd></dl></div></div>\
         <div class=\"grid\"><div><h2>Parameters</h2>{}</div><div><h2>Context</h2>{}</div></div>\
         <h2>Audit trail</h2><table id=\"trail\"><tr><th>When</th><th>Event</th><th>Actor</th><th>Outcome</th></tr>{trail}</table>",
        esc(&text(&a["action_type"])),
        esc(&text(&a["resource"])),
        cell(&a["description"]),
        risk_badge(&a),
        risk_block(&a).replace("<details class=\"factors\">", "<details class=\"factors\" open>"),
        agent_block(&a),
        cell(&a["agent"]["status"]),
        cell(&a["created_at"]),
        age_cell(&a),
        cell(&a["tool_name"]),
        cell(&a["resource_id"]),
        cell(&a["enforcement_decision_source"]),
        pretty("parameters", &a["parameters"]),
        pretty("context", &a["context"]),
    );
    page(&format!("ascend-dev — action {sid}"), Some(&version), &body).into_response()
}

async fn decide(
    State(state): State<AppState>,
    Path((id, verdict)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    if !has_session(&headers, &state.cfg.admin_token) {
        return login(StatusCode::UNAUTHORIZED, "Your session is missing or expired; sign in again.");
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
    // Only back to the list or this action's page: never an arbitrary redirect.
    let back = match field("back") {
        Some(b) if b == format!("/ui/actions/{id}") => b,
        _ => "/".to_string(),
    };
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
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) if e.status == StatusCode::CONFLICT => Redirect::to(&back).into_response(),
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

    #[test]
    fn origin_must_match_scheme_host_and_port() {
        let h = |pairs: &[(&'static str, &str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, v.parse().unwrap());
            }
            m
        };
        let host = ("host", "127.0.0.1:8787");
        assert!(same_origin(&h(&[host, ("origin", "http://127.0.0.1:8787")])));
        assert!(same_origin(&h(&[host])), "no Origin: a non-browser client");
        assert!(!same_origin(&h(&[host, ("origin", "https://127.0.0.1:8787")])), "scheme differs");
        assert!(!same_origin(&h(&[host, ("origin", "http://127.0.0.1:9999")])), "port differs");
        assert!(!same_origin(&h(&[host, ("origin", "null")])));
        assert!(!same_origin(&h(&[("origin", "http://")])), "no Host");
        assert!(!same_origin(&h(&[host, ("origin", "http://127.0.0.1:8787"), ("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn pretty_json_is_escaped() {
        let p = pretty("p", &json!({"sql": "<b>DROP</b>"}));
        assert!(p.contains("&quot;sql&quot;: &quot;&lt;b&gt;DROP&lt;/b&gt;&quot;"), "{p}");
        assert!(pretty("q", &json!({})).contains("none"));
    }
}
