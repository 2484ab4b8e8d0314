//! Triage writes: a report's state, notes and links, each with its history entry, audit
//! record and the reporter's progress email in one transaction.

use super::audit::insert_audit;
use super::housekeeping::insert_messages;
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, NewSystemMessage, Store, StoreResult};
use crate::fault_reports::{ReportId, ReportStatus};
use crate::notices::NoticeId;
use crate::registry::{BusinessId, OrgId};
use chrono::{DateTime, Utc};

/// One triage step on a report.
pub struct TriageStep<'a> {
    pub id: ReportId,
    /// The state the step was decided on; the step fails if the report moved on since.
    pub from: ReportStatus,
    pub to: Option<ReportStatus>,
    pub notice_id: Option<NoticeId>,
    pub duplicate_of: Option<ReportId>,
    pub note: Option<&'a str>,
    pub reply: Option<&'a str>,
    pub now: DateTime<Utc>,
    pub audit: &'a AuditEvent,
    pub messages: &'a [NewSystemMessage],
}

impl Store {
    /// The registered organisation with `business_id`, if any.
    pub async fn org_with_business_id(
        &self,
        business_id: &BusinessId,
    ) -> StoreResult<Option<OrgId>> {
        let sql = "SELECT id FROM organisations WHERE business_id = $1";
        let row: Option<(String,)> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(business_id.as_str()))
            .await?;
        Ok(row.and_then(|(id,)| OrgId::parse(&id)))
    }

    /// Applies a triage step; false (nothing written) when the report is no longer in
    /// `from` (someone else triaged it meanwhile).
    #[tracing::instrument(skip_all, fields(report = %t.id))]
    pub async fn triage_fault_report(&self, t: TriageStep<'_>) -> StoreResult<bool> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let sql = "UPDATE fault_reports SET status = COALESCE($3, status), notice_id = COALESCE($4, notice_id), \
                   duplicate_of = COALESCE($5, duplicate_of), updated_at = $6 WHERE id = $1 AND status = $2";
        let changed = c
            .execute(
                Sql::new(sql)
                    .bind(t.id.to_text())
                    .bind(t.from.code())
                    .bind(t.to.map(|s| s.code()))
                    .bind(t.notice_id.map(NoticeId::to_text))
                    .bind(t.duplicate_of.map(ReportId::to_text))
                    .bind(t.now),
            )
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        let sql = "INSERT INTO fault_report_events (report_id, at, actor, status, note, reply) VALUES ($1, $2, $3, $4, $5, $6)";
        c.execute(
            Sql::new(sql)
                .bind(t.id.to_text())
                .bind(t.now)
                .bind(&t.audit.actor)
                .bind(t.to.map(|s| s.code()))
                .bind(t.note)
                .bind(t.reply),
        )
        .await?;
        insert_messages(&mut c, t.messages, t.now).await?;
        insert_audit(&mut c, t.audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The probable national faults report `id` is part of.
    pub async fn clusters_of_report(&self, id: ReportId) -> StoreResult<Vec<String>> {
        let sql = "SELECT DISTINCT cluster_id FROM fault_report_services WHERE report_id = $1 AND cluster_id IS NOT NULL";
        let rows: Vec<(String,)> = self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()))
            .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// Every report of probable national fault `cluster`, newest first.
    pub async fn cluster_reports(
        &self,
        cluster: &str,
    ) -> StoreResult<Vec<crate::fault_reports::FaultReport>> {
        let filter = super::ReportFilter {
            cluster: Some(cluster.to_owned()),
            ..Default::default()
        };
        Ok(self
            .list_fault_reports(&filter, None, Some(super::MAX_PAGE))
            .await?
            .items)
    }

    /// The service of probable national fault `cluster`.
    pub async fn cluster_service(
        &self,
        cluster: &str,
    ) -> StoreResult<Option<crate::registry::ServiceCode>> {
        let sql = "SELECT service FROM report_clusters WHERE id = $1";
        let row: Option<(String,)> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(cluster))
            .await?;
        row.map(|(s,)| {
            super::error::decode(
                "report_clusters.service",
                crate::registry::ServiceCode::parse(&s),
            )
        })
        .transpose()
    }

    /// Marks the probable national faults of `reports` as answered by notice `notice`.
    pub async fn answer_clusters(&self, reports: &[ReportId], notice: NoticeId) -> StoreResult<()> {
        if reports.is_empty() {
            return Ok(());
        }
        let mut w = self.write(Writer::Request).await?;
        let c = w.conn();
        for r in reports {
            let sql = "UPDATE report_clusters SET notice_id = $1 WHERE notice_id IS NULL AND id IN \
                       (SELECT cluster_id FROM fault_report_services WHERE report_id = $2 AND cluster_id IS NOT NULL)";
            c.execute(Sql::new(sql).bind(notice.to_text()).bind(r.to_text()))
                .await?;
        }
        Ok(())
    }
}
