//! Fault reports: stored with their services and attachments, a reference per year, the
//! reporter's acknowledgement and any page to the on-duty operators in the same
//! transaction; clusters of reports on one service counted as each report arrives.

use super::audit::insert_audit;
use super::housekeeping::insert_messages;
use super::idempotency::{claim_key, keep_answer};
use super::sql::{Conn, Sql};
use super::turns::Writer;
use super::{AuditEvent, Dialect, NewSystemMessage, Store, StoreResult};
use crate::access::{Keep, Kept};
use crate::fault_reports::{ReportDraft, ReportId, ReportSource, ReportStatus, reference};
use crate::registry::{OrgId, ServiceCode};
use chrono::{DateTime, Utc};

/// What the reporter is told: the report's id and reference.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReportReceipt {
    pub id: String,
    /// `FR-2026-000123`.
    pub reference: String,
}

/// A probable national fault raised by this report: on-duty operators are told once.
#[derive(Clone, Debug)]
pub struct ClusterRaised {
    pub id: String,
    pub service: ServiceCode,
    /// Distinct organisations (business IDs) whose reports make the cluster.
    pub organisations: usize,
}

/// How clusters are counted.
#[derive(Clone, Copy, Debug)]
pub struct ClusterRule {
    /// Distinct organisations that make a cluster.
    pub organisations: usize,
    /// Within this time of each other.
    pub window: chrono::Duration,
}

/// A report to store, with the messages that go with it (built once the reference is known).
pub struct NewReport<'a> {
    pub id: ReportId,
    pub draft: &'a ReportDraft,
    pub source: ReportSource,
    pub org_id: Option<OrgId>,
    /// The Helsinki year the reference counts in.
    pub year: i32,
    pub now: DateTime<Utc>,
    pub audit: &'a AuditEvent,
    pub rule: ClusterRule,
    /// The acknowledgement and any page, given the reference.
    pub messages: &'a (dyn Fn(&str) -> Vec<NewSystemMessage> + Send + Sync),
    /// The alert for each cluster this report raises.
    pub alert: &'a (dyn Fn(&ClusterRaised) -> Vec<NewSystemMessage> + Send + Sync),
}

/// The next reference number of `year`, taken under the row's lock.
async fn next_number(c: &mut Conn<'_>, year: i32) -> StoreResult<i64> {
    let sql = "INSERT INTO report_sequences (year, last) VALUES ($1, 1) \
               ON CONFLICT (year) DO UPDATE SET last = report_sequences.last + 1 RETURNING last";
    Ok(c.scalar(Sql::new(sql).bind(year)).await?)
}

impl Store {
    /// Stores a report (once per key of `keep`) with its audit record and messages; raises
    /// a cluster for each of its services where reports from enough organisations now meet.
    #[tracing::instrument(skip_all, fields(report = %r.id))]
    pub async fn insert_fault_report(
        &self,
        r: NewReport<'_>,
        keep: Option<Keep<'_, ReportReceipt>>,
    ) -> StoreResult<Kept<(ReportReceipt, Vec<ClusterRaised>)>> {
        let f = &r.draft.fields;
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, r.now).await? {
            return Ok(Kept::Earlier(earlier));
        }
        let reference = reference(r.year, next_number(&mut c, r.year).await?);
        let criteria: Vec<&str> = f.criteria.iter().map(|c| c.code()).collect();
        let sql = "INSERT INTO fault_reports (id, reference, org_id, source, organisation_name, business_id, reporter_name, \
                   reporter_email, reporter_phone, language, started_at, criteria, critical, description, workstation, \
                   application, error_text, status, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'new', $18, $18)";
        c.execute(
            Sql::new(sql)
                .bind(r.id.to_text())
                .bind(&reference)
                .bind(r.org_id.map(OrgId::to_text))
                .bind(r.source.code())
                .bind(&f.organisation_name)
                .bind(f.business_id.as_str())
                .bind(&f.reporter_name)
                .bind(f.reporter_email.as_str())
                .bind(&f.reporter_phone)
                .bind(f.language.code())
                .bind(f.started_at)
                .bind(criteria.join(","))
                .bind(f.is_critical())
                .bind(&f.description)
                .bind(f.workstation.as_deref())
                .bind(f.application.as_deref())
                .bind(f.error_text.as_deref())
                .bind(r.now),
        )
        .await?;
        for s in &f.services {
            let sql = "INSERT INTO fault_report_services (report_id, service, business_id, created_at) VALUES ($1, $2, $3, $4)";
            c.execute(
                Sql::new(sql)
                    .bind(r.id.to_text())
                    .bind(s.as_str())
                    .bind(f.business_id.as_str())
                    .bind(r.now),
            )
            .await?;
        }
        for (i, a) in r.draft.attachments.iter().enumerate() {
            let sql = "INSERT INTO fault_report_attachments (id, report_id, position, filename, media_type, size, content) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7)";
            c.execute(
                Sql::new(sql)
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(r.id.to_text())
                    .bind(i as i64)
                    .bind(&a.filename)
                    .bind(a.media_type.mime())
                    .bind(a.content.len() as i64)
                    .bind(a.content.clone()),
            )
            .await?;
        }
        let mut raised = Vec::new();
        for s in &f.services {
            if let Some(cluster) = join_or_raise(&mut c, r.id, s, r.now, r.rule).await? {
                insert_messages(&mut c, &(r.alert)(&cluster), r.now).await?;
                raised.push(cluster);
            }
        }
        insert_messages(&mut c, &(r.messages)(&reference), r.now).await?;
        insert_audit(&mut c, r.audit).await?;
        let receipt = ReportReceipt {
            id: r.id.to_text(),
            reference,
        };
        keep_answer(&mut c, keep, &receipt).await?;
        tx.commit().await?;
        Ok(Kept::Done((receipt, raised)))
    }
}

