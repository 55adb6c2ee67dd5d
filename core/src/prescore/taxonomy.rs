//! The built-in action taxonomy, as data: action categories (the guides' five types plus the peer's names and
//! a few more), each with a base risk anchored on the guides' 35/60/85/95, a CVSS v3.1 base vector, a MITRE
//! ATT&CK tactic/technique and NIST SP 800-53 controls; the aliases that map free-text action types onto them;
//! and the keywords that classify unknown types.
//!
//! Names are compared after [`normalize`]: ASCII lower case, and `.`, `-`, `/`, `:` and spaces become `_`, so
//! `database.query`, `Database-Query` and `database_query` are the same name.
//!
//! Keywords match whole tokens of the action type, tool name, resource and description (tokens are runs of
//! letters and digits, split at camelCase humps), or token prefixes when written with a trailing `*`
//! (`delet*` matches `delete`, `deleted`, `deletion`).

/// One built-in category (static form; the pre-scorer turns it into an owned rule).
#[derive(Debug, Clone, Copy)]
pub struct BuiltinCategory {
    /// Category name (normalised).
    pub name: &'static str,
    /// Base risk 0–100 before context (the guides' anchors: 35 low, 60 medium, 85 high, 95 critical).
    pub risk: f64,
    /// CVSS v3.1 base vector describing the action if misused.
    pub cvss_vector: &'static str,
    /// ATT&CK tactic id.
    pub tactic: &'static str,
    /// ATT&CK technique id.
    pub technique: &'static str,
    /// SP 800-53 controls, primary first.
    pub nist_controls: &'static [&'static str],
    /// What the category covers.
    pub description: &'static str,
    /// Other action type names that mean this category (normalised).
    pub aliases: &'static [&'static str],
}

/// The category used when an action type is unknown and no keyword matches.
pub const DEFAULT_CATEGORY: &str = "unclassified";

