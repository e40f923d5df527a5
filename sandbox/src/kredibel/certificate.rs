//! `POST /v1/certificate/issuance`: the documented sandbox scenarios, read from the spec
//! (`x-scenarios` of `issue_certificate`), and the "unique per NIK" rule for email addresses
//! and phone numbers.
//!
//! Docs: <https://docs.kredibel.io/certificate-issuance>.
//!
//! How the two rules meet: the NIKs of the documented cases are fixtures. They answer exactly
//! their response example, whatever email and phone they carry, and they neither claim an
//! email or phone nor check who owns it; this is what lets the docs' examples, which all
//! share `test@email.com` and `621234567890`, come out as documented in any order. Every
//! other NIK gets the default case ("All Match": `verified`), and the first NIK to use an
//! email address or a phone number owns it: another NIK using it later gets
//! `verified_with_reason` with that field in `rejectFields` (`phoneNumber` before
//! `emailAddress`, the docs' order).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use super::{accept_answering_triggers, errors, text};
use crate::app::AppState;
use crate::scenarios::{self, put};
use crate::spec;

/// Contact owners remembered before the oldest are forgotten, so a long-running sandbox
/// stays bounded.
const MAX_CONTACTS: usize = 100_000;

/// The outcome of a certificate issuance (the spec's `CertificateStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    Verified,
    VerifiedWithReason,
}

/// Handles `issue_certificate`.
pub(crate) async fn issue(State(app): State<AppState>, request: Request) -> Response {
    let accepted = match accept_answering_triggers(&app, request, "issue_certificate").await {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    let spec = spec::kredibel();
    let Some(selected) = scenarios::select(
        spec,
        scenarios::kredibel(),
        "issue_certificate",
        &accepted.body,
    ) else {
        return errors::no_scenario("issue_certificate");
    };
    let mut answer = selected.case.response.cloned().unwrap_or_default();
    put(
        &mut answer,
        "/data/id",
        Value::String(app.ids.uuid().to_string()),
    );
    let reference = format!("ref_certel#{}", app.ids.uuid());
    put(&mut answer, "/data/referenceId", Value::String(reference));
    if !selected.exact {
        let (status, reject_fields) = app.kredibel.contacts.claim(
            text(&accepted.body, "identityId"),
            text(&accepted.body, "emailAddress"),
            text(&accepted.body, "phoneNumber"),
        );
        put(&mut answer, "/data/status", json!(status));
        put(&mut answer, "/data/rejectFields", json!(reject_fields));
    }
    Json(answer).into_response()
}

/// Which NIK owns which email address and phone number. Everything is held as keyed hashes:
/// the registry compares values, it never needs to show them.
#[derive(Debug, Default)]
pub(crate) struct ContactRegistry {
    hasher: RandomState,
    owners: Mutex<Owners>,
}

#[derive(Debug, Default)]
struct Owners {
    by_contact: HashMap<u64, u64>,
    claimed_order: VecDeque<u64>,
}

impl ContactRegistry {
    /// Checks `email` and `phone` against their owners and claims the free ones for `nik`.
    /// Returns the status and the fields owned by another NIK.
    pub(crate) fn claim(&self, nik: &str, email: &str, phone: &str) -> (Status, Vec<&'static str>) {
        let nik = self.hasher.hash_one(nik);
        // Email addresses are compared case-insensitively, as mail systems treat them.
        let contacts = [
            ("phoneNumber", self.hasher.hash_one(("phone", phone))),
            (
                "emailAddress",
                self.hasher.hash_one(("email", email.to_lowercase())),
            ),
        ];
        let mut owners = self
            .owners
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut rejected = Vec::new();
        for (field, contact) in contacts {
            match owners.by_contact.get(&contact) {
                Some(owner) if *owner != nik => rejected.push(field),
                Some(_) => {}
                None => owners.claim(contact, nik),
            }
        }
        let status = if rejected.is_empty() {
            Status::Verified
        } else {
            Status::VerifiedWithReason
        };
        (status, rejected)
    }
}

impl Owners {
    fn claim(&mut self, contact: u64, nik: u64) {
        if self.claimed_order.len() >= MAX_CONTACTS
            && let Some(oldest) = self.claimed_order.pop_front()
        {
            self.by_contact.remove(&oldest);
        }
        self.by_contact.insert(contact, nik);
        self.claimed_order.push_back(contact);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_nik_owns_its_contacts() {
        let registry = ContactRegistry::default();
        let first = registry.claim("3201010101010001", "a@x.id", "628111");
        assert_eq!(first, (Status::Verified, vec![]));
        let again = registry.claim("3201010101010001", "A@X.ID", "628111");
        assert_eq!(again, (Status::Verified, vec![]));
        let other = registry.claim("3201010101010002", "a@x.id", "628111");
        assert_eq!(
            other,
            (
                Status::VerifiedWithReason,
                vec!["phoneNumber", "emailAddress"]
            )
        );
        let email_only = registry.claim("3201010101010003", "a@x.id", "628222");
        assert_eq!(
            email_only,
            (Status::VerifiedWithReason, vec!["emailAddress"])
        );
        // The free phone was claimed by the third NIK.
        let phone_taken = registry.claim("3201010101010004", "d@x.id", "628222");
        assert_eq!(
            phone_taken,
            (Status::VerifiedWithReason, vec!["phoneNumber"])
        );
    }
}
