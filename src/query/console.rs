//! Reads behind the operator console.

use super::{Query, require_operator};
use crate::access::{Actor, BrowserSecret, LoginLink};
use crate::intake::IntakeResult;
use crate::notices::{ChannelSummary, Revision};

/// How many notices of each part the dashboard shows.
const BOARD_NOTICES: u32 = 100;

/// A notice at its latest revision, with that revision's deliveries.
#[derive(Debug)]
pub struct NoticeProgress {
    pub revision: Revision,
    pub email: ChannelSummary,
    pub sms: ChannelSummary,
    /// Every recipient has a delivery row.
    pub fanout_complete: bool,
}

/// What the console's dashboard shows.
#[derive(Debug, Default)]
pub struct ConsoleBoard {
    /// Faults and instructions not over.
    pub active: Vec<NoticeProgress>,
    /// Maintenance whose window has begun.
    pub ongoing: Vec<NoticeProgress>,
    /// Maintenance ahead, soonest first.
    pub upcoming: Vec<NoticeProgress>,
}

impl Query {
    /// The sign-in link whose token a browser presented, if it is one of ours.
    pub async fn login_link(&self, token: &str) -> IntakeResult<Option<LoginLink>> {
        let Some(token) = BrowserSecret::presented(token) else {
            return Ok(None);
        };
        Ok(self.store.login_link(&token.hash()).await?)
    }

    /// The dashboard's notices with their delivery progress (operators).
    pub async fn console_board(&self, actor: &Actor) -> IntakeResult<ConsoleBoard> {
        require_operator(actor, "only operators open the console")?;
        let board = self
            .status_board(
                self.now(),
                chrono::Duration::zero(),
                BOARD_NOTICES,
                crate::notices::Exercises::Shown,
            )
            .await?;
        let mut out = ConsoleBoard::default();
        for rev in board.active {
            let p = self.progress(rev).await?;
            if p.revision.draft.kind.is_planned() {
                out.ongoing.push(p);
            } else {
                out.active.push(p);
            }
        }
        for rev in board.upcoming {
            out.upcoming.push(self.progress(rev).await?);
        }
        Ok(out)
    }

    async fn progress(&self, revision: Revision) -> IntakeResult<NoticeProgress> {
        let (id, n) = (revision.notice_id, revision.number);
        let fanout_complete = self.store.fanout_complete(id, n).await?;
        let (email, sms) = super::notices::by_channel(&self.store.delivery_summary(id, n).await?);
        Ok(NoticeProgress {
            email,
            sms,
            fanout_complete,
            revision,
        })
    }
}
