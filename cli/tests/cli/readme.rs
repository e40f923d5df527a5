//! The root README's `kyc` block, run as written: its `export` lines are the environment, its
//! `kyc` lines the commands (each must succeed), against the offline sandbox it tells the
//! reader to start, with the files it names (a selfie within both vendors' limits, the
//! documented KTP form, a token).

use std::collections::BTreeMap;

use kyc_spec::image::sample::Image;
use serde_json::json;

use crate::support::{Files, kyc, sandbox};

/// The first `sh` block under the README's "The kyc command line".
fn readme_block() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let section = readme
        .split("\n## The kyc command line")
        .nth(1)
        .expect("the README has a kyc section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("a sh block in the kyc section");
    block.lines().map(str::to_string).collect()
}

/// A command line split into words as a shell would for these lines: blanks separate, single
/// and double quotes group, `#` at a word's start begins a comment. `< file` is returned apart.
fn words(line: &str) -> (Vec<String>, Option<String>) {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, '#') if word.is_none() => break,
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    let stdin = match words.iter().position(|w| w == "<") {
        Some(at) => {
            let file = words.get(at + 1).cloned();
            words.truncate(at);
            file
        }
        None => None,
    };
    (words, stdin)
}

#[tokio::test]
async fn the_readme_kyc_lines_run_against_the_offline_sandbox() {
    let sandbox = sandbox().await;
    let files = Files::new();
    // The files the README names, as it describes them.
    files.write("selfie.jpg", &Image::jpeg(600, 600).bytes(150 * 1024));
    files.json(
        "ktp.json",
        &json!({"name": "penito kristian", "id_card_number": "3275031210930027"}),
    );
    files.write("token.txt", b"readme-token");
    // Where the README starts `kyc-sandbox --listen`, this test's sandbox listens.
    let mut listen = None;
    let mut env = BTreeMap::new();
    let mut ran = Vec::new();
    for line in readme_block() {
        let (words, stdin) = words(&line);
        let Some(program) = words.first() else {
            continue;
        };
        match program.as_str() {
            "cargo" => assert_eq!(words[1], "install", "{line}"),
            "kyc-sandbox" => {
                let at = words
                    .iter()
                    .position(|w| w == "--listen")
                    .expect("--listen");
                listen = Some(format!("http://{}", words[at + 1]));
            }
            "export" => {
                for assignment in &words[1..] {
                    let (name, value) = assignment.split_once('=').expect("NAME=value");
                    let listen = listen.as_deref().expect("the sandbox starts first");
                    let value = value.replace(listen, &sandbox.base_url());
                    env.insert(name.to_string(), value);
                }
            }
            "kyc" => {
                let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
                let mut run = kyc(&args).dir(files.path());
                for (name, value) in &env {
                    run = run.env(name, value);
                }
                if let Some(file) = stdin {
                    run = run.stdin(&std::fs::read(files.path().join(file)).expect("stdin file"));
                }
                let answer = run.run().await.success();
                if args[1] == "get-individual-screening" {
                    assert_eq!(answer["status"], "COMPLETED", "{line}: {answer}");
                }
                ran.push(args[1].to_string());
            }
            other => {
                panic!("the README's kyc block runs `{other}`, which this test cannot: {line}")
            }
        }
    }
    assert!(ran.len() >= 6, "only {ran:?} ran");
    // Each ran against the sandbox, none against a vendor.
    assert!(sandbox.requests().total() >= ran.len() as u64, "{ran:?}");
}
