//! User rules files (`prescore_rules_path`): JSON or TOML documents that add or override action types and
//! keywords on top of the built-in taxonomy.
//!
//! ```toml
//! version = 1                          # optional; only 1 exists
//! default_action_type = "data_access"  # category for unclassifiable actions (default "unclassified")
//! cvss_weight = 10                     # risk points per CVSS point (0–100)
//! nist_level_points = 5                # risk points per NIST level shift (0–50)
//!
//! [action_types."crm.export"]          # a new type...
//! extends = "data_export"              # ...starting from a built-in category (optional)
//! risk = 90                            # base risk 0–100
//! aliases = ["crm_bulk_export"]
//!
//! [action_types.ledger_post]           # a new type from scratch: risk, cvss_vector, mitre_tactic,
//! risk = 85                            # mitre_technique and nist_controls are required
//! cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:N"
//! mitre_tactic = "TA0040"              # names come from the catalogue, or mitre_tactic_name / _technique_name
//! mitre_technique = "T1565"
//! nist_controls = ["AU-10", "SI-7"]
//! description = "posting to the general ledger"
//!
//! [action_types.query]                 # an existing category name: override its fields in place
//! risk = 40
//!
//! [keywords]                           # keyword (or stem*) -> category name or alias
//! wire = "transaction"
//! "nuke*" = "data_deletion"
//! ```
//!
//! A name that is only an *alias* of a built-in category (`database_write`) becomes a category of its own that
//! extends the aliased one. Unknown keys, wrong types, bad vectors, ids or references are `VALIDATION_ERROR`s:
//! syntax and type errors carry `details.line` (and `column`); semantic errors name the field path in
//! `details.field_errors` and `details.field`.

use super::cvss::CvssVector;
use super::mitre::{self, MitreMapping};
use super::nist;
use super::scorer::{ActionRule, Prescorer, Tables};
use super::taxonomy::{normalize, Keyword};
use crate::error::{Error, Result};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;
use std::path::Path;

/// Rules file syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesFormat {
    /// JSON.
    Json,
    /// TOML.
    Toml,
}

impl RulesFormat {
    /// From a file extension (`.json`, `.toml`, case-insensitive).
    pub fn from_path(path: &Path) -> Option<RulesFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(RulesFormat::Json),
            "toml" => Some(RulesFormat::Toml),
            _ => None,
        }
    }

    /// JSON when the first non-blank character is `{`, else TOML.
    pub fn sniff(text: &str) -> RulesFormat {
        if text.trim_start().starts_with('{') {
            RulesFormat::Json
        } else {
            RulesFormat::Toml
        }
    }

    /// `json` / `toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            RulesFormat::Json => "json",
            RulesFormat::Toml => "toml",
        }
    }
}

