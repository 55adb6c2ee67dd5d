//! Tests of the built `ascend-dev` binary: `serve` output and signals, `kill -9` durability, and the review
//! CLI against a running server.

mod common;

use common::*;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ascend-dev");

struct Proc {
    child: Child,
    url: String,
    stderr: std::process::ChildStderr,
}

fn spawn_serve(args: &[&str]) -> Proc {
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("ASCEND_DEV_API_KEY")
        .env_remove("ASCEND_DEV_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ascend-dev");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("ascend-dev listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let stderr = child.stderr.take().unwrap();
    Proc { child, url, stderr }
}

fn signal(child: &Child, sig: &str) {
    let st = Command::new("kill").args([sig, &child.id().to_string()]).status().unwrap();
    assert!(st.success());
}

async fn post(url: &str, path: &str, key: (&str, &str), body: serde_json::Value) -> (u16, serde_json::Value) {
    send(http().post(format!("{url}{path}")).header(key.0, key.1).json(&body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_one_line_generates_credentials_and_stops_on_sigterm() {
    let mut p = spawn_serve(&["--db", ":memory:"]);
    let (s, _) = send(http().get(format!("{}/health", p.url))).await;
    assert_eq!(s, 200);
    signal(&p.child, "-TERM");
    let t = Instant::now();
    let status = p.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(t.elapsed() < Duration::from_secs(5));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut p.stderr, &mut err).unwrap();
    assert!(err.contains("generated API key: owkai_dev_"), "{err}");
    assert!(err.contains("generated admin token: adm_"), "{err}");

    let mut p = spawn_serve(&["--db", ":memory:", "--api-key", "k", "--admin-token", "t"]);
    signal(&p.child, "-INT");
    assert!(p.child.wait().unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_action_decision_or_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dev.db");
    let db = db.to_str().unwrap();
    let args = ["--db", db, "--api-key", API_KEY, "--admin-token", ADMIN];
    let mut p = spawn_serve(&args);
    let key = ("X-API-Key", API_KEY);
    let adm = ("X-Admin-Token", ADMIN);
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = probe.local_addr().unwrap();
    drop(probe);
    post(
        &p.url,
        "/api/webhooks/configure",
        key,
        json!({"url": format!("http://{dead}/hook"), "events": ["action.pending", "action.approved"], "secret": "s"}),
    )
    .await;
    let mut ids = Vec::new();
    for t in ["query", "transaction", "transaction", "system_operation"] {
        let (s, v) = send(
            http()
                .post(format!("{}/api/v1/actions/submit", p.url))
                .header(key.0, key.1)
                .header("Idempotency-Key", format!("idem-{t}-{}", ids.len()))
                .json(&json!({"agent_id": "d", "action_type": t, "resource": "r"})),
        )
        .await;
        assert_eq!(s, 200);
        ids.push(v["id"].as_i64().unwrap());
    }
    let (s, _) = post(&p.url, &format!("/api/admin/actions/{}/approve", ids[1]), adm, json!({"comment": "fine"})).await;
    assert_eq!(s, 200);
    let (s, _) = post(&p.url, &format!("/api/admin/actions/{}/deny", ids[2]), adm, json!({"reason": "nope"})).await;
    assert_eq!(s, 200);
    let (_, before) = send(http().get(format!("{}/api/admin/webhooks/deliveries", p.url)).header(adm.0, adm.1)).await;
    let pending_before = before["deliveries"].as_array().unwrap().iter().filter(|d| d["state"] == "pending").count();
    assert_eq!(pending_before, 5, "auto-approved, 3 pending, 1 human approval: {before}");

    p.child.kill().unwrap(); // SIGKILL
    p.child.wait().unwrap();

    let mut p = spawn_serve(&args);
    let get = |id: i64| send(http().get(format!("{}/api/v1/actions/{id}/status", p.url)).header(key.0, key.1));
    assert_eq!(get(ids[0]).await.1["status"], "approved");
    let b = get(ids[1]).await.1;
    assert_eq!((b["status"].as_str(), b["reason"].as_str()), (Some("approved"), Some("fine")));
    let c = get(ids[2]).await.1;
    assert_eq!((c["status"].as_str(), c["reason"].as_str()), (Some("rejected"), Some("nope")));
    assert_eq!(get(ids[3]).await.1["status"], "pending_approval");
    // The idempotency key is durable too.
    let (_, again) = send(
        http()
            .post(format!("{}/api/v1/actions/submit", p.url))
            .header(key.0, key.1)
            .header("Idempotency-Key", "idem-query-0")
            .json(&json!({"agent_id": "d", "action_type": "query", "resource": "r"})),
    )
    .await;
    assert_eq!(again["id"], ids[0]);
    let (_, after) =
        send(http().get(format!("{}/api/admin/webhooks/deliveries?state=pending", p.url)).header(adm.0, adm.1)).await;
    assert_eq!(after["total"], 5, "{after}");
    let (_, v) = send(http().get(format!("{}/api/admin/audit/verify", p.url)).header(adm.0, adm.1)).await;
    assert_eq!(v["ok"], true, "{v}");
    signal(&p.child, "-TERM");
    assert!(p.child.wait().unwrap().success());
}

fn cli(args: &[&str], url: &str, token: &str) -> Output {
    Command::new(BIN).args(args).env("ASCEND_DEV_URL", url).env("ASCEND_DEV_ADMIN_TOKEN", token).output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_cli_against_a_running_server() {
    let server = start().await;
    let url = server.url();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (_, v) = agent_post(
            &server,
            "/api/v1/actions/submit",
            json!({"agent_id": "cli-bot", "action_type": "transaction", "resource": "ledger"}),
        )
        .await;
        ids.push(v["id"].to_string());
    }
    let u = url.clone();
    let ids2 = ids.clone();
    let outputs = tokio::task::spawn_blocking(move || {
        let list = cli(&["list", "--status", "pending"], &u, ADMIN);
        let approve = cli(&["approve", &ids2[0], "--comment", "ship it"], &u, ADMIN);
        let deny = cli(&["deny", &ids2[1], "--reason", "too risky"], &u, ADMIN);
        // --url / --admin-token flags override the environment.
        let flags = Command::new(BIN)
            .args(["list", "--status", "pending", "--url", &u, "--admin-token", ADMIN])
            .env("ASCEND_DEV_URL", "http://127.0.0.1:9")
            .output()
            .unwrap();
        let models = cli(&["models", "add", "llama-3-fine-tuned", "--status", "partially_approved"], &u, ADMIN);
        let bad_model = cli(&["models", "add", "x", "--status", "sort-of"], &u, ADMIN);
        let verify = cli(&["audit", "verify"], &u, ADMIN);
        let wrong = cli(&["list"], &u, "wrong-token");
        let again = cli(&["approve", &ids2[0]], &u, ADMIN);
        (list, approve, deny, flags, models, bad_model, verify, wrong, again)
    })
    .await
    .unwrap();
    let (list, approve, deny, flags, models, bad_model, verify, wrong, again) = outputs;
    assert!(list.status.success());
    assert_eq!(out(&list).lines().filter(|l| l.contains("pending_approval")).count(), 3, "{}", out(&list));
    assert!(approve.status.success(), "{approve:?}");
    assert!(out(&approve).contains("approved (ship it)"), "{}", out(&approve));
    assert!(out(&deny).contains("rejected (too risky)"));
    assert_eq!(out(&flags).lines().filter(|l| l.contains("pending_approval")).count(), 1, "{}", out(&flags));
    assert!(out(&models).contains("partially_approved"));
    assert!(!bad_model.status.success());
    assert!(String::from_utf8_lossy(&bad_model.stderr).contains("422"));
    assert!(verify.status.success());
    assert!(out(&verify).starts_with("audit log OK"), "{}", out(&verify));
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("401"));
    assert!(!again.status.success(), "approving twice is a 409");
    assert!(String::from_utf8_lossy(&again.stderr).contains("409"));

    let s = server
        .state()
        .db
        .lock()
        .query_row("SELECT status FROM actions WHERE id = ?1", [ids[0].parse::<i64>().unwrap()], |r| {
            r.get::<_, String>(0)
        })
        .unwrap();
    assert_eq!(s, "approved");
    // Tamper with the audit log behind the server's back: `audit verify` fails with exit status 1.
    server
        .state()
        .db
        .lock()
        .execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'forged' WHERE seq = 2;")
        .unwrap();
    let u = url.clone();
    let verify = tokio::task::spawn_blocking(move || cli(&["audit", "verify"], &u, ADMIN)).await.unwrap();
    assert_eq!(verify.status.code(), Some(1));
    assert!(out(&verify).contains("BROKEN at entry 2"), "{}", out(&verify));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_page_approves_with_a_session_cookie() {
    let server = start().await;
    let (_, a) = agent_post(
        &server,
        "/api/v1/actions/submit",
        json!({"agent_id": "web", "action_type": "transaction", "resource": "<script>x</script>"}),
    )
    .await;
    let id = a["id"].as_i64().unwrap();
    let h = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = h.get(format!("{}/", server.url())).send().await.unwrap();
    assert_eq!(r.status(), 401, "no session: sign-in page");
    let r = h.get(format!("{}/?token=wrong", server.url())).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = h.get(format!("{}/?token={ADMIN}", server.url())).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert!(!cookie.contains(ADMIN), "the cookie is not the token");
    let page =
        h.get(format!("{}/", server.url())).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("id=\"approve-{id}\"")));
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;") && !page.contains("<script>x"), "escaped");
    // Without the cookie, or cross-origin, a post does nothing.
    let r = h.post(format!("{}/ui/actions/{id}/approve", server.url())).form(&[("comment", "x")]).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = h
        .post(format!("{}/ui/actions/{id}/approve", server.url()))
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .form(&[("comment", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = h
        .post(format!("{}/ui/actions/{id}/approve", server.url()))
        .header("cookie", &cookie)
        .form(&[("comment", "from the page")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, v) = agent_get(&server, &format!("/api/v1/actions/{id}/status")).await;
    assert_eq!(v["status"], "approved");
    assert_eq!(v["reason"], "from the page");
    assert_eq!(v["reviewed_by"], "web");
    server.shutdown().await;
}
