//! Issuing, revoking and checking API tokens.

use super::{Intake, IntakeError, IntakeResult, made};
use crate::access::TokenRecord;
use crate::access::{Actor, ActorKind, IssuedToken, Keep, PresentedToken, Role, TokenId};
use crate::registry::OrgId;
use crate::validation::{FieldErrors, plain_text};
use serde::Deserialize;

/// A label says whose token it is ("Kela helpdesk", "deploy script"); keep it short.
pub const MAX_TOKEN_LABEL_LEN: usize = 100;

/// What is asked for when creating a token.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// `operator` or `org_admin`.
    pub role: Option<String>,
    /// Required for `org_admin`, not allowed for `operator`.
    pub org_id: Option<String>,
    pub label: Option<String>,
    /// RFC 3339; the token stops working then. Absent: never expires.
    pub expires_at: Option<String>,
}

impl Intake {
    /// Issues a token (operators and the CLI). The returned `IssuedToken` is the only
    /// place the token text ever exists.
    pub async fn create_token(
        &self,
        actor: &Actor,
        req: NewToken,
        keep: Option<Keep<'_, (TokenRecord, IssuedToken)>>,
    ) -> IntakeResult<(TokenRecord, IssuedToken)> {
        if !actor.is_operator() {
            return Err(IntakeError::Forbidden("only operators create tokens"));
        }
        let now = self.now();
        let mut e = FieldErrors::new();
        let role = e
            .require("role", req.role)
            .and_then(|r| e.check("role", Role::parse(&r)));
        let label = e
            .require("label", req.label)
            .and_then(|l| e.check("label", plain_text(&l, MAX_TOKEN_LABEL_LEN)));
        let expires_at = match req.expires_at {
            None => Some(None),
            Some(t) => match crate::calendar::parse_rfc3339(&t) {
                Ok(t) if t > now => Some(Some(t)),
                Ok(_) => e.check("expires_at", Err("must be in the future".into())),
                Err(why) => e.check("expires_at", Err(why)),
            },
        };
        let org = match (role, req.org_id) {
            (Some(Role::OrgAdmin), None) => {
                e.check("org_id", Err("is required for an org_admin token".into()))
            }
            (Some(Role::Operator), Some(_)) => e.check(
                "org_id",
                Err("must be left out for an operator token".into()),
            ),
            (_, Some(text)) => match OrgId::parse(text.trim()) {
                Some(id) if self.store.get_organisation(id).await?.is_some() => Some(Some(id)),
                _ => e.check("org_id", Err("is not a registered organisation".into())),
            },
            (_, None) => Some(None),
        };
        let (Some(role), Some(org), Some(label), Some(expires_at)) = (role, org, label, expires_at)
        else {
            return Err(e.explain_missing("role").into());
        };
        e.finish(|| ())?;
        let issued = IssuedToken::generate()
            .map_err(|err| IntakeError::Internal(anyhow::anyhow!("no randomness: {err}")))?;
        let record = TokenRecord {
            id: issued.id,
            hash: issued.hash.clone(),
            role,
            org,
            label,
            created_at: now,
            expires_at,
            revoked_at: None,
        };
        let audit = self.event(
            actor,
            "token.create",
            "token",
            record.id.to_text(),
            record.org.map(OrgId::to_text),
        );
        let created = (record, issued);
        let answer = |_: &()| keep.map(|k| (k.answer)(&created)).unwrap_or_default();
        let keep = keep.map(|k| k.answering(&answer));
        made(
            self.store
                .insert_token_keyed(&created.0, &audit, keep)
                .await?,
        )?;
        Ok(created)
    }

    /// Revokes a token; it fails on the very next request.
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> IntakeResult<()> {
        if !actor.is_operator() {
            return Err(IntakeError::Forbidden("only operators revoke tokens"));
        }
        let org = self
            .store
            .find_token(id)
            .await?
            .ok_or(IntakeError::NotFound)?
            .org;
        let audit = self.event(
            actor,
            "token.revoke",
            "token",
            id.to_text(),
            org.map(OrgId::to_text),
        );
        if self.store.revoke_token(id, self.now(), &audit).await? {
            Ok(())
        } else {
            Err(IntakeError::NotFound)
        }
    }

    /// The actor behind a presented bearer token, if it is valid now.
    pub async fn authenticate(
        &self,
        bearer: &str,
        request_id: String,
    ) -> IntakeResult<Option<Actor>> {
        let Some(presented) = PresentedToken::parse(bearer) else {
            return Ok(None);
        };
        let Some(record) = self.store.find_token(presented.id).await? else {
            return Ok(None);
        };
        let valid = record.hash.matches(&presented.hash)
            && record.revoked_at.is_none()
            && record.expires_at.is_none_or(|t| t > self.now());
        Ok(valid.then_some(Actor {
            kind: ActorKind::Token {
                id: record.id,
                role: record.role,
                org: record.org,
            },
            request_id,
        }))
    }
}
