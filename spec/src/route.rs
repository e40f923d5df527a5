//! Finding the operation a request is for, by its method and path, against the spec's path
//! templates (`/v0/identity/cft_pep_listings/{id}`): what a proxy or a recorder that sees raw
//! HTTP needs before it can ask anything else of the spec.

use crate::{Operation, Spec};

impl Spec {
    /// The operation a `method` request to `path` (relative to the vendor's base URL, without
    /// the query) is for. A template segment `{name}` matches any one non-empty segment; when
    /// several templates match, the one with the most literal segments wins (`/keys/current`
    /// over `/keys/{id}`). The method is compared case-insensitively.
    pub fn find_operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let segments: Vec<&str> = split(path).collect();
        self.operations()
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| Some((literal_matches(&op.path, &segments)?, op)))
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, op)| op)
    }
}

/// The segments of a path, the empty ones (a leading or doubled `/`) left out.
fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// How many literal segments of `template` match `segments`; `None` when it does not match.
fn literal_matches(template: &str, segments: &[&str]) -> Option<usize> {
    let mut literals = 0;
    let mut count = 0;
    for (expected, actual) in split(template).zip(segments.iter().copied()) {
        count += 1;
        if expected.starts_with('{') && expected.ends_with('}') {
            continue;
        }
        if expected != actual {
            return None;
        }
        literals += 1;
    }
    (count == segments.len() && split(template).count() == count).then_some(literals)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Spec;

    #[test]
    fn operations_are_found_by_method_and_template() {
        let op = |id: &str| json!({"operationId": id, "responses": {}});
        let spec = Spec::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
            "paths": {
                "/keys/{id}": {"get": op("get_key"), "delete": op("delete_key")},
                "/keys/current": {"get": op("current_key")},
                "/health": {"get": op("health")}
            }
        }))
        .unwrap();
        let found = |method: &str, path: &str| spec.find_operation(method, path).map(|o| &*o.id);
        assert_eq!(found("GET", "/keys/42"), Some("get_key"));
        assert_eq!(found("delete", "/keys/42"), Some("delete_key"));
        assert_eq!(found("GET", "/keys/current"), Some("current_key"));
        assert_eq!(found("GET", "/health/"), Some("health"));
        assert_eq!(found("POST", "/health"), None);
        assert_eq!(found("GET", "/keys"), None);
        assert_eq!(found("GET", "/keys/42/more"), None);
        assert_eq!(found("GET", "/"), None);
    }
}
