//! Registering and maintaining organisations.

use super::{Intake, IntakeError, IntakeResult, made};
use crate::access::{Actor, Keep};
use crate::registry::{OrgId, Organisation, OrganisationDraft, OrganisationInput};

impl Intake {
    /// Registers an organisation (operators only).
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        input: OrganisationInput,
        keep: Option<Keep<'_, Organisation>>,
    ) -> IntakeResult<Organisation> {
        if !actor.is_operator() {
            return Err(IntakeError::Forbidden(
                "only operators register organisations",
            ));
        }
        let draft = OrganisationDraft::parse(input, &self.catalogue)?;
        let id = OrgId::generate();
        let audit = self.event(
            actor,
            "organisation.create",
            "organisation",
            id.to_text(),
            Some(id.to_text()),
        );
        made(
            self.store
                .insert_organisation_keyed(id, &draft, self.now(), &audit, keep)
                .await?,
        )
    }

    /// One organisation the actor may see (and so change).
    pub(super) async fn organisation(
        &self,
        actor: &Actor,
        id: OrgId,
    ) -> IntakeResult<Organisation> {
        if !actor.may_access(id) {
            return Err(IntakeError::NotFound);
        }
        self.store
            .get_organisation(id)
            .await?
            .ok_or(IntakeError::NotFound)
    }

    /// Changes an organisation. An org_admin may change its own name, OID and services;
    /// business ID, audience and state are the operator's.
    pub async fn update_organisation(
        &self,
        actor: &Actor,
        id: OrgId,
        change: OrganisationInput,
    ) -> IntakeResult<Organisation> {
        let current = self.organisation(actor, id).await?;
        if !actor.is_operator() {
            let c = &current.draft;
            let changes =
                |new: &Option<String>, old: &str| new.as_deref().is_some_and(|v| v.trim() != old);
            if changes(&change.business_id, c.business_id.as_str())
                || changes(&change.audience, c.audience.code())
                || changes(&change.state, c.state.code())
            {
                return Err(IntakeError::Forbidden(
                    "only operators change an organisation's business_id, audience or state",
                ));
            }
        }
        let draft = OrganisationDraft::parse(change.over(current.as_input()), &self.catalogue)?;
        let now = self.now();
        let audit = self.event(
            actor,
            "organisation.update",
            "organisation",
            id.to_text(),
            Some(id.to_text()),
        );
        if !self
            .store
            .update_organisation(id, &draft, now, &audit)
            .await?
        {
            return Err(IntakeError::NotFound);
        }
        Ok(Organisation {
            id,
            draft,
            created_at: current.created_at,
            updated_at: now,
        })
    }

    /// Deletes an organisation with its contacts and tokens (operators only).
    pub async fn delete_organisation(&self, actor: &Actor, id: OrgId) -> IntakeResult<()> {
        if !actor.may_access(id) {
            return Err(IntakeError::NotFound);
        }
        if !actor.is_operator() {
            return Err(IntakeError::Forbidden(
                "only operators delete organisations",
            ));
        }
        let audit = self.event(
            actor,
            "organisation.delete",
            "organisation",
            id.to_text(),
            Some(id.to_text()),
        );
        if self.store.delete_organisation(id, &audit).await? {
            Ok(())
        } else {
            Err(IntakeError::NotFound)
        }
    }
}
