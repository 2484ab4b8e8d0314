//! Where in a notice's life a template is used.

use crate::codes::code_enum;
use crate::registry::NoticeKind;

code_enum! {
    /// A fault's (or an instruction's) start, update and end; maintenance announced,
    /// reminded, changed or cancelled.
    pub enum Phase {
        Start = "start",
        Update = "update",
        End = "end",
        Announcement = "announcement",
        Reminder = "reminder",
        Change = "change",
        Cancel = "cancel",
    }
}

impl Phase {
    /// The phases a notice of `kind` goes through.
    pub fn of(kind: NoticeKind) -> &'static [Phase] {
        match kind {
            NoticeKind::Fault | NoticeKind::Instruction => {
                &[Phase::Start, Phase::Update, Phase::End]
            }
            NoticeKind::Maintenance | NoticeKind::Change => &[
                Phase::Announcement,
                Phase::Reminder,
                Phase::Change,
                Phase::Cancel,
            ],
        }
    }

    /// The phase in words, for the console.
    pub fn label(self, lang: crate::registry::Language) -> &'static str {
        let p = match self {
            Phase::Start => ["alku", "början", "start"],
            Phase::Update => ["tilannetieto", "lägesrapport", "update"],
            Phase::End => ["loppu", "slut", "end"],
            Phase::Announcement => ["ennakkoilmoitus", "förhandsmeddelande", "announcement"],
            Phase::Reminder => ["muistutus", "påminnelse", "reminder"],
            Phase::Change => ["muutos", "ändring", "change"],
            Phase::Cancel => ["peruutus", "återkallelse", "cancellation"],
        };
        match lang {
            crate::registry::Language::Fi => p[0],
            crate::registry::Language::Sv => p[1],
            crate::registry::Language::En => p[2],
        }
    }

    /// Whether the phase publishes a new notice (else it revises one).
    pub fn publishes(self) -> bool {
        matches!(self, Phase::Start | Phase::Announcement)
    }

    /// The revision action that uses this phase (none for a new notice).
    pub fn action(self) -> Option<&'static str> {
        match self {
            Phase::Start | Phase::Announcement => None,
            Phase::Update | Phase::Reminder => Some("update"),
            Phase::End => Some("end"),
            Phase::Change => Some("reschedule"),
            Phase::Cancel => Some("cancel"),
        }
    }
}
