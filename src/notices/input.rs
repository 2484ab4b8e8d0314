//! What a client sends to publish or revise a notice, as sent: every field optional, so
//! that one answer can name every missing or invalid field.

use super::content::LocalizedInput;
use super::windows::SubWindowInput;
use crate::validation::double_option;
use serde::Deserialize;
use std::collections::BTreeMap;

/// What a client sends to publish a notice, or (with `action`) to revise one. Every field
/// is optional so that one answer names every missing or invalid field.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeInput {
    /// For revisions: `update`, `end`, `reschedule` or `cancel`.
    pub action: Option<String>,
    /// `fault`, `maintenance` or `instruction`.
    pub kind: Option<String>,
    /// `minor`, `major` or `critical`.
    pub severity: Option<String>,
    pub services: Option<Vec<String>>,
    /// Default: the audiences of the services.
    pub audiences: Option<Vec<String>>,
    /// `{"fi": …, "sv": …, "en": …}`; fi and sv required. Every text (title, body, SMS,
    /// instructions) may hold the placeholders `{service}`, `{start}`, `{estimated_end}`,
    /// `{next_update}`, `{window_start}`, `{window_end}` and `{link}`, filled in the text's
    /// language (times in Helsinki time) when the notice is checked.
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub title: Option<LocalizedInput>,
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub body: Option<LocalizedInput>,
    /// Explicit SMS text per language (at most 3 parts each); default: title and link.
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub sms: Option<LocalizedInput>,
    /// Per audience, per language.
    #[schema(value_type = Option<BTreeMap<String, BTreeMap<String, String>>>)]
    pub instructions: Option<BTreeMap<String, LocalizedInput>>,
    pub state: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub started_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub estimated_end_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub next_update_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub ended_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub window_start: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub window_end: Option<Option<String>>,
    /// Maintenance only: phases within the window, in order.
    pub sub_windows: Option<Vec<SubWindowInput>>,
    /// Instructions only (and required for them): the authority that issued it — `THL`,
    /// `Kela`, `Valvira`, `DVV`, `STM`, `Fimea`, or another authority's name.
    pub issuer: Option<String>,
    /// Fault reports (ids) this notice answers: once it is published, each is linked to it
    /// and its reporter is emailed the notice's link.
    pub fault_reports: Option<Vec<String>>,
    /// `actual` (the default) or `exercise`: a drill that reaches the organisations it
    /// targets, marked HARJOITUS / ÖVNING / EXERCISE in every subject, body and SMS, asks to
    /// be acknowledged, and is never listed among real notices. Fixed at publication.
    pub status: Option<String>,
    /// Whether use of the service is prevented. Left out: yes when a service's `impact`
    /// is `down`, else not stated.
    pub usage_break: Option<bool>,
    /// Per affected service (each one of `services`): `down`, `degraded`,
    /// `retrieve_blocked` or `store_blocked`.
    pub impact: Option<BTreeMap<String, String>>,
    /// Publishing only: save as a draft — not public, nothing sent — to submit later.
    pub draft: Option<bool>,
    /// Publishing only: when to publish (RFC 3339 or Helsinki local time, in the future);
    /// left out, at once (or once approved).
    pub publish_at: Option<String>,
    /// Publishing only: why this notice goes out without the second operator's approval
    /// it needs (an emergency); written to the audit log and the notice's record.
    pub override_reason: Option<String>,
}

impl NoticeInput {
    /// This change laid over `base`: fields present here win.
    pub fn over(self, base: NoticeInput) -> NoticeInput {
        NoticeInput {
            action: self.action,
            kind: self.kind.or(base.kind),
            severity: self.severity.or(base.severity),
            services: self.services.or(base.services),
            audiences: self.audiences.or(base.audiences),
            title: self.title.or(base.title),
            body: self.body.or(base.body),
            sms: self.sms.or(base.sms),
            instructions: self.instructions.or(base.instructions),
            state: self.state.or(base.state),
            started_at: self.started_at.or(base.started_at),
            estimated_end_at: self.estimated_end_at.or(base.estimated_end_at),
            next_update_at: self.next_update_at.or(base.next_update_at),
            ended_at: self.ended_at.or(base.ended_at),
            window_start: self.window_start.or(base.window_start),
            window_end: self.window_end.or(base.window_end),
            sub_windows: self.sub_windows.or(base.sub_windows),
            issuer: self.issuer.or(base.issuer),
            // Reports are linked by the request that names them, never carried over.
            fault_reports: self.fault_reports,
            status: self.status.or(base.status),
            usage_break: self.usage_break.or(base.usage_break),
            impact: self.impact.or(base.impact),
            // How a notice is published belongs to the request that publishes it.
            draft: self.draft,
            publish_at: self.publish_at,
            override_reason: self.override_reason,
        }
    }
}