/// The built-in categories. Their order breaks ties between keyword matches of equal base risk (earlier wins).
pub const CATEGORIES: &[BuiltinCategory] = &[
    BuiltinCategory {
        name: "code_execution",
        risk: 95.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
        tactic: "TA0002",
        technique: "T1059",
        nist_controls: &["CM-7", "SI-3", "AC-6", "AU-2"],
        description: "running code, scripts or shell commands",
        aliases: &[
            "code_execution",
            "code_eval",
            "code_exec",
            "system_subprocess",
            "subprocess",
            "shell",
            "shell_command",
            "shell_exec",
            "command_execution",
            "execute_command",
            "exec",
            "execute_code",
            "run_code",
            "script_execution",
            "run_script",
            "eval",
        ],
    },
    BuiltinCategory {
        name: "credential_access",
        risk: 95.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:N",
        tactic: "TA0006",
        technique: "T1552",
        nist_controls: &["IA-5", "AC-6", "AU-2"],
        description: "reading, creating or rotating credentials, secrets, keys or tokens",
        aliases: &[
            "credential_access",
            "credentials_access",
            "secret_read",
            "secrets_access",
            "read_secret",
            "get_secret",
            "password_reset",
            "credential_rotation",
            "rotate_credentials",
            "api_key_access",
            "token_access",
        ],
    },
    BuiltinCategory {
        name: "permission_change",
        risk: 95.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:N",
        tactic: "TA0004",
        technique: "T1098",
        nist_controls: &["AC-2", "AC-6", "AU-2"],
        description: "granting or revoking permissions, roles or privileges; account changes",
        aliases: &[
            "permission_change",
            "permissions_change",
            "grant_permission",
            "revoke_permission",
            "role_assignment",
            "assign_role",
            "privilege_escalation",
            "access_grant",
            "user_role_update",
            "iam_update",
            "iam_change",
        ],
    },
    BuiltinCategory {
        name: "system_operation",
        risk: 95.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H",
        tactic: "TA0040",
        technique: "T1489",
        nist_controls: &["CM-3", "CM-5", "AC-6", "AU-2"],
        description: "system changes: configuration, deployment, restarts, infrastructure",
        aliases: &[
            "system_operation",
            "system_operations",
            "system_change",
            "system_config",
            "config_change",
            "configuration_change",
            "deploy",
            "deployment",
            "restart_service",
            "service_restart",
            "infrastructure_change",
            "system_admin",
            "admin_operation",
        ],
    },
    BuiltinCategory {
        name: "data_deletion",
        risk: 85.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:H",
        tactic: "TA0040",
        technique: "T1485",
        nist_controls: &["CP-9", "SI-7", "AC-3", "AU-2"],
        description: "deleting, dropping or purging data",
        aliases: &[
            "data_deletion",
            "data_delete",
            "database_delete",
            "db_delete",
            "delete",
            "delete_record",
            "delete_file",
            "file_delete",
            "remove",
            "purge",
            "drop_table",
        ],
    },
    BuiltinCategory {
        name: "data_export",
        risk: 85.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N",
        tactic: "TA0010",
        technique: "T1567",
        nist_controls: &["AC-4", "SC-7", "AU-2"],
        description: "moving data out of its system: exports, uploads, downloads, bulk copies",
        aliases: &[
            "data_export",
            "export",
            "bulk_export",
            "data_transfer",
            "file_upload",
            "upload",
            "file_download",
            "download",
            "data_sync",
            "data_dump",
        ],
    },
    BuiltinCategory {
        name: "transaction",
        risk: 85.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:H/A:N",
        tactic: "TA0040",
        technique: "T1657",
        nist_controls: &["AC-5", "AU-10", "AC-3", "AU-2"],
        description: "financial transactions: payments, refunds, transfers, purchases",
        aliases: &[
            "transaction",
            "financial_transaction",
            "financial_refund",
            "financial_payment",
            "financial_transfer",
            "refund",
            "payment",
            "process_payment",
            "wire_transfer",
            "transfer_funds",
            "funds_transfer",
            "purchase",
            "charge",
            "payout",
        ],
    },
    BuiltinCategory {
        name: "data_modification",
        risk: 85.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:H/A:L",
        tactic: "TA0040",
        technique: "T1565",
        nist_controls: &["SI-7", "AC-3", "AC-6", "AU-2"],
        description: "creating or updating existing data",
        aliases: &[
            "data_modification",
            "database_write",
            "database_update",
            "database_insert",
            "db_write",
            "db_update",
            "data_write",
            "write",
            "update",
            "modify",
            "file_write",
            "write_file",
            "record_update",
            "update_record",
            "crm_update",
        ],
    },
    BuiltinCategory {
        name: "data_access",
        risk: 60.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
        tactic: "TA0009",
        technique: "T1005",
        nist_controls: &["AC-3", "AC-6", "AU-2", "SC-28"],
        description: "reading records or files that may hold PII or other sensitive data",
        aliases: &[
            "data_access",
            "data_read",
            "database_read",
            "db_read",
            "read",
            "file_read",
            "read_file",
            "fetch",
            "retrieve",
            "get",
            "access",
            "pii_access",
            "customer_lookup",
            "record_read",
        ],
    },
    BuiltinCategory {
        name: "communication",
        risk: 60.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N",
        tactic: "TA0010",
        technique: "T1048",
        nist_controls: &["AC-4", "SC-8", "AU-2"],
        description: "sending messages, emails or notifications",
        aliases: &[
            "communication",
            "send_email",
            "email_send",
            "email",
            "send_message",
            "message_send",
            "notification",
            "notify",
            "send_notification",
            "sms_send",
            "send_sms",
            "slack_post",
            "post_message",
        ],
    },
    BuiltinCategory {
        name: "model_inference",
        risk: 60.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N",
        tactic: "TA0040",
        technique: "T1565",
        nist_controls: &["SI-10", "SI-7", "AU-2"],
        description: "calling an AI model whose output feeds a decision",
        aliases: &[
            "model_inference",
            "inference",
            "llm_call",
            "llm_inference",
            "model_call",
            "model_invoke",
            "completion",
            "chat_completion",
            "embedding",
            "prediction",
            "predict",
        ],
    },
    BuiltinCategory {
        name: "api_call",
        risk: 60.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N",
        tactic: "TA0011",
        technique: "T1071",
        nist_controls: &["SC-7", "AC-3", "AU-2"],
        description: "calling an external API or an agent tool (MCP tool calls included)",
        aliases: &[
            "api_call",
            "tool_call",
            "http_request",
            "api_request",
            "webhook_call",
            "function_call",
            "mcp_tool_call",
            "tool_use",
            "external_api",
            "mcp_call",
        ],
    },
    BuiltinCategory {
        name: "unclassified",
        risk: 60.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L",
        tactic: "TA0001",
        technique: "T1078",
        nist_controls: &["AC-3", "AC-6", "AU-2"],
        description: "an action whose type and text reveal nothing: medium, the protocol's default level",
        aliases: &["unknown", "other", "generic"],
    },
    BuiltinCategory {
        name: "query",
        risk: 35.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
        tactic: "TA0009",
        technique: "T1213",
        nist_controls: &["AC-3", "AU-2"],
        description: "read-only data queries",
        aliases: &[
            "query",
            "database_query",
            "db_query",
            "sql_query",
            "read_only_query",
            "search",
            "lookup",
            "list",
            "select",
            "find",
        ],
    },
    BuiltinCategory {
        name: "analysis",
        risk: 35.0,
        cvss_vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
        tactic: "TA0009",
        technique: "T1119",
        nist_controls: &["AC-3", "AU-2"],
        description: "analysis, summaries, recommendations and report generation over data the agent may read",
        aliases: &[
            "analysis",
            "analyze",
            "analyse",
            "analytics",
            "recommendation",
            "recommend",
            "report_generation",
            "generate_report",
            "report",
            "summarize",
            "summarise",
            "summarization",
            "classification",
            "classify",
            "forecast",
        ],
    },
];

