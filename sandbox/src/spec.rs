//! The specs the sandbox has hand-written behaviour for, read once through `kyc-spec`, the
//! workspace's one reader of `openapi/`.
//!
//! The YAML text is compiled into the binary (`include_str!`) rather than read from disk at
//! start: the `kyc-sandbox` binary and the in-process sandbox then run from any directory and
//! from a copied binary, with no path to configure. It is parsed by `kyc_spec_load::parse`,
//! the same reader `build.rs` generates the clients with, so the sandbox serves exactly the
//! spec the clients are built from: routes, request schemas, image rules (`x-image-formats`,
//! `x-min-bytes`, `x-max-bytes`, `x-min-pixels`), `x-threshold`, `x-status`, key prefixes and
//! the error messages of the examples all come from there.

use std::sync::{Arc, LazyLock};

use kyc_spec::Spec;

/// `openapi/kredibel.yaml`, as shipped.
const KREDIBEL_YAML: &str = include_str!("../../openapi/kredibel.yaml");
/// `openapi/iluma.yaml`, as shipped.
const ILUMA_YAML: &str = include_str!("../../openapi/iluma.yaml");

static KREDIBEL: LazyLock<Arc<Spec>> =
    LazyLock::new(|| parse("openapi/kredibel.yaml", KREDIBEL_YAML));
static ILUMA: LazyLock<Arc<Spec>> = LazyLock::new(|| parse("openapi/iluma.yaml", ILUMA_YAML));

/// The Kredibel spec.
pub fn kredibel() -> &'static Arc<Spec> {
    &KREDIBEL
}

/// The Iluma spec.
pub fn iluma() -> &'static Arc<Spec> {
    &ILUMA
}

/// Only a broken `openapi/*.yaml` fails here, and every test of the crate would show it.
fn parse(label: &str, yaml: &str) -> Arc<Spec> {
    match kyc_spec_load::parse(label, yaml) {
        Ok(loaded) => Arc::new(loaded.spec),
        Err(errors) => panic!("{errors}"),
    }
}

/// The `message` of the error example called `example_name` in `spec`'s response components:
/// the vendor's wording for that error.
pub(crate) fn error_message<'a>(spec: &'a Spec, example_name: &str) -> Option<&'a str> {
    spec.component_response_example(example_name)?
        .get("message")?
        .as_str()
}

#[cfg(test)]
mod tests {
    use kyc_spec::ParameterLocation;

    use super::*;

    #[test]
    fn both_specs_load_with_every_operation() {
        assert_eq!(kredibel().vendor().name, "kredibel");
        assert_eq!(iluma().vendor().name, "iluma");
        assert_eq!(kredibel().operations().len(), 11);
        assert_eq!(iluma().operations().len(), 9);
        let ktp = iluma().operation("verify_id_card").unwrap();
        assert!(ktp.has_parameter("x-magic-reply", ParameterLocation::Header));
        assert!(ktp.authenticated && ktp.declares(413) && !ktp.declares(404));
        assert!(!iluma().operation("get_health").unwrap().authenticated);
    }

    #[test]
    fn error_messages_are_the_examples() {
        assert_eq!(
            error_message(kredibel(), "invalid_base64_encoding"),
            Some("Invalid base64 encoding.")
        );
        assert_eq!(
            error_message(iluma(), "invalid_api_key"),
            Some("API key format is invalid")
        );
    }
}
