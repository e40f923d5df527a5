//! The contract summary: one line per operation and one per callback, so a reviewer sees
//! renamed methods and changed request, response and payload types at a glance
//! (`snapshots/summary/`).

use crate::support::{in_snapshots, vendors};

#[test]
fn contract_summary() {
    let mut lines = Vec::new();
    for vendor in vendors() {
        let document = serde_json::to_value(&vendor.spec).expect("the spec serializes");
        let spec = kyc_spec::Spec::from_value(document).expect("the registry reads the spec");
        for op in vendor.operations {
            // progenitor emits no `#[deprecated]`: the summary is where a reviewer sees it.
            let deprecated = match spec.operation(op.operation_id) {
                Some(found) if found.deprecated => match &found.sunset {
                    Some(date) => format!(" [deprecated, sunset {date}]"),
                    None => " [deprecated]".to_string(),
                },
                _ => String::new(),
            };
            lines.push(format!(
                "{:<8} {:<4} {:<42} client.{}({}){} -> {} | error {}{}{}{}",
                vendor.name,
                op.method,
                op.path,
                op.operation_id,
                match (op.request_type, op.request_media_type) {
                    (Some(ty), Some(media)) if media != "application/json" =>
                        format!("{ty} as {media}"),
                    (Some(ty), _) => ty.to_string(),
                    (None, _) => String::new(),
                },
                op.parameters
                    .iter()
                    .map(|p| format!(
                        ".{}({}{})",
                        p.name.replace('-', "_"),
                        p.location,
                        if p.required { "" } else { ", optional" }
                    ))
                    .collect::<String>(),
                op.success_type,
                op.error_type,
                if op.authenticated { "" } else { " [no auth]" },
                if op.hand_written {
                    " [hand-written]"
                } else {
                    ""
                },
                deprecated,
            ));
        }
    }
    // The callbacks each operation declares: what a receiver gets, from which call.
    for vendor in vendors() {
        let document = serde_json::to_value(&vendor.spec).expect("the spec serializes");
        let spec = kyc_spec::Spec::from_value(document).expect("the registry reads the spec");
        for op in spec.operations() {
            for callback in &op.callbacks {
                lines.push(format!(
                    "{:<8} {:<4} callback {:<33} from client.{}() -> {} | headers {} | answers {}",
                    vendor.name,
                    callback.method,
                    callback.name,
                    op.id,
                    callback.payload_schema.as_deref().unwrap_or("(no schema)"),
                    callback.headers.join(", "),
                    callback.statuses.join(", "),
                ));
            }
        }
    }
    in_snapshots("summary", || {
        insta::with_settings!({
            description => "vendor, method, path, Rust method(request type) -> success type | error type; then each callback: vendor, method, name, sending method -> payload type | headers | answers",
            omit_expression => true,
        }, {
            insta::assert_snapshot!("operations", lines.join("\n"));
        });
    });
}
