//! Generates the Kredibel and Iluma clients from `openapi/*.yaml` at compile time.
//!
//! The work lives in the `kyc-codegen` crate (also used by `kyc-contract`); this script only
//! says which specs to read and writes the results to `OUT_DIR`. A spec problem fails the build
//! with a list of messages naming the file, the operation and the fix, never a panic.

use std::path::PathBuf;

use kyc_codegen::VendorSpec;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let vendors = [
        (
            "kredibel",
            VendorSpec {
                file: "openapi/kredibel.yaml".into(),
                hand_written: vec![],
                inner_type: "crate::kredibel::Auth".into(),
                replacements: replacements(&[
                    "FaceImage",
                    "IdentityCardImage",
                    "BiometricFaceImage",
                ]),
            },
        ),
        (
            "iluma",
            VendorSpec {
                file: "openapi/iluma.yaml".into(),
                // multipart/form-data: progenitor cannot generate it; see client/iluma/id_card.rs.
                hand_written: vec!["verify_id_card".into()],
                inner_type: "crate::iluma::Auth".into(),
                replacements: replacements(&["CallbackToken", "ApiKeySecret"]),
            },
        ),
    ];

    let mut failed = false;
    for (name, vendor) in &vendors {
        println!("cargo:rerun-if-changed={}", vendor.file.display());
        match kyc_codegen::generate(vendor) {
            Ok(generated) => {
                write(
                    &out_dir.join(format!("{name}_client.rs")),
                    &generated.client,
                );
                write(
                    &out_dir.join(format!("{name}_catalog.rs")),
                    &generated.catalog,
                );
            }
            Err(errors) => {
                eprintln!("{errors}");
                failed = true;
            }
        }
    }
    if failed {
        // Exit rather than panic: cargo shows the messages above without a backtrace.
        std::process::exit(1);
    }
}

/// Hand-written types used in place of generated ones (see `client/redacted.rs`): `Nik` in both
/// specs (masked `Debug`), plus the given image schemas (bytes in, base64 on the wire, `Debug`
/// shows format and size) or secret schemas (`Debug` shows nothing).
fn replacements(extra: &[&str]) -> Vec<(String, String)> {
    let mut list = vec![("Nik".to_string(), "crate::Nik".to_string())];
    for schema in extra {
        let rust_type = if schema.ends_with("Image") {
            "crate::Base64Image"
        } else {
            "crate::Secret"
        };
        list.push((schema.to_string(), rust_type.to_string()));
    }
    list
}

fn write(path: &std::path::Path, contents: &str) {
    if let Err(err) = std::fs::write(path, contents) {
        eprintln!("cannot write {}: {err}", path.display());
        std::process::exit(1);
    }
}
