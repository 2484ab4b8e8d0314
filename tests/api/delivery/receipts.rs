//! Signed SMS delivery receipts, and the gatewayapi and twilio profiles end to end.

use super::*;

fn hmac_hex(key: &str, data: &[u8]) -> String {
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(data);
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hs256_jwt(key: &str, claims: &Value) -> String {
    use base64::Engine;
    use hmac::Mac;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let signing = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(signing.as_bytes());
    format!("{signing}.{}", b64.encode(m.finalize().into_bytes()))
}

/// Delivery receipts move `sent` to `delivered`/`undeliverable`, only with a valid signature,
/// and never move a final state back.
async fn signed_sms_receipts_mark_deliveries_and_unsigned_ones_are_refused(backend: Backend) {
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__URL", sink.url()),
            (
                "FAULTCAST__SMS__HTTP__RECEIPT_SECRET",
                "receipt-canary".into(),
            ),
        ],
    )
    .await
    else {
        return;
    };
    sms_contacts(&app, 2).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    let refs: Vec<String> = sink
        .requests()
        .iter()
        .map(|r| r.body["reference"].as_str().unwrap().to_owned())
        .collect();
    let post = |body: Vec<u8>, sig: Option<String>| {
        let mut r = app
            .http
            .post(app.url("/api/v1/sms/receipts/generic"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = sig {
            r = r.header("x-faultcast-signature", s);
        }
        r.send()
    };
    let ok = serde_json::to_vec(&json!({"reference": refs[0], "status": "delivered"})).unwrap();
    assert_eq!(
        post(ok.clone(), None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(
            ok.clone(),
            Some(format!("sha256={}", hmac_hex("wrong-key", &ok)))
        )
        .await
        .unwrap()
        .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        deliveries(&app, &id, "").await["summary"]["sms"]["delivered"],
        0,
        "unsigned receipts change nothing"
    );
    assert_eq!(
        post(
            ok.clone(),
            Some(format!("sha256={}", hmac_hex("receipt-canary", &ok)))
        )
        .await
        .unwrap()
        .status(),
        StatusCode::NO_CONTENT
    );
    let bad =
        serde_json::to_vec(&json!({"reference": refs[1], "status": "undeliverable"})).unwrap();
    post(
        bad.clone(),
        Some(format!("sha256={}", hmac_hex("receipt-canary", &bad))),
    )
    .await
    .unwrap();
    let back =
        serde_json::to_vec(&json!({"reference": refs[0], "status": "undeliverable"})).unwrap();
    post(
        back.clone(),
        Some(format!("sha256={}", hmac_hex("receipt-canary", &back))),
    )
    .await
    .unwrap();
    let s = deliveries(&app, &id, "").await;
    assert_eq!(
        s["summary"]["sms"]["delivered"], 1,
        "a final state never changes back: {s}"
    );
    assert_eq!(s["summary"]["sms"]["undeliverable"], 1);
    let unknown = app
        .http
        .post(app.url("/api/v1/sms/receipts/twilio"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        StatusCode::NOT_FOUND,
        "no key for a profile that is not configured"
    );
}

/// GatewayAPI: one request carries every recipient of the same text; receipts carry an
/// HS256 JWT whose claims (message id and MSISDN) name the delivery.
async fn gatewayapi_batches_recipients_and_its_receipts_are_verified_as_hs256_jwts(
    backend: Backend,
) {
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__PROFILE", "gatewayapi".into()),
            ("FAULTCAST__SMS__HTTP__URL", sink.url()),
            ("FAULTCAST__SMS__HTTP__TOKEN", "gw-token".into()),
            ("FAULTCAST__SMS__HTTP__RECEIPT_SECRET", "jwt-secret".into()),
        ],
    )
    .await
    else {
        return;
    };
    sms_contacts(&app, 3).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    let requests = sink.requests();
    assert_eq!(
        requests.len(),
        1,
        "one request for the three recipients of one text"
    );
    assert_eq!(
        requests[0].to,
        ["+358400000000", "+358400000001", "+358400000002"]
    );
    let message_id = 0;
    let receipt = |msisdn: u64, status: &str| json!({"id": message_id, "msisdn": msisdn, "status": status, "userref": requests[0].body["userref"]});
    let forged = hs256_jwt("not-the-secret", &receipt(358400000000, "DELIVERED"));
    let r = app
        .http
        .post(app.url("/api/v1/sms/receipts/gatewayapi"))
        .header("x-gwapi-signature", forged)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for (msisdn, status) in [
        (358400000000u64, "DELIVERED"),
        (358400000001, "UNDELIVERABLE"),
        (358400000002, "ENROUTE"),
    ] {
        let claims = receipt(msisdn, status);
        let r = app
            .http
            .post(app.url("/api/v1/sms/receipts/gatewayapi"))
            .header("x-gwapi-signature", hs256_jwt("jwt-secret", &claims))
            .json(&claims)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let s = deliveries(&app, &id, "").await["summary"]["sms"].clone();
    assert_eq!(
        (
            s["delivered"].as_i64(),
            s["undeliverable"].as_i64(),
            s["sent"].as_i64()
        ),
        (Some(1), Some(1), Some(1)),
        "{s}"
    );
}

/// Twilio: a form POST with Basic auth; its receipts are signed over the URL and the
/// sorted form parameters with the auth token, and name the message by its SID.
async fn twilio_sends_by_form_and_its_signed_receipts_are_verified(backend: Backend) {
    use base64::Engine;
    use hmac::Mac;
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__PROFILE", "twilio".into()),
            (
                "FAULTCAST__SMS__HTTP__URL",
                format!(
                    "http://{}/2010-04-01/Accounts/AC123/Messages.json",
                    sink.addr
                ),
            ),
            (
                "FAULTCAST__SMS__HTTP__TOKEN",
                "AC123:twilio-auth-canary".into(),
            ),
        ],
    )
    .await
    else {
        return;
    };
    sms_contacts(&app, 2).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    let requests = sink.requests();
    assert_eq!(requests.len(), 2);
    let basic = base64::engine::general_purpose::STANDARD.encode("AC123:twilio-auth-canary");
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some(format!("Basic {basic}").as_str())
    );
    assert_eq!(requests[0].body["From"], "faultcast");
    let sid = "SM0"; // the sink's id of the first message it took
    let form = format!("MessageSid={sid}&MessageStatus=delivered&To=%2B358400000000");
    let signed = format!(
        "http://127.0.0.1:8080/api/v1/sms/receipts/twilioMessageSid{sid}MessageStatusdeliveredTo+358400000000"
    );
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(b"twilio-auth-canary").unwrap();
    mac.update(signed.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let post = |sig: String| {
        app.http
            .post(app.url("/api/v1/sms/receipts/twilio"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(form.clone())
            .send()
    };
    assert_eq!(
        post("bm90IGl0".into()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(signature).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let s = deliveries(&app, &id, "").await["summary"]["sms"].clone();
    assert_eq!(
        (s["delivered"].as_i64(), s["sent"].as_i64()),
        (Some(1), Some(1)),
        "{s}"
    );
}

crate::on_both_backends!(
    signed_sms_receipts_mark_deliveries_and_unsigned_ones_are_refused,
    gatewayapi_batches_recipients_and_its_receipts_are_verified_as_hs256_jwts,
    twilio_sends_by_form_and_its_signed_receipts_are_verified,
);
