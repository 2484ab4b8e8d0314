//! The request bodies of the registry and the tokens, as the parsers take them: required
//! fields, the vocabularies as enums, the patterns of `crate::patterns`, lengths as sent.
//! A field left out and a field sent as `null` mean the same to the server, so every
//! optional field may be `null`; a change (PATCH) may leave out anything.

use super::schema::{
    add_component, codes, described, drop_component, example, json_body, matching, nullable,
    object, set, text,
};
use crate::access::Role;
use crate::intake::MAX_TOKEN_LABEL_LEN;
use crate::patterns;
use crate::registry::{
    Audience, Channel, ContactRole, Language, MAX_CONTACT_NAME_LEN, MAX_ORG_NAME_LEN, NoticeKind,
    OrgState,
};
use serde_json::{Value, json};

/// A string that is blank once trimmed: what the server takes as "no address".
fn blank() -> Value {
    described(
        matching(
            r"^[\t\n\x0B\x0C\r\x85 \xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$".into(),
        ),
        "blank: no address",
    )
}

fn organisation(services: &[&str], create: bool) -> Value {
    let maybe = |s: Value| if create { s } else { nullable(s) };
    object(
        vec![
            ("name", maybe(text(MAX_ORG_NAME_LEN, patterns::one_line()))),
            (
                "business_id",
                maybe(described(
                    matching(patterns::business_id()),
                    "Finnish business ID (Y-tunnus) NNNNNNN-C; the check digit must be right",
                )),
            ),
            (
                "oid",
                nullable(json!({"anyOf": [matching(patterns::oid()), blank()]})),
            ),
            ("audience", maybe(codes(Audience::CODES))),
            (
                "services",
                maybe(described(
                    set(codes(services), 0),
                    "services the organisation uses (none yet: an empty list)",
                )),
            ),
            (
                "state",
                nullable(described(
                    codes(OrgState::CODES),
                    "new organisations are active",
                )),
            ),
        ],
        if create {
            &["name", "business_id", "audience", "services"]
        } else {
            &[]
        },
    )
}

/// An address field: the address, blank or `null` for none.
fn address(pattern: String) -> Value {
    nullable(json!({"anyOf": [matching(pattern), blank()]}))
}

fn contact(services: &[&str], create: bool) -> Value {
    let maybe = |s: Value| if create { s } else { nullable(s) };
    let mut schema = object(
        vec![
            (
                "name",
                maybe(text(MAX_CONTACT_NAME_LEN, patterns::one_line())),
            ),
            ("role", maybe(codes(ContactRole::CODES))),
            ("email", address(patterns::email())),
            (
                "phone",
                described(
                    address(patterns::phone()),
                    "a mobile number; Finnish ones may be written as usual (040 123 4567), answered as E.164",
                ),
            ),
            ("language", maybe(codes(Language::CODES))),
            ("channels", maybe(set(codes(Channel::CODES), 1))),
            (
                "services",
                nullable(described(
                    set(codes(services), 1),
                    "services the organisation uses; null or left out: all of them, now and later",
                )),
            ),
            (
                "kinds",
                nullable(described(
                    set(
                        codes(
                            &NoticeKind::SUBSCRIBABLE
                                .iter()
                                .map(|k| k.code())
                                .collect::<Vec<_>>(),
                        ),
                        1,
                    ),
                    "null or left out: every kind",
                )),
            ),
        ],
        if create {
            &["name", "role", "language", "channels"]
        } else {
            &[]
        },
    );
    // A channel needs its address: on a new contact always; on a change when both are sent
    // (otherwise the contact's current address counts).
    let needs = |channel: &str, field: &str, pattern: String| {
        let given: &[&str] = if create {
            &["channels"]
        } else {
            &["channels", field]
        };
        json!({"if": {"properties": {"channels": {"type": "array", "contains": {"const": channel}}}, "required": given},
               "then": {"properties": {field: matching(pattern)}, "required": [field]}})
    };
    schema["allOf"] = json!([
        needs("email", "email", patterns::email()),
        needs("sms", "phone", patterns::phone()),
    ]);
    schema
}

fn token() -> Value {
    let mut schema = object(
        vec![
            ("role", codes(Role::CODES)),
            ("label", text(MAX_TOKEN_LABEL_LEN, patterns::one_line())),
            (
                "org_id",
                nullable(described(
                    json!({"type": "string"}),
                    "the organisation an org_admin token is for (required then; left out for an operator)",
                )),
            ),
            (
                "expires_at",
                nullable(described(
                    matching(patterns::rfc3339()),
                    "RFC 3339, in the future; left out: the token never expires",
                )),
            ),
        ],
        &["role", "label"],
    );
    schema["allOf"] = json!([
        {"if": {"properties": {"role": {"const": "org_admin"}}},
         "then": {"properties": {"org_id": {"type": "string"}}, "required": ["org_id"]}},
        {"if": {"properties": {"role": {"const": "operator"}}},
         "then": {"properties": {"org_id": {"type": "null"}}}},
    ]);
    schema
}

/// Installs the registry's and tokens' request bodies.
pub fn install(doc: &mut Value, services: &[&str]) {
    add_component(doc, "NewOrganisation", organisation(services, true));
    add_component(doc, "OrganisationChange", organisation(services, false));
    add_component(doc, "NewContact", contact(services, true));
    add_component(doc, "ContactChange", contact(services, false));
    add_component(doc, "NewToken", token());
    for old in ["OrganisationInput", "ContactInput"] {
        drop_component(doc, old);
    }
    let pharmacy = json!({"name": "Apteekki Keskusta", "business_id": "0246246-0",
        "audience": "pharmacy", "services": ["prescription-centre", "prescription"]});
    json_body(
        doc,
        "createOrganisation",
        "NewOrganisation",
        example("A pharmacy", pharmacy),
    );
    json_body(
        doc,
        "updateOrganisation",
        "OrganisationChange",
        example("A new name", json!({"name": "Apteekki Keskusta Oy"})),
    );
    let helpdesk = json!({"name": "Helpdesk", "role": "helpdesk", "email": "helpdesk@apteekki.example",
        "phone": "040 123 4567", "language": "sv", "channels": ["email", "sms"]});
    json_body(
        doc,
        "createContact",
        "NewContact",
        example("A shared helpdesk", helpdesk),
    );
    json_body(
        doc,
        "updateContact",
        "ContactChange",
        example("Email only", json!({"channels": ["email"]})),
    );
    json_body(
        doc,
        "createToken",
        "NewToken",
        example(
            "An operator",
            json!({"role": "operator", "label": "Technical support"}),
        ),
    );
}
