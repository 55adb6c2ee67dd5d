//! CVSS v3.1, complete: vector strings (base, temporal and environmental metrics) and the three scores,
//! exactly as the FIRST specification (CVSS v3.1 Specification Document, revision 1, §7 and Appendix A) defines
//! them, including the floating-point-safe `Roundup`.
//!
//! ```
//! use ascend_core::prescore::cvss;
//! let s = cvss::score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
//! assert_eq!(s.base_score, 9.8);
//! assert_eq!(s.base_severity, cvss::Severity::Critical);
//! ```
//!
//! Parsing accepts the metrics in any order, rejects a duplicate, unknown or malformed metric and a missing base
//! metric with a `VALIDATION_ERROR` that names the metric (`details.field_errors.<METRIC>`). Printing
//! ([`CvssVector`]'s `Display`) writes the metrics that were given in the specification's order (Table 15).
//! Nothing here allocates except error construction and printing.

use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::fmt;

/// The vector string prefix this module reads and writes.
pub const PREFIX: &str = "CVSS:3.1/";

/// The metric groups of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricGroup {
    /// Base metrics (all mandatory in a vector string).
    Base,
    /// Temporal metrics (optional, default Not Defined).
    Temporal,
    /// Environmental metrics (optional, default Not Defined).
    Environmental,
}

/// One CVSS v3.1 metric, in the order of the specification's Table 15.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// AV
    AttackVector,
    /// AC
    AttackComplexity,
    /// PR
    PrivilegesRequired,
    /// UI
    UserInteraction,
    /// S
    Scope,
    /// C
    Confidentiality,
    /// I
    Integrity,
    /// A
    Availability,
    /// E
    ExploitCodeMaturity,
    /// RL
    RemediationLevel,
    /// RC
    ReportConfidence,
    /// CR
    ConfidentialityRequirement,
    /// IR
    IntegrityRequirement,
    /// AR
    AvailabilityRequirement,
    /// MAV
    ModifiedAttackVector,
    /// MAC
    ModifiedAttackComplexity,
    /// MPR
    ModifiedPrivilegesRequired,
    /// MUI
    ModifiedUserInteraction,
    /// MS
    ModifiedScope,
    /// MC
    ModifiedConfidentiality,
    /// MI
    ModifiedIntegrity,
    /// MA
    ModifiedAvailability,
}

struct MetricInfo {
    abbrev: &'static str,
    name: &'static str,
    /// Allowed value letters, in the specification's order (`X` first for optional metrics).
    values: &'static [u8],
}

const INFO: [MetricInfo; 22] = [
    MetricInfo { abbrev: "AV", name: "Attack Vector", values: b"NALP" },
    MetricInfo { abbrev: "AC", name: "Attack Complexity", values: b"LH" },
    MetricInfo { abbrev: "PR", name: "Privileges Required", values: b"NLH" },
    MetricInfo { abbrev: "UI", name: "User Interaction", values: b"NR" },
    MetricInfo { abbrev: "S", name: "Scope", values: b"UC" },
    MetricInfo { abbrev: "C", name: "Confidentiality", values: b"HLN" },
    MetricInfo { abbrev: "I", name: "Integrity", values: b"HLN" },
    MetricInfo { abbrev: "A", name: "Availability", values: b"HLN" },
    MetricInfo { abbrev: "E", name: "Exploit Code Maturity", values: b"XHFPU" },
    MetricInfo { abbrev: "RL", name: "Remediation Level", values: b"XUWTO" },
    MetricInfo { abbrev: "RC", name: "Report Confidence", values: b"XCRU" },
    MetricInfo { abbrev: "CR", name: "Confidentiality Requirement", values: b"XHML" },
    MetricInfo { abbrev: "IR", name: "Integrity Requirement", values: b"XHML" },
    MetricInfo { abbrev: "AR", name: "Availability Requirement", values: b"XHML" },
    MetricInfo { abbrev: "MAV", name: "Modified Attack Vector", values: b"XNALP" },
    MetricInfo { abbrev: "MAC", name: "Modified Attack Complexity", values: b"XLH" },
    MetricInfo { abbrev: "MPR", name: "Modified Privileges Required", values: b"XNLH" },
    MetricInfo { abbrev: "MUI", name: "Modified User Interaction", values: b"XNR" },
    MetricInfo { abbrev: "MS", name: "Modified Scope", values: b"XUC" },
    MetricInfo { abbrev: "MC", name: "Modified Confidentiality", values: b"XHLN" },
    MetricInfo { abbrev: "MI", name: "Modified Integrity", values: b"XHLN" },
    MetricInfo { abbrev: "MA", name: "Modified Availability", values: b"XHLN" },
];

