//! Fault reports: taking a report (acknowledging it, paging the on-duty operators when it is
//! critical, raising clusters) and triaging it.

use super::report_triage::TriageInput;
use super::{Intake, IntakeError, IntakeResult, made};
use crate::access::{Actor, ActorKind, Keep, Role};
use crate::fault_reports::{
    FaultReport, FaultReportInput, IncidentPage, ReportDraft, ReportFields, ReportId, ReportSource,
    ReportStatus, ReporterContext, SignedOrg, Text,
};
use crate::registry::Language;
use crate::store::{ClusterRaised, ClusterRule, NewReport, NewSystemMessage, ReportReceipt};
use chrono::Datelike;
use std::sync::Arc;

/// How reports are handled (`[intake]`).
#[derive(Clone, Debug)]
pub struct ReportRules {
    pub phone: String,
    pub on_duty_emails: Vec<String>,
    pub on_duty_phones: Vec<String>,
    pub cluster: ClusterRule,
    pub incident_pages: Vec<IncidentPage>,
}

impl Default for ReportRules {
    fn default() -> Self {
        Self {
            phone: "020 634 7787".into(),
            on_duty_emails: Vec::new(),
            on_duty_phones: Vec::new(),
            cluster: ClusterRule {
                organisations: 3,
                window: chrono::Duration::minutes(30),
            },
            incident_pages: Vec::new(),
        }
    }
}

/// Emails (and, when `sms`, texts) to every on-duty operator, urgent, once per `key`.
fn on_duty(
    rules: &ReportRules,
    key: &str,
    kind: &'static str,
    text: &Text,
) -> Vec<NewSystemMessage> {
    let emails = rules.on_duty_emails.iter().map(|to| NewSystemMessage {
        dedup_key: format!("{key}:email:{to}"),
        kind,
        recipient: to.clone(),
        subject: text.subject.clone(),
        body: text.body.clone(),
        urgent: true,
        ..Default::default()
    });
    let texts = rules.on_duty_phones.iter().map(|to| NewSystemMessage {
        dedup_key: format!("{key}:sms:{to}"),
        kind,
        recipient: to.clone(),
        subject: text.subject.clone(),
        body: text.subject.clone(),
        sms: true,
        urgent: true,
        ..Default::default()
    });
    emails.chain(texts).collect()
}

/// A message to the reporter.
fn to_reporter(f: &ReportFields, key: String, kind: &'static str, text: Text) -> NewSystemMessage {
    NewSystemMessage {
        dedup_key: key,
        kind,
        recipient: f.reporter_email.as_str().to_owned(),
        subject: text.subject,
        body: text.body,
        ..Default::default()
    }
}

impl Intake {
    /// The report rules.
    pub fn with_report_rules(mut self, rules: ReportRules) -> Self {
        self.reports = Arc::new(rules);
        self
    }

    /// The report rules (the form shows the phone number and incident pages).
    pub fn report_rules(&self) -> &ReportRules {
        &self.reports
    }