/// A map that rejects duplicate keys (JSON allows them silently; TOML rejects them itself).
#[derive(Debug)]
struct UniqueMap<V>(Vec<(String, V)>);

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table/object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                // Check at the key, so that the reported position is the duplicate key's line.
                while let Some(k) = m.next_key::<String>()? {
                    if out.iter().any(|(e, _)| *e == k) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{k}`")));
                    }
                    let v = m.next_value::<V>()?;
                    out.push((k, v));
                }
                Ok(UniqueMap(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesDoc {
    version: Option<u32>,
    default_action_type: Option<String>,
    cvss_weight: Option<f64>,
    nist_level_points: Option<f64>,
    #[serde(default)]
    action_types: UniqueMap<ActionTypeDoc>,
    #[serde(default)]
    keywords: UniqueMap<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionTypeDoc {
    extends: Option<String>,
    aliases: Option<Vec<String>>,
    risk: Option<f64>,
    cvss_vector: Option<String>,
    mitre_tactic: Option<String>,
    mitre_tactic_name: Option<String>,
    mitre_technique: Option<String>,
    mitre_technique_name: Option<String>,
    nist_controls: Option<Vec<String>>,
    description: Option<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

fn syntax_error(format: RulesFormat, msg: String, line: Option<usize>, column: Option<usize>) -> Error {
    let message = match line {
        Some(l) => format!("invalid pre-score rules ({}), line {l}: {msg}", format.as_str()),
        None => format!("invalid pre-score rules ({}): {msg}", format.as_str()),
    };
    let mut e = Error::validation("prescore_rules", msg, message).with_detail("format", Value::from(format.as_str()));
    if let Some(l) = line {
        e = e.with_detail("line", Value::from(l));
    }
    if let Some(c) = column {
        e = e.with_detail("column", Value::from(c));
    }
    e
}

fn field_error(field: &str, msg: impl Into<String>) -> Error {
    let msg = msg.into();
    Error::validation(field, msg.clone(), format!("invalid pre-score rules: {field}: {msg}"))
        .with_detail("field", Value::from(field))
}

fn parse_doc(text: &str, format: RulesFormat) -> Result<RulesDoc> {
    match format {
        RulesFormat::Json => serde_json::from_str::<RulesDoc>(text).map_err(|e| {
            let msg = e.to_string();
            // serde_json appends " at line L column C"; keep the message short and put them in details.
            let short = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            syntax_error(format, short, Some(e.line()), Some(e.column()))
        }),
        RulesFormat::Toml => toml::from_str::<RulesDoc>(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            syntax_error(format, e.message().to_string(), line, None)
        }),
    }
}

fn check_risk(field: &str, x: f64) -> Result<f64> {
    if x.is_finite() && (0.0..=100.0).contains(&x) {
        Ok(x)
    } else {
        Err(field_error(field, "must be a number from 0 to 100"))
    }
}

/// Prescorers built from a rules document (here, so that the scorer does not depend on the rules parser).
impl Prescorer {
    /// The built-in taxonomy extended/overridden by a rules file (`prescore_rules_path`). The format follows the
    /// extension (`.toml`, else JSON; without a known extension the text is sniffed: `{` means JSON).
    /// An unreadable file is a `CONFIGURATION_ERROR`; a bad one a `VALIDATION_ERROR` with the line or field.
    pub fn from_rules_file(path: &Path) -> Result<Prescorer> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config("prescore_rules_path", format!("cannot read pre-score rules file {}: {e}", path.display()))
        })?;
        let format = RulesFormat::from_path(path).unwrap_or_else(|| RulesFormat::sniff(&text));
        Prescorer::from_rules_str(&text, format)
    }

    /// The built-in taxonomy extended/overridden by a rules document given as text.
    pub fn from_rules_str(text: &str, format: RulesFormat) -> Result<Prescorer> {
        build(text, format).map(Prescorer::from_tables)
    }
}

/// Parses and validates a rules document and applies it to a copy of the built-in tables.
pub(crate) fn build(text: &str, format: RulesFormat) -> Result<Tables> {
    let doc = parse_doc(text, format)?;
    let mut t = Prescorer::builtin_tables();
    if let Some(v) = doc.version {
        if v != 1 {
            return Err(field_error("version", format!("unsupported version {v} (expected 1)")));
        }
    }
    if let Some(w) = doc.cvss_weight {
        t.cvss_weight = check_risk("cvss_weight", w)?;
    }
    if let Some(p) = doc.nist_level_points {
        if !(p.is_finite() && (0.0..=50.0).contains(&p)) {
            return Err(field_error("nist_level_points", "must be a number from 0 to 50"));
        }
        t.nist_level_points = p;
    }

    // Action types. Extends refers to the built-in taxonomy, so the result does not depend on key order.
    let builtin = Prescorer::builtin();
    let mut seen = std::collections::BTreeSet::new();
    for (raw_name, d) in doc.action_types.0 {
        let path = format!("action_types.{raw_name}");
        let name = normalize(&raw_name).as_str().to_string();
        if name.is_empty() {
            return Err(field_error("action_types", "empty action type name"));
        }
        if !seen.insert(name.clone()) {
            return Err(field_error(
                &path,
                format!("duplicate action type (same as another after normalisation: {name})"),
            ));
        }
        let existing = t.names.get(&name).copied();
        let base_rule: Option<ActionRule> = match &d.extends {
            Some(e) => match builtin.rule(e) {
                Some(r) => Some(r.clone()),
                None => {
                    return Err(field_error(&format!("{path}.extends"), format!("unknown built-in action type {e:?}")))
                }
            },
            None => existing.map(|(i, _)| t.rules[i as usize].clone()),
        };
        // Overriding a category in place only when the name is the category's own name and nothing is extended.
        let in_place = match (existing, &d.extends) {
            (Some((i, false)), None) => Some(i),
            _ => None,
        };
        let require =
            |what: &str| field_error(&format!("{path}.{what}"), "required for a new action type (or use extends)");

        let risk = match d.risk {
            Some(x) => check_risk(&format!("{path}.risk"), x)?,
            None => base_rule.as_ref().map(|r| r.risk).ok_or_else(|| require("risk"))?,
        };
        let vector = match &d.cvss_vector {
            Some(v) => CvssVector::parse(v).map_err(|e| {
                let metric = e.field_errors().and_then(|f| f.keys().next().cloned()).unwrap_or_default();
                let msg = e.field_errors().and_then(|f| f.values().next()).and_then(Value::as_str).unwrap_or("");
                field_error(&format!("{path}.cvss_vector"), format!("{metric}: {msg}"))
                    .with_detail("cvss_field_errors", e.details.get("field_errors").cloned().unwrap_or(Value::Null))
            })?,
            None => base_rule.as_ref().map(|r| r.vector).ok_or_else(|| require("cvss_vector"))?,
        };
        let base_mitre = base_rule.as_ref().map(|r| r.mitre.clone());
        let tactic_id = match &d.mitre_tactic {
            Some(id) => {
                let id = id.trim();
                if !mitre::is_tactic_id(id) {
                    return Err(field_error(
                        &format!("{path}.mitre_tactic"),
                        format!("{id:?} is not a tactic id (TA####)"),
                    ));
                }
                Some(id.to_string())
            }
            None => None,
        };
        let technique_id = match &d.mitre_technique {
            Some(id) => {
                let id = id.trim();
                if !mitre::is_technique_id(id) {
                    return Err(field_error(
                        &format!("{path}.mitre_technique"),
                        format!("{id:?} is not a technique id (T#### or T####.###)"),
                    ));
                }
                Some(id.to_string())
            }
            None => None,
        };
        let (tactic_id, tactic_name) = match (tactic_id, &d.mitre_tactic_name, &base_mitre) {
            (Some(id), Some(n), _) => (id, n.trim().to_string()),
            (Some(id), None, _) => match mitre::tactic_name(&id) {
                Some(n) => (id, n.to_string()),
                None => {
                    return Err(field_error(
                        &format!("{path}.mitre_tactic_name"),
                        format!("required: tactic {id} is not in the built-in catalogue"),
                    ))
                }
            },
            (None, Some(n), Some(b)) => (b.tactic_id.clone(), n.trim().to_string()),
            (None, None, Some(b)) => (b.tactic_id.clone(), b.tactic_name.clone()),
            (None, _, None) => return Err(require("mitre_tactic")),
        };
        let (technique_id, technique_name) = match (technique_id, &d.mitre_technique_name, &base_mitre) {
            (Some(id), Some(n), _) => (id, n.trim().to_string()),
            (Some(id), None, _) => match mitre::technique_name(&id) {
                Some(n) => (id, n.to_string()),
                None => {
                    return Err(field_error(
                        &format!("{path}.mitre_technique_name"),
                        format!("required: technique {id} is not in the built-in catalogue"),
                    ))
                }
            },
            (None, Some(n), Some(b)) => (b.technique_id.clone(), n.trim().to_string()),
            (None, None, Some(b)) => (b.technique_id.clone(), b.technique_name.clone()),
            (None, _, None) => return Err(require("mitre_technique")),
        };
        let nist_controls = match &d.nist_controls {
            Some(list) => {
                if list.is_empty() {
                    return Err(field_error(&format!("{path}.nist_controls"), "must name at least one control"));
                }
                for (i, c) in list.iter().enumerate() {
                    if !nist::is_control_id(c.trim()) {
                        return Err(field_error(
                            &format!("{path}.nist_controls[{i}]"),
                            format!("{c:?} is not an SP 800-53 control id (e.g. AC-3, AC-6(9))"),
                        ));
                    }
                }
                list.iter().map(|c| c.trim().to_string()).collect()
            }
            None => base_rule.as_ref().map(|r| r.nist_controls.clone()).ok_or_else(|| require("nist_controls"))?,
        };
        let mut aliases = Vec::new();
        for (i, a) in d.aliases.iter().flatten().enumerate() {
            let n = normalize(a).as_str().to_string();
            if n.is_empty() {
                return Err(field_error(&format!("{path}.aliases[{i}]"), "empty alias"));
            }
            aliases.push(n);
        }
        let description =
            d.description.clone().or_else(|| base_rule.as_ref().map(|r| r.description.clone())).unwrap_or_default();
        let mitre = MitreMapping { tactic_id, tactic_name, technique_id, technique_name };
        let keep_aliases = match in_place {
            Some(i) => t.rules[i as usize].aliases.clone(),
            None => Vec::new(),
        };
        let mut all_aliases = keep_aliases;
        for a in &aliases {
            if !all_aliases.contains(a) {
                all_aliases.push(a.clone());
            }
        }
        let rule = ActionRule::new(name.clone(), all_aliases, risk, vector, mitre, nist_controls, description);
        let idx = match in_place {
            Some(i) => {
                t.rules[i as usize] = rule;
                i
            }
            None => {
                if t.rules.len() >= u16::MAX as usize {
                    return Err(field_error("action_types", "too many action types"));
                }
                t.rules.push(rule);
                (t.rules.len() - 1) as u16
            }
        };
        t.names.insert(name, (idx, false));
        for a in aliases {
            t.names.insert(a, (idx, true));
        }
    }
    // Category names win over aliases; a category added later wins over an earlier one of the same name.
    for (i, r) in t.rules.iter().enumerate() {
        t.names.insert(r.name.clone(), (i as u16, false));
    }

    for (k, target) in doc.keywords.0 {
        let field = format!("keywords.{k}");
        let Some(kw) = Keyword::parse(&k) else {
            return Err(field_error(&field, "a keyword is 1-32 letters or digits, optionally ending in '*'"));
        };
        let Some((idx, _)) = t.lookup(&target) else {
            return Err(field_error(&field, format!("unknown action type {target:?}")));
        };
        t.keywords.insert(kw, idx);
    }
    if let Some(d) = &doc.default_action_type {
        match t.lookup(d) {
            Some((idx, _)) => t.default_rule = idx,
            None => return Err(field_error("default_action_type", format!("unknown action type {d:?}"))),
        }
    }
    Ok(t)
}
