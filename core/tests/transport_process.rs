//! Transport behaviour that depends on process-wide state, in a test binary of its own: the one DEBUG record per
//! request attempt (`transport::log_attempt`; the log sink and level are global) and loopback requests that bypass
//! a configured proxy (proxy variables are read from the environment).

use ascend_core::clock::{Clock, Sleep};
use ascend_core::config::{ClientParams, Config};
use ascend_core::log::{set_max_level, set_sink, LogLevel, LogRecord};
use ascend_core::transport::{Request, Transport};
use reqwest::Method;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A clock whose monotonic time moves 12.345 ms at every reading, so one attempt lasts exactly one step.
struct Stepping(AtomicU64);

impl Clock for Stepping {
    fn now_unix_micros(&self) -> i64 {
        1_767_225_600_000_000
    }
    fn monotonic(&self) -> Duration {
        Duration::from_micros(self.0.fetch_add(12_345, Ordering::SeqCst) + 12_345)
    }
    fn sleep(&self, _d: Duration) -> Sleep {
        Box::pin(async {})
    }
}

fn field(r: &LogRecord, key: &str) -> Option<String> {
    r.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// A transport to `url` with `max_retries`, on the stepping clock.
fn transport(url: &str, max_retries: i64) -> Transport {
    let cfg = Config::resolve(&ClientParams {
        api_key: Some("k".into()),
        api_url: Some(url.into()),
        max_retries: Some(max_retries),
        env: Some(Default::default()),
        ..Default::default()
    })
    .unwrap();
    Transport::new(Arc::new(cfg), Arc::new(Stepping(AtomicU64::new(0))), None).unwrap()
}

#[test]
fn each_attempt_is_one_debug_record_with_its_latency() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"path": "/zz-logged"}, "respond": {"status": 503, "body": {}}},
            {"match": {"path": "/zz-logged"}, "times": 2, "respond": {"status": 200, "body": {}}}
        ]))
        .unwrap();
    let t = transport(&server.url, 1);
    let seen: Arc<Mutex<Vec<LogRecord>>> = Arc::default();
    let sink = seen.clone();
    set_sink(Arc::new(move |r: LogRecord| sink.lock().unwrap().push(r)));
    let logged = || -> Vec<LogRecord> {
        let all = seen.lock().unwrap();
        all.iter()
            .filter(|r| r.message == "request" && field(r, "path").as_deref() == Some("/zz-logged"))
            .cloned()
            .collect()
    };

    set_max_level(Some(LogLevel::Debug));
    ascend_core::lane::block_on(t.send(&Request::new(Method::GET, "/zz-logged"))).unwrap();
    let records = logged();
    assert_eq!(records.len(), 2, "{records:?}");
    let (first, second) = (&records[0], &records[1]);
    assert_eq!((field(first, "status"), field(first, "attempt")), (Some("503".into()), Some("0".into())));
    assert!(field(first, "code").is_some_and(|c| c.contains("SERVER_ERROR")), "{first:?}");
    assert_eq!((field(second, "status"), field(second, "attempt")), (Some("200".into()), Some("1".into())));
    assert_eq!(field(second, "method").as_deref(), Some("GET"));
    assert!(field(second, "correlation_id").is_some_and(|c| c.starts_with("asc_")), "{second:?}");
    for r in &records {
        assert_eq!(field(r, "latency_ms").as_deref(), Some("12.3"), "{r:?}");
    }

    // Below DEBUG no request record is made.
    set_max_level(Some(LogLevel::Info));
    ascend_core::lane::block_on(t.send(&Request::new(Method::GET, "/zz-logged"))).unwrap();
    assert_eq!(logged().len(), 2);
}

#[test]
fn loopback_requests_never_go_through_a_proxy() {
    // A proxy nobody listens on: a request sent through it fails to connect. Loopback URLs bypass it.
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(var, "http://127.0.0.1:9");
    }
    for var in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(var);
    }
    let server = ascend_mock_server::start_blocking().unwrap();
    server.load_json(&json!([{"match": {"path": "/direct"}, "respond": {"status": 200, "body": {}}}])).unwrap();
    let t = transport(&server.url, 0);
    let reply = ascend_core::lane::block_on(t.send(&Request::new(Method::GET, "/direct")));
    assert!(reply.is_ok(), "{:?}", reply.err());
    assert_eq!(server.requests().len(), 1);
}
