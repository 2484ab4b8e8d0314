//! Erasing a contact's personal data wherever it was copied: the steps that deleting a
//! contact, importing a list and deleting an organisation share.

use super::StoreResult;
use super::sql::{Conn, Sql};
use super::states::{UNFINISHED, one};
use crate::notices::DeliveryState;
use crate::registry::{ContactId, OrgId};
use std::sync::LazyLock;

/// Deliveries to erased contacts lose the address; those not yet sent are given up.
static ERASE_DELIVERIES: LazyLock<String> = LazyLock::new(|| {
    let pending = &*UNFINISHED;
    format!(
        "UPDATE deliveries SET address = NULL, address_key = 'erased:' || CAST(id AS TEXT), \
         last_error = CASE WHEN state IN {pending} THEN 'recipient deleted' ELSE last_error END, \
         state = CASE WHEN state IN {pending} THEN {failed} ELSE state END WHERE ",
        failed = one(DeliveryState::Failed),
    )
});

/// Forgets the answers kept for idempotent retries that mention `id` (a contact's or an
/// organisation's): a stored answer would keep the personal data it shows.
pub(super) async fn forget_answers(conn: &mut Conn<'_>, id: &str) -> StoreResult<()> {
    let sql = "DELETE FROM idempotency_keys WHERE body LIKE $1";
    conn.execute(Sql::new(sql).bind(format!("%{id}%"))).await?;
    Ok(())
}

/// Removes what a deleted contact leaves elsewhere: stored answers that mention it, its
/// addresses in deliveries, faultcast's own messages to it (review reminders), its portal sessions.
pub(super) async fn erase_contact_traces(conn: &mut Conn<'_>, id: ContactId) -> StoreResult<()> {
    let id = id.to_text();
    forget_answers(conn, &id).await?;
    let deliveries = format!("{}contact_id = $1", *ERASE_DELIVERIES);
    conn.execute(Sql::new(deliveries).bind(&id)).await?;
    let messages = "DELETE FROM system_messages WHERE contact_id = $1";
    conn.execute(Sql::new(messages).bind(&id)).await?;
    let sessions = "DELETE FROM console_sessions WHERE contact_id = $1";
    conn.execute(Sql::new(sessions).bind(&id)).await?;
    let acks = "UPDATE acknowledgements SET contact_id = NULL WHERE contact_id = $1";
    conn.execute(Sql::new(acks).bind(&id)).await?;
    Ok(())
}

/// Removes what the contacts of an organisation about to be deleted leave elsewhere
/// (their rows go with the organisation's).
pub(super) async fn erase_organisation_traces(conn: &mut Conn<'_>, org: OrgId) -> StoreResult<()> {
    let org = org.to_text();
    let of_org = "contact_id IN (SELECT id FROM contacts WHERE org_id = $1)";
    let deliveries = format!("{}{of_org}", *ERASE_DELIVERIES);
    conn.execute(Sql::new(deliveries).bind(&org)).await?;
    let messages = format!("DELETE FROM system_messages WHERE {of_org}");
    conn.execute(Sql::new(messages).bind(&org)).await?;
    let sessions = "DELETE FROM console_sessions WHERE org_id = $1";
    conn.execute(Sql::new(sessions).bind(&org)).await?;
    let acks = "DELETE FROM acknowledgements WHERE org_id = $1";
    conn.execute(Sql::new(acks).bind(&org)).await?;
    Ok(())
}
