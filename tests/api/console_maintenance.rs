//! A maintenance announced from the console with the phases of its window.

use crate::console::{hidden, session};
use crate::console_registry::{page, post};
use crate::on_both_databases;
use reqwest::StatusCode;

on_both_databases! {
    async fn a_maintenance_with_phases_is_announced_from_the_form_and_a_stray_phase_is_marked(app: TestApp) {
        let cookie = session(&app, "Anna (support)").await;
        let (_, form) = page(&app, &cookie, "/console/notices/new?kind=maintenance&lang=en").await;
        assert!(form.contains("Phases of the window (optional)") && form.contains("id=\"sub_windows_2_start\""));
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let mut fields = vec![
            ("csrf", csrf.as_str()), ("idem", idem.as_str()), ("kind", "maintenance"), ("act", "publish"),
            ("services", "mykanta"), ("title_fi", "OmaKannan huoltokatko"), ("title_sv", "Underhåll av MittKanta"),
            ("body_fi", "OmaKanta ei ole käytettävissä."), ("body_sv", "MittKanta är inte tillgänglig."),
            ("window_start", "2036-12-15T18:00"), ("window_end", "2036-12-15T20:00"),
            ("sub_windows_0_start", "2036-12-15T18:00"), ("sub_windows_0_end", "2036-12-15T19:00"),
            ("sub_windows_0_label_fi", "Vain luku"), ("sub_windows_0_label_sv", "Endast läsning"),
            ("sub_windows_1_start", "2036-12-15T19:00"), ("sub_windows_1_end", "2036-12-15T21:00"),
            ("sub_windows_1_label_fi", "Ei palvelua"), ("sub_windows_1_label_sv", "Ingen tjänst"),
        ];
        // The second phase runs past the window: refused, marked, everything kept.
        let res = post(&app, &cookie, "/console/notices/new?lang=en", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused = res.text().await.unwrap();
        assert!(refused.contains("id=\"sub_windows-error\"") && refused.contains("must lie within"), "{refused}");
        assert!(refused.contains("value=\"2036-12-15T21:00\"") && refused.contains("Ei palvelua"));
        fields.retain(|(k, _)| *k != "sub_windows_1_end");
        fields.push(("sub_windows_1_end", "2036-12-15T20:00"));
        let res = post(&app, &cookie, "/console/notices/new?lang=en", &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let list = app.public_get("/api/v1/notices?kind=maintenance").await;
        let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
        let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        let phases = notice["sub_windows"].as_array().unwrap();
        assert_eq!(phases.len(), 2, "{notice}");
        assert_eq!(phases[1]["label"]["sv"], "Ingen tjänst");
        assert_eq!(phases[0]["start"], "2036-12-15T16:00:00Z", "Helsinki time, stored in UTC");
        // The reschedule form starts from them.
        let (_, again) = page(&app, &cookie, &format!("/console/notices/{id}/revise?action=reschedule&lang=en")).await;
        assert!(again.contains("value=\"2036-12-15T19:00\"") && again.contains("Endast läsning"), "{again}");
    }
}
