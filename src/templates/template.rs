//! One notice template, valid by construction: its texts hold only known placeholders, fit
//! every limit once filled, and have Finnish and Swedish.

use super::Phase;
use crate::notices::{
    Impact, Localized, LocalizedInput, MAX_BODY_LEN, MAX_INSTRUCTION_LEN, MAX_TITLE_LEN,
    NoticeDraft, NoticeInput, Severity, localized, unknown_placeholders,
};
use crate::registry::{Audience, Catalogue, Language, NoticeKind, ServiceCode};
use crate::validation::{FieldErrors, collect_set};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A template's name in the console's picker.
pub const MAX_NAME_LEN: usize = 120;
/// Ids are short codes, used in URLs and files.
const MAX_ID_LEN: usize = 64;
/// The two languages every template has (the official ones, as on notices).
const REQUIRED: [Language; 2] = [Language::Fi, Language::Sv];
/// A notice link as long as a real one, to check that filled texts fit.
const SAMPLE_LINK: &str =
    "https://status.kanta.example/notices/0196a3c2-52e1-7c11-9d8e-3f5a1b2c4d5e";

/// A template's id: lower-case letters, digits and inner hyphens, starting with a letter.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TemplateId(String);

impl TemplateId {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok = (1..=MAX_ID_LEN).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "must be 1–{MAX_ID_LEN} lower-case letters, digits and single inner hyphens, starting with a letter"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TemplateId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<TemplateId> for String {
    fn from(id: TemplateId) -> String {
        id.0
    }
}

impl std::fmt::Display for TemplateId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A template as written in a file or sent to the API; every field optional so that one
/// answer names every missing or invalid one.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    /// Lower-case letters, digits and hyphens; fixed once created.
    pub id: Option<String>,
    /// `fault`, `maintenance` or `instruction`.
    pub kind: Option<String>,
    /// `start`, `update`, `end` (faults, instructions); `announcement`, `reminder`,
    /// `change`, `cancel` (maintenance).
    pub phase: Option<String>,
    /// The services the notice is about; none: chosen on the notice.
    pub services: Option<Vec<String>>,
    /// Default: the audiences of the services.
    pub audiences: Option<Vec<String>>,
    /// The severity the notice starts with.
    pub severity: Option<String>,
    /// The template's name in the console, per language (fi and sv required).
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub name: Option<LocalizedInput>,
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub title: Option<LocalizedInput>,
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub body: Option<LocalizedInput>,
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub sms: Option<LocalizedInput>,
    #[schema(value_type = Option<BTreeMap<String, BTreeMap<String, String>>>)]
    pub instructions: Option<BTreeMap<String, LocalizedInput>>,
    /// Whether use is prevented, for the notice.
    pub usage_break: Option<bool>,
    /// Per service of the template: `down`, `degraded`, `retrieve_blocked`,
    /// `store_blocked`.
    pub impact: Option<BTreeMap<String, String>>,
}

/// A checked template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: TemplateId,
    pub kind: NoticeKind,
    pub phase: Phase,
    pub services: Vec<ServiceCode>,
    pub audiences: Vec<Audience>,
    pub severity: Option<Severity>,
    pub name: Localized,
    pub title: Localized,
    pub body: Localized,
    pub sms: Localized,
    pub instructions: BTreeMap<Audience, Localized>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_break: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub impact: BTreeMap<ServiceCode, Impact>,
}

fn loc_input(m: &Localized) -> LocalizedInput {
    m.iter()
        .map(|(l, t)| (l.code().to_owned(), t.clone()))
        .collect()
}

/// One of a template's texts: Finnish and Swedish when given (or `required`), within `max`
/// characters, and no unknown placeholder.
fn text(
    field: &str,
    given: &Option<LocalizedInput>,
    required: bool,
    max: usize,
    e: &mut FieldErrors,
) -> Localized {
    let given = match given {
        Some(m) => m,
        None if required => {
            e.add(field, "is required");
            return Localized::new();
        }
        None => return Localized::new(),
    };
    let out = localized(field, given, &REQUIRED, max, true, e);
    for (lang, t) in &out {
        for p in unknown_placeholders(t) {
            let known: Vec<String> = crate::notices::PLACEHOLDERS
                .iter()
                .map(|p| format!("{{{p}}}"))
                .collect();
            e.add(
                format!("{field}.{lang}"),
                format!("{p} is not a placeholder; use {}", known.join(", ")),
            );
        }
    }
    out
}

