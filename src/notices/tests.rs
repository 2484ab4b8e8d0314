//! Rules of notices and their revisions.

use super::*;
use crate::registry::{Audience, Catalogue, NoticeKind};
use chrono::{TimeZone, Utc};

const LINK: &str = "https://status.example.fi/notices/01a20557-5318-767b-a38f-99f18d82dde9";

fn catalogue() -> Catalogue {
    Catalogue::from_toml(include_str!("../../config/services.toml")).unwrap()
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 5, 0).unwrap()
}

fn texts(pairs: &[(&str, &str)]) -> Option<LocalizedInput> {
    Some(
        pairs
            .iter()
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect(),
    )
}

fn fault() -> NoticeInput {
    NoticeInput {
        kind: Some("fault".into()),
        severity: Some("critical".into()),
        services: Some(vec!["prescription-centre".into()]),
        title: texts(&[
            ("fi", "Reseptikeskuksessa häiriö"),
            ("sv", "Störning i Receptcentret"),
        ]),
        body: texts(&[
            ("fi", "Reseptejä ei voi tallentaa.\nSelvitämme."),
            ("sv", "Recept kan inte sparas."),
        ]),
        ..Default::default()
    }
}

/// A valid fault draft of `severity`.
pub(crate) fn fault_draft(severity: Severity) -> NoticeDraft {
    let input = NoticeInput {
        severity: Some(severity.code().to_owned()),
        ..fault()
    };
    NoticeDraft::parse(input, &catalogue(), now(), LINK).unwrap()
}

/// A valid maintenance draft (window set by the caller's needs).
pub(super) fn maintenance_draft() -> NoticeDraft {
    let input = NoticeInput {
        kind: Some("maintenance".into()),
        severity: None,
        window_start: Some(Some("2026-12-15T18:00:00Z".into())),
        window_end: Some(Some("2026-12-15T20:00:00Z".into())),
        ..fault()
    };
    NoticeDraft::parse(input, &catalogue(), now(), LINK).unwrap()
}

fn fields(e: &crate::validation::FieldErrors) -> Vec<&str> {
    e.errors().iter().map(|f| f.field.as_str()).collect()
}

#[test]
fn a_fault_gets_its_defaults() {
    let d = NoticeDraft::parse(fault(), &catalogue(), now(), LINK).unwrap();
    assert_eq!(d.state, NoticeState::Investigating);
    assert_eq!(d.started_at, Some(now()));
    assert_eq!(
        d.audiences.iter().copied().collect::<Vec<_>>(),
        [Audience::Healthcare, Audience::Pharmacy]
    );
    assert_eq!(
        d.texts.body[&crate::registry::Language::Fi],
        "Reseptejä ei voi tallentaa.\nSelvitämme."
    );
}

#[test]
fn finnish_and_swedish_are_required_and_every_bad_field_is_named() {
    let input = NoticeInput {
        severity: None,
        services: Some(vec!["warp-drive".into()]),
        title: texts(&[("fi", &"x".repeat(161)), ("de", "Störung")]),
        body: texts(&[("sv", "x")]),
        ..fault()
    };
    let e = NoticeDraft::parse(input, &catalogue(), now(), LINK).unwrap_err();
    assert_eq!(
        fields(&e),
        [
            "severity",
            "services[0]",
            "title.de",
            "title.fi",
            "title.sv",
            "body.fi"
        ]
    );
}

#[test]
fn maintenance_needs_an_ordered_window() {
    let input = NoticeInput {
        kind: Some("maintenance".into()),
        severity: None,
        ..fault()
    };
    let e = NoticeDraft::parse(input.clone(), &catalogue(), now(), LINK).unwrap_err();
    assert_eq!(fields(&e), ["window_start", "window_end"]);
    let backwards = NoticeInput {
        window_start: Some(Some("2026-12-06T08:00:00Z".into())),
        window_end: Some(Some("2026-12-06T06:00:00Z".into())),
        ..input.clone()
    };
    assert_eq!(
        fields(&NoticeDraft::parse(backwards, &catalogue(), now(), LINK).unwrap_err()),
        ["window_end"]
    );
    let ok = NoticeInput {
        window_start: Some(Some("2026-12-06T06:00:00+02:00".into())),
        window_end: Some(Some("2026-12-06T08:00:00+02:00".into())),
        ..input
    };
    let d = NoticeDraft::parse(ok, &catalogue(), now(), LINK).unwrap();
    assert_eq!(d.state, NoticeState::Scheduled);
    assert_eq!(
        d.window_start,
        Some(Utc.with_ymd_and_hms(2026, 12, 6, 4, 0, 0).unwrap())
    );
    assert_eq!(d.started_at, None);
}