/// Adds report `id`'s entry for `service` to the service's open cluster (one whose last
/// report is within the window), or raises a new cluster when reports from enough
/// organisations, none yet in a cluster, now fall within the window. Reports on one service
/// are counted one at a time (PostgreSQL: a transaction lock per service; SQLite has one
/// writer), so that a cluster is raised once.
async fn join_or_raise(
    c: &mut Conn<'_>,
    id: ReportId,
    service: &ServiceCode,
    now: DateTime<Utc>,
    rule: ClusterRule,
) -> StoreResult<Option<ClusterRaised>> {
    if c.dialect() == Dialect::Postgres {
        let lock = "SELECT pg_advisory_xact_lock(hashtext('report-cluster:' || $1))";
        c.execute(Sql::new(lock).bind(service.as_str())).await?;
    }
    let since = now - rule.window;
    let open = "SELECT id FROM report_clusters WHERE service = $1 AND last_at >= $2 ORDER BY last_at DESC LIMIT 1";
    let cluster: Option<(String,)> = c
        .fetch_optional(Sql::new(open).bind(service.as_str()).bind(since))
        .await?;
    if let Some((cluster,)) = cluster {
        let join = "UPDATE fault_report_services SET cluster_id = $3 WHERE report_id = $1 AND service = $2";
        c.execute(
            Sql::new(join)
                .bind(id.to_text())
                .bind(service.as_str())
                .bind(&cluster),
        )
        .await?;
        let touch = "UPDATE report_clusters SET last_at = $2 WHERE id = $1";
        c.execute(Sql::new(touch).bind(&cluster).bind(now)).await?;
        return Ok(None);
    }
    let count = "SELECT COUNT(DISTINCT business_id) FROM fault_report_services \
                 WHERE service = $1 AND created_at >= $2 AND cluster_id IS NULL";
    let organisations: i64 = c
        .scalar(Sql::new(count).bind(service.as_str()).bind(since))
        .await?;
    if (organisations as usize) < rule.organisations {
        return Ok(None);
    }
    let cluster = uuid::Uuid::now_v7().to_string();
    let open =
        "INSERT INTO report_clusters (id, service, opened_at, last_at) VALUES ($1, $2, $3, $3)";
    c.execute(
        Sql::new(open)
            .bind(&cluster)
            .bind(service.as_str())
            .bind(now),
    )
    .await?;
    let gather = "UPDATE fault_report_services SET cluster_id = $1 \
                  WHERE service = $2 AND created_at >= $3 AND cluster_id IS NULL";
    c.execute(
        Sql::new(gather)
            .bind(&cluster)
            .bind(service.as_str())
            .bind(since),
    )
    .await?;
    Ok(Some(ClusterRaised {
        id: cluster,
        service: service.clone(),
        organisations: organisations as usize,
    }))
}

/// The status stored for a report.
pub(super) fn status_of(s: &str) -> StoreResult<ReportStatus> {
    super::error::decode("fault_reports.status", ReportStatus::parse(s))
}
