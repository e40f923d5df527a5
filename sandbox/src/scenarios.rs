//! The documented sandbox scenarios of Kredibel and Iluma, read once from their specs
//! (`x-scenarios`, through `kyc_spec`): which case a request selects by its selector values,
//! and the case's documented answer, which the handlers send with their own fresh ids.
//!
//! A scenario is written once, in the spec; the handlers hold only what the sandbox adds to it
//! (the email/phone ownership rule, the watchlist search, the record comparison, ids).

use std::sync::LazyLock;

use kyc_spec::{Scenario, Spec};
use serde_json::{Map, Value};

use crate::spec;

static KREDIBEL: LazyLock<Vec<Scenario<'static>>> = LazyLock::new(|| load(spec::kredibel()));
static ILUMA: LazyLock<Vec<Scenario<'static>>> = LazyLock::new(|| load(spec::iluma()));

/// Only a broken `x-scenarios` in `openapi/*.yaml` fails here, and every test shows it.
fn load(spec: &'static Spec) -> Vec<Scenario<'static>> {
    match spec.all_scenarios() {
        Ok(scenarios) => scenarios,
        Err(error) => panic!("{}: {error}", spec.vendor().name),
    }
}

/// Kredibel's scenarios.
pub(crate) fn kredibel() -> &'static [Scenario<'static>] {
    &KREDIBEL
}

/// Iluma's scenarios.
pub(crate) fn iluma() -> &'static [Scenario<'static>] {
    &ILUMA
}

/// The case a request selects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Selected {
    /// The case.
    pub(crate) case: &'static Scenario<'static>,
    /// True when the request carries the case's own selector values (a documented fixture);
    /// false when the default case answers a value no case names.
    pub(crate) exact: bool,
}

/// The case of `operation_id` whose selector values (`x-scenarios.selector`) equal the
/// request's, else its default case. Cases chosen by parameters (`x-magic-reply`) are not
/// selected here. `None` when the operation has neither.
pub(crate) fn select(
    spec: &Spec,
    scenarios: &'static [Scenario<'static>],
    operation_id: &str,
    request: &Map<String, Value>,
) -> Option<Selected> {
    let selector = spec.scenario_selector(operation_id);
    let exact = by_values(scenarios, operation_id).find(|case| {
        !selector.is_empty()
            && selector.iter().all(|field| {
                request.get(*field).is_some()
                    && case.request.as_ref().and_then(|r| r.get(*field)) == request.get(*field)
            })
    });
    if let Some(case) = exact {
        return Some(Selected { case, exact: true });
    }
    by_values(scenarios, operation_id)
        .find(|case| case.default)
        .map(|case| Selected { case, exact: false })
}

/// The cases of `operation_id` chosen by request values, the default included.
pub(crate) fn by_values<'a>(
    scenarios: &'static [Scenario<'static>],
    operation_id: &'a str,
) -> impl Iterator<Item = &'static Scenario<'static>> + 'a {
    scenarios
        .iter()
        .filter(move |s| s.operation_id == operation_id && s.parameters.is_empty())
}

/// The case of `operation_id` chosen by parameter `name` being `value`: a documented id the
/// sandbox answers with the case's example without having made it (`get_individual_screening`
/// of the reference's `cftpi_05e27fc2-…`).
pub(crate) fn by_parameter(
    scenarios: &'static [Scenario<'static>],
    operation_id: &str,
    name: &str,
    value: &str,
) -> Option<&'static Scenario<'static>> {
    scenarios.iter().find(|s| {
        s.operation_id == operation_id && s.parameter(name).and_then(Value::as_str) == Some(value)
    })
}

/// Sets the value at `pointer` (whose parent must be an object) in `value`; does nothing when
/// the parent is missing, so a reshaped example cannot make a handler panic.
pub(crate) fn put(value: &mut Value, pointer: &str, new: Value) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(Value::Object(object)) = value.pointer_mut(parent) {
        object.insert(key.replace("~1", "/").replace("~0", "~"), new);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn both_specs_have_scenarios_with_answers() {
        for (scenarios, vendor) in [(kredibel(), "kredibel"), (iluma(), "iluma")] {
            assert!(!scenarios.is_empty(), "{vendor}");
            for case in scenarios {
                assert!(case.response.is_some(), "{vendor} {}", case.name);
            }
        }
    }

    #[test]
    fn every_selector_operation_has_a_default_case() {
        for (spec, scenarios) in [(spec::kredibel(), kredibel()), (spec::iluma(), iluma())] {
            for operation in spec.operations() {
                if spec.scenario_selector(&operation.id).is_empty() {
                    continue;
                }
                assert!(
                    by_values(scenarios, &operation.id).any(|c| c.default),
                    "{} has a selector but no default case",
                    operation.id
                );
            }
        }
    }

    #[test]
    fn selects_by_value_else_the_default() {
        let body = |nik: &str| json!({"identityId": nik}).as_object().unwrap().clone();
        let spec = spec::kredibel();
        let invalid = select(
            spec,
            kredibel(),
            "issue_certificate",
            &body("1234567890111111"),
        );
        let invalid = invalid.unwrap();
        assert_eq!((invalid.case.name, invalid.exact), ("invalid_nik", true));
        let other = select(
            spec,
            kredibel(),
            "issue_certificate",
            &body("3201000000000001"),
        );
        let other = other.unwrap();
        assert_eq!((other.case.name, other.exact), ("all_match", false));
        let documented = select(
            spec,
            kredibel(),
            "issue_certificate",
            &body("1234567890123456"),
        );
        assert!(documented.unwrap().exact);
        assert!(select(spec, kredibel(), "nope", &body("1")).is_none());
    }

    #[test]
    fn put_sets_only_under_an_object() {
        let mut value = json!({"data": {"id": 1}, "list": [1]});
        put(&mut value, "/data/id", json!(2));
        put(&mut value, "/data/new", json!(3));
        put(&mut value, "/missing/id", json!(4));
        put(&mut value, "/list/0", json!(5));
        assert_eq!(value, json!({"data": {"id": 2, "new": 3}, "list": [1]}));
    }
}
