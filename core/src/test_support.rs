//! Helpers shared by the core's unit tests.

use crate::clock::ManualClock;
use crate::{Client, ClientParams};
use std::sync::Arc;

/// A client of `url` on a manual clock (sleeps return at once), without retries, with its spool in `dir`.
pub(crate) fn manual_client(url: &str, dir: &tempfile::TempDir) -> (Client, Arc<ManualClock>) {
    let clock = ManualClock::new(1_767_225_600_000_000);
    let c = Client::with_clock(
        ClientParams {
            api_key: Some("k".into()),
            api_url: Some(url.into()),
            audit_spool_path: Some(dir.path().join("s.jsonl")),
            max_retries: Some(0),
            env: Some(Default::default()),
            ..Default::default()
        },
        clock.clone(),
    )
    .unwrap();
    (c, clock)
}