impl Metric {
    /// Every metric, in the specification's order.
    pub const ALL: [Metric; 22] = [
        Metric::AttackVector,
        Metric::AttackComplexity,
        Metric::PrivilegesRequired,
        Metric::UserInteraction,
        Metric::Scope,
        Metric::Confidentiality,
        Metric::Integrity,
        Metric::Availability,
        Metric::ExploitCodeMaturity,
        Metric::RemediationLevel,
        Metric::ReportConfidence,
        Metric::ConfidentialityRequirement,
        Metric::IntegrityRequirement,
        Metric::AvailabilityRequirement,
        Metric::ModifiedAttackVector,
        Metric::ModifiedAttackComplexity,
        Metric::ModifiedPrivilegesRequired,
        Metric::ModifiedUserInteraction,
        Metric::ModifiedScope,
        Metric::ModifiedConfidentiality,
        Metric::ModifiedIntegrity,
        Metric::ModifiedAvailability,
    ];

    fn info(self) -> &'static MetricInfo {
        &INFO[self as usize]
    }

    /// The abbreviation used in vector strings (`"AV"`, `"MPR"`, ...).
    pub fn abbrev(self) -> &'static str {
        self.info().abbrev
    }

    /// The specification's name (`"Attack Vector"`, ...).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The allowed value letters (`"NALP"` for AV; optional metrics include `X`, Not Defined).
    pub fn allowed_values(self) -> &'static str {
        // INFO holds ASCII only.
        std::str::from_utf8(self.info().values).unwrap_or("")
    }

    /// The metric's group.
    pub fn group(self) -> MetricGroup {
        match self as usize {
            0..=7 => MetricGroup::Base,
            8..=10 => MetricGroup::Temporal,
            _ => MetricGroup::Environmental,
        }
    }

    /// Looks a metric up by its abbreviation (case-sensitive, as the specification writes it).
    pub fn from_abbrev(s: &str) -> Option<Metric> {
        metric_of(s.as_bytes())
    }

    /// The base metric a modified metric overrides (`MAV` -> `AV`), if any.
    pub fn modified_base(self) -> Option<Metric> {
        let i = self as usize;
        (Metric::ModifiedAttackVector as usize..=Metric::ModifiedAvailability as usize)
            .contains(&i)
            .then(|| Metric::ALL[i - Metric::ModifiedAttackVector as usize])
    }

    fn accepts(self, v: u8) -> bool {
        v.is_ascii_uppercase() && MASKS[self as usize] & (1 << (v - b'A')) != 0
    }
}

/// Allowed value letters of each metric as bit masks (bit n = letter 'A' + n), built at compile time.
const MASKS: [u32; 22] = {
    let mut out = [0u32; 22];
    let mut m = 0;
    while m < 22 {
        let vals = INFO[m].values;
        let mut j = 0;
        while j < vals.len() {
            out[m] |= 1 << (vals[j] - b'A');
            j += 1;
        }
        m += 1;
    }
    out
};

/// One pass over a well-formed vector body (`NAME:V/NAME:V...`, every rule of [`CvssVector::parse`] satisfied);
/// `None` for anything else, which the general parser then reports precisely.
fn parse_well_formed(b: &[u8]) -> Option<[u8; 22]> {
    let mut values = [0u8; 22];
    let n = b.len();
    let mut i = 0;
    loop {
        let start = i;
        while i < n && b[i] != b':' {
            if i - start == 3 {
                return None;
            }
            i += 1;
        }
        let metric = metric_of(&b[start..i])?;
        let v = *b.get(i + 1)?;
        let slot = &mut values[metric as usize];
        if *slot != 0 || !metric.accepts(v) {
            return None;
        }
        *slot = v;
        i += 2;
        if i == n {
            break;
        }
        if b[i] != b'/' {
            return None;
        }
        i += 1;
    }
    (!values[..8].contains(&0)).then_some(values)
}

