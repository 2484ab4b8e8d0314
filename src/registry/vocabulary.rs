//! The registry's closed vocabularies.

use crate::codes::code_enum;

code_enum! {
    /// Who an organisation is, and so which notices concern it.
    pub enum Audience {
        Healthcare = "healthcare",
        SocialWelfare = "social-welfare",
        Pharmacy = "pharmacy",
        SystemSupplier = "system-supplier",
        Citizen = "citizen",
        /// Authorities and other stakeholders that receive notices too.
        Authority = "authority",
    }
}

code_enum! {
    /// What a contact does for its organisation.
    pub enum ContactRole {
        Helpdesk = "helpdesk",
        Technical = "technical",
        Security = "security",
        OnCall = "on-call",
        Manager = "manager",
    }
}

code_enum! {
    /// How a contact is reached.
    pub enum Channel { Email = "email", Sms = "sms" }
}

code_enum! {
    /// The kinds of notice. A planned `change` without a service break is announced like
    /// maintenance and reaches those who take maintenance notices.
    pub enum NoticeKind { Fault = "fault", Maintenance = "maintenance", Instruction = "instruction", Change = "change" }
}

impl NoticeKind {
    /// Planned work with a window: maintenance, and changes.
    pub fn is_planned(self) -> bool {
        matches!(self, NoticeKind::Maintenance | NoticeKind::Change)
    }

    /// The kind a contact subscribes to for notices of this kind (changes come with
    /// maintenance).
    pub fn subscription(self) -> NoticeKind {
        match self {
            NoticeKind::Change => NoticeKind::Maintenance,
            k => k,
        }
    }

    /// The kinds a contact can subscribe to.
    pub const SUBSCRIBABLE: &'static [NoticeKind] = &[
        NoticeKind::Fault,
        NoticeKind::Maintenance,
        NoticeKind::Instruction,
    ];
}

code_enum! {
    /// Who entered a contact.
    pub enum ContactSource { SelfService = "self-service", Operator = "operator", Import = "import" }
}

code_enum! {
    /// Whether an organisation still receives notices.
    pub enum OrgState { Active = "active", Closed = "closed" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_parse() {
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.code()).unwrap(), *a);
        }
        for r in ContactRole::ALL {
            assert_eq!(ContactRole::parse(r.code()).unwrap(), *r);
        }
    }

    #[test]
    fn an_unknown_code_names_the_accepted_ones() {
        assert_eq!(
            Channel::parse("fax").unwrap_err(),
            "must be one of email, sms"
        );
    }

    #[test]
    fn serde_uses_the_codes() {
        assert_eq!(
            serde_json::to_string(&Audience::SocialWelfare).unwrap(),
            "\"social-welfare\""
        );
        assert_eq!(
            serde_json::from_str::<ContactRole>("\"on-call\"").unwrap(),
            ContactRole::OnCall
        );
    }
}
