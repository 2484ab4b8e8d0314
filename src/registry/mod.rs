//! The registry: organisations, their contacts and the services they use.

mod address;
mod business_id;
mod catalogue;
mod contact;
mod contacts_csv;
mod email;
mod language;
mod organisation;
mod phone;
mod portal_admin;
mod reach;
mod vocabulary;

pub use address::Address;
pub use business_id::BusinessId;
pub use catalogue::{Catalogue, Service, ServiceCode, ServiceNames};
pub use contact::{
    Contact, ContactDraft, ContactFields, ContactId, ContactInput, MAX_CONTACT_NAME_LEN,
};
pub use contacts_csv::{
    CSV_COLUMNS, CsvRow, MAX_CSV_ROWS, contacts_from_csv, contacts_to_csv,
    defuse as defuse_csv_cell,
};
pub use email::EmailAddress;
pub use language::Language;
pub use organisation::{
    MAX_ORG_NAME_LEN, Oid, OrgId, Organisation, OrganisationDraft, OrganisationFields,
    OrganisationInput,
};
pub use phone::PhoneNumber;
pub use portal_admin::PortalAdmin;
pub use reach::UnreachableService;
pub use vocabulary::{Audience, Channel, ContactRole, ContactSource, NoticeKind, OrgState};
