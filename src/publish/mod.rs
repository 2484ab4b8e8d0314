//! Read-only public views rendered from data passed in: the maintenance calendar (and,
//! later, the status page, feeds and CAP).

mod ical;

pub use ical::maintenance_calendar;