/// Built-in keywords (`stem*` = token prefix, otherwise whole token) and the category each suggests.
pub const KEYWORDS: &[(&str, &str)] = &[
    // code execution
    ("exec*", "code_execution"),
    ("eval", "code_execution"),
    ("shell", "code_execution"),
    ("subprocess", "code_execution"),
    ("bash", "code_execution"),
    ("powershell", "code_execution"),
    ("script*", "code_execution"),
    ("command*", "code_execution"),
    ("cmd", "code_execution"),
    ("spawn*", "code_execution"),
    // credentials
    ("credential*", "credential_access"),
    ("password*", "credential_access"),
    ("passwd", "credential_access"),
    ("secret*", "credential_access"),
    ("token", "credential_access"),
    ("tokens", "credential_access"),
    ("apikey*", "credential_access"),
    ("oauth", "credential_access"),
    // permissions
    ("permission*", "permission_change"),
    ("grant*", "permission_change"),
    ("revoke*", "permission_change"),
    ("role*", "permission_change"),
    ("privilege*", "permission_change"),
    ("admin*", "permission_change"),
    ("sudo", "permission_change"),
    ("chmod", "permission_change"),
    ("chown", "permission_change"),
    ("acl", "permission_change"),
    ("iam", "permission_change"),
    ("escalat*", "permission_change"),
    // system operations
    ("deploy*", "system_operation"),
    ("restart*", "system_operation"),
    ("reboot*", "system_operation"),
    ("shutdown*", "system_operation"),
    ("install*", "system_operation"),
    ("uninstall*", "system_operation"),
    ("config*", "system_operation"),
    ("provision*", "system_operation"),
    ("terminate*", "system_operation"),
    ("kill", "system_operation"),
    ("infrastructure", "system_operation"),
    ("kubectl", "system_operation"),
    ("systemctl", "system_operation"),
    // deletion
    ("delet*", "data_deletion"),
    ("remov*", "data_deletion"),
    ("drop", "data_deletion"),
    ("dropped", "data_deletion"),
    ("purg*", "data_deletion"),
    ("truncat*", "data_deletion"),
    ("destroy*", "data_deletion"),
    ("wipe*", "data_deletion"),
    ("erase*", "data_deletion"),
    ("unlink", "data_deletion"),
    ("rm", "data_deletion"),
    // export / exfiltration
    ("export*", "data_export"),
    ("download*", "data_export"),
    ("upload*", "data_export"),
    ("exfiltrat*", "data_export"),
    ("dump*", "data_export"),
    ("backup*", "data_export"),
    ("share", "data_export"),
    ("sync", "data_export"),
    // transactions
    ("pay", "transaction"),
    ("payment*", "transaction"),
    ("payout*", "transaction"),
    ("refund*", "transaction"),
    ("charg*", "transaction"),
    ("invoic*", "transaction"),
    ("transfer*", "transaction"),
    ("wire", "transaction"),
    ("purchas*", "transaction"),
    ("withdraw*", "transaction"),
    ("deposit*", "transaction"),
    ("billing", "transaction"),
    ("financ*", "transaction"),
    ("transaction*", "transaction"),
    ("trade", "transaction"),
    // modification
    ("writ*", "data_modification"),
    ("updat*", "data_modification"),
    ("modif*", "data_modification"),
    ("insert*", "data_modification"),
    ("creat*", "data_modification"),
    ("edit*", "data_modification"),
    ("patch*", "data_modification"),
    ("put", "data_modification"),
    ("alter", "data_modification"),
    ("altered", "data_modification"),
    ("chang*", "data_modification"),
    ("upsert*", "data_modification"),
    ("save*", "data_modification"),
    ("append*", "data_modification"),
    ("overwrit*", "data_modification"),
    ("replac*", "data_modification"),
    ("renam*", "data_modification"),
    ("migrat*", "data_modification"),
    ("import*", "data_modification"),
    ("set", "data_modification"),
    // access
    ("access*", "data_access"),
    ("read*", "data_access"),
    ("fetch*", "data_access"),
    ("get", "data_access"),
    ("retriev*", "data_access"),
    ("load*", "data_access"),
    ("open", "data_access"),
    ("view*", "data_access"),
    ("pii", "data_access"),
    ("ssn", "data_access"),
    ("profile*", "data_access"),
    // communication
    ("send*", "communication"),
    ("email*", "communication"),
    ("mail*", "communication"),
    ("notif*", "communication"),
    ("messag*", "communication"),
    ("sms", "communication"),
    ("slack", "communication"),
    ("tweet*", "communication"),
    ("publish*", "communication"),
    // model inference
    ("infer*", "model_inference"),
    ("llm*", "model_inference"),
    ("prompt*", "model_inference"),
    ("completion*", "model_inference"),
    ("embed*", "model_inference"),
    ("model*", "model_inference"),
    ("gpt*", "model_inference"),
    ("predict*", "model_inference"),
    // api / tools
    ("api", "api_call"),
    ("http*", "api_call"),
    ("request*", "api_call"),
    ("webhook*", "api_call"),
    ("tool*", "api_call"),
    ("mcp", "api_call"),
    ("rpc", "api_call"),
    ("endpoint*", "api_call"),
    // queries
    ("query", "query"),
    ("queries", "query"),
    ("search*", "query"),
    ("select", "query"),
    ("list*", "query"),
    ("find*", "query"),
    ("count", "query"),
    ("lookup*", "query"),
    ("browse*", "query"),
    ("show", "query"),
    ("describ*", "query"),
    // analysis
    ("analy*", "analysis"),
    ("summar*", "analysis"),
    ("report*", "analysis"),
    ("recommend*", "analysis"),
    ("classif*", "analysis"),
    ("forecast*", "analysis"),
    ("calculat*", "analysis"),
    ("evaluat*", "analysis"),
    ("score*", "analysis"),
];