/// Metric by abbreviation bytes (a `match` compiles to a length switch and short compares).
fn metric_of(name: &[u8]) -> Option<Metric> {
    use Metric::*;
    Some(match name {
        b"AV" => AttackVector,
        b"AC" => AttackComplexity,
        b"PR" => PrivilegesRequired,
        b"UI" => UserInteraction,
        b"S" => Scope,
        b"C" => Confidentiality,
        b"I" => Integrity,
        b"A" => Availability,
        b"E" => ExploitCodeMaturity,
        b"RL" => RemediationLevel,
        b"RC" => ReportConfidence,
        b"CR" => ConfidentialityRequirement,
        b"IR" => IntegrityRequirement,
        b"AR" => AvailabilityRequirement,
        b"MAV" => ModifiedAttackVector,
        b"MAC" => ModifiedAttackComplexity,
        b"MPR" => ModifiedPrivilegesRequired,
        b"MUI" => ModifiedUserInteraction,
        b"MS" => ModifiedScope,
        b"MC" => ModifiedConfidentiality,
        b"MI" => ModifiedIntegrity,
        b"MA" => ModifiedAvailability,
        _ => return None,
    })
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbrev())
    }
}

/// A parsed CVSS v3.1 vector: one value letter per metric, base metrics always set. A `Copy` value of 22 bytes.
///
/// Temporal and environmental metrics that were not given are absent and score as Not Defined (`X`); an explicit
/// `X` is kept so that printing reproduces it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CvssVector {
    values: [u8; 22],
}

impl fmt::Debug for CvssVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CvssVector({self})")
    }
}

fn vector_error(field: &str, field_message: String, vector: &str) -> Error {
    let shown: String = vector.chars().take(120).collect();
    Error::validation(
        field,
        field_message.clone(),
        format!("invalid CVSS v3.1 vector {shown:?}: {field}: {field_message}"),
    )
}

impl CvssVector {
    /// Parses a vector string (`CVSS:3.1/AV:N/AC:L/...`). Surrounding whitespace is ignored; everything else is
    /// case-sensitive as in the specification.
    ///
    /// Errors (`VALIDATION_ERROR`, `details.field_errors` keyed by the metric or by `vector`): missing or wrong
    /// prefix/version, an empty or malformed `NAME:VALUE` part, an unknown metric, a value the metric does not
    /// allow, a metric given twice, a missing base metric (all missing ones are listed).
    pub fn parse(text: &str) -> Result<CvssVector> {
        let s = text.trim();
        let Some(body) = s.strip_prefix(PREFIX) else {
            if let Some(rest) = s.strip_prefix("CVSS:") {
                let version = rest.split('/').next().unwrap_or("");
                return Err(vector_error(
                    "CVSS",
                    format!("unsupported version {version:?} (only CVSS:3.1 is supported)"),
                    text,
                ));
            }
            return Err(vector_error("vector", "must start with \"CVSS:3.1/\"".into(), text));
        };
        if let Some(values) = parse_well_formed(body.as_bytes()) {
            return Ok(CvssVector { values });
        }
        // Not well formed: the general scan below finds and names the problem. Everything matched is ASCII, so
        // slicing `body` at the positions found is always on character boundaries.
        let b = body.as_bytes();
        let mut values = [0u8; 22];
        let mut i = 0;
        loop {
            let start = i;
            while i < b.len() && b[i] != b'/' {
                i += 1;
            }
            let part = &body[start..i];
            let Some(colon) = part.bytes().position(|c| c == b':') else {
                let msg = if part.is_empty() {
                    "empty metric (stray '/')".to_string()
                } else {
                    format!("malformed metric {part:?} (expected NAME:VALUE)")
                };
                return Err(vector_error("vector", msg, text));
            };
            let (name, value) = (&part[..colon], &part[colon + 1..]);
            let Some(metric) = metric_of(name.as_bytes()) else {
                return Err(vector_error(name, "unknown metric".into(), text));
            };
            let slot = &mut values[metric as usize];
            if *slot != 0 {
                return Err(vector_error(name, "duplicate metric".into(), text));
            }
            let v = value.as_bytes();
            if v.len() != 1 || !metric.accepts(v[0]) {
                return Err(vector_error(
                    name,
                    format!("invalid value {value:?} (allowed: {})", metric.allowed_values()),
                    text,
                ));
            }
            *slot = v[0];
            if i == b.len() {
                break;
            }
            i += 1; // skip '/'
        }
        if values[..8].contains(&0) {
            let missing: Vec<Metric> = Metric::ALL[..8].iter().copied().filter(|m| values[*m as usize] == 0).collect();
            let mut e = vector_error(missing[0].abbrev(), "missing base metric".into(), text);
            let mut fe = Map::new();
            for m in &missing {
                fe.insert(m.abbrev().to_string(), Value::String("missing base metric".into()));
            }
            e.details.insert("field_errors".into(), Value::Object(fe));
            return Err(e);
        }
        Ok(CvssVector { values })
    }

