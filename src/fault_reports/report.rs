//! A fault report as an organisation's helpdesk sends it, checked field by field.

use super::attachment::{Attachment, MAX_ATTACHMENTS, MediaType};
use super::criteria::Criterion;
use super::identity_code::{REFUSAL, contains_identity_code};
use super::status::ReportStatus;
use crate::calendar::{Edge, HELSINKI, parse_time};
use crate::registry::{BusinessId, Catalogue, EmailAddress, Language, OrgId, ServiceCode};
use crate::validation::{FieldErrors, collect_set};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeSet;

/// A description says what happened, step by step; a page of text is plenty.
pub const MAX_DESCRIPTION_LEN: usize = 5_000;
/// An error message copied from a dialog or a log excerpt.
pub const MAX_ERROR_TEXT_LEN: usize = 4_000;
/// Names, a workstation identifier, an application.
pub const MAX_SHORT_LEN: usize = 200;
/// A report may say the fault started a little ahead of the daemon's clock (clock skew),
/// not later.
const FUTURE_GRACE: chrono::Duration = chrono::Duration::minutes(10);

crate::codes::uuid_id! {
    /// A fault report's id.
    pub struct ReportId;
}

crate::codes::code_enum! {
    /// Where a report came from.
    pub enum ReportSource {
        /// An org_admin token.
        Api = "api",
        /// A portal admin signed in to the portal.
        Portal = "portal",
        /// The public form: the organisation is as the reporter typed it.
        Public = "public",
    }
}

/// One attachment as sent in JSON.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    pub filename: Option<String>,
    /// The file, base64 (standard alphabet, padding optional).
    pub content_base64: Option<String>,
}

/// What a reporter sends; every field optional so that one answer names every missing one.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultReportInput {
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    /// The reporter's language (`fi`, `sv`, `en`; default `fi`): of the acknowledgement and
    /// every progress email.
    pub language: Option<String>,
    /// Taken from the registry when the reporter is signed in.
    pub organisation_name: Option<String>,
    /// Taken from the registry when the reporter is signed in.
    pub business_id: Option<String>,
    /// Service codes of the catalogue.
    pub services: Option<Vec<String>>,
    /// RFC 3339, or a Helsinki local time like `2026-11-22T12:05`.
    pub started_at: Option<String>,
    /// Which of the six criteria apply; at least one.
    #[schema(value_type = Option<Vec<Criterion>>)]
    pub criteria: Option<Vec<String>>,
    pub description: Option<String>,
    pub workstation: Option<String>,
    pub application: Option<String>,
    pub error_text: Option<String>,
    /// Patient safety, or a social-welfare client's service, may be at risk (the same as
    /// the criterion `patient-safety`).
    pub patient_safety_risk: Option<bool>,
    /// Patients' or clients' data protection may be at risk (the criterion `data-protection`).
    pub data_protection_risk: Option<bool>,
    /// Up to three PNG, JPEG or PDF files of at most 5 MB each.
    pub attachments: Option<Vec<AttachmentInput>>,
}

/// A report's checked fields.
#[derive(Clone, Debug)]
pub struct ReportFields {
    pub reporter_name: String,
    pub reporter_email: EmailAddress,
    pub reporter_phone: String,
    pub language: Language,
    pub organisation_name: String,
    pub business_id: BusinessId,
    pub services: BTreeSet<ServiceCode>,
    pub started_at: DateTime<Utc>,
    pub criteria: BTreeSet<Criterion>,
    pub description: String,
    pub workstation: Option<String>,
    pub application: Option<String>,
    pub error_text: Option<String>,
}

impl ReportFields {
    /// Critical reports page the on-duty operators and ask the reporter to phone as well.
    pub fn is_critical(&self) -> bool {
        self.criteria.iter().any(|c| c.is_critical())
    }
}

/// A validated report with its attachments, ready to store.
#[derive(Clone, Debug)]
pub struct ReportDraft {
    pub fields: ReportFields,
    pub attachments: Vec<Attachment>,
}

/// The organisation a signed-in reporter belongs to; its name and business ID are used as
/// they are registered, whatever the input says.
pub struct SignedOrg<'a> {
    pub name: &'a str,
    pub business_id: &'a BusinessId,
}