#[test]
fn an_sms_text_over_three_parts_is_refused_with_parts_and_encoding() {
    let input = NoticeInput {
        sms: texts(&[("fi", &"a".repeat(460)), ("sv", "Kort ✓")]),
        ..fault()
    };
    let e = NoticeDraft::parse(input, &catalogue(), now(), LINK).unwrap_err();
    assert_eq!(fields(&e), ["sms.fi"]);
    assert!(
        e.errors()[0].message.contains("4 SMS parts in GSM-7"),
        "{}",
        e.errors()[0].message
    );
}

#[test]
fn instructions_must_address_the_notices_audiences() {
    let mut instructions = std::collections::BTreeMap::new();
    instructions.insert(
        "pharmacy".to_owned(),
        texts(&[("fi", "Käytä paperireseptiä.")]).unwrap(),
    );
    instructions.insert("citizen".to_owned(), texts(&[("fi", "x")]).unwrap());
    let e = NoticeDraft::parse(
        NoticeInput {
            instructions: Some(instructions),
            ..fault()
        },
        &catalogue(),
        now(),
        LINK,
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["instructions.citizen"]);
}

#[test]
fn sms_goes_out_for_serious_fault_starts_ends_and_severity_changes() {
    let critical = NoticeDraft::parse(fault(), &catalogue(), now(), LINK).unwrap();
    let minor = NoticeDraft(NoticeFields {
        severity: Severity::Minor,
        ..critical.0.clone()
    });
    assert!(critical.wants_sms(Action::Publish, None));
    assert!(!minor.wants_sms(Action::Publish, None));
    assert!(
        !critical.wants_sms(Action::Update, Some(&critical)),
        "a text update of the same severity is email only"
    );
    assert!(
        minor.wants_sms(Action::Update, Some(&critical)),
        "a downgrade is a change of severity"
    );
    assert!(critical.wants_sms(Action::End, Some(&critical)));
    let instruction = NoticeDraft(NoticeFields {
        kind: NoticeKind::Instruction,
        ..minor.0.clone()
    });
    assert!(instruction.wants_sms(Action::Update, Some(&instruction)));
    let maintenance = NoticeDraft(NoticeFields {
        kind: NoticeKind::Maintenance,
        ..critical.0.clone()
    });
    assert!(!maintenance.wants_sms(Action::Publish, None));
}

#[test]
fn end_resolves_a_fault_and_then_it_takes_no_more_revisions() {
    let d = NoticeDraft::parse(fault(), &catalogue(), now(), LINK).unwrap();
    let later = now() + chrono::Duration::hours(2);
    let ended = revise(
        &d,
        Action::End,
        NoticeInput::default(),
        &catalogue(),
        later,
        LINK,
    )
    .unwrap();
    assert_eq!(ended.state, NoticeState::Resolved);
    assert_eq!(ended.ended_at, Some(later));
    assert_eq!(ended.texts, d.texts, "fields left out stay");
    let again = revise(
        &ended,
        Action::Update,
        NoticeInput::default(),
        &catalogue(),
        later,
        LINK,
    )
    .unwrap_err();
    assert_eq!(fields(&again), ["action"]);
}