    /// The letter given for `metric`, or `None` when it was not given (Not Defined).
    pub fn get(&self, metric: Metric) -> Option<char> {
        match self.values[metric as usize] {
            0 => None,
            b => Some(b as char),
        }
    }

    /// The value that scores: the given letter, or `X` for an absent temporal/environmental metric.
    pub fn effective(&self, metric: Metric) -> u8 {
        match self.values[metric as usize] {
            0 => b'X',
            b => b,
        }
    }

    /// Sets a metric (validated like the parser). Base metrics cannot be removed; use [`CvssVector::clear`] for others.
    pub fn set(&mut self, metric: Metric, value: char) -> Result<()> {
        let ok = value.is_ascii() && metric.accepts(value as u8);
        if !ok {
            return Err(Error::validation(
                metric.abbrev(),
                format!("invalid value {value:?} (allowed: {})", metric.allowed_values()),
                format!("invalid value {value:?} for CVSS metric {}", metric.abbrev()),
            ));
        }
        self.values[metric as usize] = value as u8;
        Ok(())
    }

    /// `set` for values known to be valid (internal use by the pre-scorer's tables).
    pub(crate) fn set_unchecked(&mut self, metric: Metric, value: u8) {
        debug_assert!(metric.accepts(value));
        self.values[metric as usize] = value;
    }

    /// Removes a temporal or environmental metric (back to Not Defined). Base metrics are left as they are.
    pub fn clear(&mut self, metric: Metric) {
        if metric.group() != MetricGroup::Base {
            self.values[metric as usize] = 0;
        }
    }

    /// True when any metric of `group` is given with a value other than `X`.
    pub fn has_defined(&self, group: MetricGroup) -> bool {
        let range = match group {
            MetricGroup::Base => 0..8,
            MetricGroup::Temporal => 8..11,
            MetricGroup::Environmental => 11..22,
        };
        self.values[range].iter().any(|v| !matches!(v, 0 | b'X'))
    }

    /// The three scores and the sub-scores.
    pub fn scores(&self) -> CvssScores {
        compute(self)
    }

    /// Writes the vector string into `out` (the `Display` form) without an intermediate allocation.
    pub fn write_to(&self, out: &mut String) {
        // At most 9 + 22 × 5 bytes; assembled on the stack, appended once.
        let mut buf = [0u8; 128];
        buf[..PREFIX.len()].copy_from_slice(PREFIX.as_bytes());
        let mut n = PREFIX.len();
        for m in Metric::ALL {
            let v = self.values[m as usize];
            if v == 0 {
                continue;
            }
            if n > PREFIX.len() {
                buf[n] = b'/';
                n += 1;
            }
            let a = m.abbrev().as_bytes();
            buf[n..n + a.len()].copy_from_slice(a);
            n += a.len();
            buf[n] = b':';
            buf[n + 1] = v;
            n += 2;
        }
        // Only ASCII was written.
        out.push_str(std::str::from_utf8(&buf[..n]).unwrap_or(""));
    }
}

impl fmt::Display for CvssVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(96);
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

impl std::str::FromStr for CvssVector {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        CvssVector::parse(s)
    }
}

/// Qualitative severity rating (specification §5, Table 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// 0.0
    None,
    /// 0.1–3.9
    Low,
    /// 4.0–6.9
    Medium,
    /// 7.0–8.9
    High,
    /// 9.0–10.0
    Critical,
}

