//! Callbacks an operation declares (OpenAPI `callbacks`, read by kyc-spec): requests the vendor
//! sends to a URL the caller registered. For the caller a callback payload is what a response
//! is, something received and parsed, so its schema is judged in the response direction: a
//! payload field removed breaks receivers, one added does not.

use kyc_spec::Callback;

use super::{Ctx, Direction, Walker};
use crate::document::OperationView;
use crate::rules::Rule;

impl<'a> Walker<'a> {
    /// Callbacks added, removed, or changed in their headers, expected answers and payload.
    /// Callbacks pair up by name, method and URL expression: one sent elsewhere is a removal
    /// (the old receiver gets nothing) and an addition.
    pub(super) fn callbacks(
        &mut self,
        base: &str,
        old: &OperationView<'a>,
        new: &OperationView<'a>,
    ) {
        let same = |a: &Callback, b: &Callback| {
            a.name == b.name && a.method == b.method && a.expression == b.expression
        };
        let (olds, news) = (&old.operation.callbacks, &new.operation.callbacks);
        for callback in news {
            match olds.iter().find(|o| same(o, callback)) {
                Some(before) => self.callback(base, before, callback),
                None => {
                    let what = format!(
                        "new callback `{}`: the vendor sends `{} {}`{} (a receiver shared with other callbacks must accept or ignore it)",
                        callback.name,
                        callback.method,
                        callback.expression,
                        payload(callback)
                    );
                    let loc = location(base, callback);
                    self.push(Rule::CallbackAdded, loc.clone(), None, what, loc);
                }
            }
        }
        for callback in olds.iter().filter(|o| !news.iter().any(|n| same(o, n))) {
            let what = format!(
                "callback `{}` (`{} {}`) removed: receivers waiting for it never get it",
                callback.name, callback.method, callback.expression
            );
            let loc = location(base, callback);
            self.push(Rule::CallbackRemoved, loc.clone(), None, what, loc);
        }
    }

    fn callback(&mut self, base: &str, old: &Callback, new: &Callback) {
        let loc = location(base, new);
        let place = format!("callback `{}`", new.name);
        let has = |list: &[String], name: &str| list.iter().any(|h| h.eq_ignore_ascii_case(name));
        for header in new.headers.iter().filter(|h| !has(&old.headers, h)) {
            let what = format!("{place}: the vendor now also sends header `{header}`");
            self.push(
                Rule::CallbackHeaderAdded,
                loc.clone(),
                None,
                what,
                loc.clone(),
            );
        }
        for header in old.headers.iter().filter(|h| !has(&new.headers, h)) {
            let what = format!(
                "{place}: header `{header}` no longer sent: receivers that check it refuse every callback"
            );
            self.push(
                Rule::CallbackHeaderRemoved,
                loc.clone(),
                None,
                what,
                loc.clone(),
            );
        }
        for status in old.statuses.iter().filter(|s| !new.statuses.contains(s)) {
            let what = format!(
                "{place}: the vendor no longer accepts the answer `{status}`: receivers answering it are treated as failed deliveries"
            );
            self.push(
                Rule::CallbackAnswerChanged,
                loc.clone(),
                None,
                what,
                loc.clone(),
            );
        }
        for status in new.statuses.iter().filter(|s| !old.statuses.contains(s)) {
            let what = format!("{place}: the vendor now also accepts the answer `{status}`");
            self.push(
                Rule::DocumentationChanged,
                loc.clone(),
                None,
                what,
                loc.clone(),
            );
        }
        let body = |callback: &Callback| format!("#{}/requestBody", callback.pointer);
        let (ob, nb) = (self.old.at(body(old)), self.new.at(body(new)));
        let name = |callback: &Callback| {
            callback
                .payload_schema
                .clone()
                .unwrap_or_else(|| format!("{}Payload", callback.name))
        };
        let ctx = Ctx {
            loc: String::new(),
            slot: String::new(),
            place: format!("{place} payload"),
            field: String::new(),
            direction: Direction::Response,
            old_name: name(old),
            new_name: name(new),
            parameter_root: false,
            body: false,
        };
        self.content(
            &format!("{loc}.requestBody"),
            &ctx,
            &ob,
            &nb,
            (
                Rule::ResponseMediaTypeAdded,
                Rule::ResponseMediaTypeRemoved,
                Rule::CallbackPayloadTypeChanged,
            ),
        );
    }
}

/// The dotted location of a callback's operation, e.g.
/// `paths./v1/x.post.callbacks.verified.{$request.body#/callback_url}.post`.
fn location(base: &str, callback: &Callback) -> String {
    format!(
        "{base}.callbacks.{}.{}.{}",
        callback.name,
        callback.expression,
        callback.method.to_lowercase()
    )
}

fn payload(callback: &Callback) -> String {
    callback
        .payload_schema
        .as_deref()
        .map(|name| format!(" with a `{name}` payload"))
        .unwrap_or_default()
}
