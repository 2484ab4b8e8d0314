use super::*;
use crate::fault_reports::attachment::MediaType;
use base64::Engine;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 30, 0).unwrap()
}

fn input() -> FaultReportInput {
    FaultReportInput {
        reporter_name: Some("Maija Tuki".into()),
        reporter_email: Some("tuki@apteekki.fi".into()),
        reporter_phone: Some("020 634 7787".into()),
        language: Some("sv".into()),
        organisation_name: Some("Apteekki Oy".into()),
        business_id: Some("0737546-2".into()),
        services: Some(vec!["prescription-centre".into()]),
        started_at: Some("2026-11-22T12:05".into()),
        criteria: Some(vec!["use-prevented".into()]),
        description: Some("Reseptien haku ei toimi.\nVirhe joka kerta.".into()),
        error_text: Some("HTTP 503".into()),
        ..Default::default()
    }
}

fn parse(i: FaultReportInput) -> Result<ReportDraft, FieldErrors> {
    ReportDraft::parse(i, &Catalogue::built_in().unwrap(), None, now())
}

fn fields_of(e: FieldErrors) -> Vec<String> {
    e.errors().iter().map(|f| f.field.clone()).collect()
}

#[test]
fn a_complete_report_parses_with_helsinki_time_and_keeps_line_breaks() {
    let d = parse(input()).unwrap();
    assert_eq!(
        d.fields.started_at,
        Utc.with_ymd_and_hms(2026, 11, 22, 10, 5, 0).unwrap()
    );
    assert_eq!(d.fields.language, Language::Sv);
    assert!(d.fields.description.contains('\n'));
    assert!(d.fields.is_critical(), "use prevented is critical");
}

#[test]
fn reporter_and_organisation_details_are_mandatory() {
    let e = parse(FaultReportInput::default()).unwrap_err();
    let fields = fields_of(e);
    for f in [
        "reporter_name",
        "reporter_email",
        "reporter_phone",
        "organisation_name",
        "business_id",
        "services",
        "started_at",
        "criteria",
        "description",
    ] {
        assert!(
            fields.contains(&f.to_owned()),
            "{f} missing from {fields:?}"
        );
    }
}

#[test]
fn no_criterion_sends_the_reporter_to_their_own_helpdesk() {
    let e = parse(FaultReportInput {
        criteria: Some(vec![]),
        ..input()
    })
    .unwrap_err();
    assert_eq!(fields_of(e.clone()), ["criteria"]);
    assert!(
        e.errors()[0]
            .message
            .contains("own helpdesk or your system supplier")
    );
}

#[test]
fn a_risk_flag_counts_as_its_criterion_and_makes_the_report_critical() {
    let d = parse(FaultReportInput {
        criteria: Some(vec!["national-service".into()]),
        data_protection_risk: Some(true),
        ..input()
    })
    .unwrap();
    assert!(d.fields.criteria.contains(&Criterion::DataProtection));
    assert!(d.fields.is_critical());
    let calm = parse(FaultReportInput {
        criteria: Some(vec!["national-service".into(), "extent-unknown".into()]),
        ..input()
    })
    .unwrap();
    assert!(!calm.fields.is_critical());
}

#[test]
fn a_personal_identity_code_in_any_text_field_is_refused_naming_the_field() {
    for field in [
        "reporter_name",
        "organisation_name",
        "description",
        "workstation",
        "application",
        "error_text",
    ] {
        let mut i = input();
        let value = Some("potilas 131052-308T".to_owned());
        match field {
            "reporter_name" => i.reporter_name = value,
            "organisation_name" => i.organisation_name = value,
            "description" => i.description = value,
            "workstation" => i.workstation = value,
            "application" => i.application = value,
            _ => i.error_text = value,
        }
        let e = parse(i).unwrap_err();
        assert_eq!(fields_of(e.clone()), [field]);
        assert!(
            e.errors()[0].message.contains("personal identity code"),
            "{e}"
        );
    }
    let mut i = input();
    i.attachments = Some(vec![AttachmentInput {
        filename: Some("131052-308T.png".into()),
        content_base64: Some("AAAA".into()),
    }]);
    assert_eq!(
        fields_of(parse(i).unwrap_err()),
        ["attachments[0].filename"]
    );
}

#[test]
fn a_signed_in_reporters_organisation_is_the_registered_one() {
    let id = BusinessId::parse("2331972-7").unwrap();
    let d = ReportDraft::parse(
        FaultReportInput {
            organisation_name: Some("Someone else".into()),
            business_id: Some("not checked".into()),
            ..input()
        },
        &Catalogue::built_in().unwrap(),
        Some(SignedOrg {
            name: "Terveyskeskus",
            business_id: &id,
        }),
        now(),
    )
    .unwrap();
    assert_eq!(d.fields.organisation_name, "Terveyskeskus");
    assert_eq!(d.fields.business_id.as_str(), "2331972-7");
}

#[test]
fn attachments_are_decoded_and_judged_and_a_fourth_is_refused() {
    let png = base64::engine::general_purpose::STANDARD
        .encode(crate::fault_reports::attachment::tests::png());
    let one = AttachmentInput {
        filename: Some("ruutu.png".into()),
        content_base64: Some(png),
    };
    let d = parse(FaultReportInput {
        attachments: Some(vec![one.clone()]),
        ..input()
    })
    .unwrap();
    assert_eq!(d.attachments[0].media_type, MediaType::Png);
    let e = parse(FaultReportInput {
        attachments: Some(vec![one.clone(), one.clone(), one.clone(), one]),
        ..input()
    })
    .unwrap_err();
    assert_eq!(fields_of(e), ["attachments"]);
    let e = parse(FaultReportInput {
        attachments: Some(vec![AttachmentInput {
            filename: Some("kuva.svg".into()),
            content_base64: Some(base64::engine::general_purpose::STANDARD.encode("<svg/>")),
        }]),
        ..input()
    })
    .unwrap_err();
    assert_eq!(fields_of(e.clone()), ["attachments[0]"]);
    assert!(e.errors()[0].message.starts_with("`kuva.svg`"));
}

#[test]
fn a_start_in_the_future_or_an_unknown_service_is_refused() {
    let e = parse(FaultReportInput {
        started_at: Some("2026-11-23T12:00".into()),
        services: Some(vec!["nope".into()]),
        ..input()
    })
    .unwrap_err();
    assert_eq!(fields_of(e), ["services[0]", "started_at"]);
}

#[test]
fn references_count_within_the_year() {
    assert_eq!(reference(2026, 123), "FR-2026-000123");
}
