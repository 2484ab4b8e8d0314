//! The scheduler: fires the maintenance plans' due steps and the cron housekeeping jobs,
//! through intake.

mod housekeeping;
mod reminders;

pub use housekeeping::Housekeeping;
pub use reminders::{Round, Scheduler};
