//! Reads of the registry: organisations, their contacts, and where nobody can be reached.

use super::registry_views::{
    ContactList, ContactView, OrganisationList, OrganisationView, UnreachableList,
};
use super::{Query, id_cursor, require_operator, search_text};
use crate::access::Actor;
use crate::intake::{IntakeError, IntakeResult};
use crate::registry::{ContactId, OrgId, Organisation, contacts_to_csv};

impl Query {
    /// The organisation, if the actor may see it (one not theirs is simply not found).
    async fn visible(&self, actor: &Actor, id: OrgId) -> IntakeResult<Organisation> {
        if !actor.may_access(id) {
            return Err(IntakeError::NotFound);
        }
        self.store
            .get_organisation(id)
            .await?
            .ok_or(IntakeError::NotFound)
    }

    /// One organisation the actor may see.
    pub async fn organisation(&self, actor: &Actor, id: OrgId) -> IntakeResult<OrganisationView> {
        Ok((&self.visible(actor, id).await?).into())
    }

    /// The organisations the actor may see: all for operators, its own for an org_admin;
    /// `q` matches the name or business ID.
    pub async fn organisations(
        &self,
        actor: &Actor,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> IntakeResult<OrganisationList> {
        let only = if actor.is_operator() {
            None
        } else {
            Some(actor.own_org().ok_or(IntakeError::Forbidden(
                "this token belongs to no organisation",
            ))?)
        };
        let page = self
            .store
            .list_organisations(only, search_text(q)?, id_cursor(cursor)?, limit)
            .await?;
        Ok(OrganisationList {
            items: page.items.iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// One contact of an organisation the actor may see.
    pub async fn contact(
        &self,
        actor: &Actor,
        org: OrgId,
        id: ContactId,
    ) -> IntakeResult<ContactView> {
        let organisation = self.visible(actor, org).await?;
        let contact = self
            .store
            .get_contact(org, id)
            .await?
            .ok_or(IntakeError::NotFound)?;
        Ok(ContactView::new(&contact, &organisation.draft.services))
    }

    /// A page of an organisation's contacts.
    pub async fn contacts(
        &self,
        actor: &Actor,
        org: OrgId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> IntakeResult<ContactList> {
        let organisation = self.visible(actor, org).await?;
        let page = self
            .store
            .list_contacts(org, id_cursor(cursor)?, limit)
            .await?;
        Ok(ContactList {
            items: page
                .items
                .iter()
                .map(|c| ContactView::new(c, &organisation.draft.services))
                .collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// The organisation's contacts as CSV.
    pub async fn export_contacts(&self, actor: &Actor, org: OrgId) -> IntakeResult<String> {
        self.visible(actor, org).await?;
        Ok(contacts_to_csv(&self.store.all_contacts(org).await?))
    }

    /// Active organisations using a service that none of their contacts would hear of a
    /// fault in (operators).
    pub async fn unreachable(&self, actor: &Actor) -> IntakeResult<UnreachableList> {
        require_operator(actor, "only operators read registry reports")?;
        Ok(UnreachableList {
            items: self
                .store
                .unreachable()
                .await?
                .iter()
                .map(Into::into)
                .collect(),
            next_cursor: None,
        })
    }

    /// The portal admin a portal session was opened for, while they are one.
    pub async fn portal_admin(
        &self,
        org: OrgId,
        contact: ContactId,
    ) -> IntakeResult<Option<crate::registry::PortalAdmin>> {
        Ok(self.store.portal_admin(org, contact).await?)
    }
}
