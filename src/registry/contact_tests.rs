//! Unit tests of `contact.rs`.
use super::*;

fn catalogue() -> Catalogue {
    Catalogue::from_toml(include_str!("../../config/services.toml")).unwrap()
}

fn org_services() -> BTreeSet<ServiceCode> {
    let c = catalogue();
    ["prescription", "prescription-centre"]
        .iter()
        .map(|s| c.parse_code(s).unwrap())
        .collect()
}

fn input() -> ContactInput {
    ContactInput {
        name: Some("Helpdesk".into()),
        role: Some("helpdesk".into()),
        email: Some(Some("tuki@apteekki.fi".into())),
        phone: Some(Some("040 123 4567".into())),
        language: Some("sv".into()),
        channels: Some(vec!["email".into(), "sms".into()]),
        services: None,
        kinds: None,
        portal_admin: None,
    }
}

#[test]
fn a_portal_admin_needs_an_email_address_and_is_no_one_by_default() {
    let d = ContactDraft::parse(input(), &catalogue(), &org_services()).unwrap();
    assert!(!d.portal_admin);
    let admin = ContactInput {
        portal_admin: Some(true),
        ..input()
    };
    assert!(
        ContactDraft::parse(admin.clone(), &catalogue(), &org_services())
            .unwrap()
            .portal_admin
    );
    let without_email = ContactInput {
        email: Some(None),
        channels: Some(vec!["sms".into()]),
        ..admin
    };
    let e = ContactDraft::parse(without_email, &catalogue(), &org_services()).unwrap_err();
    assert_eq!(e.errors()[0].field, "portal_admin");
    let mut fields =
        (*ContactDraft::parse(input(), &catalogue(), &org_services()).unwrap()).clone();
    fields.portal_admin = true;
    fields.email = None;
    fields.channels = [Channel::Sms].into();
    assert!(
        ContactDraft::restore(fields).is_err(),
        "a stored admin without an address is refused"
    );
}

#[test]
fn a_contact_defaults_to_every_service_and_kind() {
    let d = ContactDraft::parse(input(), &catalogue(), &org_services()).unwrap();
    assert_eq!(d.phone.as_ref().unwrap().as_str(), "+358401234567");
    assert_eq!(d.services, None);
    assert_eq!(d.effective_services(&org_services()), org_services());
    assert_eq!(d.kinds.len(), 3);
}

#[test]
fn sms_needs_a_phone_and_email_needs_an_address() {
    let i = ContactInput {
        email: Some(None),
        phone: None,
        ..input()
    };
    let err = ContactDraft::parse(i, &catalogue(), &org_services()).unwrap_err();
    let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["email", "phone"]);
}

#[test]
fn services_must_be_used_by_the_organisation() {
    let i = ContactInput {
        services: Some(Some(vec![
            "prescription".into(),
            "mykanta".into(),
            "warp".into(),
        ])),
        ..input()
    };
    let err = ContactDraft::parse(i, &catalogue(), &org_services()).unwrap_err();
    assert_eq!(err.errors()[0].field, "services[1]");
    assert!(
        err.errors()[0]
            .message
            .contains("not a service the organisation uses")
    );
    assert_eq!(err.errors()[1].field, "services[2]");
}

#[test]
fn empty_lists_are_refused_rather_than_silently_muting_a_contact() {
    let i = ContactInput {
        channels: Some(vec![]),
        kinds: Some(Some(vec![])),
        services: Some(Some(vec![])),
        ..input()
    };
    let err = ContactDraft::parse(i, &catalogue(), &org_services()).unwrap_err();
    let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["channels", "services", "kinds"]);
}

#[test]
fn removing_the_email_of_an_email_contact_is_refused() {
    let d = ContactDraft::parse(input(), &catalogue(), &org_services()).unwrap();
    let c = Contact {
        id: ContactId::generate(),
        org_id: OrgId::generate(),
        draft: d,
        source: ContactSource::Operator,
        email_verified_at: None,
        undeliverable_at: None,
        reviewed_at: Utc::now(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    let change = ContactInput {
        email: Some(None),
        ..Default::default()
    };
    let err =
        ContactDraft::parse(change.over(c.as_input()), &catalogue(), &org_services()).unwrap_err();
    assert_eq!(err.errors()[0].field, "email");
    let change = ContactInput {
        email: Some(None),
        channels: Some(vec!["sms".into()]),
        ..Default::default()
    };
    assert!(ContactDraft::parse(change.over(c.as_input()), &catalogue(), &org_services()).is_ok());
}