/// Maximum length of a name normalised on the stack; longer names are normalised on the heap.
const INLINE: usize = 64;

/// A normalised name: lower-case ASCII, with `.`, `-`, `/`, `:` and whitespace mapped to `_`, trimmed.
/// Short names (the common case) never allocate.
pub struct NormName {
    inline: [u8; INLINE],
    len: usize,
    heap: Option<String>,
}

impl NormName {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        match &self.heap {
            Some(s) => s,
            // Only ASCII bytes were rewritten, so the buffer is valid UTF-8 whenever the input was.
            None => std::str::from_utf8(&self.inline[..self.len]).unwrap_or(""),
        }
    }
}

fn norm_byte(b: u8) -> u8 {
    match b {
        b'.' | b'-' | b'/' | b':' | b' ' | b'\t' => b'_',
        _ => b.to_ascii_lowercase(),
    }
}

/// Normalises an action type, category, alias, environment or sensitivity name.
pub fn normalize(s: &str) -> NormName {
    let t = s.trim();
    if t.len() <= INLINE {
        let mut inline = [0u8; INLINE];
        for (d, b) in inline.iter_mut().zip(t.bytes()) {
            *d = norm_byte(b);
        }
        NormName { inline, len: t.len(), heap: None }
    } else {
        let bytes: Vec<u8> = t.bytes().map(norm_byte).collect();
        NormName { inline: [0; INLINE], len: 0, heap: Some(String::from_utf8(bytes).unwrap_or_default()) }
    }
}

