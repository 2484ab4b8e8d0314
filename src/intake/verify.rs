//! Address verification: each new or changed email address of a contact gets a signed link;
//! following it and pressing its button marks that address verified. Until then the address
//! still receives every notice — verification tells support what is known to work, it never
//! withholds a fault notice.

use super::{Intake, IntakeError, IntakeResult};
use crate::access::{Actor, LinkPurpose, LinkRefusal};
use crate::registry::{Contact, ContactId, Language};
use crate::store::NewSystemMessage;
use chrono::Duration;
use sha2::{Digest, Sha256};

/// How long a verification link works.
pub const VERIFY_VALID: Duration = Duration::days(30);
/// Addresses handled per transaction of the job.
const VERIFY_BATCH: u32 = 500;
/// Batches per run of the job at most (the next run, minutes later, takes the rest).
const VERIFY_ROUNDS: usize = 200;

/// What a verification link names now.
#[derive(Debug)]
pub enum Verification {
    /// Usable: the organisation's name, the address, whether it is verified already.
    Valid {
        organisation: String,
        email: String,
        verified: bool,
    },
    Expired,
    /// Not ours, altered, for something else, or the address changed since.
    Invalid,
}

/// A short fingerprint of an address key: a link names the address it was sent to without
/// carrying it.
fn fingerprint(email_key: &str) -> String {
    Sha256::digest(email_key.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn message(lang: Language, org: &str, email: &str, link: &str) -> (String, String) {
    match lang {
        Language::Sv => (
            "Bekräfta e-postadressen för driftmeddelanden".to_owned(),
            format!(
                "{org} har angett adressen {email} som mottagare av stör- och underhållsmeddelanden om de nationella e-hälsotjänsterna.\n\n\
                 Bekräfta att meddelandena når fram hit (länken gäller i 30 dagar):\n{link}\n\n\
                 Är adressen fel kan du lämna meddelandet utan åtgärd och be organisationen rätta den."
            ),
        ),
        Language::En => (
            "Please confirm your address for service notices".to_owned(),
            format!(
                "{org} has registered {email} as a recipient of fault and maintenance notices of the national e-health services.\n\n\
                 Please confirm that notices reach you here (the link works for 30 days):\n{link}\n\n\
                 If the address is wrong, ignore this message and ask the organisation to correct it."
            ),
        ),
        Language::Fi => (
            "Vahvista sähköpostiosoite tiedotteita varten".to_owned(),
            format!(
                "{org} on ilmoittanut osoitteen {email} valtakunnallisten sähköisten terveyspalveluiden häiriö- ja huoltotiedotteiden vastaanottajaksi.\n\n\
                 Vahvista, että tiedotteet tavoittavat sinut tässä osoitteessa (linkki toimii 30 päivää):\n{link}\n\n\
                 Jos osoite on väärä, voit jättää viestin huomiotta ja pyytää organisaatiota korjaamaan sen."
            ),
        ),
    }
}

impl Intake {
    /// Sends a verification link to each new or changed email address that has not had
    /// one (a housekeeping job: once per contact and address, however often it runs); how
    /// many were queued.
    pub async fn send_verifications(&self) -> IntakeResult<u64> {
        let mut queued = 0;
        // Bounded: a batch whose addresses all changed meanwhile would come back unchanged.
        for _ in 0..VERIFY_ROUNDS {
            let batch = self.store.addresses_to_verify(VERIFY_BATCH).await?;
            if batch.is_empty() {
                return Ok(queued);
            }
            let mut sent = Vec::with_capacity(batch.len());
            let mut messages = Vec::with_capacity(batch.len());
            for a in &batch {
                let print = fingerprint(&a.email_key);
                let token = self
                    .link_key()?
                    .sign(
                        LinkPurpose::VerifyAddress,
                        &format!("{}:{print}", a.contact_id),
                        self.now() + VERIFY_VALID,
                    )
                    .map_err(|e| IntakeError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
                let lang = Language::parse(&a.language).unwrap_or(Language::Fi);
                let link = format!(
                    "{}/links/verify?t={token}&lang={}",
                    self.public_url,
                    lang.code()
                );
                let (subject, body) = message(lang, &a.org_name, &a.email, &link);
                messages.push(NewSystemMessage {
                    dedup_key: format!("verify:{}:{print}", a.contact_id),
                    kind: "verify-address",
                    recipient: a.email.clone(),
                    contact_id: Some(a.contact_id.clone()),
                    subject,
                    body,
                    ..Default::default()
                });
                sent.push((a.contact_id.clone(), a.email_key.clone()));
            }
            queued += self
                .store
                .queue_verifications(&sent, &messages, self.now())
                .await?;
            self.outbox.notify_waiters();
            if batch.len() < VERIFY_BATCH as usize {
                return Ok(queued);
            }
        }
        Ok(queued)
    }

    /// The contact and address fingerprint `token` names, or why it cannot be used.
    async fn verification_of(
        &self,
        token: &str,
    ) -> IntakeResult<Result<(Contact, String), Verification>> {
        let verified = match self
            .link_key()?
            .verify(LinkPurpose::VerifyAddress, token, self.now())
        {
            Ok(v) => v,
            Err(LinkRefusal::Expired) => return Ok(Err(Verification::Expired)),
            Err(LinkRefusal::Invalid) => return Ok(Err(Verification::Invalid)),
        };
        let Some((id, print)) = verified.subject.split_once(':') else {
            return Ok(Err(Verification::Invalid));
        };
        let Some(id) = ContactId::parse(id) else {
            return Ok(Err(Verification::Invalid));
        };
        let Some(contact) = self.store.contact_by_id(id).await? else {
            return Ok(Err(Verification::Invalid));
        };
        let same = contact
            .draft
            .email
            .as_ref()
            .is_some_and(|e| fingerprint(&e.key()) == print);
        if !same {
            return Ok(Err(Verification::Invalid));
        }
        Ok(Ok((contact, print.to_owned())))
    }

    /// What the verification link `token` would verify (a GET: nothing changes).
    pub async fn verification(&self, token: &str) -> IntakeResult<Verification> {
        let (contact, _) = match self.verification_of(token).await? {
            Ok(found) => found,
            Err(why) => return Ok(why),
        };
        let organisation = self
            .store
            .get_organisation(contact.org_id)
            .await?
            .map(|o| o.draft.name.clone())
            .unwrap_or_default();
        Ok(Verification::Valid {
            organisation,
            email: contact
                .draft
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            verified: contact.email_verified_at.is_some(),
        })
    }

    /// Verifies the address `token` names, in the contact's name.
    pub async fn verify_address(
        &self,
        token: &str,
        request_id: &str,
    ) -> IntakeResult<Verification> {
        let (contact, _) = match self.verification_of(token).await? {
            Ok(found) => found,
            Err(why) => return Ok(why),
        };
        if contact.email_verified_at.is_none() {
            let actor = Actor::contact(contact.id, contact.org_id, request_id.to_owned());
            let audit = self.event(
                &actor,
                "contact.verify_email",
                "contact",
                contact.id.to_text(),
                Some(contact.org_id.to_text()),
            );
            let key = contact
                .draft
                .email
                .as_ref()
                .map(|e| e.key())
                .unwrap_or_default();
            if !self
                .store
                .verify_email(contact.id, &key, self.now(), &audit)
                .await?
            {
                return Ok(Verification::Invalid);
            }
        }
        self.verification(token).await
    }
}