impl Severity {
    /// The rating of a score (scores are multiples of 0.1 from [`roundup`]).
    pub fn of(score: f64) -> Severity {
        if score <= 0.0 {
            Severity::None
        } else if score < 4.0 {
            Severity::Low
        } else if score < 7.0 {
            Severity::Medium
        } else if score < 9.0 {
            Severity::High
        } else {
            Severity::Critical
        }
    }

    /// The specification's name: `None`, `Low`, `Medium`, `High`, `Critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "None",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Round half away from zero, exactly (`f64::round` semantics) without a libm call: truncation is a single
/// instruction and the fraction of a float below 2^52 is exact.
pub(crate) fn round_half_away(x: f64) -> f64 {
    let a = x.abs();
    if a.is_nan() || a >= 4_503_599_627_370_496.0 {
        return x; // NaN, infinities and floats above 2^52 are already integers (or not numbers)
    }
    let t = (a as u64) as f64;
    let r = if a - t >= 0.5 { t + 1.0 } else { t };
    r.copysign(x)
}

/// The specification's `Roundup` (Appendix A): the smallest number with one decimal place that is equal to or
/// higher than the input, computed on integers so that e.g. `Roundup(4.000000000000001)` is 4.0 and not 4.1.
pub fn roundup(x: f64) -> f64 {
    let int_input = round_half_away(x * 100_000.0) as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        (int_input.div_euclid(10_000) + 1) as f64 / 10.0
    }
}

/// All scores of one vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvssScores {
    /// The scored vector.
    pub vector: CvssVector,
    /// Base score (0.0–10.0).
    pub base_score: f64,
    /// Severity of the base score.
    pub base_severity: Severity,
    /// Impact sub-score (ISS-based, unrounded; may be negative for no impact under changed scope).
    pub impact_subscore: f64,
    /// Exploitability sub-score (unrounded).
    pub exploitability_subscore: f64,
    /// Temporal score (equals the base score when no temporal metric is defined).
    pub temporal_score: f64,
    /// Severity of the temporal score.
    pub temporal_severity: Severity,
    /// Environmental score (computed with every absent metric as Not Defined).
    pub environmental_score: f64,
    /// Severity of the environmental score.
    pub environmental_severity: Severity,
    /// Modified impact sub-score (unrounded).
    pub modified_impact_subscore: f64,
    /// Modified exploitability sub-score (unrounded).
    pub modified_exploitability_subscore: f64,
    /// The score that describes the vector as given: environmental if any environmental metric is defined,
    /// else temporal if any temporal metric is defined, else base.
    pub score: f64,
    /// Severity of `score`.
    pub severity: Severity,
}

fn round1(x: f64) -> f64 {
    round_half_away(x * 10.0) / 10.0
}

impl CvssScores {
    /// JSON projection (the object the `cvss` conformance cases assert on). Sub-scores are rounded to one
    /// decimal (half away from zero) for display, as calculators show them; the scores are exact.
    pub fn to_json(&self) -> Value {
        json!({
            "vector": self.vector.to_string(),
            "base_score": self.base_score,
            "base_severity": self.base_severity.as_str(),
            "impact_subscore": round1(self.impact_subscore),
            "exploitability_subscore": round1(self.exploitability_subscore),
            "temporal_score": self.temporal_score,
            "temporal_severity": self.temporal_severity.as_str(),
            "environmental_score": self.environmental_score,
            "environmental_severity": self.environmental_severity.as_str(),
            "modified_impact_subscore": round1(self.modified_impact_subscore),
            "modified_exploitability_subscore": round1(self.modified_exploitability_subscore),
            "score": self.score,
            "severity": self.severity.as_str(),
        })
    }
}

/// Parses and scores a vector string.
pub fn score(vector: &str) -> Result<CvssScores> {
    Ok(CvssVector::parse(vector)?.scores())
}

// ---- weights (specification §7.4, Table 16) ----

fn w_attack_vector(v: u8) -> f64 {
    match v {
        b'N' => 0.85,
        b'A' => 0.62,
        b'L' => 0.55,
        _ => 0.2, // P
    }
}

fn w_attack_complexity(v: u8) -> f64 {
    if v == b'L' {
        0.77
    } else {
        0.44
    }
}

