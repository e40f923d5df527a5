//! The command line, built from the specs: `kyc <vendor> <operation> [flags]`, one subcommand
//! group per vendor (`info.x-vendor`), one subcommand per operation (its `operationId` in kebab
//! case), one flag per parameter and per request-body property (see [`crate::fields`]).
//! `--url`, `--env` and `--reveal` are global, so they may follow the subcommand.

use clap::{Arg, ArgAction, Command};
use kyc_spec::{Environment, Operation, Spec};

use crate::fields::{self, Field, Kind, Scalar};
use crate::plain::plain;

/// The argument ids of the global flags.
pub(crate) const URL: &str = "url";
pub(crate) const ENV: &str = "env";
pub(crate) const REVEAL: &str = "reveal";
/// The argument id of `--body`.
pub(crate) const BODY: &str = "body";

/// Where the global flags sit in every subcommand's help: after the subcommand's own.
const GLOBAL_ORDER: usize = 1000;

const EXIT_CODES: &str = "\
Exit codes: 0 success; 1 the vendor answered an error; 2 usage or validation error, nothing \
was sent; 3 transport failure or an answer that does not match the spec.";

/// The whole command line.
pub(crate) fn build(specs: &[Spec]) -> Command {
    let vendors: Vec<&str> = specs.iter().map(|s| s.vendor().name.as_str()).collect();
    let variables: Vec<String> = vendors
        .iter()
        .map(|v| format!("{}_API_KEY, KYC_{}_URL", v.to_uppercase(), v.to_uppercase()))
        .collect();
    Command::new("kyc")
        .about("Every Kredibel and Iluma operation from the command line, through kyc-clients")
        .long_about(
            "Every Kredibel and Iluma operation from the command line, through kyc-clients: the \
             same request validation, retries and HTTPS rules as the library. The answer is \
             printed as JSON on stdout, personal data masked unless --reveal; errors are one \
             line on stderr.",
        )
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(format!(
            "Environment: {} (API keys are read from the environment only).\n{EXIT_CODES}",
            variables.join(", ")
        ))
        .arg(url_arg("<vendor>"))
        .arg(
            Arg::new(ENV)
                .long("env")
                .global(true)
                .display_order(GLOBAL_ORDER + 1)
                .value_name("ENV")
                .value_parser(Environment::ALL.map(Environment::as_str))
                .help("The vendor environment whose servers the spec lists (instead of --url)"),
        )
        .arg(
            Arg::new(REVEAL)
                .long("reveal")
                .global(true)
                .display_order(GLOBAL_ORDER + 2)
                .action(ArgAction::SetTrue)
                .help("Print personal data and secrets in the answer instead of masking them"),
        )
        .subcommands(specs.iter().map(vendor_command))
}

/// `--url`, its example under the vendor's own path prefix (`info.x-vendor`). Each vendor's
/// command has its own (clap hands a global argument down only where no argument of the same
/// id is), so `kyc kredibel … --help` shows a `/kredibel` URL; the top level's names none.
fn url_arg(vendor: &str) -> Arg {
    Arg::new(URL)
        .long("url")
        .global(true)
        .display_order(GLOBAL_ORDER)
        .value_name("URL")
        .conflicts_with(ENV)
        .help(format!(
            "Base URL of the vendor API, e.g. http://127.0.0.1:8080/{vendor} for a local \
             sandbox (https, or http to this machine only); default: KYC_{}_URL, else the \
             vendor's sandbox",
            vendor.to_uppercase()
        ))
}

fn vendor_command(spec: &Spec) -> Command {
    let vendor = spec.vendor();
    let upper = vendor.name.to_uppercase();
    Command::new(vendor.name.clone())
        .about(format!("{} operations", vendor.title))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(url_arg(&vendor.name))
        .after_help(format!(
            "Environment: {upper}_API_KEY (the API key), KYC_{upper}_URL (the base URL when \
             neither --url nor --env is given)."
        ))
        .subcommands(
            spec.operations()
                .iter()
                .map(|operation| operation_command(spec, operation)),
        )
}

fn operation_command(spec: &Spec, operation: &Operation) -> Command {
    let node = spec.operation_node(operation);
    let text = |key: &str| plain(node.get(key).and_then(|v| v.as_str()).unwrap_or_default());
    let mut long_about = format!("{}\n\n{}", text("summary"), text("description").trim());
    if let Some(url) = &operation.doc_url {
        long_about.push_str(&format!("\n\nVendor docs: {url}"));
    }
    let vendor = &spec.vendor().name;
    let upper = vendor.to_uppercase();
    let mut notes = Vec::new();
    if let Some(secret) = fields::single_use_secret(vendor, &operation.id) {
        notes.push(format!(
            "The {} is read from {} or, when unset, from standard input; never from a flag, \
             which would land in shell history.",
            secret.parameter, secret.env
        ));
        notes.push(
            "The answer is printed in full, secrets included, without --reveal: the token is \
             single use, so this answer cannot be fetched again. Store it now."
                .to_string(),
        );
    }
    if operation.authenticated {
        notes.push(format!("The API key is read from {upper}_API_KEY."));
    } else {
        notes.push("This operation takes no API key.".to_string());
    }
    let mut command = Command::new(fields::command_name(operation))
        .about(text("summary"))
        .long_about(long_about)
        .after_long_help(format!("{}\n{EXIT_CODES}", notes.join("\n")))
        .args(
            fields::fields(spec, operation)
                .iter()
                .enumerate()
                .map(|(order, field)| field_arg(field).display_order(order)),
        );
    if let Some(body) = &operation.request {
        let help = if body.media_type == "application/json" {
            "A JSON file (or - for stdin) holding the whole request body; flags given beside \
             it replace its fields"
        } else {
            "A JSON file (or - for stdin) holding the form's text fields; flags given beside it \
             replace them, files are given by their flags"
        };
        command = command.arg(
            Arg::new(BODY)
                .long("body")
                .display_order(GLOBAL_ORDER - 1)
                .value_name("FILE.json")
                .help(help),
        );
    }
    command
}

