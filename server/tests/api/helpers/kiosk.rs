//! Kiosk requests: enrolling a kiosk, checking in with its code, and the appointments the demo
//! data has for it.

#![allow(dead_code)]

use serde_json::{Value, json};

use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;
use rega_server::store::{AppointmentStatus, BookRequest};

use super::{DemoApp, THURSDAY_9AM};

/// The demo citizen whose appointment is always 30–45 minutes ahead.
pub(crate) const SOON: &str = "100000000001";

impl DemoApp {
    /// `GET /kiosk` with a kiosk code.
    pub(crate) async fn kiosk_info(&self, code: &str) -> reqwest::Response {
        self.app
            .client
            .get(format!("{}/api/v1/kiosk", self.app.url))
            .header("authorization", format!("Kiosk {code}"))
            .send()
            .await
            .expect("answered")
    }

    /// Checks a demo kiosk citizen in at Erbil: the ticket.
    pub(crate) async fn kiosk_check_in(&self, national_id: &str) -> (String, String) {
        let (reference, ticket) = self.kiosk_ticket(national_id).await;
        (
            reference,
            ticket["ticket"].as_str().expect("a ticket").to_owned(),
        )
    }

    /// The reference of a demo kiosk citizen's appointment at Erbil, and the citizen's id.
    pub(crate) async fn kiosk_reference(&self, national_id: &str) -> (String, i64) {
        let citizen = self
            .state
            .store
            .citizen_by_national_id(&rega_api::ids::NationalId::parse(national_id).expect("an ID"))
            .await
            .expect("store")
            .expect("a citizen");
        let reference = self
            .state
            .store
            .appointments_of(citizen.id)
            .await
            .expect("store")[0]
            .reference
            .to_string();
        (reference, citizen.id)
    }

    /// Checks a demo kiosk citizen in at Erbil: the reference and the whole ticket answer.
    pub(crate) async fn kiosk_ticket(&self, national_id: &str) -> (String, Value) {
        let (_, credential) = rega_server::routes::kiosk::enrol(
            self.state.store.as_ref(),
            "erbil",
            "desk test",
            THURSDAY_9AM,
        )
        .await
        .expect("a kiosk");
        let (reference, _) = self.kiosk_reference(national_id).await;
        let ticket: Value = self
            .app
            .client
            .post(format!("{}/api/v1/kiosk/check-in", self.app.url))
            .header("authorization", format!("Kiosk {credential}"))
            .json(&json!({ "reference": reference }))
            .send()
            .await
            .expect("answered")
            .json()
            .await
            .expect("JSON");
        (reference, ticket)
    }

    pub(crate) async fn enrol_kiosk(&self, directorate: &str) -> (i64, String) {
        rega_server::routes::kiosk::enrol(
            self.state.store.as_ref(),
            directorate,
            "test kiosk",
            THURSDAY_9AM,
        )
        .await
        .expect("enrolled")
    }

    pub(crate) async fn check_in(
        &self,
        credential: Option<&str>,
        reference: &str,
    ) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(format!("{}/api/v1/kiosk/check-in", self.app.url))
            .json(&json!({ "reference": reference }));
        if let Some(c) = credential {
            request = request.header("authorization", format!("Kiosk {c}"));
        }
        request.send().await.expect("answered")
    }

    pub(crate) async fn citizen_id(&self, national_id: &str) -> i64 {
        self.state
            .store
            .citizen_by_national_id(&NationalId::parse(national_id).expect("an ID"))
            .await
            .expect("store")
            .expect("a citizen")
            .id
    }

    /// The demo citizen's appointment 30-45 minutes ahead at Erbil: (reference, start).
    pub(crate) async fn soon_appointment(&self) -> (String, i64) {
        let id = self.citizen_id(SOON).await;
        let a = self
            .state
            .store
            .appointments_of(id)
            .await
            .expect("store")
            .into_iter()
            .find(|a| a.status == AppointmentStatus::Booked)
            .expect("the demo appointment");
        (a.reference.to_string(), a.starts_at)
    }

    /// Books a medical check at Erbil at `starts_at` for a practice citizen: its reference.
    pub(crate) async fn medical_check(&self, national_id: &str, starts_at: i64) -> String {
        let store = &self.state.store;
        store
            .ensure_slots("erbil", ServiceKind::MedicalCheck, &[starts_at])
            .await
            .expect("slot");
        let slot = store
            .slots_between("erbil", ServiceKind::MedicalCheck, starts_at, starts_at + 1)
            .await
            .expect("store")
            .remove(0);
        let booked = store
            .book(&BookRequest {
                citizen_id: self.citizen_id(national_id).await,
                slot_id: slot.id,
                service: ServiceKind::MedicalCheck,
                now: THURSDAY_9AM,
                offers: Default::default(),
                limit: rega_server::domain::limits::ChangeLimit {
                    max: u32::MAX,
                    since: THURSDAY_9AM,
                },
            })
            .await
            .expect("booked");
        booked.reference.to_string()
    }
}
