//! The real specs in `openapi/` through the registry: every vendor entry, operation and
//! scenario reads without error.

use std::path::Path;

use kyc_spec::{AuthScheme, Environment, Spec};
use kyc_spec_load::load;

fn spec(file: &str) -> Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../openapi")
        .join(file);
    match load(&path) {
        Ok(loaded) => loaded.spec,
        Err(errors) => panic!("{file} does not load:\n{errors}"),
    }
}

#[test]
fn the_registry_is_read_from_the_specs() {
    let kredibel = spec("kredibel.yaml");
    let vendor = kredibel.vendor();
    assert_eq!(vendor.name, "kredibel");
    assert_eq!(vendor.auth, Some(AuthScheme::Bearer));
    assert_eq!(
        vendor.server(Environment::Sandbox),
        Some("https://synapses.sandbox.kredibel.com")
    );
    assert_eq!(
        vendor.server(Environment::Production),
        Some("https://synapses.kredibel.com")
    );
    assert!(vendor.key_prefixes.is_empty());

    let iluma = spec("iluma.yaml");
    let vendor = iluma.vendor();
    assert_eq!(vendor.name, "iluma");
    assert_eq!(vendor.auth, Some(AuthScheme::BasicKeyAsUsername));
    assert_eq!(
        vendor.server(Environment::Sandbox),
        vendor.server(Environment::Production)
    );
    assert_eq!(
        vendor.environment_of_key("iluma_production_abc"),
        Some(Environment::Production)
    );
    assert_eq!(
        vendor.environment_of_key("iluma_development_abc"),
        Some(Environment::Sandbox)
    );
    assert_eq!(vendor.environment_of_key("abc"), None);
}

#[test]
fn every_scenario_resolves_to_its_examples() {
    for file in ["kredibel.yaml", "iluma.yaml"] {
        let spec = spec(file);
        let scenarios = spec
            .all_scenarios()
            .unwrap_or_else(|err| panic!("{file}: {err}"));
        assert!(!scenarios.is_empty(), "{file} declares no scenarios");
        for scenario in &scenarios {
            let label = format!("{file} {} / {}", scenario.operation_id, scenario.name);
            let operation = spec.operation(scenario.operation_id).expect("listed");
            assert!(
                scenario.response.is_some(),
                "{label}: no documented answer (a response example of the case's name)"
            );
            assert!(
                spec.response_key(scenario.operation_id, scenario.status)
                    .is_some(),
                "{label}: the operation declares no {} answer",
                scenario.status
            );
            for (name, _) in &scenario.parameters {
                assert!(
                    operation
                        .parameters
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(name)),
                    "{label}: sets `{name}`, which is no parameter of the operation"
                );
            }
            if let Some(request) = &scenario.request {
                for field in spec.scenario_selector(scenario.operation_id) {
                    assert!(
                        request.get(field).is_some(),
                        "{label}: the request has no selector field `{field}`"
                    );
                }
            }
            assert!(
                !scenario.outcome.is_empty(),
                "{label}: no outcome pointers (x-scenarios `outcome`)"
            );
            for pointer in &scenario.outcome {
                assert!(
                    pointer.starts_with('/'),
                    "{label}: outcome `{pointer}` is not a JSON pointer"
                );
            }
        }
        // Selector values tell the cases apart: two cases with the same values and no
        // parameters would make the sandbox's answer depend on their order.
        for operation in spec.operations() {
            let selector = spec.scenario_selector(&operation.id);
            if selector.is_empty() {
                continue;
            }
            let mut seen = std::collections::BTreeMap::new();
            for scenario in scenarios.iter().filter(|s| s.operation_id == operation.id) {
                if !scenario.parameters.is_empty() {
                    continue;
                }
                let key: Vec<String> = selector
                    .iter()
                    .map(|f| {
                        scenario
                            .request
                            .as_ref()
                            .and_then(|r| r.get(*f))
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    })
                    .collect();
                if let Some(other) = seen.insert(key, scenario.name) {
                    panic!(
                        "{file} {}: cases `{other}` and `{}` have the same selector values",
                        operation.id, scenario.name
                    );
                }
            }
        }
    }
}

/// Every mapping key and sequence item of every spec in `openapi/`, as `serde_yaml` reads it,
/// has its own line in `kyc_spec::locate::YamlLines`, and a key's line is where the key is
/// written.
#[test]
fn every_node_of_the_real_specs_has_its_line() {
    fn walk(
        value: &serde_yaml::Value,
        pointer: &str,
        text: &[&str],
        lines: &kyc_spec::locate::YamlLines,
        problems: &mut Vec<String>,
        count: &mut usize,
    ) {
        let children: Vec<(String, Option<String>, &serde_yaml::Value)> = match value {
            serde_yaml::Value::Mapping(map) => map
                .iter()
                .map(|(key, child)| {
                    let key = match key {
                        serde_yaml::Value::String(s) => s.clone(),
                        other => serde_yaml::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (kyc_spec::refs::escape(&key), Some(key), child)
                })
                .collect(),
            serde_yaml::Value::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(i, child)| (i.to_string(), None, child))
                .collect(),
            _ => Vec::new(),
        };
        for (segment, key, child) in children {
            let child_pointer = format!("{pointer}/{segment}");
            *count += 1;
            match lines.line(&child_pointer) {
                None => problems.push(format!("{child_pointer}: no line")),
                Some(n) => {
                    let written = text.get(n - 1).copied().unwrap_or_default();
                    if let Some(key) = key {
                        let forms = [
                            format!("{key}:"),
                            format!("\"{key}\":"),
                            format!("'{key}':"),
                        ];
                        if !forms.iter().any(|form| written.contains(form.as_str())) {
                            problems.push(format!("{child_pointer}: line {n} is `{written}`"));
                        }
                    }
                }
            }
            walk(child, &child_pointer, text, lines, problems, count);
        }
    }

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi");
    for file in ["kredibel.yaml", "iluma.yaml"] {
        let text = std::fs::read_to_string(dir.join(file)).expect("read the spec");
        let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
        let lines = kyc_spec::locate::YamlLines::new(&text);
        let rows: Vec<&str> = text.lines().collect();
        let (mut problems, mut count) = (Vec::new(), 0);
        walk(&value, "", &rows, &lines, &mut problems, &mut count);
        assert!(count > 500, "{file}: only {count} nodes walked");
        assert!(
            problems.is_empty(),
            "{file}: {} of {count} nodes not located:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}
