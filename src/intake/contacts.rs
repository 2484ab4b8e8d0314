//! Contacts: kept current by operators and by each organisation's own admins.

use super::{Intake, IntakeError, IntakeResult, made};
use crate::access::{Actor, Keep};
use crate::registry::{
    Contact, ContactDraft, ContactId, ContactInput, ContactSource, OrgId, Organisation,
    contacts_from_csv,
};
use crate::store::ContactImport;
use crate::validation::FieldErrors;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What a CSV import changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
    /// Rows identical to the contact they name: nothing of theirs was touched.
    pub unchanged: usize,
    /// Contacts in the organisation after the import.
    pub total: usize,
}

impl Intake {
    /// Adds a contact to an organisation the actor may change; answers the contact and the
    /// organisation (whose services the contact's "all services" means).
    pub async fn create_contact(
        &self,
        actor: &Actor,
        org: OrgId,
        input: ContactInput,
        keep: Option<Keep<'_, (Contact, Organisation)>>,
    ) -> IntakeResult<(Contact, Organisation)> {
        let organisation = self.organisation(actor, org).await?;
        let draft = ContactDraft::parse(input, &self.catalogue, &organisation.draft.services)?;
        let id = ContactId::generate();
        let source = if actor.is_operator() {
            ContactSource::Operator
        } else {
            ContactSource::SelfService
        };
        let audit = self.event(
            actor,
            "contact.create",
            "contact",
            id.to_text(),
            Some(org.to_text()),
        );
        let answer = |c: &Contact| {
            keep.map(|k| (k.answer)(&(c.clone(), organisation.clone())))
                .unwrap_or_default()
        };
        let keep = keep.map(|k| k.answering(&answer));
        let contact = made(
            self.store
                .insert_contact_keyed(org, id, &draft, source, self.now(), &audit, keep)
                .await?,
        )?;
        Ok((contact, organisation))
    }

    /// Changes a contact; any change also confirms the contact as current. Answers the
    /// contact and its organisation.
    pub async fn update_contact(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ContactId,
        change: ContactInput,
    ) -> IntakeResult<(Contact, Organisation)> {
        let organisation = self.organisation(actor, org).await?;
        let current = self
            .store
            .get_contact(org, id)
            .await?
            .ok_or(IntakeError::NotFound)?;
        let draft = ContactDraft::parse(
            change.over(current.as_input()),
            &self.catalogue,
            &organisation.draft.services,
        )?;
        let now = self.now();
        let audit = self.event(
            actor,
            "contact.update",
            "contact",
            id.to_text(),
            Some(org.to_text()),
        );
        if !self
            .store
            .update_contact(org, id, &draft, now, &audit)
            .await?
        {
            return Err(IntakeError::NotFound);
        }
        let same_address =
            current.draft.email.as_ref().map(|e| e.key()) == draft.email.as_ref().map(|e| e.key());
        let contact = Contact {
            email_verified_at: current.email_verified_at.filter(|_| same_address),
            undeliverable_at: current.undeliverable_at.filter(|_| same_address),
            draft,
            reviewed_at: now,
            updated_at: now,
            ..current
        };
        Ok((contact, organisation))
    }

    /// Deletes a contact and erases its personal data.
    pub async fn delete_contact(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ContactId,
    ) -> IntakeResult<()> {
        if !actor.may_access(org) {
            return Err(IntakeError::NotFound);
        }
        let audit = self.event(
            actor,
            "contact.delete",
            "contact",
            id.to_text(),
            Some(org.to_text()),
        );
        if self.store.delete_contact(org, id, &audit).await? {
            Ok(())
        } else {
            Err(IntakeError::NotFound)
        }
    }

    /// Replaces the organisation's contact list with the CSV's: rows with an `id` update
    /// that contact (unless the row says exactly what the contact says), rows without one
    /// are added, contacts not in the file are deleted.
    /// Any invalid row changes nothing; the errors name each row and field.
    pub async fn import_contacts(
        &self,
        actor: &Actor,
        org: OrgId,
        csv: &[u8],
    ) -> IntakeResult<ImportSummary> {
        let organisation = self.organisation(actor, org).await?;
        let rows = contacts_from_csv(csv)?;
        let existing: HashMap<String, Contact> = self
            .store
            .all_contacts(org)
            .await?
            .into_iter()
            .map(|c| (c.id.to_text(), c))
            .collect();
        let mut errors = FieldErrors::new();
        let mut plan = ContactImport::default();
        let mut kept = BTreeSet::new();
        let mut unchanged = 0;
        for row in rows {
            let at = format!("rows[{}].", row.row);
            let id = match row.id.as_deref() {
                None => None,
                Some(text) => {
                    match ContactId::parse(text).filter(|id| existing.contains_key(&id.to_text())) {
                        Some(id) if kept.insert(id) => Some(id),
                        Some(_) => {
                            errors.add(format!("{at}id"), "appears on more than one row");
                            continue;
                        }
                        None => {
                            errors.add(format!("{at}id"), "is not a contact of this organisation (leave it empty for a new contact)");
                            continue;
                        }
                    }
                }
            };
            match ContactDraft::parse(row.input, &self.catalogue, &organisation.draft.services) {
                Ok(draft) => match id {
                    Some(id) if existing[&id.to_text()].draft == draft => unchanged += 1,
                    Some(id) => plan.update.push((id, draft)),
                    None => plan.insert.push((ContactId::generate(), draft)),
                },
                Err(e) => errors.extend_prefixed(&at, e),
            }
        }
        if !errors.is_empty() {
            return Err(IntakeError::Invalid(errors));
        }
        plan.delete = existing
            .values()
            .map(|c| c.id)
            .filter(|id| !kept.contains(id))
            .collect();
        let summary = ImportSummary {
            created: plan.insert.len(),
            updated: plan.update.len(),
            deleted: plan.delete.len(),
            unchanged,
            total: plan.insert.len() + plan.update.len() + unchanged,
        };
        if plan.insert.is_empty() && plan.update.is_empty() && plan.delete.is_empty() {
            // The list is as it was: no write, no audit record, and no contact counts as
            // re-confirmed (that would silence its review reminder).
            return Ok(summary);
        }
        let audit = self.event(
            actor,
            "contact.import",
            "organisation",
            org.to_text(),
            Some(org.to_text()),
        );
        self.store
            .import_contacts(org, &plan, self.now(), &audit)
            .await?;
        if matches!(actor.kind, crate::access::ActorKind::Cli) {
            // A bulk load on the daemon's host (the registry moved from the one the operator
            // already trusts): the operator vouches for its addresses; nobody is mailed.
            self.store.attest_emails(org, self.now()).await?;
        }
        Ok(summary)
    }
}
