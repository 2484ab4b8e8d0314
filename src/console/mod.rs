//! The operator console's pages (console.md): server-rendered with maud, usable without
//! JavaScript, in Finnish, Swedish or English. Rendering only: the pages are given what they
//! show, and every form posts to a handler that calls intake.

mod contact_form;
mod dashboard;
mod fields;
mod impact_fields;
mod import;
mod layout;
mod messages;
mod notice_form;
mod notice_page;
mod org_record;
mod pending_list;
mod phases;
mod portal_home;
mod portal_received;
mod portal_signin;
mod preview;
mod reach_board;
mod registry;
mod report_form;
mod report_messages;
mod report_page;
mod report_queue;
mod revise_form;
mod signin;
mod templates_page;
mod tokens;

pub use contact_form::{ContactForm, ContactMode, contact_form_page};
pub use dashboard::{Dashboard, DashboardNotice, dashboard_page};
pub use fields::Posted;
pub use import::import_page;
pub use layout::{Desk, Viewer};
pub use notice_form::{FormMode, NoticeForm, TemplateChoice, new_notice_page, notice_form_page};
pub use notice_page::{Closing, NoticePage, notice_page};
pub use portal_home::{PortalHome, portal_home_page};
pub use portal_received::received_page;
pub use portal_signin::{LinkRequest, PortalLinkState, portal_link_page, portal_request_page};
pub use reach_board::reach_page;
pub use registry::{audit_page, organisation_page, organisations_page};
pub use report_form::{ReportForm, ReportSent, report_form_page, report_sent_page};
pub use report_page::{ReportPage, report_page};
pub use report_queue::{ReportQueue, reports_page};
pub use signin::{LinkState, ProviderOutcome, link_page, signin_page};
pub use templates_page::{template_form, template_page, templates_page};
pub use tokens::{Issued, TokenForm, tokens_page};

use crate::registry::Language;

/// The console's script: the live SMS counter.
pub const SCRIPT: &str = include_str!("console.js");

/// The same text in the three languages.
pub fn t(lang: Language, p: [&'static str; 3]) -> &'static str {
    match lang {
        Language::Fi => p[0],
        Language::Sv => p[1],
        Language::En => p[2],
    }
}
