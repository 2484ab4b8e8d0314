//! What the answers say, made exact: every code is one of its vocabulary, ids are UUIDs,
//! texts are per language, phones are E.164 — each written once, in its own module.

use super::schema::{codes, nullable};
use crate::access::Role;
use crate::notices::{Action, DeliveryState, NoticeState, NoticeStatus, Severity, Step, StepState};
use crate::registry::{
    Audience, Channel, ContactRole, ContactSource, Language, NoticeKind, OrgState,
};
use serde_json::{Map, Value, json};

fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

fn list(item: Value) -> Value {
    json!({"type": "array", "items": item})
}

/// Text per language (any of fi, sv, en).
fn localized() -> Value {
    let props: Map<String, Value> = Language::CODES
        .iter()
        .map(|l| ((*l).to_owned(), json!({"type": "string"})))
        .collect();
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

/// The object schema `name` (the object part of an `allOf`, where it has one).
fn properties<'a>(doc: &'a mut Value, name: &str) -> Option<&'a mut Map<String, Value>> {
    let schema = doc
        .get_mut("components")?
        .get_mut("schemas")?
        .get_mut(name)?;
    let object = match schema.get("allOf") {
        Some(_) => schema
            .get_mut("allOf")?
            .as_array_mut()?
            .iter_mut()
            .find(|part| part.get("properties").is_some())?,
        None => schema,
    };
    object.get_mut("properties")?.as_object_mut()
}

fn set(doc: &mut Value, name: &str, edits: Vec<(&str, Value)>) {
    if let Some(props) = properties(doc, name) {
        for (prop, schema) in edits {
            if props.contains_key(prop) {
                props.insert(prop.to_owned(), schema);
            }
        }
    }
}

/// Installs the vocabularies of notice templates.
fn install_templates(doc: &mut Value, services: &[&str]) {
    let instructions = || json!({"type": "object", "propertyNames": codes(Audience::CODES), "additionalProperties": localized()});
    let common = || {
        vec![
            ("kind", codes(NoticeKind::CODES)),
            ("severity", nullable(codes(Severity::CODES))),
            ("services", list(codes(services))),
            ("audiences", list(codes(Audience::CODES))),
            ("name", localized()),
            ("title", localized()),
            ("body", localized()),
            ("sms", localized()),
            ("instructions", instructions()),
        ]
    };
    let mut view = common();
    view.push((
        "id",
        json!({"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"}),
    ));
    view.push(("phase", codes(crate::templates::Phase::CODES)));
    set(doc, "TemplateView", view);
    let mut notice = common();
    notice.push((
        "action",
        codes(&[
            Action::Update.code(),
            Action::End.code(),
            Action::Reschedule.code(),
            Action::Cancel.code(),
        ]),
    ));
    set(doc, "TemplateNotice", notice);
}

/// Installs the vocabularies of notices, their deliveries and reminders.
fn install_notices(doc: &mut Value, services: &[&str]) {
    let service = || codes(services);
    set(
        doc,
        "NoticeView",
        vec![("id", uuid()), ("kind", codes(NoticeKind::CODES))],
    );
    set(
        doc,
        "AffectedView",
        vec![
            ("service", service()),
            ("through", service()),
            ("part", localized()),
        ],
    );
    set(
        doc,
        "RevisionView",
        vec![
            ("action", codes(Action::CODES)),
            ("state", codes(NoticeState::CODES)),
            ("status", codes(NoticeStatus::CODES)),
            (
                "impact",
                json!({"type": "object", "propertyNames": service(), "additionalProperties": codes(crate::notices::Impact::CODES)}),
            ),
            ("severity", codes(Severity::CODES)),
            ("services", list(service())),
            ("audiences", list(codes(Audience::CODES))),
            ("title", localized()),
            ("body", localized()),
            ("sms", localized()),
            (
                "instructions",
                json!({"type": "object", "propertyNames": codes(Audience::CODES), "additionalProperties": localized()}),
            ),
        ],
    );
    set(doc, "SubWindowView", vec![("label", localized())]);
    set(
        doc,
        "Accepted",
        vec![
            ("id", uuid()),
            ("state", codes(NoticeState::CODES)),
            ("kind", codes(NoticeKind::CODES)),
            ("action", codes(Action::CODES)),
            ("publication", codes(crate::notices::Pending::CODES)),
        ],
    );
    set(
        doc,
        "PendingView",
        vec![
            ("id", uuid()),
            ("publication", codes(crate::notices::Pending::CODES)),
            ("kind", codes(NoticeKind::CODES)),
            ("severity", codes(Severity::CODES)),
            ("title", localized()),
        ],
    );
    set(
        doc,
        "DeliveryItem",
        vec![
            ("channel", codes(Channel::CODES)),
            ("language", codes(Language::CODES)),
            ("state", codes(DeliveryState::CODES)),
        ],
    );
    set(
        doc,
        "ReminderView",
        vec![
            ("step", codes(Step::CODES)),
            ("state", codes(StepState::CODES)),
            ("channels", list(codes(Channel::CODES))),
        ],
    );
}

/// Installs the vocabularies of the answers.
pub fn install(doc: &mut Value, services: &[&str]) {
    let service = || codes(services);
    let e164 = || json!({"type": "string", "pattern": r"^\+[0-9]{8,15}$"});
    set(
        doc,
        "OrganisationView",
        vec![
            ("id", uuid()),
            (
                "business_id",
                json!({"type": "string", "pattern": "^[0-9]{7}-[0-9]$"}),
            ),
            ("audience", codes(Audience::CODES)),
            ("state", codes(OrgState::CODES)),
            ("services", list(service())),
        ],
    );
    set(
        doc,
        "ContactView",
        vec![
            ("id", uuid()),
            ("org_id", uuid()),
            ("role", codes(ContactRole::CODES)),
            ("phone", nullable(e164())),
            ("language", codes(Language::CODES)),
            ("channels", list(codes(Channel::CODES))),
            ("services", list(service())),
            (
                "kinds",
                list(codes(
                    &NoticeKind::SUBSCRIBABLE
                        .iter()
                        .map(|k| k.code())
                        .collect::<Vec<_>>(),
                )),
            ),
            ("source", codes(ContactSource::CODES)),
        ],
    );
    install_notices(doc, services);
    install_templates(doc, services);
    set(
        doc,
        "CreatedToken",
        vec![
            ("id", uuid()),
            ("role", codes(Role::CODES)),
            ("org_id", nullable(uuid())),
        ],
    );
    set(
        doc,
        "Unreachable",
        vec![("org_id", uuid()), ("service", service())],
    );
    set(
        doc,
        "ServiceView",
        vec![
            ("code", service()),
            ("audiences", list(codes(Audience::CODES))),
        ],
    );
}