impl Template {
    /// Checks a template. `now` dates the sample notice its texts are tried in.
    pub fn parse(
        input: TemplateInput,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let id = e
            .require("id", input.id.clone())
            .and_then(|s| e.check("id", TemplateId::parse(&s)));
        let kind = e
            .require("kind", input.kind.clone())
            .and_then(|k| e.check("kind", NoticeKind::parse(&k)));
        let phase = e
            .require("phase", input.phase.clone())
            .and_then(|p| e.check("phase", Phase::parse(&p)));
        if let (Some(k), Some(p)) = (kind, phase)
            && !Phase::of(k).contains(&p)
        {
            let codes: Vec<&str> = Phase::of(k).iter().map(|p| p.code()).collect();
            e.add(
                "phase",
                format!("must be one of {} for {k}", codes.join(", ")),
            );
        }
        let services = collect_set(
            "services",
            input.services.as_deref().unwrap_or_default(),
            |s| catalogue.parse_code(s),
            &mut e,
        );
        let audiences = collect_set(
            "audiences",
            input.audiences.as_deref().unwrap_or_default(),
            Audience::parse,
            &mut e,
        );
        let severity = input
            .severity
            .as_deref()
            .and_then(|s| e.check("severity", Severity::parse(s)));
        let name = text("name", &input.name, true, MAX_NAME_LEN, &mut e);
        let title = text("title", &input.title, true, MAX_TITLE_LEN, &mut e);
        let body = text("body", &input.body, true, MAX_BODY_LEN, &mut e);
        let sms = text("sms", &input.sms, false, MAX_BODY_LEN, &mut e);
        let mut instructions = BTreeMap::new();
        for (code, m) in input.instructions.iter().flatten() {
            let field = format!("instructions.{code}");
            let Some(audience) = e.check(&field, Audience::parse(code)) else {
                continue;
            };
            if !audiences.is_empty() && !audiences.contains(&audience) {
                e.add(&field, "is not one of the template's audiences");
            }
            instructions.insert(
                audience,
                text(&field, &Some(m.clone()), true, MAX_INSTRUCTION_LEN, &mut e),
            );
        }
        let mut impact = BTreeMap::new();
        for (code, i) in input.impact.iter().flatten() {
            let field = format!("impact.{code}");
            let Some(service) = e.check(&field, catalogue.parse_code(code)) else {
                continue;
            };
            if !services.contains(&service) {
                e.add(&field, "is not one of the template's services");
            } else if let Some(i) = e.check(&field, Impact::parse(i)) {
                impact.insert(service, i);
            }
        }
        let (Some(kind), Some(phase)) = (kind, phase) else {
            return Err(e.explain_missing("kind"));
        };
        let template = Template {
            id: id.unwrap_or_else(|| TemplateId("unnamed".to_owned())),
            kind,
            phase,
            services: services.into_iter().collect(),
            audiences: audiences.into_iter().collect(),
            severity,
            name,
            title,
            body,
            sms,
            instructions,
            usage_break: input.usage_break,
            impact,
        };
        // Texts right on their own are tried filled; a field already wrong is not repeated.
        if let Err(filled) = template.try_filled(catalogue, now) {
            for f in filled.errors() {
                if !e.names(&f.field) {
                    e.add(&f.field, &f.message);
                }
            }
        }
        e.finish(|| template)
    }

