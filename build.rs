//! Generates the Kredibel and Iluma clients from `openapi/*.yaml` at compile time.
//!
//! The work lives in the `kyc-codegen` crate (also used by `kyc-contract`); this script only
//! says which specs to read and writes the results to `OUT_DIR`. A spec problem fails the build
//! with a list of messages naming the file and line, the JSON path or the operation, and the
//! fix, never a panic; cargo shows them under the build script's `--- stderr`.
//!
//! Only the vendors whose feature is on (`kredibel`, `iluma`) are generated,
//! `schemars::JsonSchema` is derived only with the `schemars` feature, and `catalog::decode` is
//! written only with the `catalog-decode` feature: a consumer's build pays for what it uses.

use std::path::PathBuf;

use kyc_codegen::VendorSpec;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let derives: Vec<String> = match std::env::var_os("CARGO_FEATURE_SCHEMARS") {
        Some(_) => vec!["schemars::JsonSchema".into()],
        None => vec![],
    };
    let vendors = [
        (
            "kredibel",
            VendorSpec {
                file: "openapi/kredibel.yaml".into(),
                derives: derives.clone(),
                hand_written: vec![],
                inner_type: "crate::CallSettings".into(),
                types_path: "crate::kredibel::types".into(),
                // Beyond these, every schema marked `x-pii` gets a hand-written type whose
                // `Debug` never prints its value (kyc_codegen::pii_replacements), and every
                // `x-open-enum` schema an open type written by kyc-codegen into `types`.
                replacements: vec![],
            },
        ),
        (
            "iluma",
            VendorSpec {
                file: "openapi/iluma.yaml".into(),
                derives: derives.clone(),
                // multipart/form-data: progenitor cannot generate it; see client/iluma/id_card.rs.
                hand_written: vec!["verify_id_card".into()],
                inner_type: "crate::CallSettings".into(),
                types_path: "crate::iluma::types".into(),
                replacements: vec![],
            },
        ),
    ];

    let decode = std::env::var_os("CARGO_FEATURE_CATALOG_DECODE").is_some();
    let mut failed = false;
    for (name, vendor) in &vendors {
        // The vendor's Cargo feature (`kredibel`, `iluma`): a vendor left out is not generated.
        if std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase())).is_none() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", vendor.file.display());
        match kyc_codegen::generate(vendor) {
            Ok(mut generated) => {
                if decode {
                    generated.catalog.push('\n');
                    generated.catalog.push_str(&generated.catalog_decode);
                }
                for (suffix, contents) in [
                    ("client.rs", &generated.client),
                    ("catalog.rs", &generated.catalog),
                    ("spec.json", &generated.spec_json),
                ] {
                    write(&out_dir.join(format!("{name}_{suffix}")), contents);
                }
                // Every operation by id, for the tour and the tests (never compiled by the
                // library): the spec again, from the JSON just written.
                match kyc_codegen::dispatch_source_of(
                    &generated,
                    "kyc_clients",
                    &vendor.hand_written,
                ) {
                    Ok(dispatch) => write(&out_dir.join(format!("{name}_dispatch.rs")), &dispatch),
                    Err(error) => {
                        eprintln!("{error}");
                        failed = true;
                    }
                }
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

fn write(path: &std::path::Path, contents: &str) {
    if let Err(err) = std::fs::write(path, contents) {
        eprintln!("cannot write {}: {err}", path.display());
        std::process::exit(1);
    }
}
