//! Helpers shared by the integration tests of `ascend-core`.

use ascend_core::{Client, ClientParams};
use std::collections::HashMap;

/// A client for `url` with no retries, an empty environment (no `ASCEND_*` fallbacks) and a spool in a fresh
/// temporary directory.
pub fn client(url: &str, api_key: &str, agent_id: &str) -> Client {
    let dir = tempfile::tempdir().unwrap();
    Client::new(ClientParams {
        api_key: Some(api_key.into()),
        agent_id: Some(agent_id.into()),
        api_url: Some(url.into()),
        max_retries: Some(0),
        audit_spool_path: Some(dir.keep().join("spool.jsonl")),
        env: Some(HashMap::new()),
        ..Default::default()
    })
    .unwrap()
}