    /// Fills the texts as a real notice would (the template's services or the first in the
    /// catalogue, times an hour or a few weeks away, a full-length link) and keeps what the
    /// notice's checks say about them: a title or SMS too long once filled.
    fn try_filled(&self, catalogue: &Catalogue, now: DateTime<Utc>) -> Result<(), FieldErrors> {
        let hours = |h| Some(Some((now + chrono::Duration::hours(h)).to_rfc3339()));
        let mut sample = self.fill_new(NoticeInput::default());
        if sample.services.is_none() {
            sample.services = catalogue
                .services()
                .first()
                .map(|s| vec![s.code.as_str().to_owned()]);
        }
        sample.severity.get_or_insert_with(|| "major".to_owned());
        match self.kind {
            NoticeKind::Fault => {
                sample.estimated_end_at = hours(2);
                sample.next_update_at = hours(1);
            }
            NoticeKind::Maintenance | NoticeKind::Change => {
                sample.window_start = hours(24 * 21);
                sample.window_end = hours(24 * 21 + 4);
            }
            NoticeKind::Instruction => sample.issuer = Some("THL".to_owned()),
        }
        match NoticeDraft::parse(sample, catalogue, now, SAMPLE_LINK) {
            Ok(_) => Ok(()),
            Err(errors) => {
                let mut kept = FieldErrors::new();
                for f in errors.errors() {
                    if ["title", "body", "sms", "instructions"]
                        .iter()
                        .any(|t| f.field.starts_with(t))
                    {
                        kept.add(
                            &f.field,
                            format!("{} once its placeholders are filled", f.message),
                        );
                    }
                }
                kept.finish(|| ())
            }
        }
    }

    /// A new notice from this template: what `input` leaves out — kind, severity, services,
    /// audiences, texts — comes from the template. Placeholders stay for the notice's
    /// checks to fill.
    pub fn fill_new(&self, input: NoticeInput) -> NoticeInput {
        let mut out = self.fill_texts(input);
        out.kind.get_or_insert_with(|| self.kind.code().to_owned());
        if out.severity.is_none() {
            out.severity = self.severity.map(|s| s.code().to_owned());
        }
        if out.services.is_none() && !self.services.is_empty() {
            out.services = Some(
                self.services
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            );
        }
        if out.audiences.is_none() && !self.audiences.is_empty() {
            out.audiences = Some(self.audiences.iter().map(|a| a.code().to_owned()).collect());
        }
        if out.usage_break.is_none() {
            out.usage_break = self.usage_break;
        }
        if out.impact.is_none() && !self.impact.is_empty() {
            out.impact = Some(self.impact_codes());
        }
        out
    }

    /// A revision from this template: only the texts `input` leaves out come from it; the
    /// notice keeps its services and audiences.
    pub fn fill_texts(&self, mut input: NoticeInput) -> NoticeInput {
        input.title.get_or_insert_with(|| loc_input(&self.title));
        input.body.get_or_insert_with(|| loc_input(&self.body));
        if input.sms.is_none() && !self.sms.is_empty() {
            input.sms = Some(loc_input(&self.sms));
        }
        if input.instructions.is_none() && !self.instructions.is_empty() {
            input.instructions = Some(
                self.instructions
                    .iter()
                    .map(|(a, m)| (a.code().to_owned(), loc_input(m)))
                    .collect(),
            );
        }
        input
    }

    /// The impact by service code, as codes.
    pub fn impact_codes(&self) -> BTreeMap<String, String> {
        self.impact
            .iter()
            .map(|(s, i)| (s.as_str().to_owned(), i.code().to_owned()))
            .collect()
    }

    /// The template as input again, for an edit.
    pub fn as_input(&self) -> TemplateInput {
        TemplateInput {
            id: Some(self.id.as_str().to_owned()),
            kind: Some(self.kind.code().to_owned()),
            phase: Some(self.phase.code().to_owned()),
            services: Some(
                self.services
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            ),
            audiences: Some(self.audiences.iter().map(|a| a.code().to_owned()).collect()),
            severity: self.severity.map(|s| s.code().to_owned()),
            name: Some(loc_input(&self.name)),
            title: Some(loc_input(&self.title)),
            body: Some(loc_input(&self.body)),
            sms: (!self.sms.is_empty()).then(|| loc_input(&self.sms)),
            instructions: (!self.instructions.is_empty()).then(|| {
                self.instructions
                    .iter()
                    .map(|(a, m)| (a.code().to_owned(), loc_input(m)))
                    .collect()
            }),
            usage_break: self.usage_break,
            impact: (!self.impact.is_empty()).then(|| self.impact_codes()),
        }
    }

    /// The name in `lang`, else Finnish.
    pub fn name_in(&self, lang: Language) -> &str {
        crate::notices::Texts::pick(&self.name, lang).0
    }
}
