//! Who performs an operation, and what they may touch.

use super::token::{Role, TokenId};
use crate::registry::{ContactId, OrgId};
use std::fmt;

/// The caller of a use case: an authenticated token, or the local operator CLI.
#[derive(Clone, Debug)]
pub struct Actor {
    pub kind: ActorKind,
    /// Correlates the audit record with logs (the HTTP request id, or a CLI run id).
    pub request_id: String,
}

#[derive(Clone, Debug)]
pub enum ActorKind {
    /// Someone with shell access to the daemon's host and its configuration.
    Cli,
    /// An operator signed in to the console, by name (a sign-in link's label, or the
    /// identity provider's name and subject).
    Person { name: String },
    /// A contact acting through a signed link sent to them (e.g. confirming their
    /// organisation's recipients); limited to their own organisation.
    Contact { id: ContactId, org: OrgId },
    /// Someone on the public fault report form: may send a report, read nothing back.
    Public,
    /// An API token.
    Token {
        id: TokenId,
        role: Role,
        org: Option<OrgId>,
    },
}

impl Actor {
    /// The local CLI, acting with operator rights.
    pub fn cli() -> Self {
        Self {
            kind: ActorKind::Cli,
            request_id: format!("cli-{}", uuid::Uuid::now_v7().simple()),
        }
    }

    /// An operator signed in to the console.
    pub fn person(name: &str, request_id: String) -> Self {
        Self {
            kind: ActorKind::Person {
                name: name.to_owned(),
            },
            request_id,
        }
    }

    /// Someone on the public form, identified only by the request.
    pub fn public(request_id: String) -> Self {
        Self {
            kind: ActorKind::Public,
            request_id,
        }
    }

    /// A contact of `org` acting through a signed link sent to them.
    pub fn contact(id: ContactId, org: OrgId, request_id: String) -> Self {
        Self {
            kind: ActorKind::Contact { id, org },
            request_id,
        }
    }

    /// True for operators (and the CLI, and people signed in to the console).
    pub fn is_operator(&self) -> bool {
        matches!(
            self.kind,
            ActorKind::Cli
                | ActorKind::Person { .. }
                | ActorKind::Token {
                    role: Role::Operator,
                    ..
                }
        )
    }

    /// Whether this actor may see and change the organisation `org`.
    pub fn may_access(&self, org: OrgId) -> bool {
        match &self.kind {
            ActorKind::Cli
            | ActorKind::Person { .. }
            | ActorKind::Token {
                role: Role::Operator,
                ..
            } => true,
            ActorKind::Token {
                role: Role::OrgAdmin,
                org: own,
                ..
            } => *own == Some(org),
            ActorKind::Contact { org: own, .. } => *own == org,
            ActorKind::Public => false,
        }
    }

    /// The organisation an org_admin is limited to.
    pub fn own_org(&self) -> Option<OrgId> {
        match &self.kind {
            ActorKind::Token {
                role: Role::OrgAdmin,
                org,
                ..
            } => *org,
            ActorKind::Contact { org, .. } => Some(*org),
            _ => None,
        }
    }

    /// How the actor is named in the audit log: a token id, never the token.
    pub fn audit_name(&self) -> String {
        match &self.kind {
            ActorKind::Cli => "cli".into(),
            ActorKind::Person { name } => format!("console:{name}"),
            ActorKind::Contact { id, .. } => format!("contact:{}", id.to_text()),
            ActorKind::Token { id, .. } => id.to_text(),
            ActorKind::Public => "public-form".into(),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.audit_name())
    }
}
