//! Operator commands that work directly on the database: tokens, organisations, contacts.

use crate::access::Actor;
use crate::app::{load_catalogue, open_store};
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::intake::{Intake, IntakeError, NewToken};
use crate::query::{MAX_PAGE, Query};
use crate::registry::{Catalogue, OrgId, OrganisationInput};
use crate::store::Store;
use anyhow::Context;
use clap::Subcommand;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token; it is printed alone on the first line of standard output, once.
    Create {
        /// operator or org_admin.
        #[arg(long)]
        role: String,
        /// The organisation of an org_admin token.
        #[arg(long)]
        org: Option<String>,
        /// Whose token it is.
        #[arg(long)]
        label: String,
        /// RFC 3339 expiry time.
        #[arg(long)]
        expires_at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgAction {
    /// Register an organisation; prints its id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        business_id: String,
        /// healthcare, social-welfare, pharmacy, system-supplier, citizen or authority.
        #[arg(long)]
        audience: String,
        /// Service codes, comma-separated.
        #[arg(long, value_delimiter = ',')]
        services: Vec<String>,
        #[arg(long)]
        oid: Option<String>,
    },
    /// List organisations: id, business ID, name.
    List {
        /// Match name or business ID.
        #[arg(long)]
        q: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContactsAction {
    /// Replace an organisation's contacts from a CSV file (all or nothing).
    Import {
        #[arg(long)]
        org: String,
        file: PathBuf,
    },
    /// Print an organisation's contacts as CSV.
    Export {
        #[arg(long)]
        org: String,
    },
}

/// The use cases on the configured database.
async fn intake(settings: &Settings) -> anyhow::Result<Intake> {
    let (store, catalogue) = open(settings).await?;
    Ok(Intake::new(store, catalogue, Arc::new(SystemClock))
        .with_sessions(crate::app::session_rules(settings)))
}

/// The reads on the configured database.
async fn query(settings: &Settings) -> anyhow::Result<Query> {
    let (store, catalogue) = open(settings).await?;
    Ok(Query::new(store, catalogue, Arc::new(SystemClock)))
}

async fn open(settings: &Settings) -> anyhow::Result<(Store, Arc<Catalogue>)> {
    let catalogue = Arc::new(load_catalogue(settings)?);
    Ok((open_store(settings).await?, catalogue))
}

fn explain(e: IntakeError) -> anyhow::Error {
    match e {
        IntakeError::Invalid(f) => anyhow::anyhow!("invalid: {f}"),
        other => anyhow::Error::new(other),
    }
}

fn org_id(text: &str) -> anyhow::Result<OrgId> {
    OrgId::parse(text.trim())
        .ok_or_else(|| anyhow::anyhow!("--org: `{text}` is not an organisation id"))
}

/// `faultcast token …`
pub async fn token(action: TokenAction, settings: &Settings) -> anyhow::Result<()> {
    let TokenAction::Create {
        role,
        org,
        label,
        expires_at,
    } = action;
    let intake = intake(settings).await?;
    let req = NewToken {
        role: Some(role),
        org_id: org,
        label: Some(label),
        expires_at,
    };
    let (record, issued) = intake
        .create_token(&Actor::cli(), req, None)
        .await
        .map_err(explain)?;
    println!("{}", issued.reveal());
    eprintln!(
        "token {} ({}) created; it is shown only this once",
        record.id, record.role
    );
    Ok(())
}

/// `faultcast org …`
pub async fn org(action: OrgAction, settings: &Settings) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match action {
        OrgAction::Add {
            name,
            business_id,
            audience,
            services,
            oid,
        } => {
            let input = OrganisationInput {
                name: Some(name),
                business_id: Some(business_id),
                oid: Some(oid),
                audience: Some(audience),
                services: Some(services),
                state: None,
            };
            let org = intake(settings)
                .await?
                .create_organisation(&actor, input, None)
                .await
                .map_err(explain)?;
            println!("{}", org.id);
        }
        OrgAction::List { q } => {
            let query = query(settings).await?;
            let mut cursor = None;
            loop {
                let page = query
                    .organisations(&actor, q.as_deref(), cursor.as_deref(), Some(MAX_PAGE))
                    .await
                    .map_err(explain)?;
                for o in &page.items {
                    println!("{}\t{}\t{}\t{}", o.id, o.business_id, o.state, o.name);
                }
                match page.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
        }
    }
    Ok(())
}

/// `faultcast login-link --label …`: prints a one-time console sign-in link.
pub async fn login_link(label: &str, settings: &Settings) -> anyhow::Result<()> {
    let intake = intake(settings).await?;
    let (token, expires_at) = intake
        .issue_login_link(&Actor::cli(), label)
        .await
        .map_err(explain)?;
    println!(
        "{}/console/login/link?token={}",
        settings.server.public_url.trim_end_matches('/'),
        token.reveal()
    );
    eprintln!(
        "valid once, until {}",
        crate::notices::local_time(crate::registry::Language::En, expires_at)
    );
    Ok(())
}

/// `faultcast contacts …`
pub async fn contacts(action: ContactsAction, settings: &Settings) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match action {
        ContactsAction::Import { org, file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let s = intake(settings)
                .await?
                .import_contacts(&actor, org_id(&org)?, &bytes)
                .await
                .map_err(explain)?;
            println!(
                "created {}, updated {}, deleted {}, unchanged {}, total {}",
                s.created, s.updated, s.deleted, s.unchanged, s.total
            );
        }
        ContactsAction::Export { org } => {
            print!(
                "{}",
                query(settings)
                    .await?
                    .export_contacts(&actor, org_id(&org)?)
                    .await
                    .map_err(explain)?
            );
        }
    }
    Ok(())
}
