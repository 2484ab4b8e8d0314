//! From fault reports to a notice: a draft prefilled from a report (or the probable national
//! fault it belongs to), and once a notice answering reports is published, each report
//! linked to it and its reporter told the notice's link.

use super::{Intake, IntakeError, IntakeResult};
use crate::access::Actor;
use crate::fault_reports::{FaultReport, ReportId, ReportStatus};
use crate::notices::NoticeId;
use crate::registry::{Language, ServiceCode};
use crate::validation::FieldErrors;
use std::collections::{BTreeMap, BTreeSet};

/// A fault notice prefilled from reports: the body `POST /api/v1/notices` takes, for
/// support to complete and publish.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NoticeDraft {
    pub kind: String,
    /// `critical` when any report is critical, else `major`.
    pub severity: String,
    pub services: Vec<String>,
    pub state: String,
    /// The earliest start the reports give.
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub title: BTreeMap<String, String>,
    pub body: BTreeMap<String, String>,
    /// The reports the notice answers (those not yet settled).
    pub fault_reports: Vec<String>,
}

/// Which reports a draft is made from.
#[derive(Clone, Debug)]
pub enum ReportsOf {
    /// One report, with every report of a probable national fault it belongs to.
    Report(ReportId),
    /// The reports of one probable national fault.
    Cluster(String),
}

fn names(intake: &Intake, services: &BTreeSet<ServiceCode>, lang: Language) -> String {
    services
        .iter()
        .map(|s| intake.catalogue.name(s.as_str(), lang))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Intake {
    /// A draft fault notice from reports (operators).
    pub async fn notice_draft(&self, actor: &Actor, from: ReportsOf) -> IntakeResult<NoticeDraft> {
        if !actor.is_operator() {
            return Err(IntakeError::Forbidden("only operators publish notices"));
        }
        let (reports, services) = match from {
            ReportsOf::Report(id) => {
                let first = self.fault_report(actor, id).await?;
                let mut all = vec![first.clone()];
                for cluster in self.store.clusters_of_report(id).await? {
                    all.extend(self.store.cluster_reports(&cluster).await?);
                }
                (all, first.fields.services.clone())
            }
            ReportsOf::Cluster(cluster) => {
                let all = self.store.cluster_reports(&cluster).await?;
                let service = self
                    .store
                    .cluster_service(&cluster)
                    .await?
                    .ok_or(IntakeError::NotFound)?;
                (all, BTreeSet::from([service]))
            }
        };
        let started_at = reports
            .iter()
            .map(|r| r.fields.started_at)
            .min()
            .ok_or(IntakeError::NotFound)?;
        let critical = reports.iter().any(|r| r.fields.is_critical());
        let mut ids: Vec<String> = reports
            .iter()
            .filter(|r| r.status.may_become(ReportStatus::Linked))
            .map(|r| r.id.to_text())
            .collect();
        ids.sort();
        ids.dedup();
        let text = |fi: String, sv: String, en: String| {
            BTreeMap::from([
                ("fi".to_owned(), fi),
                ("sv".to_owned(), sv),
                ("en".to_owned(), en),
            ])
        };
        let (fi, sv, en) = (
            names(self, &services, Language::Fi),
            names(self, &services, Language::Sv),
            names(self, &services, Language::En),
        );
        Ok(NoticeDraft {
            kind: "fault".into(),
            severity: if critical { "critical" } else { "major" }.into(),
            services: services.iter().map(|s| s.as_str().to_owned()).collect(),
            state: "investigating".into(),
            started_at,
            title: text(
                format!("Häiriö: {fi}"),
                format!("Störning: {sv}"),
                format!("Fault: {en}"),
            ),
            body: text(
                format!(
                    "Palvelussa {fi} on häiriö, jota selvitetään. Tiedotamme, kun tilanne muuttuu."
                ),
                format!("Det finns en störning i {sv} som utreds. Vi informerar när läget ändras."),
                format!(
                    "There is a fault in {en}, which is being investigated. We will tell you when the situation changes."
                ),
            ),
            fault_reports: ids,
        })
    }

    /// The reports a notice names as answered; every id must be a report.
    pub(super) async fn answered_reports(
        &self,
        ids: Option<&[String]>,
    ) -> IntakeResult<Vec<FaultReport>> {
        let mut e = FieldErrors::new();
        let mut out = Vec::new();
        for (i, id) in ids.unwrap_or_default().iter().enumerate() {
            match ReportId::parse(id.trim()) {
                Some(id) => match self.store.get_fault_report(id).await? {
                    Some(r) => out.push(r),
                    None => e.add(format!("fault_reports[{i}]"), "is not a fault report"),
                },
                None => e.add(format!("fault_reports[{i}]"), "is not a fault report"),
            }
        }
        e.finish(|| out).map_err(Into::into)
    }

    /// Links each of `reports` to notice `id` (those not settled otherwise) and emails its
    /// reporter the notice's link; marks their probable national faults as answered.
    pub(super) async fn link_reports(
        &self,
        actor: &Actor,
        id: NoticeId,
        reports: &[FaultReport],
    ) -> IntakeResult<()> {
        for r in reports {
            if !r.status.may_become(ReportStatus::Linked) {
                continue;
            }
            let text = crate::fault_reports::progress(
                &r.fields,
                &r.reference,
                ReportStatus::Linked,
                None,
                None,
                Some(&self.notice_link(id)),
            );
            let message = crate::store::NewSystemMessage {
                dedup_key: format!("report-linked:{}:{id}", r.id),
                kind: "fault-report-progress",
                recipient: r.fields.reporter_email.as_str().to_owned(),
                subject: text.subject,
                body: text.body,
                ..Default::default()
            };
            let audit = self.event(
                actor,
                "fault_report.link",
                "fault_report",
                r.id.to_text(),
                r.org_id.map(|o| o.to_text()),
            );
            // A report triaged meanwhile by someone else keeps what they decided.
            self.store
                .triage_fault_report(crate::store::TriageStep {
                    id: r.id,
                    from: r.status,
                    to: Some(ReportStatus::Linked),
                    notice_id: Some(id),
                    duplicate_of: None,
                    note: None,
                    reply: None,
                    now: self.now(),
                    audit: &audit,
                    messages: std::slice::from_ref(&message),
                })
                .await?;
        }
        let ids: Vec<ReportId> = reports.iter().map(|r| r.id).collect();
        self.store.answer_clusters(&ids, id).await?;
        self.outbox.notify_waiters();
        Ok(())
    }
}
