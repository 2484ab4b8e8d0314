//! Signed links in messages: the monthly review's "still current" link. A GET shows what the
//! link would confirm; only the POST confirms (mail scanners fetch links).

use super::{Intake, IntakeError, IntakeResult};
use crate::access::{Actor, LinkPurpose, LinkRefusal};
use crate::registry::{ContactId, OrgId, Organisation};
use chrono::Duration;

/// How long a review email's link works: until the next month's email, and a little more.
pub const STILL_CURRENT_VALID: Duration = Duration::days(35);

/// What a still-current link names, if it can be used.
pub enum StillCurrent {
    /// The organisation, its recipients (name, role), and the contact the link was sent to.
    Valid {
        organisation: Organisation,
        recipients: Vec<(String, String)>,
        contact: ContactId,
    },
    Expired,
    Invalid,
}

fn subject(org: OrgId, contact: ContactId) -> String {
    format!("{}:{}", org.to_text(), contact.to_text())
}

impl Intake {
    /// The still-current link for the review email to `contact` of `org`.
    pub fn still_current_link(&self, org: OrgId, contact: ContactId) -> IntakeResult<String> {
        let expires_at = self.now() + STILL_CURRENT_VALID;
        let token = self
            .link_key()?
            .sign(
                LinkPurpose::StillCurrent,
                &subject(org, contact),
                expires_at,
            )
            .map_err(|e| IntakeError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
        Ok(format!("{}/links/still-current?t={token}", self.public_url))
    }

    /// What the still-current link `token` would confirm.
    pub async fn still_current(&self, token: &str) -> IntakeResult<StillCurrent> {
        let verified = match self
            .link_key()?
            .verify(LinkPurpose::StillCurrent, token, self.now())
        {
            Ok(v) => v,
            Err(LinkRefusal::Expired) => return Ok(StillCurrent::Expired),
            Err(LinkRefusal::Invalid) => return Ok(StillCurrent::Invalid),
        };
        let ids = verified
            .subject
            .split_once(':')
            .and_then(|(o, c)| Some((OrgId::parse(o)?, ContactId::parse(c)?)));
        let Some((org, contact)) = ids else {
            return Ok(StillCurrent::Invalid);
        };
        let Some(organisation) = self.store.get_organisation(org).await? else {
            return Ok(StillCurrent::Invalid);
        };
        let recipients = self
            .store
            .all_contacts(org)
            .await?
            .iter()
            .map(|c| (c.draft.name.clone(), c.draft.role.code().to_owned()))
            .collect();
        Ok(StillCurrent::Valid {
            organisation,
            recipients,
            contact,
        })
    }

    /// Confirms the recipients a still-current link names; the organisation's name and how
    /// many were confirmed, or why the link cannot be used.
    pub async fn confirm_still_current(
        &self,
        token: &str,
        request_id: &str,
    ) -> IntakeResult<Result<(String, u64), StillCurrent>> {
        let (organisation, contact) = match self.still_current(token).await? {
            StillCurrent::Valid {
                organisation,
                contact,
                ..
            } => (organisation, contact),
            other => return Ok(Err(other)),
        };
        let actor = Actor::contact(contact, organisation.id, request_id.to_owned());
        let n = self.confirm_contacts(&actor, organisation.id).await?;
        Ok(Ok((organisation.draft.name.clone(), n)))
    }

    /// Confirms every contact of `org` as current (the portal's one step, and the review
    /// link's); how many there are.
    pub async fn confirm_contacts(&self, actor: &Actor, org: OrgId) -> IntakeResult<u64> {
        if !actor.may_access(org) {
            return Err(IntakeError::NotFound);
        }
        let audit = self.event(
            actor,
            "contact.confirm",
            "organisation",
            org.to_text(),
            Some(org.to_text()),
        );
        Ok(self.store.confirm_contacts(org, self.now(), &audit).await?)
    }
}