impl ReportDraft {
    /// Checks every field; `signed` fixes the organisation; `now` bounds the start time.
    pub fn parse(
        input: FaultReportInput,
        catalogue: &Catalogue,
        signed: Option<SignedOrg<'_>>,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let short = |e: &mut FieldErrors, field: &str, v: Option<String>, required: bool| {
            text(e, field, v, MAX_SHORT_LEN, false, required)
        };
        let reporter_name = short(&mut e, "reporter_name", input.reporter_name, true).flatten();
        let reporter_email = e
            .require("reporter_email", input.reporter_email)
            .and_then(|v| e.check("reporter_email", EmailAddress::parse(&v)));
        let reporter_phone = e
            .require("reporter_phone", input.reporter_phone)
            .and_then(|v| e.check("reporter_phone", phone(&v)));
        let language = match input.language {
            Some(l) => e.check("language", Language::parse(&l)),
            None => Some(Language::Fi),
        };
        let (organisation_name, business_id) = match signed {
            Some(org) => (Some(org.name.to_owned()), Some(org.business_id.clone())),
            None => (
                short(&mut e, "organisation_name", input.organisation_name, true).flatten(),
                e.require("business_id", input.business_id)
                    .and_then(|b| e.check("business_id", BusinessId::parse(&b))),
            ),
        };
        let services = e.require("services", input.services).map(|list| {
            if list.is_empty() {
                e.add("services", "must name at least one service");
            }
            collect_set("services", &list, |s| catalogue.parse_code(s), &mut e)
        });
        let started_at = e.require("started_at", input.started_at).and_then(|t| {
            let at = e.check("started_at", parse_time(&t, HELSINKI, Edge::Start))?;
            if at > now + FUTURE_GRACE {
                e.add("started_at", "is in the future");
            }
            Some(at)
        });
        let mut criteria = e
            .require("criteria", input.criteria)
            .map(|list| collect_set("criteria", &list, Criterion::parse, &mut e))
            .unwrap_or_default();
        if input.patient_safety_risk == Some(true) {
            criteria.insert(Criterion::PatientSafety);
        }
        if input.data_protection_risk == Some(true) {
            criteria.insert(Criterion::DataProtection);
        }
        if criteria.is_empty() && !e.names("criteria") {
            e.add("criteria", super::criteria::none_applies(Language::En));
        }
        let description = text(
            &mut e,
            "description",
            input.description,
            MAX_DESCRIPTION_LEN,
            true,
            true,
        )
        .flatten();
        let workstation = short(&mut e, "workstation", input.workstation, false).flatten();
        let application = short(&mut e, "application", input.application, false).flatten();
        let error_text = text(
            &mut e,
            "error_text",
            input.error_text,
            MAX_ERROR_TEXT_LEN,
            true,
            false,
        )
        .flatten();
        let attachments = attachments(&mut e, input.attachments.unwrap_or_default());
        let (Some(reporter_name), Some(reporter_email), Some(reporter_phone), Some(language)) =
            (reporter_name, reporter_email, reporter_phone, language)
        else {
            return Err(e.explain_missing("reporter_name"));
        };
        let (
            Some(organisation_name),
            Some(business_id),
            Some(services),
            Some(started_at),
            Some(description),
        ) = (
            organisation_name,
            business_id,
            services,
            started_at,
            description,
        )
        else {
            return Err(e.explain_missing("description"));
        };
        e.finish(|| ReportDraft {
            fields: ReportFields {
                reporter_name,
                reporter_email,
                reporter_phone,
                language,
                organisation_name,
                business_id,
                services,
                started_at,
                criteria,
                description,
                workstation,
                application,
                error_text,
            },
            attachments,
        })
    }
}

/// A free-text field: checked for length and control characters (line breaks allowed in
/// long texts) and refused if it holds a personal identity code. Empty counts as absent:
/// `None` when required and absent or bad, `Some(None)` when optional and absent.
fn text(
    e: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
    multiline: bool,
    required: bool,
) -> Option<Option<String>> {
    let value = value.filter(|v| !v.trim().is_empty());
    let Some(v) = value else {
        if required {
            e.add(field, "is required");
        }
        return if required { None } else { Some(None) };
    };
    let checked = if v.chars().count() > max {
        Err(format!("must be at most {max} characters"))
    } else if v
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        Err("must not contain control characters".to_owned())
    } else if contains_identity_code(&v) {
        Err(REFUSAL.to_owned())
    } else {
        Ok(v.trim().to_owned())
    };
    e.check(field, checked).map(Some)
}

/// A phone number to call the reporter back on: a landline or a mobile, Finnish or
/// foreign, written with the usual separators.
fn phone(input: &str) -> Result<String, String> {
    let s = input.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " -().".contains(c) || (c == '+' && i == 0));
    match allowed && (6..=20).contains(&digits) {
        true => Ok(s.to_owned()),
        false => Err("must be a phone number like 020 634 7787 or +358 40 123 4567".into()),
    }
}

fn attachments(e: &mut FieldErrors, list: Vec<AttachmentInput>) -> Vec<Attachment> {
    if list.len() > MAX_ATTACHMENTS {
        e.add(
            "attachments",
            format!("must be at most {MAX_ATTACHMENTS} files"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, a) in list.into_iter().enumerate() {
        let at = format!("attachments[{i}]");
        let name = a.filename.unwrap_or_default();
        if contains_identity_code(&name) {
            e.add(format!("{at}.filename"), REFUSAL);
            continue;
        }
        let Some(b64) = e.require(&format!("{at}.content_base64"), a.content_base64) else {
            continue;
        };
        let engine = base64::engine::general_purpose::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let Some(bytes) = e.check(
            &format!("{at}.content_base64"),
            engine
                .decode(b64.trim())
                .map_err(|_| "is not base64".to_owned()),
        ) else {
            continue;
        };
        if let Some(a) = e.check(&at, Attachment::parse(&name, bytes)) {
            out.push(a);
        }
    }
    out
}

/// An attachment's description, without its content.
#[derive(Clone, Debug)]
pub struct AttachmentInfo {
    pub id: String,
    pub filename: String,
    pub media_type: MediaType,
    pub size: i64,
}

/// A stored report.
#[derive(Clone, Debug)]
pub struct FaultReport {
    pub id: ReportId,
    /// `FR-2026-000123`: what the reporter quotes.
    pub reference: String,
    /// The registered organisation with the report's business ID, if any.
    pub org_id: Option<OrgId>,
    pub source: ReportSource,
    pub fields: ReportFields,
    pub attachments: Vec<AttachmentInfo>,
    pub status: ReportStatus,
    pub notice_id: Option<crate::notices::NoticeId>,
    pub duplicate_of: Option<ReportId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The reference of the `seq`th report of `year`.
pub fn reference(year: i32, seq: i64) -> String {
    format!("FR-{year}-{seq:06}")
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