/// A keyword: whole token or (`prefix`) token prefix, lower-case ASCII letters and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyword {
    /// The keyword text without the `*`.
    pub stem: String,
    /// Matches any token starting with `stem`.
    pub prefix: bool,
    /// The written form (`stem` or `stem*`).
    pub written: String,
}

impl Keyword {
    /// Parses `word` or `stem*`; `None` unless the text is 1–32 ASCII letters/digits (plus the optional `*`).
    pub fn parse(text: &str) -> Option<Keyword> {
        let t = text.trim();
        let (stem, prefix) = match t.strip_suffix('*') {
            Some(s) => (s, true),
            None => (t, false),
        };
        let ok = (1..=32).contains(&stem.len()) && stem.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| {
            let stem = stem.to_ascii_lowercase();
            let written = if prefix { format!("{stem}*") } else { stem.clone() };
            Keyword { stem, prefix, written }
        })
    }

    /// The written form (`stem` or `stem*`).
    pub fn text(&self) -> &str {
        &self.written
    }

    fn matches(&self, token: &[u8]) -> bool {
        let k = self.stem.as_bytes();
        if self.prefix {
            token.len() >= k.len() && token[..k.len()].eq_ignore_ascii_case(k)
        } else {
            token.eq_ignore_ascii_case(k)
        }
    }
}

/// Calls `f` for every token of `text`: maximal runs of alphanumeric characters (non-ASCII letters count), split
/// again where a lower-case letter or digit is followed by an upper-case one (`deleteUser` -> `delete`, `User`).
pub fn for_each_token(text: &str, mut f: impl FnMut(&[u8])) {
    let b = text.as_bytes();
    let mut start: Option<usize> = None;
    for i in 0..b.len() {
        let c = b[i];
        let word = c.is_ascii_alphanumeric() || c >= 0x80;
        match (start, word) {
            (None, true) => start = Some(i),
            (Some(s), true) => {
                if c.is_ascii_uppercase() && (b[i - 1].is_ascii_lowercase() || b[i - 1].is_ascii_digit()) {
                    f(&b[s..i]);
                    start = Some(i);
                }
            }
            (Some(s), false) => {
                f(&b[s..i]);
                start = None;
            }
            (None, false) => {}
        }
    }
    if let Some(s) = start {
        f(&b[s..]);
    }
}

/// Keyword index: keywords bucketed by first letter so that a token is compared with a handful of candidates.
#[derive(Debug, Clone, Default)]
pub struct KeywordIndex {
    entries: Vec<(Keyword, u16)>,
    buckets: Vec<Vec<u16>>, // 36 buckets: a–z, 0–9 -> indices into `entries`
}

fn bucket_of(b: u8) -> Option<usize> {
    match b.to_ascii_lowercase() {
        c @ b'a'..=b'z' => Some((c - b'a') as usize),
        c @ b'0'..=b'9' => Some(26 + (c - b'0') as usize),
        _ => None,
    }
}

/// The best keyword hit: the category, the keyword and the field it was found in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeywordHit<'a> {
    /// Rule index of the suggested category.
    pub rule: u16,
    /// The keyword that matched.
    pub keyword: &'a Keyword,
}

impl KeywordIndex {
    /// Adds or replaces a keyword.
    pub fn insert(&mut self, kw: Keyword, rule: u16) {
        if let Some(e) = self.entries.iter_mut().find(|(k, _)| *k == kw) {
            e.1 = rule;
            return;
        }
        self.entries.push((kw, rule));
        self.rebuild();
    }

