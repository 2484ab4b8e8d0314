//! Reads of the notice templates: the latest of each, one version, who made which.

use super::{Query, require_operator};
use crate::access::Actor;
use crate::intake::{IntakeError, IntakeResult};
use crate::notices::{Localized, Severity};
use crate::registry::{Audience, NoticeKind};
use crate::store::{TemplateRecord, TemplateVersion};
use crate::templates::{Phase, TemplateId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// One version of a template as the console and the API show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateView {
    pub id: String,
    pub version: i32,
    pub kind: NoticeKind,
    pub phase: Phase,
    pub services: Vec<String>,
    pub audiences: Vec<Audience>,
    pub severity: Option<Severity>,
    #[schema(value_type = BTreeMap<String, String>)]
    pub name: Localized,
    #[schema(value_type = BTreeMap<String, String>)]
    pub title: Localized,
    #[schema(value_type = BTreeMap<String, String>)]
    pub body: Localized,
    #[schema(value_type = BTreeMap<String, String>)]
    pub sms: Localized,
    #[schema(value_type = BTreeMap<String, BTreeMap<String, String>>)]
    pub instructions: BTreeMap<Audience, Localized>,
    pub usage_break: Option<bool>,
    /// By service code: `down`, `degraded`, `retrieve_blocked`, `store_blocked`.
    pub impact: BTreeMap<String, String>,
    /// Where this version came from: `file:NAME`, `console` or `api`.
    pub source: String,
    /// Who wrote this version.
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    /// Every version, newest first (one template's read only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<TemplateVersionView>>,
}

/// Who made one version, and when.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateVersionView {
    pub version: i32,
    pub source: String,
    pub actor: String,
    pub created_at: DateTime<Utc>,
}

impl From<TemplateRecord> for TemplateView {
    fn from(r: TemplateRecord) -> Self {
        let t = r.template;
        let impact = t.impact_codes();
        Self {
            id: t.id.as_str().to_owned(),
            version: r.version,
            kind: t.kind,
            phase: t.phase,
            services: t.services.iter().map(|s| s.as_str().to_owned()).collect(),
            audiences: t.audiences,
            severity: t.severity,
            name: t.name,
            title: t.title,
            body: t.body,
            sms: t.sms,
            usage_break: t.usage_break,
            impact,
            instructions: t.instructions,
            source: r.source,
            updated_by: r.actor,
            updated_at: r.created_at,
            versions: None,
        }
    }
}

impl From<TemplateVersion> for TemplateVersionView {
    fn from(v: TemplateVersion) -> Self {
        Self {
            version: v.version,
            source: v.source,
            actor: v.actor,
            created_at: v.created_at,
        }
    }
}

/// A notice body from a template, to complete and send to `POST /api/v1/notices` (or, with
/// its `action`, to `POST /api/v1/notices/{id}/revisions`). Its texts keep their
/// placeholders; the notice's checks fill them.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateNotice {
    /// For a template of a later phase: the revision action it is written for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
    pub kind: NoticeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Left out when the template is for any service: choose them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub audiences: Vec<Audience>,
    #[schema(value_type = BTreeMap<String, String>)]
    pub title: Localized,
    #[schema(value_type = BTreeMap<String, String>)]
    pub body: Localized,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = BTreeMap<String, String>)]
    pub sms: Localized,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = BTreeMap<String, BTreeMap<String, String>>)]
    pub instructions: BTreeMap<Audience, Localized>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_break: Option<bool>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub impact: BTreeMap<String, String>,
}

impl From<crate::templates::Template> for TemplateNotice {
    fn from(t: crate::templates::Template) -> Self {
        let impact = t.impact_codes();
        Self {
            action: t.phase.action(),
            kind: t.kind,
            severity: t.severity,
            services: t.services.iter().map(|s| s.as_str().to_owned()).collect(),
            audiences: t.audiences,
            title: t.title,
            body: t.body,
            sms: t.sms,
            usage_break: t.usage_break,
            impact,
            instructions: t.instructions,
        }
    }
}

/// Which templates a list shows.
#[derive(Clone, Debug, Default)]
pub struct TemplateFilter {
    pub kind: Option<NoticeKind>,
    pub phase: Option<Phase>,
    /// Templates for this service, and those for any service.
    pub service: Option<String>,
}

impl Query {
    /// The latest version of each template that passes `filter`, by id (operators).
    pub async fn templates(
        &self,
        actor: &Actor,
        filter: &TemplateFilter,
    ) -> IntakeResult<Vec<TemplateView>> {
        require_operator(actor, "only operators read templates")?;
        Ok(self
            .store
            .templates()
            .await?
            .into_iter()
            .filter(|r| {
                let t = &r.template;
                filter.kind.is_none_or(|k| k == t.kind)
                    && filter.phase.is_none_or(|p| p == t.phase)
                    && filter.service.as_deref().is_none_or(|s| {
                        t.services.is_empty() || t.services.iter().any(|c| c.as_str() == s)
                    })
            })
            .map(TemplateView::from)
            .collect())
    }

    /// Template `id` at `version` (else its latest), for operators; not found otherwise.
    async fn template_record(
        &self,
        actor: &Actor,
        id: &str,
        version: Option<i32>,
    ) -> IntakeResult<(TemplateId, TemplateRecord)> {
        require_operator(actor, "only operators read templates")?;
        let id = TemplateId::parse(id).map_err(|_| IntakeError::NotFound)?;
        let record = self
            .store
            .template(&id, version)
            .await?
            .ok_or(IntakeError::NotFound)?;
        Ok((id, record))
    }

    /// A notice body from a template's `version` (else its latest).
    pub async fn template_notice(
        &self,
        actor: &Actor,
        id: &str,
        version: Option<i32>,
    ) -> IntakeResult<TemplateNotice> {
        let (_, record) = self.template_record(actor, id, version).await?;
        Ok(record.template.into())
    }

    /// A template's `version` (else its latest) with the list of its versions.
    pub async fn template(
        &self,
        actor: &Actor,
        id: &str,
        version: Option<i32>,
    ) -> IntakeResult<TemplateView> {
        let (id, record) = self.template_record(actor, id, version).await?;
        let versions = self.store.template_versions(&id).await?;
        let mut view = TemplateView::from(record);
        view.versions = Some(versions.into_iter().map(Into::into).collect());
        Ok(view)
    }
}
