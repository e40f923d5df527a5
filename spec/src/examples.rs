//! Finding documented examples across a spec: the error example a response component names,
//! and the example an operation documents for a status. What a mock of the vendor (the
//! offline sandbox) answers with.

use serde_json::Value;

use crate::Spec;

impl Spec {
    /// The value of the example called `name` in any response component
    /// (`components/responses/*/content/*/examples/<name>`), the first found in key order.
    pub fn component_response_example(&self, name: &str) -> Option<&Value> {
        self.document()
            .pointer("/components/responses")?
            .as_object()?
            .values()
            .find_map(|response| {
                let example = first_media(self.resolve(response))?
                    .get("examples")?
                    .get(name)?;
                self.resolve(example).get("value")
            })
    }

    /// The example `operation_id` documents for the response under `status` (a key as written:
    /// `"200"`, `"4XX"`, `"default"`): the first of its named `examples`, else its `example`.
    /// The JSON media type is preferred when a response has several.
    pub fn first_response_example(&self, operation_id: &str, status: &str) -> Option<&Value> {
        let operation = self.operation(operation_id)?;
        let response = self.resolve(
            self.operation_node(operation)
                .get("responses")?
                .get(status)?,
        );
        let content = response.get("content")?.as_object()?;
        let media = content
            .get("application/json")
            .or_else(|| content.values().next())?;
        let named = media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().find_map(|e| self.resolve(e).get("value")));
        named.or_else(|| media.get("example"))
    }
}

/// The first media type object of a response's `content`.
fn first_media(response: &Value) -> Option<&Value> {
    response.get("content")?.as_object()?.values().next()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Spec;

    fn spec() -> Spec {
        Spec::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1", "x-vendor": "acme"},
            "paths": {"/a": {"get": {
                "operationId": "get_a",
                "responses": {
                    "200": {"content": {"application/json": {"example": {"ok": true}}}},
                    "400": {"$ref": "#/components/responses/Error"}
                }
            }}},
            "components": {"responses": {"Error": {"content": {"application/json": {
                "examples": {
                    "bad": {"value": {"message": "Bad."}},
                    "worse": {"$ref": "#/components/examples/Worse"}
                }
            }}}}, "examples": {"Worse": {"value": {"message": "Worse."}}}}
        }))
        .unwrap()
    }

    #[test]
    fn finds_component_and_operation_examples() {
        let spec = spec();
        assert_eq!(
            spec.component_response_example("worse"),
            Some(&json!({"message": "Worse."}))
        );
        assert_eq!(spec.component_response_example("missing"), None);
        assert_eq!(
            spec.first_response_example("get_a", "200"),
            Some(&json!({"ok": true}))
        );
        assert_eq!(
            spec.first_response_example("get_a", "400"),
            Some(&json!({"message": "Bad."}))
        );
        assert_eq!(spec.first_response_example("get_a", "404"), None);
    }
}
