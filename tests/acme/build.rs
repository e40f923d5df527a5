//! Generates the Acme client from `openapi/acme.yaml`: the one entry a vendor needs in a build
//! script (the root `build.rs` of `kyc-clients` has one per vendor, the same way).

use std::path::PathBuf;

use kyc_codegen::VendorSpec;

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let vendor = VendorSpec {
        file: "openapi/acme.yaml".into(),
        derives: vec![],
        hand_written: vec![],
        // The library's settings: its hooks validate, authenticate, retry and trace every call.
        inner_type: "kyc_clients::CallSettings".into(),
        // Where the generated `types` are reached: the open enums (`x-open-enum`) live there.
        types_path: "crate::acme::types".into(),
        replacements: vec![],
    };
    println!("cargo:rerun-if-changed={}", vendor.file.display());
    let generated = match kyc_codegen::generate(&vendor) {
        Ok(generated) => generated,
        Err(errors) => {
            // Exit rather than panic: cargo shows the messages without a backtrace.
            eprintln!("{errors}");
            std::process::exit(1);
        }
    };
    for (suffix, contents) in [
        ("client.rs", &generated.client),
        ("catalog.rs", &generated.catalog),
        ("spec.json", &generated.spec_json),
    ] {
        let path = out_dir.join(format!("acme_{suffix}"));
        if let Err(err) = std::fs::write(&path, contents) {
            eprintln!("cannot write {}: {err}", path.display());
            std::process::exit(1);
        }
    }
}