fn w_privileges(v: u8, scope_changed: bool) -> f64 {
    match (v, scope_changed) {
        (b'N', _) => 0.85,
        (b'L', false) => 0.62,
        (b'L', true) => 0.68,
        (_, false) => 0.27, // H
        (_, true) => 0.5,
    }
}

fn w_user_interaction(v: u8) -> f64 {
    if v == b'N' {
        0.85
    } else {
        0.62
    }
}

fn w_cia(v: u8) -> f64 {
    match v {
        b'H' => 0.56,
        b'L' => 0.22,
        _ => 0.0, // N
    }
}

fn w_exploit_maturity(v: u8) -> f64 {
    match v {
        b'F' => 0.97,
        b'P' => 0.94,
        b'U' => 0.91,
        _ => 1.0, // X, H
    }
}

fn w_remediation(v: u8) -> f64 {
    match v {
        b'W' => 0.97,
        b'T' => 0.96,
        b'O' => 0.95,
        _ => 1.0, // X, U
    }
}

fn w_confidence(v: u8) -> f64 {
    match v {
        b'R' => 0.96,
        b'U' => 0.92,
        _ => 1.0, // X, C
    }
}

fn w_requirement(v: u8) -> f64 {
    match v {
        b'H' => 1.5,
        b'L' => 0.5,
        _ => 1.0, // X, M
    }
}

