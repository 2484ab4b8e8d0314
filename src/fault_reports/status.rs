//! Where a fault report is in triage.

use crate::codes::code_enum;
use crate::registry::Language;

code_enum! {
    /// A report's triage state: new → acknowledged → investigating → linked to a notice, a
    /// local fault or a duplicate → closed.
    pub enum ReportStatus {
        New = "new",
        Acknowledged = "acknowledged",
        Investigating = "investigating",
        /// Part of a published notice.
        Linked = "linked",
        /// A fault of the organisation's own systems, not of a national service.
        Local = "local",
        /// Another report tells of the same fault.
        Duplicate = "duplicate",
        Closed = "closed",
    }
}

impl ReportStatus {
    /// Whether triage may move a report from `self` to `to`. Triage moves forward and may
    /// skip steps; a settled or closed report may be reopened for investigation when it was
    /// misjudged.
    pub fn may_become(self, to: ReportStatus) -> bool {
        use ReportStatus::*;
        match (self, to) {
            (New, Acknowledged) => true,
            (New | Acknowledged, Investigating) => true,
            (New | Acknowledged | Investigating, Linked | Local | Duplicate) => true,
            (Linked | Local | Duplicate | Closed, Investigating) => true,
            (from, Closed) => from != Closed,
            _ => false,
        }
    }

    /// The states a report in `self` may move to, in order.
    pub fn next(self) -> impl Iterator<Item = ReportStatus> {
        ReportStatus::ALL
            .iter()
            .copied()
            .filter(move |to| self.may_become(*to))
    }

    /// Whether the report still waits for support (counted on the dashboard).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReportStatus::New | ReportStatus::Acknowledged | ReportStatus::Investigating
        )
    }

    /// The state as the reporter and the console read it.
    pub fn label(self, lang: Language) -> &'static str {
        use Language::*;
        use ReportStatus::*;
        match (self, lang) {
            (New, Fi) => "Uusi",
            (New, Sv) => "Ny",
            (New, En) => "New",
            (Acknowledged, Fi) => "Vastaanotettu",
            (Acknowledged, Sv) => "Mottagen",
            (Acknowledged, En) => "Acknowledged",
            (Investigating, Fi) => "Selvityksessä",
            (Investigating, Sv) => "Under utredning",
            (Investigating, En) => "Investigating",
            (Linked, Fi) => "Liitetty häiriötiedotteeseen",
            (Linked, Sv) => "Kopplad till ett störningsmeddelande",
            (Linked, En) => "Linked to a fault notice",
            (Local, Fi) => "Paikallinen vika",
            (Local, Sv) => "Lokalt fel",
            (Local, En) => "Local fault",
            (Duplicate, Fi) => "Sama vika kuin toisessa ilmoituksessa",
            (Duplicate, Sv) => "Samma fel som i en annan anmälan",
            (Duplicate, En) => "Duplicate of another report",
            (Closed, Fi) => "Suljettu",
            (Closed, Sv) => "Stängd",
            (Closed, En) => "Closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReportStatus::*;

    #[test]
    fn triage_moves_forward_and_a_settled_report_can_be_reopened() {
        assert!(New.may_become(Acknowledged));
        assert!(New.may_become(Linked), "steps may be skipped");
        assert!(!Investigating.may_become(Acknowledged), "never backwards");
        assert!(!Investigating.may_become(New));
        assert!(Local.may_become(Closed));
        assert!(!Local.may_become(Duplicate), "reopen first");
        assert!(Closed.may_become(Investigating));
        assert!(!Closed.may_become(Closed));
        assert_eq!(New.next().count(), 6);
    }
}