    fn rebuild(&mut self) {
        self.buckets = vec![Vec::new(); 36];
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if let Some(b) = k.stem.bytes().next().and_then(bucket_of) {
                self.buckets[b].push(i as u16);
            }
        }
    }

    /// Number of keywords.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keywords.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All keywords with their rule indices.
    pub fn entries(&self) -> &[(Keyword, u16)] {
        &self.entries
    }

    /// The strongest keyword in `texts`: per token the longest matching keyword; across tokens the one whose
    /// category `rank` is best (lower is better), then the longer keyword, then the earlier token.
    pub fn best<'a>(&'a self, texts: &[&str], rank: impl Fn(u16) -> (u32, u32)) -> Option<KeywordHit<'a>> {
        let mut best: Option<(&'a Keyword, u16)> = None;
        for text in texts {
            for_each_token(text, |tok| {
                let Some(b) = tok.first().copied().and_then(bucket_of) else { return };
                let mut token_best: Option<(&'a Keyword, u16)> = None;
                for &i in &self.buckets[b] {
                    let (k, r) = &self.entries[i as usize];
                    if k.matches(tok) && token_best.is_none_or(|(tk, _)| k.stem.len() > tk.stem.len()) {
                        token_best = Some((k, *r));
                    }
                }
                if let Some((k, r)) = token_best {
                    let better = match best {
                        None => true,
                        Some((bk, br)) => {
                            let (a, b) = (rank(r), rank(br));
                            a < b || (a == b && k.stem.len() > bk.stem.len())
                        }
                    };
                    if better {
                        best = Some((k, r));
                    }
                }
            });
        }
        best.map(|(keyword, rule)| KeywordHit { rule, keyword })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prescore::{cvss, mitre, nist};

    #[test]
    fn builtin_table_is_consistent() {
        let mut names = std::collections::HashSet::new();
        for c in CATEGORIES {
            assert_eq!(normalize(c.name).as_str(), c.name);
            assert!(cvss::CvssVector::parse(c.cvss_vector).is_ok(), "{}", c.name);
            assert!(mitre::tactic_name(c.tactic).is_some(), "{}", c.tactic);
            assert!(mitre::technique_name(c.technique).is_some(), "{}", c.technique);
            assert!(!c.nist_controls.is_empty());
            for n in c.nist_controls {
                assert!(nist::control_title(n).is_some(), "{n}");
            }
            assert!([35.0, 60.0, 85.0, 95.0].contains(&c.risk));
            assert!(names.insert(c.name), "duplicate {}", c.name);
            for a in c.aliases {
                assert_eq!(normalize(a).as_str(), *a);
                assert!(names.insert(a) || *a == c.name, "alias {a} used twice");
            }
        }
        for (k, cat) in KEYWORDS {
            assert!(Keyword::parse(k).is_some(), "{k}");
            assert!(CATEGORIES.iter().any(|c| c.name == *cat), "{cat}");
        }
        let mut kws = std::collections::HashSet::new();
        for (k, _) in KEYWORDS {
            assert!(kws.insert(*k), "duplicate keyword {k}");
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize(" Database.Query ").as_str(), "database_query");
        assert_eq!(normalize("financial-refund").as_str(), "financial_refund");
        let long = "x".repeat(100) + ".Y";
        assert_eq!(normalize(&long).as_str(), "x".repeat(100) + "_y");
        assert_eq!(normalize("héllo.W").as_str(), "héllo_w");
    }

    #[test]
    fn tokens() {
        let mut v = Vec::new();
        for_each_token("deleteUser_records/v2 HTTPGet löschen", |t| v.push(String::from_utf8_lossy(t).to_string()));
        assert_eq!(v, ["delete", "User", "records", "v2", "HTTPGet", "löschen"]);
    }

    #[test]
    fn keyword_matching() {
        let mut idx = KeywordIndex::default();
        idx.insert(Keyword::parse("eval").unwrap(), 0);
        idx.insert(Keyword::parse("evaluat*").unwrap(), 1);
        idx.insert(Keyword::parse("delet*").unwrap(), 2);
        let rank = |r: u16| (r as u32, 0);
        assert_eq!(idx.best(&["evaluate the thing"], rank).unwrap().rule, 1);
        assert_eq!(idx.best(&["eval it"], rank).unwrap().rule, 0);
        assert_eq!(idx.best(&["evaluate then delete"], rank).unwrap().rule, 1);
        assert_eq!(idx.best(&["DeletedItems"], rank).unwrap().rule, 2);
        assert!(idx.best(&["nothing here"], rank).is_none());
        assert!(Keyword::parse("two words").is_none());
        assert!(Keyword::parse("*").is_none());
        assert_eq!(Keyword::parse("Wire").unwrap().text(), "wire");
    }
}
