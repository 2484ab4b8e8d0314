//! Sub-windows of a maintenance window: phases within it (e.g. "the Prescription Centre
//! is read-only 18–19, down 19–20"), each with an optional label per language.

use super::content::{LocalizedInput, MAX_TITLE_LEN, localized};
use crate::calendar::{Edge, HELSINKI, parse_time};
use crate::notices::Localized;
use crate::validation::FieldErrors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// At most this many phases: a calendar entry, an email and an SMS must stay readable.
pub const MAX_SUB_WINDOWS: usize = 20;

/// A phase as a client sends it.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubWindowInput {
    /// RFC 3339, or a Helsinki local time.
    pub start: Option<String>,
    pub end: Option<String>,
    /// What happens in this phase, per language (one line each).
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    pub label: Option<LocalizedInput>,
}

/// A validated phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub label: Localized,
}

impl SubWindow {
    /// Back to input, so that a revision's changes can be laid over it.
    pub fn as_input(&self) -> SubWindowInput {
        SubWindowInput {
            start: Some(self.start.to_rfc3339()),
            end: Some(self.end.to_rfc3339()),
            label: Some(
                self.label
                    .iter()
                    .map(|(l, t)| (l.code().to_owned(), t.clone()))
                    .collect(),
            ),
        }
    }
}

/// Parses phases: each inside `window`, start before end, in order without overlap.
pub fn sub_windows(
    input: Vec<SubWindowInput>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    e: &mut FieldErrors,
) -> Vec<SubWindow> {
    if input.len() > MAX_SUB_WINDOWS {
        e.add(
            "sub_windows",
            format!("must be at most {MAX_SUB_WINDOWS} phases"),
        );
        return Vec::new();
    }
    let mut out: Vec<SubWindow> = Vec::new();
    for (i, w) in input.into_iter().enumerate() {
        let at = |f: &str| format!("sub_windows[{i}].{f}");
        let time = |f: &str, v: Option<String>, edge, e: &mut FieldErrors| match v {
            None => {
                e.add(at(f), "is required");
                None
            }
            Some(t) => match parse_time(&t, HELSINKI, edge) {
                Ok(t) => Some(t),
                Err(why) => {
                    e.add(at(f), why);
                    None
                }
            },
        };
        let start = time("start", w.start, Edge::Start, e);
        let end = time("end", w.end, Edge::End, e);
        let label = localized(
            &at("label"),
            &w.label.unwrap_or_default(),
            &[],
            MAX_TITLE_LEN,
            false,
            e,
        );
        let (Some(start), Some(end)) = (start, end) else {
            continue;
        };
        if end <= start {
            e.add(at("end"), "must be after its start");
            continue;
        }
        if let Some((ws, we)) = window {
            if start < ws || end > we {
                e.add(at("start"), "must lie within window_start and window_end");
                continue;
            }
        }
        if out.last().is_some_and(|prev| start < prev.end) {
            e.add(
                at("start"),
                "must not begin before the previous phase ends (phases are in order)",
            );
            continue;
        }
        out.push(SubWindow { start, end, label });
    }
    out
}
