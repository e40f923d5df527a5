//! `kyc iluma verify-id-card`: the multipart KTP verification, which the library writes by
//! hand (`iluma::Client::verify_id_card`) because progenitor cannot generate it; so is this
//! subcommand's dispatch. Its flags come from the spec like every other's.

use kyc_clients::iluma;
use serde_json::Value;

use crate::failure::Failure;
use crate::input::Input;

/// Sends the form in `input` through the library's builder.
pub(crate) async fn send(client: &iluma::Client, input: &Input) -> Result<Value, Failure> {
    let mut request = client.verify_id_card();
    if let Some(value) = input.param("x-magic-reply") {
        request = request.x_magic_reply(value);
    }
    for (field, value) in input.body_fields() {
        let Some(text) = value.as_str() else {
            return Err(Failure::refused(field, "must be text"));
        };
        // The builder's setters are the text parts of the spec's `IdCardVerificationRequest`.
        request = match field {
            "name" => request.name(text),
            "id_card_number" => request.id_card_number(text),
            "birthdate" => request.birthdate(text),
            "birthplace" => request.birthplace(text),
            "address" => request.address(text),
            _ => {
                return Err(Failure::refused(
                    field,
                    "not a text field of the KTP verification form",
                ));
            }
        };
    }
    if let Some(selfie) = input.file("selfie") {
        request = request.selfie(selfie.to_vec());
    }
    crate::output::answer(request.send().await.map_err(iluma::Error::from))
}