fn compute(v: &CvssVector) -> CvssScores {
    use Metric::*;
    let val = |m: Metric| v.effective(m);
    // A modified metric falls back to its base metric when Not Defined.
    let modified = |m: Metric, base: Metric| match val(m) {
        b'X' => val(base),
        x => x,
    };

    // Base (§7.1)
    let changed = val(Scope) == b'C';
    let iss =
        1.0 - (1.0 - w_cia(val(Confidentiality))) * (1.0 - w_cia(val(Integrity))) * (1.0 - w_cia(val(Availability)));
    let impact = if changed { 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15) } else { 6.42 * iss };
    let exploitability = 8.22
        * w_attack_vector(val(AttackVector))
        * w_attack_complexity(val(AttackComplexity))
        * w_privileges(val(PrivilegesRequired), changed)
        * w_user_interaction(val(UserInteraction));
    let base_score = if impact <= 0.0 {
        0.0
    } else if changed {
        roundup(f64::min(1.08 * (impact + exploitability), 10.0))
    } else {
        roundup(f64::min(impact + exploitability, 10.0))
    };

    // Temporal (§7.2)
    let temporal_factor = w_exploit_maturity(val(ExploitCodeMaturity))
        * w_remediation(val(RemediationLevel))
        * w_confidence(val(ReportConfidence));
    let temporal_score = roundup(base_score * temporal_factor);

    // Environmental (§7.3)
    let m_changed = modified(ModifiedScope, Scope) == b'C';
    let miss = f64::min(
        1.0 - (1.0
            - w_requirement(val(ConfidentialityRequirement))
                * w_cia(modified(ModifiedConfidentiality, Confidentiality)))
            * (1.0 - w_requirement(val(IntegrityRequirement)) * w_cia(modified(ModifiedIntegrity, Integrity)))
            * (1.0 - w_requirement(val(AvailabilityRequirement)) * w_cia(modified(ModifiedAvailability, Availability))),
        0.915,
    );
    let m_impact = if m_changed { 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13) } else { 6.42 * miss };
    let m_exploitability = 8.22
        * w_attack_vector(modified(ModifiedAttackVector, AttackVector))
        * w_attack_complexity(modified(ModifiedAttackComplexity, AttackComplexity))
        * w_privileges(modified(ModifiedPrivilegesRequired, PrivilegesRequired), m_changed)
        * w_user_interaction(modified(ModifiedUserInteraction, UserInteraction));
    let environmental_score = if m_impact <= 0.0 {
        0.0
    } else if m_changed {
        roundup(roundup(f64::min(1.08 * (m_impact + m_exploitability), 10.0)) * temporal_factor)
    } else {
        roundup(roundup(f64::min(m_impact + m_exploitability, 10.0)) * temporal_factor)
    };

    let score = if v.has_defined(MetricGroup::Environmental) {
        environmental_score
    } else if v.has_defined(MetricGroup::Temporal) {
        temporal_score
    } else {
        base_score
    };
    CvssScores {
        vector: *v,
        base_score,
        base_severity: Severity::of(base_score),
        impact_subscore: impact,
        exploitability_subscore: exploitability,
        temporal_score,
        temporal_severity: Severity::of(temporal_score),
        environmental_score,
        environmental_severity: Severity::of(environmental_score),
        modified_impact_subscore: m_impact,
        modified_exploitability_subscore: m_exploitability,
        score,
        severity: Severity::of(score),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn field_error(e: &Error, field: &str) -> String {
        e.field_errors().and_then(|f| f.get(field)).and_then(Value::as_str).unwrap_or("<none>").to_string()
    }

    #[test]
    fn roundup_follows_appendix_a() {
        assert_eq!(roundup(4.02), 4.1);
        assert_eq!(roundup(4.00), 4.0);
        assert_eq!(roundup(4.000000000000001), 4.0);
        assert_eq!(roundup(0.0), 0.0);
        assert_eq!(roundup(9.99), 10.0);
        // Roundup works at five decimals: 3.000001 is 3.0 there, 3.00001 is not.
        assert_eq!(roundup(3.000001), 3.0);
        assert_eq!(roundup(3.00001), 3.1);
    }

    #[test]
    fn round_half_away_matches_f64_round() {
        let mut x = -1000.0f64;
        while x < 1000.0 {
            assert_eq!(round_half_away(x), x.round(), "{x:?}");
            x += 0.03125 / 3.0;
        }
        for x in [0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 4503599627370495.5, 1e300, -0.0, f64::INFINITY] {
            assert_eq!(round_half_away(x).to_bits(), x.round().to_bits(), "{x:?}");
        }
        assert!(round_half_away(f64::NAN).is_nan());
    }

    #[test]
    fn well_known_base_scores() {
        for (v, s) in [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ] {
            assert_eq!(score(v).unwrap().base_score, s, "{v}");
        }
    }

    #[test]
    fn any_order_and_canonical_printing() {
        let v = CvssVector::parse(" CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X/CR:H ").unwrap();
        assert_eq!(v.to_string(), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/CR:H");
        assert_eq!(v.get(Metric::ExploitCodeMaturity), Some('X'));
        assert_eq!(v.get(Metric::RemediationLevel), None);
        assert!(!v.has_defined(MetricGroup::Temporal));
        assert!(v.has_defined(MetricGroup::Environmental));
        let again = CvssVector::parse(&v.to_string()).unwrap();
        assert_eq!(again, v);
    }

    #[test]
    fn errors_name_the_metric() {
        let e = score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert_eq!(field_error(&e, "AV"), "duplicate metric");
        let e = score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y").unwrap_err();
        assert_eq!(field_error(&e, "XX"), "unknown metric");
        let e = score("CVSS:3.1/AV:N/AC:L/UI:N/C:H/I:H/A:H").unwrap_err();
        assert_eq!(field_error(&e, "PR"), "missing base metric");
        assert_eq!(field_error(&e, "S"), "missing base metric");
        assert!(e.message.contains("PR"), "{}", e.message);
        let e = score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert!(field_error(&e, "AV").starts_with("invalid value"));
        let e = score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert!(field_error(&e, "CVSS").contains("3.0"));
        let e = score("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert!(field_error(&e, "vector").contains("CVSS:3.1/"));
        let e = score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/").unwrap_err();
        assert!(field_error(&e, "vector").contains("empty"));
        let e = score("CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert_eq!(field_error(&e, "av"), "unknown metric");
    }

    #[test]
    fn set_and_clear() {
        let mut v = CvssVector::parse("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N").unwrap();
        v.set(Metric::ConfidentialityRequirement, 'H').unwrap();
        assert!(v.set(Metric::ConfidentialityRequirement, 'Q').is_err());
        assert_eq!(v.scores().score, 8.3);
        v.clear(Metric::ConfidentialityRequirement);
        v.clear(Metric::AttackVector);
        assert_eq!(v.scores().score, 6.5);
        assert_eq!(Metric::ModifiedScope.modified_base(), Some(Metric::Scope));
        assert_eq!(Metric::Scope.modified_base(), None);
    }
}
