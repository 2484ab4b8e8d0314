//! The console's sign-in through a real OpenID Connect provider (`oidc-provider` on
//! loopback): authorization code with PKCE, state bound to the browser, the operator group
//! deciding who gets a session. The browser is played by hand: cookies kept per host,
//! redirects followed one by one, the provider's login form posted.

use crate::support::identity_provider::{self, IdentityProvider};
use crate::support::{Backend, TestApp, spawn_app_on};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use std::collections::{BTreeMap, HashMap};

/// A daemon signing in through a fresh provider; `None` when PostgreSQL or node is missing
/// where they are not required.
pub(crate) async fn app_with_provider(backend: Backend) -> Option<(TestApp, IdentityProvider)> {
    if !identity_provider::available() {
        return None;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let idp = IdentityProvider::start(&format!("{base}/console/login/oidc/callback")).await;
    let mut extra = idp.settings();
    extra.push(("FAULTCAST__SERVER__PUBLIC_URL", base));
    let app = spawn_app_on(listener, backend, &extra).await?;
    Some((app, idp))
}

/// A browser: cookies per host and port, redirects shown rather than followed.
#[derive(Default)]
struct Browser {
    jar: HashMap<String, BTreeMap<String, String>>,
}

impl Browser {
    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    fn site(url: &reqwest::Url) -> String {
        format!(
            "{}:{}",
            url.host_str().unwrap(),
            url.port_or_known_default().unwrap()
        )
    }

    fn cookies(&self, url: &reqwest::Url) -> String {
        self.jar
            .get(&Self::site(url))
            .map(|c| {
                c.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    }

    fn keep(&mut self, url: &reqwest::Url, res: &reqwest::Response) {
        let jar = self.jar.entry(Self::site(url)).or_default();
        for set in res.headers().get_all(SET_COOKIE) {
            let text = set.to_str().unwrap();
            let (pair, attrs) = text.split_once(';').unwrap_or((text, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty()
                || attrs.contains("Max-Age=0")
                || attrs.contains("expires=Thu, 01 Jan 1970")
            {
                jar.remove(k.trim());
            } else {
                jar.insert(k.trim().to_owned(), v.to_owned());
            }
        }
    }

    async fn send(
        &mut self,
        req: reqwest::RequestBuilder,
        url: &reqwest::Url,
    ) -> reqwest::Response {
        let res = req.header(COOKIE, self.cookies(url)).send().await.unwrap();
        self.keep(url, &res);
        res
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        let url = reqwest::Url::parse(url).unwrap();
        self.send(Self::client().get(url.clone()), &url).await
    }

    /// Presses the console's "Sign in with …" button, then signs in at the provider as
    /// `who`; the URL the provider sends the browser back to (not yet opened).
    async fn sign_in_at_provider(&mut self, app: &TestApp, who: &str) -> String {
        let start = reqwest::Url::parse(&app.url("/console/login/oidc?lang=en")).unwrap();
        let req = Self::client()
            .post(start.clone())
            .header(ORIGIN, app.url(""));
        let res = self.send(req, &start).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{:?}",
            res.text().await
        );
        let mut at = start
            .join(res.headers()[LOCATION].to_str().unwrap())
            .unwrap();
        for _ in 0..12 {
            if at.path() == "/console/login/oidc/callback" {
                return at.to_string();
            }
            let res = if at.path().starts_with("/interaction/") {
                let page = self.get(at.as_str()).await;
                assert_eq!(page.status(), StatusCode::OK);
                let req = Self::client().post(at.clone()).form(&[("login", who)]);
                self.send(req, &at).await
            } else {
                self.get(at.as_str()).await
            };
            assert!(res.status().is_redirection(), "{at}: {}", res.status());
            at = at.join(res.headers()[LOCATION].to_str().unwrap()).unwrap();
        }
        panic!("the provider never sent the browser back");
    }
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("faultcast_session=") && !v.starts_with("faultcast_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    let log = app.get("/api/v1/audit", &app.operator.clone()).await;
    log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn an_operator_in_the_support_group_signs_in_and_is_named_in_the_audit_log(backend: Backend) {
    let Some((app, _idp)) = app_with_provider(backend).await else {
        return;
    };
    let mut browser = Browser::default();
    let login = browser
        .get(&app.url("/console/login?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(login.contains("Sign in with Test IdP"), "{login}");
    let back = browser.sign_in_at_provider(&app, "operator").await;
    assert!(back.contains("code=") && back.contains("state="), "{back}");
    let res = browser.get(&back).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/console?lang=en");
    assert!(session_cookie(&res).is_some(), "a session opens");
    let dashboard = browser.get(&app.url("/console?lang=en")).await;
    assert_eq!(dashboard.status(), StatusCode::OK);
    assert!(
        dashboard
            .text()
            .await
            .unwrap()
            .contains("Olli Operaattori (operator)")
    );
    assert!(audit_actions(&app).await.contains(&(
        "console.sign_in".into(),
        "console:Olli Operaattori (operator)".into()
    )));
    // The same answer from the provider, brought back again, opens nothing.
    let again = browser.get(&back).await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&again).is_none());
}

async fn someone_outside_the_operator_group_gets_a_no_access_page_and_no_session(backend: Backend) {
    let Some((app, _idp)) = app_with_provider(backend).await else {
        return;
    };
    let mut browser = Browser::default();
    let back = browser.sign_in_at_provider(&app, "visitor").await;
    let res = browser.get(&back).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&res).is_none());
    let page = res.text().await.unwrap();
    assert!(
        page.contains("No access") && page.contains("Ville Vieras (visitor)"),
        "{page}"
    );
    let console = browser.get(&app.url("/console")).await;
    assert_eq!(console.status(), StatusCode::SEE_OTHER, "still signed out");
    assert!(audit_actions(&app).await.contains(&(
        "console.sign_in_refused".into(),
        "console:Ville Vieras (visitor)".into()
    )));
}

/// `url` with its `state` parameter replaced.
fn with_state(url: &str, state: &str) -> String {
    let mut u = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                state.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}

async fn a_return_with_a_wrong_state_or_in_another_browser_signs_nobody_in(backend: Backend) {
    let Some((app, _idp)) = app_with_provider(backend).await else {
        return;
    };
    // A state that is not the one sent: refused, and the sign-in is spent.
    let mut browser = Browser::default();
    let back = browser.sign_in_at_provider(&app, "operator").await;
    let forged = browser.get(&with_state(&back, "forged")).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&forged).is_none());
    let late = browser.get(&back).await;
    assert_eq!(late.status(), StatusCode::FORBIDDEN, "one try per sign-in");
    assert!(session_cookie(&late).is_none());
    // An answer meant for one browser, opened in another (an attacker's link): refused.
    let mut victim = Browser::default();
    let back = victim.sign_in_at_provider(&app, "operator").await;
    let mut other = Browser::default();
    let res = other.get(&back).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&res).is_none());
    // The browser that left still comes back in.
    let res = victim.get(&back).await;
    assert!(session_cookie(&res).is_some());
    // Starting from a foreign page is refused.
    let foreign = Browser::client()
        .post(app.url("/console/login/oidc"))
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
}

