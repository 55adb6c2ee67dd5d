//! NIST material used by the pre-scorer: the SP 800-53 Rev. 5 controls the taxonomy names, and the SP 800-30
//! Rev. 1 qualitative likelihood / impact scales with the level-of-risk matrix of its Appendix I (Table I-2).

use std::fmt;

/// SP 800-53 Rev. 5 controls known by id (rule files may name others; they just have no title here).
pub const CONTROLS: &[(&str, &str)] = &[
    ("AC-2", "Account Management"),
    ("AC-3", "Access Enforcement"),
    ("AC-4", "Information Flow Enforcement"),
    ("AC-5", "Separation of Duties"),
    ("AC-6", "Least Privilege"),
    ("AU-2", "Event Logging"),
    ("AU-10", "Non-repudiation"),
    ("AU-12", "Audit Record Generation"),
    ("CA-3", "Information Exchange"),
    ("CM-3", "Configuration Change Control"),
    ("CM-5", "Access Restrictions for Change"),
    ("CM-7", "Least Functionality"),
    ("CM-8", "System Component Inventory"),
    ("CP-9", "System Backup"),
    ("IA-5", "Authenticator Management"),
    ("PT-2", "Authority to Process Personally Identifiable Information"),
    ("SA-9", "External System Services"),
    ("SC-7", "Boundary Protection"),
    ("SC-8", "Transmission Confidentiality and Integrity"),
    ("SC-28", "Protection of Information at Rest"),
    ("SI-3", "Malicious Code Protection"),
    ("SI-4", "System Monitoring"),
    ("SI-7", "Software, Firmware, and Information Integrity"),
    ("SI-10", "Information Input Validation"),
];

/// The title of a control (`"AC-3"` -> `"Access Enforcement"`; an enhancement such as `AC-6(9)` gives its base's).
pub fn control_title(id: &str) -> Option<&'static str> {
    let base = id.split('(').next().unwrap_or(id);
    CONTROLS.iter().find(|(i, _)| *i == base).map(|(_, t)| *t)
}

/// Whether `id` is shaped like an SP 800-53 control: two upper-case letters, `-`, a number, optionally an
/// enhancement in parentheses (`AC-3`, `SI-10`, `AC-6(9)`).
pub fn is_control_id(id: &str) -> bool {
    let (base, enh) = match id.split_once('(') {
        Some((b, rest)) => (b, Some(rest)),
        None => (id, None),
    };
    let Some((fam, num)) = base.split_once('-') else { return false };
    let fam_ok = fam.len() == 2 && fam.bytes().all(|b| b.is_ascii_uppercase());
    let num_ok = (1..=2).contains(&num.len()) && num.bytes().all(|b| b.is_ascii_digit());
    let enh_ok = enh.is_none_or(|e| {
        e.strip_suffix(')').is_some_and(|n| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
    });
    fam_ok && num_ok && enh_ok
}

/// A level of the SP 800-30 qualitative scales (Appendix G for likelihood, H for impact, I for risk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Very Low
    VeryLow,
    /// Low
    Low,
    /// Moderate
    Moderate,
    /// High
    High,
    /// Very High
    VeryHigh,
}

impl Level {
    const ALL: [Level; 5] = [Level::VeryLow, Level::Low, Level::Moderate, Level::High, Level::VeryHigh];

    /// Wire form: `very_low`, `low`, `moderate`, `high`, `very_high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::VeryLow => "very_low",
            Level::Low => "low",
            Level::Moderate => "moderate",
            Level::High => "high",
            Level::VeryHigh => "very_high",
        }
    }

    /// Parses the wire form.
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.iter().copied().find(|l| l.as_str() == s)
    }

    /// The level `steps` above (negative: below), clamped to the scale.
    pub fn shifted(self, steps: i32) -> Level {
        let i = (self as i32 + steps).clamp(0, 4);
        Level::ALL[i as usize]
    }

    /// Likelihood from a CVSS (modified) exploitability sub-score (0 to 3.887): very high from 3.5 (network,
    /// no privileges), high from 2.5, moderate from 1.5, low from 0.5, else very low.
    pub fn likelihood_from_exploitability(x: f64) -> Level {
        band(x, [0.5, 1.5, 2.5, 3.5])
    }

    /// Impact from a CVSS (modified) impact sub-score (at most about 6.1): very high from 5.5, high from 4.0,
    /// moderate from 2.0, low from 0.5, else very low (including no impact).
    pub fn impact_from_subscore(x: f64) -> Level {
        band(x, [0.5, 2.0, 4.0, 5.5])
    }
}

fn band(x: f64, lower_bounds: [f64; 4]) -> Level {
    let n = lower_bounds.iter().filter(|b| x >= **b).count();
    Level::ALL[n]
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// SP 800-30 Rev. 1 Table I-2: level of risk as a combination of likelihood (rows) and impact (columns).
pub fn risk(likelihood: Level, impact: Level) -> Level {
    use Level::*;
    const TABLE: [[Level; 5]; 5] = [
        // impact:  very low, low,     moderate, high,     very high
        [VeryLow, VeryLow, VeryLow, Low, Low],    // likelihood very low
        [VeryLow, Low, Low, Low, Moderate],       // low
        [VeryLow, Low, Moderate, Moderate, High], // moderate
        [VeryLow, Low, Moderate, High, VeryHigh], // high
        [VeryLow, Low, Moderate, High, VeryHigh], // very high
    ];
    TABLE[likelihood as usize][impact as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids() {
        for (id, _) in CONTROLS {
            assert!(is_control_id(id), "{id}");
        }
        assert!(is_control_id("AC-6(9)"));
        assert!(!is_control_id("ac-3"));
        assert!(!is_control_id("AC3"));
        assert!(!is_control_id("AC-123"));
        assert!(!is_control_id("AC-6(9"));
        assert_eq!(control_title("AC-6(9)"), Some("Least Privilege"));
        assert_eq!(control_title("ZZ-1"), None);
    }

    #[test]
    fn bands_and_matrix() {
        assert_eq!(Level::likelihood_from_exploitability(3.887), Level::VeryHigh);
        assert_eq!(Level::likelihood_from_exploitability(2.835), Level::High);
        assert_eq!(Level::likelihood_from_exploitability(1.2), Level::Low);
        assert_eq!(Level::impact_from_subscore(0.0), Level::VeryLow);
        assert_eq!(Level::impact_from_subscore(3.6), Level::Moderate);
        assert_eq!(Level::impact_from_subscore(6.05), Level::VeryHigh);
        assert_eq!(risk(Level::High, Level::High), Level::High);
        assert_eq!(risk(Level::Moderate, Level::High), Level::Moderate);
        assert_eq!(risk(Level::Low, Level::VeryHigh), Level::Moderate);
        assert_eq!(risk(Level::VeryHigh, Level::VeryLow), Level::VeryLow);
        assert_eq!(Level::High.shifted(3), Level::VeryHigh);
        assert_eq!(Level::Low.shifted(-3), Level::VeryLow);
    }
}