#[test]
fn update_cannot_end_or_change_kind_and_reschedule_is_for_maintenance() {
    let d = NoticeDraft::parse(fault(), &catalogue(), now(), LINK).unwrap();
    let resolve = NoticeInput {
        state: Some("resolved".into()),
        ..Default::default()
    };
    assert_eq!(
        fields(&revise(&d, Action::Update, resolve, &catalogue(), now(), LINK).unwrap_err()),
        ["state"]
    );
    let rekind = NoticeInput {
        kind: Some("maintenance".into()),
        ..Default::default()
    };
    assert_eq!(
        fields(&revise(&d, Action::Update, rekind, &catalogue(), now(), LINK).unwrap_err()),
        ["kind"]
    );
    assert_eq!(
        fields(
            &revise(
                &d,
                Action::Reschedule,
                NoticeInput::default(),
                &catalogue(),
                now(),
                LINK
            )
            .unwrap_err()
        ),
        ["action"]
    );
    let identified = NoticeInput {
        state: Some("identified".into()),
        severity: Some("major".into()),
        ..Default::default()
    };
    let u = revise(&d, Action::Update, identified, &catalogue(), now(), LINK).unwrap();
    assert_eq!(
        (u.state, u.severity),
        (NoticeState::Identified, Severity::Major)
    );
    let c = revise(
        &u,
        Action::Cancel,
        NoticeInput::default(),
        &catalogue(),
        now(),
        LINK,
    )
    .unwrap();
    assert_eq!(c.state, NoticeState::Cancelled);
}

#[test]
fn a_revision_action_must_be_one_of_the_four() {
    for (a, ok) in [
        (None, false),
        (Some("publish"), false),
        (Some("explode"), false),
        (Some("end"), true),
    ] {
        let input = NoticeInput {
            action: a.map(str::to_owned),
            ..Default::default()
        };
        assert_eq!(revision_action(&input).is_ok(), ok, "{a:?}");
    }
}

#[test]
fn a_draft_survives_its_json_snapshot() {
    let d = NoticeDraft::parse(fault(), &catalogue(), now(), LINK).unwrap();
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<NoticeDraft>(&json).unwrap(), d);
}

fn phase(start: &str, end: &str) -> SubWindowInput {
    SubWindowInput {
        start: Some(start.into()),
        end: Some(end.into()),
        label: texts(&[("fi", "Lukutila"), ("sv", "Skrivskyddat")]),
    }
}

#[test]
fn maintenance_phases_lie_in_the_window_in_order_without_overlap() {
    let base = maintenance_draft().as_input();
    let with = |phases: Vec<SubWindowInput>| NoticeInput {
        sub_windows: Some(phases),
        ..base.clone()
    };
    // The window is 2026-12-15 18:00–20:00Z (20:00–22:00 Helsinki).
    let ok = NoticeDraft::parse(
        with(vec![
            phase("2026-12-15T18:00:00Z", "2026-12-15T19:00:00Z"),
            phase("2026-12-15T21:00", "2026-12-15T22:00"),
        ]),
        &catalogue(),
        now(),
        LINK,
    )
    .unwrap();
    assert_eq!(ok.sub_windows.len(), 2);
    assert_eq!(
        ok.sub_windows[1].start,
        Utc.with_ymd_and_hms(2026, 12, 15, 19, 0, 0).unwrap(),
        "a local time is Helsinki time"
    );
    let bad = NoticeDraft::parse(
        with(vec![
            phase("2026-12-15T18:30:00Z", "2026-12-15T19:30:00Z"),
            phase("2026-12-15T19:00:00Z", "2026-12-15T19:45:00Z"),
            phase("2026-12-15T17:00:00Z", "2026-12-15T18:30:00Z"),
            phase("2026-12-15T19:50:00Z", "2026-12-15T19:50:00Z"),
            SubWindowInput::default(),
        ]),
        &catalogue(),
        now(),
        LINK,
    )
    .unwrap_err();
    assert_eq!(
        fields(&bad),
        [
            "sub_windows[1].start",
            "sub_windows[2].start",
            "sub_windows[3].end",
            "sub_windows[4].start",
            "sub_windows[4].end"
        ]
    );
    let fault_with_phases = NoticeInput {
        sub_windows: Some(vec![phase("2026-12-15T18:00:00Z", "2026-12-15T19:00:00Z")]),
        ..fault()
    };
    let e = NoticeDraft::parse(fault_with_phases, &catalogue(), now(), LINK).unwrap_err();
    assert_eq!(fields(&e), ["sub_windows"]);
}

#[test]
fn a_revision_stored_before_phases_existed_still_reads() {
    let d = maintenance_draft();
    let mut json: serde_json::Value = serde_json::to_value(&d).unwrap();
    json.as_object_mut().unwrap().remove("sub_windows");
    assert_eq!(serde_json::from_value::<NoticeDraft>(json).unwrap(), d);
}
