//! An organisation's portal admin: a contact who may sign in to the organisation portal with
//! a link sent to their email address.

use super::contact::ContactId;
use super::email::EmailAddress;
use super::language::Language;
use super::organisation::OrgId;

/// A portal admin, with what a sign-in link to them needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalAdmin {
    pub contact: ContactId,
    pub name: String,
    pub email: EmailAddress,
    pub language: Language,
    pub org: OrgId,
    pub org_name: String,
}
