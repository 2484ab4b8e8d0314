//! The notice request bodies: a new notice is one of three kinds, each with its own
//! required fields and states; a revision names its action and changes what it sends.

use super::schema::{
    add_component, codes, described, drop_component, example, json_body, matching, nullable,
    object, reference, set, text,
};
use crate::notices::{
    Action, MAX_BODY_LEN, MAX_INSTRUCTION_LEN, MAX_SMS_PARTS, MAX_SUB_WINDOWS, MAX_TITLE_LEN,
    NoticeState, NoticeStatus, Severity,
};
use crate::patterns;
use crate::registry::{Audience, Language, NoticeKind};
use serde_json::{Map, Value, json};

/// Text per language: `required` languages must be there, any other may.
fn localized(max: Option<usize>, multi_line: bool, required: &[&str]) -> Value {
    let pattern = if multi_line {
        patterns::multi_line()
    } else {
        patterns::one_line()
    };
    let one = match max {
        Some(max) => text(max, pattern),
        None => matching(pattern),
    };
    let props: Map<String, Value> = Language::CODES
        .iter()
        .map(|l| ((*l).to_owned(), one.clone()))
        .collect();
    json!({"type": "object", "additionalProperties": false, "properties": props, "required": required})
}

fn time(description: &str) -> Value {
    nullable(described(
        matching(patterns::time()),
        &format!("{description}; RFC 3339, or a Helsinki local time without an offset"),
    ))
}

/// The fields every notice body may carry, keyed by name.
fn fields(services: &[&str]) -> Vec<(&'static str, Value)> {
    let states: Vec<&str> = NoticeState::CODES.to_vec();
    vec![
        ("kind", codes(NoticeKind::CODES)),
        ("severity", nullable(codes(Severity::CODES))),
        ("services", set(codes(services), 1)),
        (
            "audiences",
            nullable(described(
                set(codes(Audience::CODES), 0),
                "null, empty or left out: the audiences of the services",
            )),
        ),
        (
            "title",
            localized(Some(MAX_TITLE_LEN), false, &["fi", "sv"]),
        ),
        ("body", localized(Some(MAX_BODY_LEN), true, &["fi", "sv"])),
        (
            "sms",
            nullable(described(
                localized(None, true, &[]),
                &format!(
                    "an SMS text per language, at most {MAX_SMS_PARTS} parts each (GSM-7 or UCS-2); without one: the title and a link"
                ),
            )),
        ),
        (
            "instructions",
            nullable(described(
                json!({"type": "object", "propertyNames": codes(Audience::CODES),
                       "additionalProperties": localized(Some(MAX_INSTRUCTION_LEN), true, &[])}),
                "per audience (one of the notice's), per language",
            )),
        ),
        ("state", nullable(codes(&states))),
        ("started_at", time("when the fault began; default now")),
        ("estimated_end_at", time("after started_at")),
        ("next_update_at", time("when the next update is promised")),
        ("ended_at", time("when it ended")),
        ("window_start", time("maintenance: when the window starts")),
        (
            "window_end",
            time("maintenance: when it ends, after window_start"),
        ),
        (
            "sub_windows",
            nullable(
                json!({"type": "array", "maxItems": MAX_SUB_WINDOWS, "items": reference("SubWindow")}),
            ),
        ),
        (
            "issuer",
            nullable(described(
                json!({"type": "string", "minLength": 1, "maxLength": crate::notices::MAX_ISSUER_LEN}),
                "instructions only, and required for them: THL, Kela, Valvira, DVV, STM, Fimea or another authority's name",
            )),
        ),
        (
            "usage_break",
            nullable(described(
                json!({"type": "boolean"}),
                "whether use of the service is prevented; left out: yes when a service's impact is down, else not stated",
            )),
        ),
        (
            "impact",
            nullable(described(
                json!({"type": "object", "propertyNames": codes(services), "additionalProperties": codes(crate::notices::Impact::CODES)}),
                "per affected service (one of services): down, degraded, retrieve_blocked or store_blocked",
            )),
        ),
        (
            "draft",
            nullable(described(
                json!({"type": "boolean"}),
                "publishing only: save as a draft (not public, nothing sent) to submit later",
            )),
        ),
        (
            "publish_at",
            nullable(described(
                matching(patterns::time()),
                "publishing only: when to publish, in the future; RFC 3339, or a Helsinki local time without an offset",
            )),
        ),
        (
            "override_reason",
            nullable(described(
                json!({"type": "string", "minLength": 1, "maxLength": crate::notices::MAX_OVERRIDE_REASON_LEN}),
                "publishing only: why a notice that needs approval goes out without it",
            )),
        ),
        (
            "status",
            nullable(described(
                codes(NoticeStatus::CODES),
                "actual (the default) or exercise: a drill marked HARJOITUS / ÖVNING / EXERCISE everywhere, never listed among real notices; fixed at publication",
            )),
        ),
        (
            "fault_reports",
            nullable(described(
                json!({"type": "array", "items": {"type": "string", "format": "uuid"}}),
                "ids of fault reports this notice answers: each is linked to it and its reporter emailed its link",
            )),
        ),
    ]
}

