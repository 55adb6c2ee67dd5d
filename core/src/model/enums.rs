//! The enums of PROTOCOL §6.1 plus `FailMode` (with D17's `local`). All parse case-insensitively and
//! print their wire value.

use std::fmt;

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// The member name as the Python enums spell it (`ALLOWED`, `HALF_OPEN`): the upper-cased wire value.
            pub fn name(self) -> String {
                self.as_str().to_ascii_uppercase()
            }

            /// Case-insensitive parse of the wire value; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                let t = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(t))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

wire_enum!(
    /// The normalised verdict of an action.
    Decision { Allowed = "allowed", Denied = "denied", Pending = "pending", AutoApproved = "auto_approved", Executed = "executed" }
);

wire_enum!(
    /// Legacy status enum of `ActionDetails`.
    DecisionStatus {
        Pending = "pending", Approved = "approved", Denied = "denied", RequiresModification = "requires_modification",
        Timeout = "timeout", AutoApproved = "auto_approved", Escalated = "escalated"
    }
);

wire_enum!(
    /// Risk level of an action.
    RiskLevel { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
);

wire_enum!(
    /// Convenience action types; `action_type` itself is free text on the wire.
    ActionType {
        DataAccess = "data_access", DataModification = "data_modification", Transaction = "transaction",
        Recommendation = "recommendation", Communication = "communication", SystemOperation = "system_operation",
        Query = "query", Analysis = "analysis", ReportGeneration = "report_generation", ApiCall = "api_call"
    }
);

wire_enum!(
    /// What the client does when ASCEND cannot be reached (PROTOCOL §4, DECISIONS D4/D17).
    FailMode { Closed = "closed", Open = "open", Local = "local" }
);

wire_enum!(
    /// Circuit breaker state (PROTOCOL §3.6).
    CircuitState { Closed = "closed", Open = "open", HalfOpen = "half_open" }
);

impl Decision {
    /// Whether this verdict lets an action run: ALLOWED, AUTO_APPROVED or EXECUTED (never PENDING or DENIED).
    /// The one place that says which verdicts permit execution (DECISIONS D24).
    pub fn permits_execution(self) -> bool {
        matches!(self, Decision::Allowed | Decision::AutoApproved | Decision::Executed)
    }
}

#[allow(clippy::derivable_impls)]
impl Default for FailMode {
    fn default() -> Self {
        FailMode::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_case_insensitive() {
        assert_eq!(FailMode::parse("OPEN"), Some(FailMode::Open));
        assert_eq!(RiskLevel::parse("Medium"), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::parse("moderate"), None);
        assert_eq!(Decision::Allowed.to_string(), "allowed");
        assert_eq!(Decision::Allowed.name(), "ALLOWED");
    }

    #[test]
    fn only_approving_verdicts_permit_execution() {
        let permitted: Vec<_> = Decision::ALL.iter().filter(|d| d.permits_execution()).collect();
        assert_eq!(permitted, [&Decision::Allowed, &Decision::AutoApproved, &Decision::Executed]);
    }
}