    /// Takes a fault report: from an org_admin token or a portal admin (their organisation,
    /// as registered), an operator, or the public form. Answers the reference at once; the
    /// acknowledgement, any page and any cluster alert wait in the outbox.
    pub async fn submit_fault_report(
        &self,
        actor: &Actor,
        input: FaultReportInput,
        keep: Option<Keep<'_, ReportReceipt>>,
    ) -> IntakeResult<ReportReceipt> {
        let now = self.now();
        let (source, own) = match &actor.kind {
            ActorKind::Token {
                role: Role::OrgAdmin,
                org: Some(org),
                ..
            } => (ReportSource::Api, Some(*org)),
            ActorKind::Contact { org, .. } => (ReportSource::Portal, Some(*org)),
            ActorKind::Public => (ReportSource::Public, None),
            _ if actor.is_operator() => (ReportSource::Api, None),
            _ => {
                return Err(IntakeError::Forbidden(
                    "this token cannot send fault reports",
                ));
            }
        };
        let own_org = match own {
            Some(id) => Some(
                self.store
                    .get_organisation(id)
                    .await?
                    .ok_or(IntakeError::NotFound)?,
            ),
            None => None,
        };
        let signed = own_org.as_ref().map(|o| SignedOrg {
            name: &o.draft.name,
            business_id: &o.draft.business_id,
        });
        let draft = ReportDraft::parse(input, &self.catalogue, signed, now)?;
        let org_id = match own {
            Some(id) => Some(id),
            None => {
                self.store
                    .org_with_business_id(&draft.fields.business_id)
                    .await?
            }
        };
        let id = ReportId::generate();
        let audit = self.event(
            actor,
            "fault_report.create",
            "fault_report",
            id.to_text(),
            org_id.map(|o| o.to_text()),
        );
        let rules = self.reports.clone();
        let console = format!("{}/console/reports/{id}", self.public_url);
        let fields = draft.fields.clone();
        let services = self.service_names(&fields);
        let messages = move |reference: &str| {
            let cx = ReporterContext {
                reference,
                phone: &rules.phone,
                incident_pages: &rules.incident_pages,
            };
            let ack = crate::fault_reports::acknowledgement(&fields, &cx);
            let mut out = vec![to_reporter(
                &fields,
                format!("report-ack:{id}"),
                "fault-report-ack",
                ack,
            )];
            if fields.is_critical() {
                let page = crate::fault_reports::page(&fields, reference, &services, &console);
                out.extend(on_duty(
                    &rules,
                    &format!("report-page:{id}"),
                    "fault-report-page",
                    &page,
                ));
            }
            out
        };
        let rules = self.reports.clone();
        let base = self.public_url.clone();
        let alert = move |c: &ClusterRaised| {
            let link = format!("{base}/console/reports?cluster={}", c.id);
            let text = crate::fault_reports::cluster_alert(
                c.service.as_str(),
                c.organisations,
                rules.cluster.window.num_minutes(),
                &link,
            );
            on_duty(
                &rules,
                &format!("cluster:{}", c.id),
                "report-cluster",
                &text,
            )
        };
        let year = now.with_timezone(&crate::calendar::HELSINKI).year();
        let kept = self
            .store
            .insert_fault_report(
                NewReport {
                    id,
                    draft: &draft,
                    source,
                    org_id,
                    year,
                    now,
                    audit: &audit,
                    rule: self.reports.cluster,
                    messages: &messages,
                    alert: &alert,
                },
                keep,
            )
            .await?;
        let (receipt, raised) = made(kept)?;
        for c in &raised {
            tracing::warn!(service = %c.service, organisations = c.organisations, "probable national fault: reports from several organisations");
        }
        self.outbox.notify_waiters();
        Ok(receipt)
    }

    /// "Service A, Service B" in Finnish, for pages.
    fn service_names(&self, f: &ReportFields) -> String {
        f.services
            .iter()
            .map(|s| self.catalogue.name(s.as_str(), Language::Fi))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One report, if the actor may see it (operators: all; org_admins and portal admins:
    /// their own organisation's).
    pub async fn fault_report(&self, actor: &Actor, id: ReportId) -> IntakeResult<FaultReport> {
        let report = self
            .store
            .get_fault_report(id)
            .await?
            .ok_or(IntakeError::NotFound)?;
        let visible = actor.is_operator() || report.org_id.is_some_and(|o| actor.may_access(o));
        visible.then_some(report).ok_or(IntakeError::NotFound)
    }

    /// A triage step (operators): a new state, a note, a reply to the reporter. Each change
    /// of state, and each reply, emails the reporter in their language.
    pub async fn triage_fault_report(
        &self,
        actor: &Actor,
        id: ReportId,
        input: TriageInput,
    ) -> IntakeResult<FaultReport> {
        if !actor.is_operator() {
            return Err(IntakeError::Forbidden(
                "only operators triage fault reports",
            ));
        }
        let report = self.fault_report(actor, id).await?;
        let step = super::report_triage::check(self, &report, input).await?;
        let notice_link = step
            .notice_id
            .or(report.notice_id)
            .map(|n| self.notice_link(n));
        let mut messages = Vec::new();
        if step.to.is_some() || step.reply.is_some() {
            let status = step.to.unwrap_or(report.status);
            let text = crate::fault_reports::progress(
                &report.fields,
                &report.reference,
                status,
                step.reply.as_deref(),
                step.estimate.as_deref(),
                notice_link
                    .as_deref()
                    .filter(|_| status == ReportStatus::Linked),
            );
            let key = format!("report-progress:{id}:{}", uuid::Uuid::now_v7().simple());
            messages.push(to_reporter(
                &report.fields,
                key,
                "fault-report-progress",
                text,
            ));
        }
        let audit = self.event(
            actor,
            "fault_report.triage",
            "fault_report",
            id.to_text(),
            report.org_id.map(|o| o.to_text()),
        );
        let done = self
            .store
            .triage_fault_report(crate::store::TriageStep {
                id,
                from: report.status,
                to: step.to,
                notice_id: step.notice_id,
                duplicate_of: step.duplicate_of,
                note: step.note.as_deref(),
                reply: step.reply.as_deref(),
                now: self.now(),
                audit: &audit,
                messages: &messages,
            })
            .await?;
        if !done {
            return Err(IntakeError::Invalid(
                crate::validation::FieldErrors::single(
                    "status",
                    "the report was triaged by someone else meanwhile; look again",
                ),
            ));
        }
        self.outbox.notify_waiters();
        self.fault_report(actor, id).await
    }
}
