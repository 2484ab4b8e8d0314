//! Notice templates, one row per version: the shipped files' versions (by digest) and the
//! console's and API's edits.

use super::audit::insert_audit;
use super::error::decode;
use super::idempotency::{claim_key, keep_answer};
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::access::{Keep, Kept};
use crate::templates::{Template, TemplateFile, TemplateId};
use chrono::{DateTime, Utc};

/// One version of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateRecord {
    pub template: Template,
    pub version: i32,
    /// `file:NAME`, `console` or `api`.
    pub source: String,
    pub actor: String,
    pub created_at: DateTime<Utc>,
}

/// Who made which version, without its content.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TemplateVersion {
    pub version: i32,
    pub source: String,
    pub actor: String,
    pub created_at: DateTime<Utc>,
}

/// Why a template write did not happen.
#[derive(Debug, PartialEq, Eq)]
pub enum TemplateWrite {
    /// Created: there is already a template with this id.
    Exists,
    /// Changed: there is no template with this id.
    Missing,
}

#[derive(sqlx::FromRow)]
struct Row {
    content: String,
    version: i32,
    source: String,
    actor: String,
    created_at: DateTime<Utc>,
}

impl Row {
    fn into_record(self) -> StoreResult<TemplateRecord> {
        Ok(TemplateRecord {
            template: decode(
                "notice_templates.content",
                serde_json::from_str(&self.content).map_err(|e| e.to_string()),
            )?,
            version: self.version,
            source: self.source,
            actor: self.actor,
            created_at: self.created_at,
        })
    }
}

const COLUMNS: &str = "content, version, source, actor, created_at";

/// The next version of `$1` (1 for a new id).
const NEXT_VERSION: &str =
    "(SELECT COALESCE(MAX(version), 0) + 1 AS v FROM notice_templates WHERE id = $1) n";

fn content(t: &Template) -> StoreResult<String> {
    serde_json::to_string(t).map_err(|e| super::StoreError::Other(e.into()))
}

impl Store {
    /// Adds a version for each shipped template whose content no earlier file version had;
    /// returns how many were added. Daemons starting together add each once.
    #[tracing::instrument(skip_all, fields(templates = files.len()))]
    pub async fn sync_file_templates(
        &self,
        files: &[TemplateFile],
        at: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let sql = format!(
            "INSERT INTO notice_templates (id, version, content, source, file_digest, actor, created_at) \
             SELECT $1, n.v, $2, $3, $4, 'faultcast', $5 FROM {NEXT_VERSION} \
             WHERE NOT EXISTS (SELECT 1 FROM notice_templates WHERE id = $1 AND file_digest = $4) \
             ON CONFLICT DO NOTHING"
        );
        let mut added = 0;
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        for f in files {
            added += c
                .execute(
                    Sql::new(sql.clone())
                        .bind(f.template.id.as_str())
                        .bind(content(&f.template)?)
                        .bind(format!("file:{}", f.file))
                        .bind(&f.digest)
                        .bind(at),
                )
                .await?;
        }
        tx.commit().await?;
        Ok(added as usize)
    }

    /// The latest version of every template, by id.
    #[tracing::instrument(skip_all)]
    pub async fn templates(&self) -> StoreResult<Vec<TemplateRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notice_templates t WHERE version = \
             (SELECT MAX(version) FROM notice_templates x WHERE x.id = t.id) ORDER BY id"
        );
        let rows: Vec<Row> = self.read().fetch_all(Sql::new(sql)).await?;
        rows.into_iter().map(Row::into_record).collect()
    }

    /// A template's `version`, else its latest.
    #[tracing::instrument(skip_all, fields(template = %id))]
    pub async fn template(
        &self,
        id: &TemplateId,
        version: Option<i32>,
    ) -> StoreResult<Option<TemplateRecord>> {
        let sql = match version {
            Some(_) => {
                format!("SELECT {COLUMNS} FROM notice_templates WHERE id = $1 AND version = $2")
            }
            None => format!(
                "SELECT {COLUMNS} FROM notice_templates WHERE id = $1 ORDER BY version DESC LIMIT 1"
            ),
        };
        let mut q = Sql::new(sql).bind(id.as_str());
        if let Some(v) = version {
            q = q.bind(v);
        }
        let row: Option<Row> = self.read().fetch_optional(q).await?;
        row.map(Row::into_record).transpose()
    }

    /// Every version of a template, newest first.
    #[tracing::instrument(skip_all, fields(template = %id))]
    pub async fn template_versions(&self, id: &TemplateId) -> StoreResult<Vec<TemplateVersion>> {
        let sql = "SELECT version, source, actor, created_at FROM notice_templates \
                   WHERE id = $1 ORDER BY version DESC";
        Ok(self
            .read()
            .fetch_all(Sql::new(sql).bind(id.as_str()))
            .await?)
    }

    /// Writes a template's next version with its audit record: the first when `create`
    /// (refused if the id exists), else a later one (refused if it does not). Returns the
    /// version written.
    #[tracing::instrument(skip_all, fields(template = %t.id))]
    #[allow(clippy::too_many_arguments)]
    pub async fn save_template(
        &self,
        t: &Template,
        create: bool,
        source: &str,
        actor: &str,
        at: DateTime<Utc>,
        audit: &AuditEvent,
        keep: Option<Keep<'_, TemplateRecord>>,
    ) -> StoreResult<Kept<Result<TemplateRecord, TemplateWrite>>> {
        let fence = if create { "n.v = 1" } else { "n.v > 1" };
        let sql = format!(
            "INSERT INTO notice_templates (id, version, content, source, file_digest, actor, created_at) \
             SELECT $1, n.v, $2, $3, NULL, $4, $5 FROM {NEXT_VERSION} WHERE {fence} \
             ON CONFLICT DO NOTHING RETURNING version"
        );
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, at).await? {
            return Ok(Kept::Earlier(earlier));
        }
        let version: Option<i32> = c
            .fetch_optional::<(i32,)>(
                Sql::new(sql)
                    .bind(t.id.as_str())
                    .bind(content(t)?)
                    .bind(source)
                    .bind(actor)
                    .bind(at),
            )
            .await?
            .map(|(v,)| v);
        let Some(version) = version else {
            return Ok(Kept::Done(Err(if create {
                TemplateWrite::Exists
            } else {
                TemplateWrite::Missing
            })));
        };
        let record = TemplateRecord {
            template: t.clone(),
            version,
            source: source.to_owned(),
            actor: actor.to_owned(),
            created_at: at,
        };
        insert_audit(&mut c, audit).await?;
        keep_answer(&mut c, keep, &record).await?;
        tx.commit().await?;
        Ok(Kept::Done(Ok(record)))
    }
}
