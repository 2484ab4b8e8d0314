//! Signing operators in through the deployment's OpenID Connect provider: the authorization
//! code flow with PKCE. The provider's discovery document and keys are read at each step of a
//! sign-in (sign-ins are rare; a rotated key is picked up without a restart). The ID token's
//! signature, issuer, audience, expiry and nonce are verified by `openidconnect`; who is an
//! operator is decided here, from one configured claim.

use crate::access::PendingSignIn;
use crate::config::OidcSettings;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardErrorResponse, StandardTokenResponse, UserInfoClaims,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Duration;

/// The claims besides the standard ones, kept as they came (the operator claim is one).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct OtherClaims {
    #[serde(flatten)]
    rest: Map<String, Value>,
}

impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<Fields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The path the provider sends the browser back to.
pub const CALLBACK_PATH: &str = "/console/login/oidc/callback";

/// Why a sign-in through the provider did not come through. The text is for the log: it
/// names what failed, never a token.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached, or answered something that is not OpenID Connect.
    #[error("identity provider unavailable: {0}")]
    Unavailable(String),
    /// The provider's answer failed verification (a wrong state, nonce, signature, issuer,
    /// audience or expiry) or refused the code.
    #[error("sign-in refused: {0}")]
    Refused(String),
}

/// Who signed in, as the provider vouched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// How the audit log names them: the name with the subject, e.g. "Olli (u123)".
    pub display: String,
    /// Whether the operator claim admits them to the console.
    pub operator: bool,
}

/// A sign-in just begun: where to send the browser, and what to keep until it returns.
pub struct Started {
    pub url: String,
    pub pending: PendingSignIn,
}

/// The configured provider.
pub struct Oidc {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    redirect: RedirectUrl,
    scopes: Vec<String>,
    claim: String,
    values: Vec<String>,
    /// The provider's name for the sign-in button.
    pub display_name: String,
    http: reqwest::Client,
    /// The origin of the provider's authorization endpoint, as last discovered.
    authorization_origin: std::sync::Mutex<Option<String>>,
}

impl Oidc {
    /// The provider of `settings`, for a daemon reached at `public_url`.
    pub fn new(settings: &OidcSettings, public_url: &str) -> anyhow::Result<Self> {
        let redirect = format!("{}{CALLBACK_PATH}", public_url.trim_end_matches('/'));
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer point us anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            // Sign-ins are minutes apart: a kept connection would only meet a provider (or
            // its load balancer) that has closed it meanwhile.
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(Self {
            issuer: IssuerUrl::new(settings.issuer.clone())?,
            client_id: ClientId::new(settings.client_id.clone()),
            client_secret: ClientSecret::new(settings.client_secret.expose_secret().to_owned()),
            redirect: RedirectUrl::new(redirect)?,
            scopes: settings
                .scopes
                .iter()
                .filter(|s| *s != "openid")
                .cloned()
                .collect(),
            claim: settings.operator_claim.clone(),
            values: settings.operator_values.clone(),
            display_name: settings
                .display_name
                .clone()
                .unwrap_or_else(|| "OpenID Connect".to_owned()),
            http,
            authorization_origin: std::sync::Mutex::new(None),
        })
    }

    /// Where the sign-in button's form may lead (for the page's `form-action`): the
    /// issuer's origin and, once discovered, the authorization endpoint's.
    pub fn form_origins(&self) -> String {
        let issuer = self.issuer.url().origin().ascii_serialization();
        let found = self
            .authorization_origin
            .lock()
            .map(|o| o.clone())
            .unwrap_or_default();
        match found {
            Some(o) if o != issuer => format!("{issuer} {o}"),
            _ => issuer,
        }
    }

