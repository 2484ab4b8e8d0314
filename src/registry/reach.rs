//! Contact hygiene: where an organisation cannot be told of a fault.

use super::business_id::BusinessId;
use super::catalogue::ServiceCode;
use super::organisation::OrgId;

/// An active organisation using a service for which none of its contacts would receive a
/// fault notice by any channel (domain §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreachableService {
    pub org_id: OrgId,
    pub name: String,
    pub business_id: BusinessId,
    pub service: ServiceCode,
}
