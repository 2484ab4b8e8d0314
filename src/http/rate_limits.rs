//! Who may ask how often (S4 of delivery.md). An API request with a valid token spends from
//! that token's allowance, so one flooding script leaves every other token alone, wherever
//! it calls from; a request without one spends from its address's. An address whose
//! tokens keep failing is refused before the next one is looked up. The SMS gateway's
//! receipts and the health endpoints have allowances of their own.

use super::AppState;
use super::limiter::{Limiter, Rate, Verdict};
use super::problem::ApiError;
use super::request_id::RequestId;
use crate::access::{Actor, ActorKind, TokenId};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// The allowances, from `[limits]`.
#[derive(Clone, Copy, Debug)]
pub struct LimitRates {
    pub token: Rate,
    pub client: Rate,
    pub auth_failures: Rate,
    pub receipts: Rate,
    pub health: Rate,
}

/// A client's address as a limiter key: IPv4 whole, IPv6 by its /64 (one household or
/// server usually holds a whole /64, so counting single addresses would be no limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    V4(u32),
    V6(u64),
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => ClientKey::V4(v4.into()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(v4.into()),
                None => ClientKey::V6((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

/// Every limiter of the daemon.
pub struct RateLimits {
    tokens: Limiter<TokenId>,
    clients: Limiter<ClientKey>,
    auth_failures: Limiter<ClientKey>,
    receipts: Limiter<ClientKey>,
    health: Limiter<ClientKey>,
    /// Portal sign-in links asked for, per client address.
    portal_clients: Limiter<ClientKey>,
    /// Portal sign-in links asked for, per email address (its SHA-256: the limiter keeps no
    /// address), whether or not it is a portal admin's, so that a refusal tells nothing.
    portal_addresses: Limiter<[u8; 32]>,
    /// Public fault reports, per client address and per reporter address (hashed).
    report_clients: Limiter<ClientKey>,
    report_addresses: Limiter<[u8; 32]>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    trusted_proxies: Vec<IpAddr>,
}

impl RateLimits {
    pub fn new(rates: LimitRates, trusted_proxies: Vec<IpAddr>) -> Self {
        Self {
            tokens: Limiter::new(rates.token),
            clients: Limiter::new(rates.client),
            auth_failures: Limiter::new(rates.auth_failures),
            receipts: Limiter::new(rates.receipts),
            health: Limiter::new(rates.health),
            portal_clients: Limiter::every(PORTAL_CLIENT_EVERY, PORTAL_CLIENT_BURST),
            portal_addresses: Limiter::every(PORTAL_ADDRESS_EVERY, PORTAL_ADDRESS_BURST),
            report_clients: Limiter::every(REPORT_CLIENT_EVERY, REPORT_CLIENT_BURST),
            report_addresses: Limiter::every(REPORT_ADDRESS_EVERY, REPORT_ADDRESS_BURST),
            trusted_proxies,
        }
    }

    /// The client's address: the peer, or — when the peer is a trusted proxy — the last
    /// address in `X-Forwarded-For` that is not one of ours.
    fn client(&self, req: &Request) -> ClientKey {
        self.client_of(req.extensions(), req.headers())
    }

    fn client_of(&self, ext: &axum::http::Extensions, headers: &HeaderMap) -> ClientKey {
        let peer = ext
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        if !self.trusted_proxies.contains(&peer) {
            return peer.into();
        }
        forwarded(headers)
            .into_iter()
            .rev()
            .find(|ip| !self.trusted_proxies.contains(ip))
            .unwrap_or(peer)
            .into()
    }
}

/// A person asks for a portal link a few times when the first seems slow to come; a client
/// asking for more is working through a list of addresses.
const PORTAL_CLIENT_BURST: u32 = 10;
const PORTAL_CLIENT_EVERY: i64 = 60 * 1_000_000;
/// An address gets three links at once, then one every five minutes: enough for a person,
/// too few to fill their mailbox for someone else.
const PORTAL_ADDRESS_BURST: u32 = 3;
const PORTAL_ADDRESS_EVERY: i64 = 5 * 60 * 1_000_000;

/// A hospital's helpdesks may sit behind one address and report several faults in a bad
/// hour; a client sending more is flooding technical support's queue.
const REPORT_CLIENT_BURST: u32 = 20;
const REPORT_CLIENT_EVERY: i64 = 60 * 1_000_000;
/// One reporter sends a report, perhaps a correction or two; more is not a person.
const REPORT_ADDRESS_BURST: u32 = 5;
const REPORT_ADDRESS_EVERY: i64 = 5 * 60 * 1_000_000;

impl RateLimits {
    /// Spends one public fault report of the client and of the reporter's address; the
    /// seconds to wait when either is refused.
    pub fn public_report(
        &self,
        parts: &axum::http::request::Parts,
        email_key: &str,
        now: i64,
    ) -> Option<u64> {
        let pair = (&self.report_clients, &self.report_addresses);
        self.spend_client_and_address(pair, parts, email_key, now)
    }

    /// Spends one portal link request of the client and of the address `email_key`; the
    /// seconds to wait when either is refused (nothing is spent from the address then).
    pub fn portal_link_request(
        &self,
        parts: &axum::http::request::Parts,
        email_key: &str,
        now: i64,
    ) -> Option<u64> {
        let pair = (&self.portal_clients, &self.portal_addresses);
        self.spend_client_and_address(pair, parts, email_key, now)
    }

    /// Spends from the client's allowance, then (if that had room) from the address's (by
    /// its SHA-256: the limiter keeps no address); the seconds to wait when refused.
    fn spend_client_and_address(
        &self,
        (clients, addresses): (&Limiter<ClientKey>, &Limiter<[u8; 32]>),
        parts: &axum::http::request::Parts,
        email_key: &str,
        now: i64,
    ) -> Option<u64> {
        use sha2::Digest;
        let client = self.client_of(&parts.extensions, &parts.headers);
        if let Some(secs) = clients.check(&client, now).retry_after_secs() {
            return Some(secs);
        }
        let address: [u8; 32] = sha2::Sha256::digest(email_key.as_bytes()).into();
        addresses.check(&address, now).retry_after_secs()
    }
}

/// The addresses of every `X-Forwarded-For` header, in order; anything unparsable ends the
/// list there (what comes before it cannot be trusted).
fn forwarded(headers: &HeaderMap) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for v in headers.get_all("x-forwarded-for") {
        for part in v.to_str().unwrap_or("").split(',') {
            match part.trim().parse() {
                Ok(ip) => out.push(ip),
                Err(_) => return Vec::new(),
            }
        }
    }
    out
}

fn now(s: &AppState) -> i64 {
    s.clock.now().timestamp_micros()
}

/// 429 when `v` refuses.
fn refused(v: Verdict) -> Option<Response> {
    v.retry_after_secs()
        .map(|secs| ApiError::rate_limited(secs).into_response())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
}

/// Middleware for the console: its pages and forms spend from the client address's
/// allowance (a person clicks far below it; a script guessing links does not get far).
pub async fn console(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let client = s.limits.client(&req);
    if let Some(r) = refused(s.limits.clients.check(&client, now(&s))) {
        return r;
    }
    next.run(req).await
}

/// Middleware for the API: authenticates a presented token (the handlers find the `Actor`
/// in the request) and spends from the right allowance.
pub async fn api(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let limits = &s.limits;
    let client = limits.client(&req);
    let at = now(&s);
    let Some(token) = bearer(req.headers()).map(str::to_owned) else {
        if let Some(r) = refused(limits.clients.check(&client, at)) {
            return r;
        }
        return next.run(req).await;
    };
    if let Some(r) = refused(limits.auth_failures.peek(&client, at)) {
        return r;
    }
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default();
    match s.intake.authenticate(&token, request_id).await {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(Some(actor)) => {
            if let ActorKind::Token { id, .. } = &actor.kind {
                if let Some(r) = refused(limits.tokens.check(id, at)) {
                    return r;
                }
            }
            req.extensions_mut().insert(actor);
        }
        Ok(None) => {
            // Public reads still answer; protected ones say 401 (no Actor).
            limits.auth_failures.check(&client, at);
        }
    }
    next.run(req).await
}

/// Middleware for the SMS gateway's receipts.
pub async fn receipts(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let client = s.limits.client(&req);
    match refused(s.limits.receipts.check(&client, now(&s))) {
        Some(r) => r,
        None => next.run(req).await,
    }
}

/// Middleware for `/healthz`, `/readyz` and `/metrics`.
pub async fn health(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let client = s.limits.client(&req);
    match refused(s.limits.health.check(&client, now(&s))) {
        Some(r) => r,
        None => next.run(req).await,
    }
}

/// The authenticated caller the `api` middleware found, if any.
pub fn actor(req: &axum::http::request::Parts) -> Option<Actor> {
    req.extensions.get::<Actor>().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_its_64_and_a_mapped_ipv4_is_itself() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientKey::from(a), ClientKey::from(b));
        assert_ne!(ClientKey::from(a), ClientKey::from(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(ClientKey::from(mapped), ClientKey::from(v4));
    }

    #[test]
    fn forwarded_addresses_stop_at_anything_unparsable() {
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            "192.0.2.1, 198.51.100.2".parse().unwrap(),
        );
        h.append("x-forwarded-for", "203.0.113.3".parse().unwrap());
        let ips: Vec<String> = forwarded(&h).iter().map(|i| i.to_string()).collect();
        assert_eq!(ips, ["192.0.2.1", "198.51.100.2", "203.0.113.3"]);
        h.append("x-forwarded-for", "unknown".parse().unwrap());
        assert!(forwarded(&h).is_empty());
    }
}
