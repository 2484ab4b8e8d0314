//! A maintenance notice's reminder plan as rows: the steps that publishing, revising and
//! firing share.

use super::StoreResult;
use super::sql::{Conn, Sql};
use crate::notices::{NoticeId, PlannedStep};

/// Writes the steps planned by revision `revision` of notice `id`.
pub(super) async fn insert_plan(
    conn: &mut Conn<'_>,
    id: NoticeId,
    revision: i32,
    steps: &[PlannedStep],
) -> StoreResult<()> {
    let sql = "INSERT INTO reminders (notice_id, step, revision, email, sms, due_at, state, reason) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    for st in steps {
        conn.execute(
            Sql::new(sql)
                .bind(id.to_text())
                .bind(st.step.code())
                .bind(revision)
                .bind(st.sends.email)
                .bind(st.sends.sms)
                .bind(st.due_at)
                .bind(st.state.code())
                .bind(st.reason.as_deref()),
        )
        .await?;
    }
    Ok(())
}

/// Marks every planned step of notice `id` skipped with `reason`.
pub(super) async fn skip_planned(
    conn: &mut Conn<'_>,
    id: NoticeId,
    reason: &str,
) -> StoreResult<()> {
    let sql = "UPDATE reminders SET state = 'skipped', reason = $2 WHERE notice_id = $1 AND state = 'planned'";
    conn.execute(Sql::new(sql).bind(id.to_text()).bind(reason))
        .await?;
    Ok(())
}

/// How many steps of notice `id` are still planned.
pub(super) async fn count_planned(conn: &mut Conn<'_>, id: NoticeId) -> StoreResult<i64> {
    let sql = "SELECT COUNT(*) FROM reminders WHERE notice_id = $1 AND state = 'planned'";
    Ok(conn.scalar(Sql::new(sql).bind(id.to_text())).await?)
}
