//! The scheduler: fires the maintenance plans' due steps (and, later, cron housekeeping)
//! through intake.

mod reminders;

pub use reminders::Scheduler;
