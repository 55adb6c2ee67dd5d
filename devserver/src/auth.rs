//! Authentication and roles: the agent API takes the organisation API key (`X-API-Key` or
//! `Authorization: Bearer`) or the admin token; admin endpoints take only the admin token (`X-Admin-Token` or
//! `Authorization: Bearer`). The agent API records who called as a [`Role`] request extension, so handlers can
//! refuse a change that relaxes governance (see [`require_admin_to_relax`]). Comparisons are constant-time;
//! failures are 401 with a JSON `detail` and never echo what was sent.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// Constant-time string equality.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn bearer(h: &HeaderMap) -> Option<&str> {
    let v = h.get("authorization")?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// Whether the request carries the API key.
pub fn has_api_key(h: &HeaderMap, key: &str) -> bool {
    match header(h, "x-api-key") {
        Some(k) => same(k, key),
        None => bearer(h).is_some_and(|t| same(t, key)),
    }
}

/// Whether the request carries the admin token (header or, for the web page, the session cookie).
pub fn has_admin_token(h: &HeaderMap, token: &str) -> bool {
    match header(h, "x-admin-token") {
        Some(t) => same(t, token),
        None => bearer(h).is_some_and(|t| same(t, token)),
    }
}

/// Who made an agent-API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The organisation API key (what agents hold): may read and tighten, never relax governance.
    Agent,
    /// The admin token: may also relax governance (raise thresholds, unblock, release the kill switch).
    Admin,
}

/// Refuses a change that relaxes governance unless the caller holds the admin token: 403 with a JSON
/// `detail` naming what was refused, `error_code: "ADMIN_REQUIRED"` and the `change`.
pub fn require_admin_to_relax(role: Role, change: &str) -> Result<(), ApiError> {
    if role == Role::Admin {
        return Ok(());
    }
    Err(ApiError::forbidden(format!(
        "{change} relaxes governance and requires the admin token (X-Admin-Token); the API key may only read and tighten"
    ))
    .with("error_code", "ADMIN_REQUIRED".into())
    .with("change", change.into()))
}

/// Middleware for the agent API: the API key (role [`Role::Agent`]) or the admin token ([`Role::Admin`]).
pub async fn require_api_key(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let role = if has_admin_token(req.headers(), &state.cfg.admin_token) {
        Role::Admin
    } else if has_api_key(req.headers(), &state.cfg.api_key) {
        Role::Agent
    } else {
        return ApiError::unauthorized("Invalid or missing API key").into_response();
    };
    req.extensions_mut().insert(role);
    next.run(req).await
}

/// Middleware for admin endpoints.
pub async fn require_admin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if has_admin_token(req.headers(), &state.cfg.admin_token) {
        next.run(req).await
    } else {
        ApiError::unauthorized("Invalid or missing admin token").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, v.parse().unwrap());
        }
        m
    }

    #[test]
    fn api_key_from_either_header() {
        assert!(has_api_key(&h(&[("x-api-key", "k1")]), "k1"));
        assert!(has_api_key(&h(&[("authorization", "Bearer k1")]), "k1"));
        assert!(!has_api_key(&h(&[("authorization", "Bearer k2")]), "k1"));
        assert!(!has_api_key(&h(&[("x-api-key", "k2"), ("authorization", "Bearer k1")]), "k1"));
        assert!(!has_api_key(&h(&[]), "k1"));
    }

    #[test]
    fn admin_token_is_not_the_api_key() {
        assert!(has_admin_token(&h(&[("x-admin-token", "adm")]), "adm"));
        assert!(!has_admin_token(&h(&[("x-api-key", "adm")]), "adm"));
    }

    #[test]
    fn only_the_admin_may_relax() {
        assert!(require_admin_to_relax(Role::Admin, "x").is_ok());
        let e = require_admin_to_relax(Role::Agent, "Releasing the kill switch").unwrap_err();
        assert_eq!(e.status.as_u16(), 403);
        assert!(e.detail.as_str().unwrap().contains("Releasing the kill switch"));
        assert_eq!(e.extra["error_code"], "ADMIN_REQUIRED");
    }
}
