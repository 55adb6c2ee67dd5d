//! MITRE ATT&CK (Enterprise) identifiers used by the pre-scorer: the fourteen tactics and the techniques the
//! built-in taxonomy refers to, so that rule files may give an id alone and still get the name.

use std::fmt;

/// The Enterprise ATT&CK tactics (id, name).
pub const TACTICS: &[(&str, &str)] = &[
    ("TA0043", "Reconnaissance"),
    ("TA0042", "Resource Development"),
    ("TA0001", "Initial Access"),
    ("TA0002", "Execution"),
    ("TA0003", "Persistence"),
    ("TA0004", "Privilege Escalation"),
    ("TA0005", "Defense Evasion"),
    ("TA0006", "Credential Access"),
    ("TA0007", "Discovery"),
    ("TA0008", "Lateral Movement"),
    ("TA0009", "Collection"),
    ("TA0011", "Command and Control"),
    ("TA0010", "Exfiltration"),
    ("TA0040", "Impact"),
];

/// Techniques known by id (a subset of ATT&CK Enterprise; rule files may name others explicitly).
pub const TECHNIQUES: &[(&str, &str)] = &[
    ("T1005", "Data from Local System"),
    ("T1048", "Exfiltration Over Alternative Protocol"),
    ("T1059", "Command and Scripting Interpreter"),
    ("T1071", "Application Layer Protocol"),
    ("T1078", "Valid Accounts"),
    ("T1082", "System Information Discovery"),
    ("T1098", "Account Manipulation"),
    ("T1106", "Native API"),
    ("T1114", "Email Collection"),
    ("T1119", "Automated Collection"),
    ("T1213", "Data from Information Repositories"),
    ("T1485", "Data Destruction"),
    ("T1489", "Service Stop"),
    ("T1496", "Resource Hijacking"),
    ("T1529", "System Shutdown/Reboot"),
    ("T1530", "Data from Cloud Storage"),
    ("T1552", "Unsecured Credentials"),
    ("T1565", "Data Manipulation"),
    ("T1567", "Exfiltration Over Web Service"),
    ("T1578", "Modify Cloud Compute Infrastructure"),
    ("T1657", "Financial Theft"),
];

/// The name of a tactic id (`"TA0009"` -> `"Collection"`).
pub fn tactic_name(id: &str) -> Option<&'static str> {
    TACTICS.iter().find(|(i, _)| *i == id).map(|(_, n)| *n)
}

/// The name of a technique id (`"T1005"` -> `"Data from Local System"`; sub-techniques fall back to the parent).
pub fn technique_name(id: &str) -> Option<&'static str> {
    let parent = id.split('.').next().unwrap_or(id);
    TECHNIQUES.iter().find(|(i, _)| *i == id || *i == parent).map(|(_, n)| *n)
}

/// Whether `id` looks like a tactic id (`TA` + four digits).
pub fn is_tactic_id(id: &str) -> bool {
    id.len() == 6 && id.starts_with("TA") && id[2..].bytes().all(|b| b.is_ascii_digit())
}

/// Whether `id` looks like a technique or sub-technique id (`T1234` or `T1234.001`).
pub fn is_technique_id(id: &str) -> bool {
    let (main, sub) = match id.split_once('.') {
        Some((m, s)) => (m, Some(s)),
        None => (id, None),
    };
    let main_ok = main.len() == 5 && main.starts_with('T') && main[1..].bytes().all(|b| b.is_ascii_digit());
    let sub_ok = sub.is_none_or(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()));
    main_ok && sub_ok
}

/// The ATT&CK classification of an action type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MitreMapping {
    /// Tactic id, e.g. `TA0009`.
    pub tactic_id: String,
    /// Tactic name, e.g. `Collection`.
    pub tactic_name: String,
    /// Technique id, e.g. `T1005`.
    pub technique_id: String,
    /// Technique name, e.g. `Data from Local System`.
    pub technique_name: String,
}

impl MitreMapping {
    /// `"TA0009 Collection"`.
    pub fn tactic(&self) -> String {
        format!("{} {}", self.tactic_id, self.tactic_name)
    }

    /// `"T1005 Data from Local System"`.
    pub fn technique(&self) -> String {
        format!("{} {}", self.technique_id, self.technique_name)
    }
}

impl fmt::Display for MitreMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} / {} {}", self.tactic_id, self.tactic_name, self.technique_id, self.technique_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_ids_are_well_formed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (id, name) in TACTICS {
            assert!(is_tactic_id(id), "{id}");
            assert!(!name.is_empty());
            assert!(seen.insert(*id));
        }
        for (id, name) in TECHNIQUES {
            assert!(is_technique_id(id), "{id}");
            assert!(!name.is_empty());
            assert!(seen.insert(*id));
        }
        assert_eq!(TACTICS.len(), 14);
    }

    #[test]
    fn lookups() {
        assert_eq!(tactic_name("TA0009"), Some("Collection"));
        assert_eq!(technique_name("T1005"), Some("Data from Local System"));
        assert_eq!(technique_name("T1565.001"), Some("Data Manipulation"));
        assert_eq!(technique_name("T9999"), None);
        assert!(is_technique_id("T1565.001"));
        assert!(!is_technique_id("T1565.1"));
        assert!(!is_technique_id("TA0001"));
        assert!(!is_tactic_id("T1005"));
    }
}
