//! `GET /console`: the dashboard.

use super::super::{ApiError, AppState};
use super::session::Signed;
use crate::console::{Dashboard, DashboardNotice, Viewer, dashboard_page};
use crate::query::NoticeProgress;
use axum::extract::State;
use axum::response::Html;

fn shown(p: &NoticeProgress) -> DashboardNotice<'_> {
    DashboardNotice {
        revision: &p.revision,
        email: p.email.clone(),
        sms: p.sms.clone(),
        fanout_complete: p.fanout_complete,
    }
}

/// The dashboard of the signed-in operator.
pub async fn show(State(s): State<AppState>, signed: Signed) -> Result<Html<String>, ApiError> {
    let board = s.query.console_board(&signed.actor).await?;
    let now = s.clock.now_micros();
    let clusters = s.query.report_clusters(&signed.actor, 24).await?;
    let new_reports = s.query.new_report_count(&signed.actor).await?;
    let pending = s.query.pending_notices(&signed.actor).await?.items;
    let me = signed.actor.audit_name();
    let d = Dashboard {
        now,
        paused: s.pauses.active(now),
        active: board.active.iter().map(shown).collect(),
        ongoing: board.ongoing.iter().map(shown).collect(),
        upcoming: board.upcoming.iter().map(shown).collect(),
        clusters: &clusters,
        new_reports,
        pending: &pending,
        me: &me,
    };
    let viewer = Viewer {
        person: &signed.name,
        csrf: &signed.session.csrf,
        desk: crate::console::Desk::Console,
    };
    Ok(Html(dashboard_page(
        signed.lang,
        &viewer,
        &d,
        s.intake.catalogue(),
    )))
}
