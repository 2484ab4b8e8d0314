//! Read-only public views rendered from data passed in: the feeds and the maintenance
//! calendar (later the status page and CAP), and the cache that renders each once per change.

mod ack_link;
mod cache;
mod cap;
mod error_page;
mod feeds;
mod ical;
mod page;
mod review_link;
mod verify_link;

pub use ack_link::{AckPage, ack_page};
pub use cache::{OutputCache, Rendered};
pub use cap::{CapSource, alert as cap_alert, cap_feed};
pub use error_page::error_page;
pub use feeds::{FeedSpec, atom, rss};
pub use ical::maintenance_calendar;
pub use page::{ICON, STYLE, StatusPage, not_found_page, notice_page, status_page};
pub use review_link::{ListedRecipient, ReviewLink, review_link_page};
pub use verify_link::{VerifyPage, verify_page};
