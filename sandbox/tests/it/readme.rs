//! `sandbox/README.md`'s shell lines, run as written where they run offline: the server lines
//! of "As a server" start the binary (on a free port instead of 8080), and the two `curl`
//! requests of "Callbacks" are sent as curl would send them, to that binary. (Its Rust blocks
//! run in the root crate's `tests/it/readme.rs`, where the clients and the acme spec are.)

use crate::support::{SandboxProcess, http_client};

/// The README's `sh` blocks, each as its logical lines (`\`-continued lines joined).
fn sh_blocks() -> Vec<Vec<String>> {
    let readme = include_str!("../../README.md");
    readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .map(|block| {
            block
                .replace("\\\n", " ")
                .lines()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Words as a shell splits these lines: blanks separate, single quotes group.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            c if c.is_whitespace() && !quoted => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[test]
fn the_server_lines_start_the_sandbox() {
    let lines: Vec<Vec<String>> = sh_blocks()
        .into_iter()
        .flatten()
        .map(|line| words(&line))
        .filter(|w| {
            w.starts_with(&[
                "cargo".into(),
                "run".into(),
                "-p".into(),
                "kyc-sandbox".into(),
                "--".into(),
                "--listen".into(),
            ])
        })
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    for line in lines {
        let args: Vec<&str> = line[5..]
            .iter()
            .map(|w| {
                if w == "127.0.0.1:8080" {
                    "127.0.0.1:0"
                } else {
                    w
                }
            })
            .collect();
        let sandbox = SandboxProcess::start_with(&args, &[], false);
        assert!(sandbox.iluma_url.ends_with("/iluma"), "{args:?}");
    }
}

#[tokio::test]
async fn the_curl_lines_register_and_remove_a_callback_url() {
    let sandbox = SandboxProcess::start(&[], false);
    let base = sandbox.iluma_url.trim_end_matches("/iluma").to_string();
    let curls: Vec<Vec<String>> = sh_blocks()
        .into_iter()
        .flatten()
        .map(|line| words(&line))
        .filter(|w| w.first().is_some_and(|w| w == "curl"))
        .collect();
    assert_eq!(curls.len(), 2, "{curls:?}");
    let http = http_client();
    for curl in curls {
        // curl's defaults: GET, or POST with `-d`; `-u user:` is Basic with an empty password.
        let (mut method, mut user, mut headers, mut data, mut url) =
            ("GET".to_string(), None, Vec::new(), None, None);
        let mut args = curl[1..].iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().cloned().expect("a value after the option");
            match arg.as_str() {
                "-u" => user = Some(value()),
                "-H" => headers.push(value()),
                "-d" => {
                    data = Some(value());
                    method = "POST".into();
                }
                "-X" => method = value(),
                other if other.starts_with("http://") => {
                    url = Some(other.replace("http://127.0.0.1:8080", &base));
                }
                other => panic!("an option this test does not know: {other}"),
            }
        }
        let url = url.expect("a URL");
        let mut request = http.request(method.parse().expect("a method"), &url);
        if let Some(user) = user {
            let (name, password) = user.split_once(':').expect("user:password");
            request = request.basic_auth(name, Some(password));
        }
        for header in headers {
            let (name, value) = header.split_once(": ").expect("Name: value");
            request = request.header(name, value);
        }
        if let Some(data) = data {
            request = request.body(data);
        }
        let status = request.send().await.expect("the sandbox answers").status();
        assert!(status.is_success(), "{method} {url}: {status}");
    }
}
