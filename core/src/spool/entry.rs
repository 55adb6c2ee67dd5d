//! One spooled record and its JSON-lines encoding.

use serde::Serialize;
use serde_json::Value;

/// One spooled record: the request to replay.
#[derive(Debug, Clone, PartialEq)]
pub struct SpoolEntry {
    /// Sequence number, unique within the spool and increasing in file order.
    pub seq: u64,
    /// `decision` | `completion` | `failure`.
    pub kind: String,
    /// HTTP method to replay with.
    pub method: String,
    /// Path to replay to.
    pub path: String,
    /// Body to send.
    pub body: Value,
    /// Idempotency key sent on replay (so a crash between send and ack cannot duplicate).
    pub idempotency_key: String,
    /// When it was spooled (ISO-8601).
    pub created_at: String,
}

/// The on-disk form: `seq` first so a line is recognisable from its start; the keys are those the first spool
/// format used, so lines written by either version read the same.
#[derive(Serialize)]
struct Line<'a> {
    seq: u64,
    kind: &'a str,
    method: &'a str,
    path: &'a str,
    idempotency_key: &'a str,
    created_at: &'a str,
    body: &'a Value,
}

impl SpoolEntry {
    /// The entry as one line, `\n` included.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let line = Line {
            seq: self.seq,
            kind: &self.kind,
            method: &self.method,
            path: &self.path,
            idempotency_key: &self.idempotency_key,
            created_at: &self.created_at,
            body: &self.body,
        };
        // Serialising a struct of strings and a `Value` cannot fail.
        let mut out = serde_json::to_vec(&line).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Parses one line (without its `\n`); `None` for anything that is not a whole entry (crash debris).
    pub(crate) fn decode(line: &[u8]) -> Option<SpoolEntry> {
        let v: Value = serde_json::from_slice(line).ok()?;
        Some(SpoolEntry {
            seq: v.get("seq")?.as_u64()?,
            kind: v.get("kind")?.as_str()?.to_string(),
            method: v.get("method")?.as_str()?.to_string(),
            path: v.get("path")?.as_str()?.to_string(),
            body: v.get("body").cloned().unwrap_or(Value::Null),
            idempotency_key: v.get("idempotency_key")?.as_str()?.to_string(),
            created_at: v.get("created_at").and_then(Value::as_str).unwrap_or_default().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry() -> SpoolEntry {
        SpoolEntry {
            seq: 7,
            kind: "decision".into(),
            method: "POST".into(),
            path: "/p".into(),
            body: json!({"z": 1, "a": [true]}),
            idempotency_key: "k".into(),
            created_at: "t".into(),
        }
    }

    #[test]
    fn encodes_seq_first_and_round_trips() {
        let line = entry().encode();
        assert!(line.starts_with(b"{\"seq\":7,"));
        assert_eq!(line.last(), Some(&b'\n'));
        assert_eq!(SpoolEntry::decode(&line[..line.len() - 1]), Some(entry()));
    }

    #[test]
    fn reads_lines_of_the_first_format() {
        // The first format serialised a JSON map (keys sorted).
        let old = br#"{"body":{"n":1},"created_at":"t","idempotency_key":"k","kind":"completion","method":"POST","path":"/b","seq":3}"#;
        let e = SpoolEntry::decode(old).unwrap();
        assert_eq!((e.seq, e.kind.as_str(), e.body.clone()), (3, "completion", json!({"n": 1})));
    }

    #[test]
    fn a_torn_line_is_not_an_entry() {
        let line = entry().encode();
        for cut in 0..line.len() - 1 {
            assert_eq!(SpoolEntry::decode(&line[..cut]), None, "prefix of {cut} bytes");
        }
    }
}
