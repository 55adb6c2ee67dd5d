//! Webhook verification speed: a 1 KiB event body, one secret (target: under 2 µs per verification).
//!
//! `cargo bench -p ascend-core --bench webhook`

use ascend_core::webhook::{self, Scheme, VerifyOptions};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const NOW: i64 = 1_767_225_600;

/// A realistic `action.approved` event padded to exactly 1024 bytes.
fn body_1kib() -> Vec<u8> {
    let head = r#"{"type":"action.approved","timestamp":"2026-01-01T00:00:00+00:00","data":{"action_id":4242,"status":"approved","approved_by":"alice@example.com","risk_score":35.0,"agent_id":"agent-7","resource":"production-db","note":""#;
    let tail = r#""}}"#;
    let mut s = String::from(head);
    s.push_str(&"x".repeat(1024 - head.len() - tail.len()));
    s.push_str(tail);
    assert_eq!(s.len(), 1024);
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let body = body_1kib();
    let secrets = vec!["whsec_c2VjcmV0LWZvci1jb25mb3JtYW5jZS10ZXN0cw==".to_string()];
    let opts = VerifyOptions { now_unix: Some(NOW), ..VerifyOptions::default() };
    let mut g = c.benchmark_group("webhook_1kib");
    g.throughput(Throughput::Bytes(body.len() as u64));
    for scheme in Scheme::ALL {
        let headers = webhook::sign(&body, &secrets[0], scheme, None, Some(NOW)).unwrap();
        webhook::verify(&body, &headers, &secrets, &opts).unwrap();
        g.bench_function(format!("verify/{scheme}"), |b| {
            b.iter(|| webhook::verify(black_box(&body), black_box(&headers), &secrets, &opts).unwrap())
        });
        g.bench_function(format!("verify_signature/{scheme}"), |b| {
            b.iter(|| webhook::verify_signature(black_box(&body), black_box(&headers), &secrets, &opts).unwrap())
        });
    }
    g.bench_function("sign/standard_webhooks", |b| {
        b.iter(|| {
            webhook::sign(black_box(&body), &secrets[0], Scheme::StandardWebhooks, Some("msg_1"), Some(NOW)).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
