//! Pre-score and CVSS benchmarks (`make bench`, or `cargo bench -p ascend-core --bench prescore`).
//!
//! Targets on the reference machine: under 1 µs per typical pre-score, under 200 ns per CVSS score.

use ascend_core::prescore::{cvss, prescore, ActionInput, Prescorer, Thresholds};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;

/// The first guide's example: a database write in production on sensitive data, with PII.
fn typical() -> ActionInput {
    ActionInput::from_json(&json!({
        "action_type": "database_write",
        "resource": "customer_financial_records",
        "context": {"environment": "production", "data_sensitivity": "high_sensitivity",
                    "business_justification": "Customer requested account update"},
        "risk_indicators": {"pii_involved": true},
    }))
    .expect("valid input")
}

fn bench_prescore(c: &mut Criterion) {
    let typical = typical();
    let plain = ActionInput::new("query", "customer_profiles");
    let unknown = ActionInput {
        description: Some("Delete all cancelled orders older than 90 days".into()),
        ..ActionInput::new("cleanup_job", "orders")
    };
    let batch: Vec<ActionInput> = (0..100).map(|i| if i % 2 == 0 { typical.clone() } else { plain.clone() }).collect();
    let scorer = Prescorer::builtin();
    let thresholds = Thresholds::default();

    let mut g = c.benchmark_group("prescore");
    g.bench_function("typical", |b| b.iter(|| prescore(black_box(&typical))));
    g.bench_function("typical_assess_only", |b| b.iter(|| scorer.assess(black_box(&typical), &thresholds).risk_score));
    g.bench_function("no_context", |b| b.iter(|| scorer.score(black_box(&plain), &thresholds)));
    g.bench_function("unknown_type_keywords", |b| b.iter(|| scorer.score(black_box(&unknown), &thresholds)));
    g.bench_function("batch_100", |b| b.iter(|| scorer.score_batch(black_box(&batch), &thresholds)));
    g.finish();
}

fn bench_cvss(c: &mut Criterion) {
    let base = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N";
    let full = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:N/E:P/RL:O/RC:C/CR:H/IR:M/AR:L/MAV:A/MPR:H/MS:U/MC:H";
    let parsed = cvss::CvssVector::parse(full).expect("valid vector");

    let mut g = c.benchmark_group("cvss");
    g.bench_function("score_base_vector", |b| b.iter(|| cvss::score(black_box(base))));
    g.bench_function("score_full_vector", |b| b.iter(|| cvss::score(black_box(full))));
    g.bench_function("scores_parsed_vector", |b| b.iter(|| black_box(&parsed).scores()));
    g.finish();
}

criterion_group!(benches, bench_prescore, bench_cvss);
criterion_main!(benches);