    async fn client(&self) -> Result<OidcClient, OidcError> {
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(chain(&e)))?;
        let origin = metadata.authorization_endpoint().url().origin();
        if let Ok(mut kept) = self.authorization_origin.lock() {
            *kept = Some(origin.ascii_serialization());
        }
        Ok(OidcClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            Some(self.client_secret.clone()),
        )
        .set_redirect_uri(self.redirect.clone()))
    }

    /// Begins a sign-in: the provider's authorization URL with a fresh state, nonce and PKCE
    /// challenge.
    pub async fn start(&self) -> Result<Started, OidcError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for s in &self.scopes {
            request = request.add_scope(Scope::new(s.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Started {
            url: url.to_string(),
            pending: PendingSignIn {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
            },
        })
    }

    /// Finishes a sign-in: trades `code` for tokens (with the PKCE verifier), verifies the
    /// ID token against `pending`'s nonce, and reads who it names.
    pub async fn finish(&self, code: &str, pending: &PendingSignIn) -> Result<Person, OidcError> {
        let client = self.client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unavailable(chain(&e)))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Refused(chain(&e)))?;
        let id_token = tokens
            .extra_fields()
            .id_token()
            .ok_or_else(|| OidcError::Refused("no ID token in the token answer".into()))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(|e| OidcError::Refused(chain(&e)))?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token
                .signing_alg()
                .map_err(|e| OidcError::Refused(chain(&e)))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| OidcError::Refused(chain(&e)))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key)
                .map_err(|e| OidcError::Refused(chain(&e)))?;
            if actual != *expected {
                return Err(OidcError::Refused("the access token's hash differs".into()));
            }
        }
        let subject = claims.subject().as_str().to_owned();
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned())
            .or_else(|| claims.preferred_username().map(|u| u.as_str().to_owned()));
        let mut operator = self.admits(&claims.additional_claims().rest);
        if !operator && !claims.additional_claims().rest.contains_key(&self.claim) {
            // Not in the ID token: providers often give group claims through userinfo only.
            operator = self.admits_by_userinfo(&client, &tokens, &subject).await?;
        }
        Ok(Person {
            display: display(name.as_deref(), &subject),
            operator,
        })
    }

    async fn admits_by_userinfo(
        &self,
        client: &OidcClient,
        tokens: &StandardTokenResponse<Fields, CoreTokenType>,
        subject: &str,
    ) -> Result<bool, OidcError> {
        let Ok(request) = client.user_info(
            tokens.access_token().clone(),
            Some(openidconnect::SubjectIdentifier::new(subject.to_owned())),
        ) else {
            return Ok(false);
        };
        let info: UserInfoClaims<OtherClaims, CoreGenderClaim> = request
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Unavailable(chain(&e)))?;
        Ok(self.admits(&info.additional_claims().rest))
    }

    /// Whether the operator claim in `claims` is, or contains, one of the operator values.
    fn admits(&self, claims: &Map<String, Value>) -> bool {
        let allowed = |v: &Value| {
            v.as_str()
                .is_some_and(|s| self.values.iter().any(|a| a == s))
        };
        match claims.get(&self.claim) {
            Some(Value::Array(list)) => list.iter().any(allowed),
            Some(v) => allowed(v),
            None => false,
        }
    }
}

/// "Name (subject)", or the subject alone; at most 200 characters of plain text.
fn display(name: Option<&str>, subject: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_control())
            .take(100)
            .collect::<String>()
            .trim()
            .to_owned()
    };
    match name.map(clean).filter(|n| !n.is_empty()) {
        Some(n) if n != subject => format!("{n} ({})", clean(subject)),
        _ => clean(subject),
    }
}

/// An error with its causes, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(claim: &str, values: &[&str]) -> Oidc {
        let settings = OidcSettings {
            issuer: "https://login.example.fi".into(),
            client_id: "faultcast".into(),
            client_secret: "s".to_owned().into(),
            scopes: vec!["openid".into(), "groups".into()],
            operator_claim: claim.into(),
            operator_values: values.iter().map(|v| v.to_string()).collect(),
            display_name: None,
        };
        Oidc::new(&settings, "https://faultcast.example.fi/").unwrap()
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn the_operator_claim_admits_by_a_listed_value_in_a_list_or_alone() {
        let p = provider("groups", &["kanta-support"]);
        assert!(p.admits(&claims(
            serde_json::json!({"groups": ["staff", "kanta-support"]})
        )));
        assert!(p.admits(&claims(serde_json::json!({"groups": "kanta-support"}))));
        assert!(!p.admits(&claims(serde_json::json!({"groups": ["staff"]}))));
        assert!(!p.admits(&claims(serde_json::json!({"roles": ["kanta-support"]}))));
        assert!(!p.admits(&claims(
            serde_json::json!({"groups": [{"kanta-support": true}]})
        )));
        assert_eq!(p.scopes, vec!["groups".to_owned()]);
        assert_eq!(
            p.redirect.as_str(),
            "https://faultcast.example.fi/console/login/oidc/callback"
        );
    }

    #[test]
    fn a_person_is_named_by_name_and_subject_without_control_characters() {
        assert_eq!(display(Some("Olli"), "u1"), "Olli (u1)");
        assert_eq!(display(Some("  "), "u1"), "u1");
        assert_eq!(display(None, "u1"), "u1");
        assert_eq!(display(Some("A\u{7}nna\n"), "u2"), "Anna (u2)");
    }
}
