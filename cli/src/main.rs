//! `kyc`: every Kredibel and Iluma operation from the command line, through `kyc-clients`.
//!
//! `kyc <vendor> <operation> [flags] [--url URL | --env ENV] [--reveal]`. The subcommands,
//! flags and help are read from the specs in `openapi/` (through `kyc-spec`); each command is
//! sent by the library's generated builder (`build.rs` writes the dispatch), so validation,
//! retries, auth and the HTTPS rule are the library's. The answer goes to stdout as JSON,
//! personal data masked; a failure is one line on stderr and an exit code (see
//! [`failure::Failure::exit_code`]).

mod command;
mod dispatch;
mod failure;
mod fields;
mod id_card;
mod input;
mod output;
mod plain;
mod target;

use std::process::ExitCode;

use clap::ArgMatches;
use heck::ToSnakeCase as _;
use kyc_spec::{Operation, Parameter, Spec};

use crate::failure::Failure;
use crate::input::Input;
use crate::target::Target;

fn main() -> ExitCode {
    let specs = fields::specs();
    let matches = match command::build(specs).try_get_matches() {
        Ok(matches) => matches,
        Err(err) => return clap_exit(&err),
    };
    let Some((vendor, operation, matches)) = chosen(specs, &matches) else {
        eprintln!("kyc: no such command (see --help)");
        return ExitCode::from(2);
    };
    let name = &spec_of(specs, vendor).vendor().name;
    match run(spec_of(specs, vendor), operation, matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let failure = explain(spec_of(specs, vendor), operation, failure);
            eprintln!("kyc: {name} {}: {failure}", fields::command_name(operation));
            failure.exit_code()
        }
    }
}

/// Help and version on stdout (exit 0); a usage error as one line on stderr (exit 2), or the
/// help when a subcommand is missing.
fn clap_exit(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(2)
        }
        _ => {
            eprintln!("kyc: {}", failure::clap_line(err));
            ExitCode::from(2)
        }
    }
}

fn spec_of<'a>(specs: &'a [Spec], vendor: &str) -> &'a Spec {
    specs
        .iter()
        .find(|s| s.vendor().name == vendor)
        .expect("the command line lists the specs' vendors only")
}

/// The vendor, operation and flags the command line chose.
fn chosen<'a>(
    specs: &'a [Spec],
    matches: &'a ArgMatches,
) -> Option<(&'a str, &'a Operation, &'a ArgMatches)> {
    let (vendor, vendor_matches) = matches.subcommand()?;
    let (command, matches) = vendor_matches.subcommand()?;
    let operation = spec_of(specs, vendor)
        .operations()
        .iter()
        .find(|op| fields::command_name(op) == command)?;
    Some((vendor, operation, matches))
}

fn run(spec: &Spec, operation: &Operation, matches: &ArgMatches) -> Result<(), Failure> {
    let vendor = &spec.vendor().name;
    let input = Input::read(spec, operation, matches)?;
    let target = Target::resolve(spec, operation, matches)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::Transport(format!("cannot start the runtime: {}", err.kind())))?;
    let answer = runtime.block_on(dispatch::run(vendor, &operation.id, &input, &target))?;
    // The answer of a single-use secret cannot be fetched again: it is printed whole.
    let reveal = matches.get_flag(command::REVEAL)
        || fields::single_use_secret(vendor, &operation.id).is_some();
    output::print(answer, dispatch::answer_pii(vendor, &operation.id), reveal)
}

/// Names the flag the user types: a refused field that has a flag is named by it, with the
/// field's name in the spec (and in a `--body` file) beside it when they differ:
/// `--identity-id (identityId): required`. A parameter the library's builder could not convert
/// comes back as "conversion to `Type` for name failed"; it gets its flag and the spec's rule.
fn explain(spec: &Spec, operation: &Operation, failure: Failure) -> Failure {
    let Failure::Refused { field, rule } = failure else {
        return failure;
    };
    let (field, rule) = match field {
        Some(field) => (field, rule),
        None => match unconverted_parameter(operation, &rule) {
            Some(parameter) => {
                let rule = fields::parameter_rule(spec, operation, &parameter.name)
                    .map(|rule| format!("must be {rule}"))
                    .unwrap_or_else(|| "does not match the spec".to_string());
                (parameter.name.clone(), rule)
            }
            None => return Failure::Refused { field: None, rule },
        },
    };
    let flag = fields::fields(spec, operation)
        .into_iter()
        .find(|f| f.wire == field)
        .map(|f| {
            if f.long == f.wire {
                format!("--{}", f.long)
            } else {
                format!("--{} ({})", f.long, f.wire)
            }
        });
    Failure::Refused {
        field: Some(flag.unwrap_or(field)),
        rule,
    }
}

/// The parameter named by the library's "conversion to `Type` for name failed".
fn unconverted_parameter<'a>(operation: &'a Operation, rule: &str) -> Option<&'a Parameter> {
    let setter = rule
        .strip_prefix("conversion to `")
        .and_then(|rest| rest.split_once("` for "))
        .and_then(|(_, rest)| rest.strip_suffix(" failed"))?;
    operation
        .parameters
        .iter()
        .find(|p| p.name.to_snake_case() == setter)
}
