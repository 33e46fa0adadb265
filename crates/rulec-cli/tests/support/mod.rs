//! `rulec serve` run as a user runs it, for the workbench's tests: the
//! seed trial on a free port, a plain HTTP client, and the verdicts
//! `rulec eval` gives, to hold the workbench to them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use serde_json::Value;

/// The seed trial and its patients, from the crate directory.
pub const SEED: &str = "../../examples/nct03473496.rules";
pub const SEED_PATIENTS: &str = "../../examples/patients/nct03473496.jsonl";
pub const INDEX: &str = "2026-01-15";

/// A running `rulec serve`, stopped when dropped.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub host: String,
}

impl Served {
    /// `rulec serve` on the seed trial, on a port of its choosing.
    pub fn seed() -> Served {
        Served::seed_with(&[])
    }

    /// The same, with more options (`--bind …`).
    pub fn seed_with(options: &[&str]) -> Served {
        let mut child = Command::new(get_cargo_bin("rulec"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["serve", SEED, "--records", SEED_PATIENTS])
            .args(["--index-date", INDEX, "--port", "0"])
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("rulec serve starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("rulec serve prints its URL");
        let url = line.trim().to_owned();
        let host = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        assert!(!host.is_empty(), "no URL printed: {line:?}");
        Served { child, url, host }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A raw HTTP/1.1 exchange: the status code and the body.
    pub fn exchange(&self, request: &str) -> (u16, String) {
        let (status, _, body) = self.exchange_within(request, Duration::from_secs(30));
        (status, body)
    }

    /// A raw exchange answered within `time`: status code, head, body.
    pub fn exchange_within(&self, request: &str, time: Duration) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.host).expect("the server accepts");
        stream
            .set_read_timeout(Some(time))
            .expect("a timeout can be set");
        stream
            .write_all(request.as_bytes())
            .expect("the request is sent");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("the answer is read");
        let answer = String::from_utf8(answer).expect("the answer is UTF-8");
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        (status, head.to_owned(), body.to_owned())
    }

    /// `GET path` with this server's Host: status and JSON body.
    pub fn get(&self, path: &str) -> (u16, Value) {
        let (status, body) = self.exchange(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.host
        ));
        let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
        (status, json)
    }

    /// `POST /api/check` with `{"source": …}`.
    pub fn check(&self, source: &str) -> (u16, Value) {
        let body = serde_json::json!({ "source": source }).to_string();
        let (status, body) = self.exchange(&format!(
            "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.host,
            body.len()
        ));
        (status, serde_json::from_str(&body).expect("a JSON answer"))
    }

    /// Waits for the newest screening to finish; its status.
    pub fn wait_done(&self) -> Value {
        self.wait_done_checking(|_| {})
    }

    /// The same, showing `look` every status read on the way.
    pub fn wait_done_checking(&self, mut look: impl FnMut(&Value)) -> Value {
        let start = Instant::now();
        loop {
            let (status, json) = self.get("/api/status");
            assert_eq!(status, 200, "{json}");
            look(&json);
            if json["done"] == true {
                return json;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "screening did not finish: {json}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Each status `rulec eval --format json` gives the seed patients, with
/// how many get it: what the workbench must show.
pub fn eval_counts() -> std::collections::BTreeMap<String, usize> {
    let out = Command::new(get_cargo_bin("rulec"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["eval", SEED, "--records", SEED_PATIENTS])
        .args(["--index-date", INDEX, "--format", "json"])
        .output()
        .expect("rulec eval runs");
    assert!(out.status.success(), "rulec eval failed");
    let mut counts = std::collections::BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let verdict: Value = serde_json::from_str(line).expect("a JSON verdict");
        let status = verdict["status"].as_str().expect("a status").to_owned();
        *counts.entry(status).or_insert(0) += 1;
    }
    counts
}