fn field_arg(field: &Field) -> Arg {
    let mut help = field.help.clone();
    if field.kind == Kind::File {
        help = format!("A file path; the file's bytes are sent. {help}");
    }
    let hint = match field.kind {
        Kind::File | Kind::One(_) => None,
        Kind::Json => Some("JSON text."),
        Kind::List(_) if !field.values.is_empty() => {
            Some("Repeat the flag or separate values with commas.")
        }
        Kind::List(_) => Some("Repeat the flag for each value."),
    };
    if let Some(hint) = hint {
        help = format!("{help} {hint}").trim().to_string();
    }
    if field.required {
        help.push_str(" [required]");
    }
    let value_name = match field.kind {
        Kind::File => "FILE",
        Kind::Json => "JSON",
        Kind::One(Scalar::Integer) | Kind::List(Scalar::Integer) => "INTEGER",
        Kind::One(Scalar::Number) | Kind::List(Scalar::Number) => "NUMBER",
        _ => "VALUE",
    };
    let mut arg = Arg::new(field.id())
        .long(field.long.clone())
        .value_name(value_name)
        .help(help);
    // A required parameter is required by clap; a required body field may come from --body,
    // so the library names it when missing.
    if field.place == fields::Place::Parameter && field.required {
        arg = arg.required(true);
    }
    match field.kind {
        Kind::One(Scalar::Boolean) => arg = arg.value_parser(["true", "false"]),
        Kind::List(_) => {
            arg = arg.action(ArgAction::Append);
            if !field.values.is_empty() {
                arg = arg.value_delimiter(',');
            }
        }
        _ => {}
    }
    if !field.values.is_empty() {
        arg = arg.value_parser(clap::builder::PossibleValuesParser::new(
            field
                .values
                .iter()
                .map(|v| clap::builder::PossibleValue::new(v.clone())),
        ));
    }
    arg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        // clap's own checks: unique ids and flags, valid relations, for every subcommand.
        build(fields::specs()).debug_assert();
    }

    #[test]
    fn help_is_plain_text_and_each_vendor_names_its_own_urls() {
        let mut command = build(fields::specs());
        command.build();
        let vendors: Vec<&str> = fields::specs()
            .iter()
            .map(|s| s.vendor().name.as_str())
            .collect();
        for vendor in &vendors {
            let group = command.find_subcommand_mut(vendor).expect("vendor group");
            let mut helps = vec![("".to_string(), group.render_long_help().to_string())];
            for operation in group.get_subcommands_mut() {
                let name = operation.get_name().to_string();
                if name == "help" {
                    continue;
                }
                helps.push((name, operation.render_long_help().to_string()));
            }
            for (operation, help) in helps {
                let at = format!("kyc {vendor} {operation} --help");
                // Markdown a terminal would show raw.
                for markup in ["**", "\\[", "\\]", "`", "](", "<http"] {
                    assert!(!help.contains(markup), "{at} shows `{markup}`:\n{help}");
                }
                assert!(
                    help.contains(&format!("http://127.0.0.1:8080/{vendor} ")),
                    "{at}: --url's example is not under /{vendor}:\n{help}"
                );
                for other in vendors.iter().filter(|other| *other != vendor) {
                    assert!(
                        !help.contains(&format!("127.0.0.1:8080/{other}")),
                        "{at} shows another vendor's URL:\n{help}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_operation_of_every_spec_is_a_subcommand() {
        let command = build(fields::specs());
        for spec in fields::specs() {
            let vendor = command
                .find_subcommand(&spec.vendor().name)
                .expect("vendor group");
            for operation in spec.operations() {
                assert!(
                    vendor
                        .find_subcommand(fields::command_name(operation))
                        .is_some(),
                    "{} {}",
                    spec.vendor().name,
                    operation.id
                );
            }
            assert_eq!(
                vendor.get_subcommands().count(),
                spec.operations().len(),
                "{}",
                spec.vendor().name
            );
        }
        let iluma = command.find_subcommand("iluma").expect("iluma");
        for name in ["get-health", "get-individual-screening", "verify-id-card"] {
            assert!(iluma.find_subcommand(name).is_some(), "{name}");
        }
    }
}
