//! Account screening (`screen_account`): the pages publish no sandbox values and do not show
//! how the modules' results sit in the answer, so the sandbox answers in the layout the spec
//! guesses, by the rule its description states:
//!
//! - a request with only watchlist fields (`fullName` ...) is answered like the watchlist
//!   page's example (`watchlist_full`): the request echoed, and its counts and profiles when
//!   the name is one of its profiles' (`Joko Widodo`), else the same counts at zero;
//! - any other request like the parent page's, in the layout of the `every_module` example:
//!   `id`, `score`, `status`, the watchlist fields flat as above, and each other module's
//!   result (`bank`, `phone`, `email`, `ip`) from that example with the request's values;
//! - the verdict: a `configId` that a documented case sends (`sandbox_review`,
//!   `sandbox_reject`) answers that case's `score` and `status`; any other, or none, the sum of
//!   the modules' scores and the default case's status (`pass`);
//! - no module is a 400 with the page's sentence, an ongoing screening without its conditions
//!   (a `minSimilarity` of at least 0.8, a `birthDate` or `pseudoBirthDate`) a validation error.
//!
//! Docs: <https://docs.kredibel.io/api-references/account-screening>.

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::{accept, errors};
use crate::app::AppState;
use crate::{scenarios, spec};

const OPERATION: &str = "screen_account";

/// The watchlist module: `fullName` turns it on, and its result is flat in `data`, echoing
/// these request fields (as the watchlist page's example does).
const WATCHLIST_ECHO: [&str; 5] = ["fullName", "birthPlace", "birthDate", "gender", "country"];

/// A module besides the watchlist: the request field that turns it on, the key of its result
/// in `data` (the spec's guess) and the request fields its result echoes.
struct Module {
    input: &'static str,
    result: &'static str,
    echo: &'static [&'static str],
}

const MODULES: [Module; 4] = [
    Module {
        input: "bankAccount",
        result: "bank",
        echo: &["bankAccount", "bankCode"],
    },
    Module {
        input: "phoneNumber",
        result: "phone",
        echo: &["phoneNumber"],
    },
    Module {
        input: "emailAddress",
        result: "email",
        echo: &["emailAddress"],
    },
    Module {
        input: "ipAddress",
        result: "ip",
        echo: &[],
    },
];

/// The least `minSimilarity` an ongoing screening may ask for.
const ONGOING_MIN_SIMILARITY: f64 = 0.8;

/// Handles `screen_account`.
pub(crate) async fn screen(
    State(app): State<AppState>,
    request: Request,
    operation_id: &'static str,
) -> Response {
    let accepted = match accept(&app, request, operation_id).await {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    let body = &accepted.body;
    let watchlist = body.contains_key("fullName");
    let modules: Vec<&Module> = MODULES
        .iter()
        .filter(|module| body.contains_key(module.input))
        .collect();
    if !watchlist && modules.is_empty() {
        return errors::documented_message("no_module", "You must define at least one module.");
    }
    if let Some(problem) = ongoing_problem(body) {
        return errors::validation_of([("ongoingScreening", problem)]);
    }
    let (Some(watchlist_example), Some(every_module)) =
        (example("watchlist_full"), example("every_module"))
    else {
        return errors::no_scenario(OPERATION);
    };
    let mut data = Map::new();
    data.insert("id".into(), Value::String(app.ids.uuid().to_string()));
    if watchlist {
        data.extend(watchlist_fields(body, watchlist_example));
    }
    if modules.is_empty() {
        // The watchlist page's answer: its message, no score or status.
        return answer(watchlist_example, data);
    }
    let mut module_scores = 0.0;
    for module in modules {
        let Some(Value::Object(result)) = every_module.pointer(&format!("/data/{}", module.result))
        else {
            continue;
        };
        let mut result = result.clone();
        for field in module.echo {
            if let Some(value) = body.get(*field) {
                result.insert((*field).to_string(), value.clone());
            }
        }
        module_scores += result.get("score").and_then(Value::as_f64).unwrap_or(0.0);
        data.insert(module.result.to_string(), Value::Object(result));
    }
    let (score, status) = verdict(body, module_scores);
    data.insert("score".into(), score);
    data.insert("status".into(), status);
    answer(every_module, data)
}

/// The response example `name` of `screen_account`.
fn example(name: &str) -> Option<&'static Value> {
    spec::kredibel()
        .operation_response_examples(OPERATION, "2XX")
        .into_iter()
        .find(|(example, _)| *example == name)
        .map(|(_, value)| value)
}

/// `{message, data}` with the message of `template`.
fn answer(template: &Value, data: Map<String, Value>) -> Response {
    let mut out = Map::new();
    if let Some(message) = template.get("message") {
        out.insert("message".into(), message.clone());
    }
    out.insert("data".into(), Value::Object(data));
    Json(Value::Object(out)).into_response()
}

/// Why an ongoing screening cannot be: it asks for one without a `minSimilarity` of at least
/// 0.8 or without a birth date.
fn ongoing_problem(body: &Map<String, Value>) -> Option<&'static str> {
    if body.get("ongoingScreening").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    let similar_enough = body
        .get("minSimilarity")
        .and_then(Value::as_f64)
        .is_some_and(|min| min >= ONGOING_MIN_SIMILARITY);
    let dated = body.contains_key("birthDate") || body.contains_key("pseudoBirthDate");
    (!similar_enough || !dated).then_some(
        "Ongoing screening needs a minSimilarity of at least 0.8 and a birthDate or pseudoBirthDate.",
    )
}