macro_rules! on_both {
    ($($name:ident),*) => {
        $(
            mod $name {
                #[tokio::test]
                async fn on_sqlite() {
                    super::$name(crate::support::Backend::Sqlite).await;
                }

                #[tokio::test]
                async fn on_postgres() {
                    super::$name(crate::support::Backend::Postgres).await;
                }
            }
        )*
    };
}

on_both!(
    an_operator_in_the_support_group_signs_in_and_is_named_in_the_audit_log,
    someone_outside_the_operator_group_gets_a_no_access_page_and_no_session,
    a_return_with_a_wrong_state_or_in_another_browser_signs_nobody_in
);

#[tokio::test]
async fn an_unreachable_identity_provider_gets_a_clear_page_and_the_link_still_works() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let extra = [
        ("FAULTCAST__CONSOLE__OIDC__ISSUER", issuer),
        (
            "FAULTCAST__CONSOLE__OIDC__CLIENT_ID",
            "faultcast".to_owned(),
        ),
        ("FAULTCAST__CONSOLE__OIDC__CLIENT_SECRET", "s".to_owned()),
        (
            "FAULTCAST__CONSOLE__OIDC__OPERATOR_CLAIM",
            "groups".to_owned(),
        ),
        (
            "FAULTCAST__CONSOLE__OIDC__OPERATOR_VALUES",
            "kanta-support".to_owned(),
        ),
    ];
    let app = spawn_app_on(listener, Backend::Sqlite, &extra)
        .await
        .unwrap();
    let res = Browser::client()
        .post(app.url("/console/login/oidc?lang=en"))
        .header(ORIGIN, app.url(""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("could not be reached") && page.contains("faultcast login-link"),
        "{page}"
    );
}