/// A new notice of `kind`: its required fields, its states.
fn new_notice(kind: NoticeKind, services: &[&str]) -> Value {
    let states: Vec<&str> = NoticeState::allowed(kind)
        .iter()
        .map(|s| s.code())
        .collect();
    let mut props = fields(services);
    for (name, schema) in props.iter_mut() {
        match *name {
            "kind" => *schema = json!({"type": "string", "const": kind.code()}),
            "state" => *schema = nullable(codes(&states)),
            "severity" if kind == NoticeKind::Fault => *schema = codes(Severity::CODES),
            "window_start" | "window_end" if kind.is_planned() => {
                *schema = matching(patterns::time())
            }
            "issuer" if kind != NoticeKind::Instruction => {
                *schema = described(json!({"type": "null"}), "instructions only")
            }
            "issuer" => {
                *schema = json!({"type": "string", "minLength": 1, "maxLength": crate::notices::MAX_ISSUER_LEN})
            }
            "sub_windows" if !kind.is_planned() => {
                *schema = nullable(
                    json!({"type": "array", "maxItems": 0, "items": reference("SubWindow")}),
                )
            }
            _ => {}
        }
    }
    props.push((
        "action",
        nullable(described(
            json!({"type": "string", "const": Action::Publish.code()}),
            "left out, or publish",
        )),
    ));
    let mut required = vec!["kind", "services", "title", "body"];
    match kind {
        NoticeKind::Fault => required.push("severity"),
        NoticeKind::Maintenance | NoticeKind::Change => {
            required.extend(["window_start", "window_end"])
        }
        NoticeKind::Instruction => required.push("issuer"),
    }
    object(props, &required)
}

/// A revision: the action and whatever it changes (the rest stays as it was).
fn revision(services: &[&str]) -> Value {
    let actions: Vec<&str> = Action::CODES
        .iter()
        .copied()
        .filter(|a| *a != Action::Publish.code())
        .collect();
    let mut props: Vec<(&str, Value)> = fields(services)
        .into_iter()
        .map(|(name, schema)| match name {
            "kind" => (
                name,
                nullable(described(
                    schema,
                    "cannot change; may repeat the notice's kind",
                )),
            ),
            "services" | "title" | "body" => (name, nullable(schema)),
            "draft" | "publish_at" | "override_reason" => (
                name,
                described(json!({"type": "null"}), "for publishing a new notice only"),
            ),
            _ => (name, schema),
        })
        .collect();
    props.push(("action", codes(&actions)));
    object(props, &["action"])
}

fn sub_window() -> Value {
    object(
        vec![
            ("start", matching(patterns::time())),
            ("end", matching(patterns::time())),
            (
                "label",
                nullable(localized(Some(MAX_TITLE_LEN), false, &[])),
            ),
        ],
        &["start", "end"],
    )
}

/// Installs the notice request bodies.
pub fn install(doc: &mut Value, services: &[&str]) {
    add_component(doc, "SubWindow", sub_window());
    let kinds = [
        ("NewFault", NoticeKind::Fault),
        ("NewMaintenance", NoticeKind::Maintenance),
        ("NewChange", NoticeKind::Change),
        ("NewInstruction", NoticeKind::Instruction),
    ];
    for (name, kind) in kinds {
        add_component(doc, name, new_notice(kind, services));
    }
    add_component(
        doc,
        "NewNotice",
        json!({
            "oneOf": kinds.iter().map(|(n, _)| reference(n)).collect::<Vec<_>>(),
            "discriminator": {"propertyName": "kind", "mapping": {
                "fault": "#/components/schemas/NewFault",
                "maintenance": "#/components/schemas/NewMaintenance",
                "instruction": "#/components/schemas/NewInstruction",
                "change": "#/components/schemas/NewChange"}},
        }),
    );
    add_component(doc, "NoticeRevision", revision(services));
    for old in ["NoticeInput", "SubWindowInput"] {
        drop_component(doc, old);
    }
    let fault = json!({"kind": "fault", "severity": "critical", "services": ["prescription-centre"],
        "title": {"fi": "Reseptikeskuksessa häiriö", "sv": "Störning i Receptcentret"},
        "body": {"fi": "Reseptejä ei voi tallentaa. Selvitämme asiaa.", "sv": "Recept kan inte sparas. Vi utreder saken."},
        "instructions": {"pharmacy": {"fi": "Käytä varajärjestelyä.", "sv": "Använd reservrutinen."}}});
    let examples = |fault: Value| {
        let mut e = example("A critical fault", fault);
        e["maintenance"] = json!({"summary": "A maintenance window", "value": {
            "kind": "maintenance", "services": ["mykanta"],
            "title": {"fi": "OmaKannan huoltokatko", "sv": "Underhåll av MittKanta"},
            "body": {"fi": "OmaKanta ei ole käytettävissä.", "sv": "MittKanta är inte tillgänglig."},
            "window_start": "2036-12-15T18:00:00Z", "window_end": "2036-12-15T20:00:00Z"}});
        e["instruction"] = json!({"summary": "An authority's instruction", "value": {
            "kind": "instruction", "issuer": "THL", "services": ["patient-data-repository"],
            "title": {"fi": "THL:n ohje: varajärjestelyt käyttöön", "sv": "THL:s anvisning: reservrutinerna tas i bruk"},
            "body": {"fi": "Ottakaa paperiset varajärjestelyt käyttöön ja jakakaa ohje henkilöstölle.", "sv": "Ta reservrutinerna på papper i bruk och dela anvisningen med personalen."}}});
        e
    };
    json_body(doc, "publishNotice", "NewNotice", examples(fault.clone()));
    json_body(doc, "previewNotice", "NewNotice", examples(fault));
    json_body(
        doc,
        "reviseNotice",
        "NoticeRevision",
        example(
            "The cause is found",
            json!({"action": "update", "state": "identified",
               "body": {"fi": "Syy löytyi.", "sv": "Orsaken hittad."}}),
        ),
    );
}