/// The watchlist fields of an answer: the request's echoed, then the example's counts,
/// similarity and data sources (with their profiles) when the name is one of its profiles',
/// else the same with every number at zero and no profile.
fn watchlist_fields(body: &Map<String, Value>, example: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for field in WATCHLIST_ECHO {
        if let Some(value) = body.get(field) {
            out.insert(field.to_string(), value.clone());
        }
    }
    let Some(Value::Object(documented)) = example.get("data") else {
        return out;
    };
    let name = body.get("fullName").and_then(Value::as_str).unwrap_or("");
    let found = profiles(documented).any(|profile| {
        ["name", "nativeName"].iter().any(|key| {
            profile
                .get(*key)
                .and_then(Value::as_str)
                .is_some_and(|known| known.trim().eq_ignore_ascii_case(name.trim()))
        })
    });
    for (key, value) in documented {
        if key == "id" || WATCHLIST_ECHO.contains(&key.as_str()) {
            continue;
        }
        let value = if found {
            value.clone()
        } else {
            nothing_found(value)
        };
        out.insert(key.clone(), value);
    }
    out
}

/// The profiles of every data source of a watchlist answer (`kredibel.result[]`, ...).
fn profiles(data: &Map<String, Value>) -> impl Iterator<Item = &Map<String, Value>> {
    data.values()
        .filter_map(|source| source.get("result")?.as_array())
        .flatten()
        .filter_map(Value::as_object)
}

/// `value` with every count and similarity at zero and every list of profiles left out.
fn nothing_found(value: &Value) -> Value {
    match value {
        Value::Number(number) if number.is_f64() => Value::from(0.0),
        Value::Number(_) => Value::from(0),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_array())
                .map(|(k, v)| (k.clone(), nothing_found(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The `score` and `status` of an answer: a documented case's for a `configId` it sends, else
/// the modules' scores summed with the default case's status.
fn verdict(body: &Map<String, Value>, module_scores: f64) -> (Value, Value) {
    let cases = || scenarios::by_values(scenarios::kredibel(), OPERATION);
    let config = body.get("configId");
    let chosen = cases().find(|case| {
        config.is_some()
            && case.request.as_ref().and_then(|r| r.get("configId")) == config
            && case
                .response
                .and_then(|r| r.pointer("/data/status"))
                .is_some()
    });
    if let Some(response) = chosen.and_then(|case| case.response) {
        let at = |pointer| response.pointer(pointer).cloned().unwrap_or(Value::Null);
        return (at("/data/score"), at("/data/status"));
    }
    let status = cases()
        .find(|case| case.default)
        .and_then(|case| case.response?.pointer("/data/status"))
        .cloned()
        .unwrap_or(Value::Null);
    (Value::from(module_scores), status)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_documented_name_finds_the_documented_profile() {
        let example = example("watchlist_full").expect("the spec's watchlist example");
        let found = watchlist_fields(&object(json!({"fullName": "joko widodo "})), example);
        assert_eq!(found["totalPepCount"], json!(1));
        assert_eq!(found["kredibel"]["result"][0]["entity"], json!("person"));
        assert_eq!(found["fullName"], json!("joko widodo "));
        let other = watchlist_fields(&object(json!({"fullName": "Budi Santoso"})), example);
        assert_eq!(other["totalPepCount"], json!(0));
        assert_eq!(other["maxSimilarity"], json!(0.0));
        assert_eq!(other["kredibel"]["count"], json!(0));
        assert!(other["kredibel"].get("result").is_none());
        assert!(
            other.get("birthPlace").is_none(),
            "only what was sent is echoed"
        );
    }

    #[test]
    fn the_verdict_is_the_cases_for_their_config_else_the_sum() {
        let review = verdict(&object(json!({"configId": "sandbox_review"})), 5.0);
        assert_eq!(review, (json!(-15), json!("review")));
        let reject = verdict(&object(json!({"configId": "sandbox_reject"})), 5.0);
        assert_eq!(reject.1, json!("reject"));
        let other = verdict(&object(json!({"configId": "mine"})), 5.0);
        assert_eq!(other, (json!(5.0), json!("pass")));
        assert_eq!(verdict(&Map::new(), -5.0), (json!(-5.0), json!("pass")));
    }

    #[test]
    fn ongoing_screening_needs_its_conditions() {
        let ok = object(
            json!({"ongoingScreening": true, "minSimilarity": 0.8, "birthDate": "1961-06-21"}),
        );
        assert_eq!(ongoing_problem(&ok), None);
        let pseudo = object(
            json!({"ongoingScreening": true, "minSimilarity": 0.9, "pseudoBirthDate": "1961-06-21"}),
        );
        assert_eq!(ongoing_problem(&pseudo), None);
        for broken in [
            json!({"ongoingScreening": true, "birthDate": "1961-06-21"}),
            json!({"ongoingScreening": true, "minSimilarity": 0.7, "birthDate": "1961-06-21"}),
            json!({"ongoingScreening": true, "minSimilarity": 0.8}),
        ] {
            assert!(
                ongoing_problem(&object(broken.clone())).is_some(),
                "{broken}"
            );
        }
        assert_eq!(
            ongoing_problem(&object(json!({"ongoingScreening": false}))),
            None
        );
    }

    /// Every module this sandbox knows has its result in the spec's example, under the key the
    /// spec guesses.
    #[test]
    fn every_module_has_its_example() {
        let every_module = example("every_module").expect("the spec's every_module example");
        for module in MODULES {
            assert!(
                every_module
                    .pointer(&format!("/data/{}", module.result))
                    .is_some_and(Value::is_object),
                "{}",
                module.result
            );
        }
    }
}
