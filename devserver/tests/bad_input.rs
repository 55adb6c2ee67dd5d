//! Bad input never yields a 500 or a crash: every answer is a 4xx with a JSON `detail`.

mod common;

use common::*;
use serde_json::{json, Value};

async fn expect_4xx(what: &str, rb: reqwest::RequestBuilder, want: u16) {
    let r = rb.send().await.unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = r.text().await.unwrap();
    assert_eq!(status, want, "{what}: body {text}");
    assert!(ct.starts_with("application/json"), "{what}: content-type {ct}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"));
    assert!(v.get("detail").is_some_and(|d| !d.is_null()), "{what}: no detail in {v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_missing_oversized_unknown_and_unauthenticated() {
    let server = start().await;
    let u = server.url();
    let h = http();
    let submit = || h.post(format!("{u}/api/v1/actions/submit")).header("X-API-Key", API_KEY);
    expect_4xx("malformed JSON", submit().body("{\"agent_id\": "), 400).await;
    expect_4xx("not UTF-8", submit().body(vec![0xff, 0xfe, 0x00]), 400).await;
    expect_4xx("JSON array", submit().json(&json!([1, 2])), 422).await;
    expect_4xx("empty body", submit(), 422).await;
    expect_4xx("missing action_type", submit().json(&json!({"agent_id": "a", "resource": "r"})), 422).await;
    expect_4xx("missing agent_id", submit().json(&json!({"action_type": "query", "resource": "r"})), 422).await;
    expect_4xx("missing resource", submit().json(&json!({"agent_id": "a", "action_type": "query"})), 422).await;
    expect_4xx(
        "blank action_type",
        submit().json(&json!({"agent_id": "a", "action_type": "  ", "resource": "r"})),
        422,
    )
    .await;
    expect_4xx(
        "context not object",
        submit().json(&json!({"agent_id": "a", "action_type": "q", "resource": "r", "context": "x"})),
        422,
    )
    .await;
    expect_4xx(
        "action_type not string",
        submit().json(&json!({"agent_id": "a", "action_type": ["q"], "resource": "r"})),
        422,
    )
    .await;
    expect_4xx(
        "blank model_id",
        submit().json(&json!({"agent_id": "a", "action_type": "q", "resource": "r", "model_id": " "})),
        422,
    )
    .await;
    expect_4xx("body over 1 MiB", submit().body(vec![b' '; 1024 * 1024 + 10]), 413).await;
    let big =
        json!({"agent_id": "a", "action_type": "q", "resource": "r", "context": {"blob": "x".repeat(1100 * 1024)}});
    expect_4xx("JSON over 1 MiB", submit().json(&big), 413).await;
    expect_4xx(
        "bad idempotency key",
        submit().header("Idempotency-Key", "").json(&json!({"agent_id": "a", "action_type": "q", "resource": "r"})),
        400,
    )
    .await;

    expect_4xx(
        "wrong key",
        h.post(format!("{u}/api/v1/actions/submit")).header("X-API-Key", "nope").json(&json!({})),
        401,
    )
    .await;
    expect_4xx("no key", h.get(format!("{u}/api/v1/actions/1/status")), 401).await;
    expect_4xx("bearer wrong", h.get(format!("{u}/api/registry/agents")).bearer_auth("nope"), 401).await;
    expect_4xx("admin with api key", h.get(format!("{u}/api/admin/actions")).header("X-API-Key", API_KEY), 401).await;
    expect_4xx("agent API with admin token", h.get(format!("{u}/api/registry/agents")).header("X-API-Key", ADMIN), 401)
        .await;

    let get = |p: &str| h.get(format!("{u}{p}")).header("X-API-Key", API_KEY);
    expect_4xx("unknown action", get("/api/v1/actions/999/status"), 404).await;
    expect_4xx("non-numeric id", get("/api/v1/actions/abc/status"), 404).await;
    expect_4xx("huge id", get("/api/v1/actions/99999999999999999999999/status"), 404).await;
    expect_4xx("negative id", get("/api/v1/actions/-1"), 404).await;
    expect_4xx("bad wait", get("/api/v1/actions/1/status?wait=soon"), 422).await;
    expect_4xx("bad limit", get("/api/agent-activity?limit=-5"), 422).await;
    expect_4xx("bad status filter", get("/api/agent-activity?status=maybe"), 422).await;
    expect_4xx("unknown agent", get("/api/registry/agents/ghost"), 404).await;
    expect_4xx("unknown agent health", get("/api/agents/health/ghost"), 404).await;
    expect_4xx("unknown mcp server", get("/api/registry/mcp-servers/ghost"), 404).await;
    expect_4xx("unknown model", get("/api/registry/models/ghost"), 404).await;
    expect_4xx("unknown route", get("/api/nothing/here"), 404).await;
    expect_4xx("wrong method", h.delete(format!("{u}/api/v1/actions/submit")).header("X-API-Key", API_KEY), 405).await;
    expect_4xx("unknown webhook", h.delete(format!("{u}/api/webhooks/wh_nope")).header("X-API-Key", API_KEY), 404)
        .await;
    expect_4xx(
        "unknown webhook test",
        h.post(format!("{u}/api/webhooks/wh_nope/test")).header("X-API-Key", API_KEY),
        404,
    )
    .await;
    expect_4xx(
        "complete unknown action",
        h.post(format!("{u}/api/agent-action/77/complete")).header("X-API-Key", API_KEY).json(&json!({})),
        404,
    )
    .await;

    let adm = |p: &str| h.post(format!("{u}{p}")).header("X-Admin-Token", ADMIN);
    expect_4xx("approve unknown", adm("/api/admin/actions/42/approve").json(&json!({})), 404).await;
    expect_4xx("deny without reason", adm("/api/admin/actions/42/deny").json(&json!({})), 422).await;
    expect_4xx(
        "model bad status",
        adm("/api/admin/models").json(&json!({"model_id": "m", "compliance_status": "maybe"})),
        422,
    )
    .await;
    expect_4xx(
        "webhook bad url",
        h.post(format!("{u}/api/webhooks/configure"))
            .header("X-API-Key", API_KEY)
            .json(&json!({"url": "http://example.com/x", "events": ["action.pending"]})),
        422,
    )
    .await;
    expect_4xx(
        "webhook bad event",
        h.post(format!("{u}/api/webhooks/configure"))
            .header("X-API-Key", API_KEY)
            .json(&json!({"url": "https://127.0.0.1/x", "events": ["nope"]})),
        422,
    )
    .await;
    assert_eq!(agent_post(&server, "/api/registry/mcp-servers", json!({"server_name": "s"})).await.0, 201);
    expect_4xx(
        "mcp duplicate",
        h.post(format!("{u}/api/registry/mcp-servers")).header("X-API-Key", API_KEY).json(&json!({"server_name": "s"})),
        409,
    )
    .await;
    expect_4xx(
        "agent bad threshold",
        h.put(format!("{u}/api/registry/agents/x")).header("X-API-Key", API_KEY).json(&json!({"deny_at": 500})),
        422,
    )
    .await;
    expect_4xx(
        "heartbeat without agent",
        h.post(format!("{u}/api/agents/health/heartbeat"))
            .header("X-API-Key", API_KEY)
            .json(&json!({"agent_id": null})),
        422,
    )
    .await;

    // Still alive and consistent.
    let (s, v) = agent_post(
        &server,
        "/api/v1/actions/submit",
        json!({"agent_id": "a", "action_type": "query", "resource": "r"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = admin_get(&server, "/api/admin/audit/verify").await;
    assert_eq!(v["ok"], true);
    server.shutdown().await;
}
