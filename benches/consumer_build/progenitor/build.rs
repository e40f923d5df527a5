//! progenitor's `example-build` recipe, once per spec: read the spec, generate the client,
//! format it and write it to `OUT_DIR` for `src/lib.rs` to `include!`. Two differences, both
//! what progenitor cannot take: the multipart operation (Iluma's `verify_id_card`) is removed
//! and the callbacks are dropped. Settings as kyc-clients generates with (builder interface,
//! merged tags), so both sides generate the same API.

use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr};

fn main() {
    let out_dir = std::env::var("OUT_DIR").unwrap();
    for vendor in ["kredibel", "iluma"] {
        let src = format!("openapi/{vendor}.yaml");
        println!("cargo:rerun-if-changed={src}");
        let mut spec: OpenAPI =
            serde_yaml::from_reader(std::fs::File::open(&src).unwrap()).unwrap();
        strip_what_progenitor_cannot_take(&mut spec);
        let mut settings = progenitor::GenerationSettings::default();
        settings
            .with_interface(progenitor::InterfaceStyle::Builder)
            .with_tag(progenitor::TagStyle::Merged);
        let mut generator = progenitor::Generator::new(&settings);
        let tokens = generator.generate_tokens(&spec).unwrap();
        let ast = syn::parse2(tokens).unwrap();
        let content = prettyplease::unparse(&ast);
        std::fs::write(Path::new(&out_dir).join(format!("{vendor}.rs")), content).unwrap();
    }
}

fn strip_what_progenitor_cannot_take(spec: &mut OpenAPI) {
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for slot in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ] {
            let multipart = slot.as_ref().is_some_and(|op| {
                matches!(&op.request_body, Some(ReferenceOr::Item(body))
                    if body.content.contains_key("multipart/form-data"))
            });
            if multipart {
                *slot = None;
            } else if let Some(op) = slot {
                op.callbacks.clear();
            }
        }
    }
}
