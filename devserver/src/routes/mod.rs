//! The HTTP surface: the agent API (API key), admin endpoints (admin token), public health endpoints and the
//! review web page.

pub mod actions;
pub mod admin;
pub mod agents;
pub mod governance;
pub mod mcp;
pub mod models;
pub mod webhooks;

use crate::auth::{require_admin, require_api_key};
use crate::error::{ApiError, MAX_BODY_BYTES};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::middleware::{from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

fn panic_to_json(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::internal("handler panicked").into_response()
}

/// Turns every error answer that is not already JSON (or the review page's HTML) into the JSON error shape:
/// axum's own rejections (a path or query string that is not valid UTF-8, a bad form, a missing extension)
/// are `text/plain`, and clients expect `{"detail": ...}` everywhere.
async fn errors_as_json(resp: Response) -> Response {
    let status = resp.status();
    let ct = resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !(status.is_client_error() || status.is_server_error())
        || ct.starts_with("application/json")
        || ct.starts_with("text/html")
    {
        return resp;
    }
    let (_, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let detail = if text.is_empty() { status.canonical_reason().unwrap_or("Error").to_string() } else { text };
    ApiError::new(status, detail).into_response()
}

/// Reads the whole request body (at most [`MAX_BODY_BYTES`]) within the configured body timeout before the
/// handler runs: a body that trickles in too slowly is a JSON 408, an oversized one a 413, a broken one a 400.
async fn buffer_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large().into_response();
    }
    let read = http_body_util::BodyExt::collect(http_body_util::Limited::new(body, MAX_BODY_BYTES));
    let bytes = match tokio::time::timeout(state.cfg.limits.body_timeout, read).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => return too_large().into_response(),
        Ok(Err(e)) => return ApiError::bad_request(format!("Cannot read request body: {e}")).into_response(),
        Err(_) => {
            let secs = state.cfg.limits.body_timeout.as_secs_f64();
            return ApiError::new(StatusCode::REQUEST_TIMEOUT, format!("Request body not received within {secs} s"))
                .into_response();
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("Request body exceeds {MAX_BODY_BYTES} bytes"))
}

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    let agent_api = Router::new()
        .route("/api/v1/actions/submit", post(actions::submit))
        .route("/api/v1/mcp/actions/submit", post(actions::submit_mcp))
        .route("/api/v1/actions/{id}/status", get(actions::status))
        .route("/api/v1/actions/{id}", get(actions::details))
        .route("/api/agent-activity", get(actions::list))
        .route("/api/agent-action/{id}/complete", post(actions::complete))
        .route("/api/agent-action/{id}/fail", post(actions::fail))
        .route("/api/sdk/approval/{id}", get(actions::approval))
        .route("/api/registry/agents", post(agents::register).get(agents::list))
        .route("/api/registry/agents/{id}", get(agents::get).put(agents::update).delete(agents::deregister))
        .route("/api/registry/agents/{id}/commands", get(agents::commands))
        .route("/api/registry/agents/{id}/commands/{command}/ack", post(agents::ack_command))
        .route("/api/agents/health/heartbeat", post(agents::heartbeat))
        .route("/api/agents/health/{id}", get(agents::health))
        .route("/api/sdk/kill-switch/status", get(agents::kill_switch_status))
        .route("/api/billing/kill-switch/{org}/trigger", post(agents::kill_switch_trigger))
        .route("/api/billing/kill-switch/{org}/release", post(agents::kill_switch_release))
        .route("/api/registry/mcp-servers", post(mcp::register).get(mcp::list))
        .route("/api/registry/mcp-servers/{name}", get(mcp::get).delete(mcp::delete))
        .route("/api/registry/mcp-servers/{name}/activate", post(mcp::activate))
        .route("/api/registry/mcp-servers/{name}/deactivate", post(mcp::deactivate))
        .route("/api/registry/models", get(models::list))
        .route("/api/registry/models/{id}", get(models::get))
        .route("/api/webhooks/configure", post(webhooks::configure))
        .route("/api/webhooks", get(webhooks::list))
        .route("/api/webhooks/{id}", axum::routing::put(webhooks::update).delete(webhooks::delete))
        .route("/api/webhooks/{id}/test", post(webhooks::test))
        .route("/api/governance/policies/evaluate-realtime", post(governance::evaluate))
        .route("/api/v1/resource-classifications", get(governance::classifications))
        .route("/audit/logs", get(governance::audit_logs))
        .route_layer(from_fn_with_state(state.clone(), require_api_key));
    let admin_api = Router::new()
        .route("/api/admin/actions", get(admin::list))
        .route("/api/admin/actions/{id}/approve", post(admin::approve))
        .route("/api/admin/actions/{id}/deny", post(admin::deny))
        .route("/api/admin/models", get(models::list).post(models::upsert))
        .route("/api/admin/models/{id}", axum::routing::delete(models::delete))
        .route("/api/admin/audit/verify", get(governance::audit_verify))
        .route("/api/admin/webhooks/deliveries", get(webhooks::deliveries))
        .route_layer(from_fn_with_state(state.clone(), require_admin));
    let public = Router::new()
        .route("/health", get(admin::health))
        .route("/api/deployment-info", get(admin::deployment_info))
        .merge(crate::web::router());
    Router::new()
        .merge(agent_api)
        .merge(admin_api)
        .merge(public)
        .fallback(actions::not_found)
        .method_not_allowed_fallback(actions::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), buffer_body))
        .layer(map_response(errors_as_json))
        .layer(CatchPanicLayer::custom(panic_to_json))
        .with_state(state)
}
