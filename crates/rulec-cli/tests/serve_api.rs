//! `rulec serve`'s JSON API over plain HTTP: the workbench shows the
//! verdicts `rulec eval` gives, pages and filters them, refuses what it
//! does not understand with a 4xx, and listens on loopback only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the test on a broken setup"
)]

#[allow(dead_code, reason = "each test uses part of the helpers")]
mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use serde_json::Value;
use support::{INDEX, SEED, SEED_PATIENTS, Served, eval_counts};

fn total(served: &Served, query: &str) -> u64 {
    let (status, page) = served.get(&format!("/api/patients?{query}"));
    assert_eq!(status, 200, "{page}");
    page["total"].as_u64().unwrap()
}

#[test]
fn the_workbench_listens_on_loopback_and_gives_evals_verdicts() {
    let served = Served::seed();
    assert!(
        served.url.starts_with("http://127.0.0.1:"),
        "{}",
        served.url
    );
    // This machine's address on its network, if it has one: the server
    // must not answer there. (Connecting a UDP socket sends nothing.)
    let outward = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").and(s.local_addr()))
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    if let Some(ip) = outward {
        let port: u16 = served.host.rsplit(':').next().unwrap().parse().unwrap();
        assert!(
            std::net::TcpStream::connect((ip, port)).is_err(),
            "rulec serve answers on {ip}"
        );
    }
    let status = served.wait_done();
    let counts = eval_counts();
    let funnel = &status["funnel"];
    for key in ["eligible", "ineligible", "undetermined"] {
        let expected = counts.get(key).copied().unwrap_or(0) as u64;
        assert_eq!(funnel[key].as_u64(), Some(expected), "{key}");
        assert_eq!(total(&served, &format!("status={key}")), expected, "{key}");
    }
    assert_eq!(
        total(&served, ""),
        counts.values().sum::<usize>() as u64,
        "every record is listed, the malformed ones too"
    );
}

#[test]
fn pages_cover_the_filtered_patients_once_each() {
    let served = Served::seed();
    served.wait_done();
    let undetermined = total(&served, "status=undetermined");
    let mut seen = BTreeSet::new();
    let mut page = 1;
    loop {
        let (status, body) = served.get(&format!(
            "/api/patients?status=undetermined&per_page=7&page={page}"
        ));
        assert_eq!(status, 200);
        assert_eq!(body["pages"].as_u64(), Some(undetermined.div_ceil(7)));
        let patients = body["patients"].as_array().unwrap();
        if patients.is_empty() {
            break;
        }
        assert!(patients.len() <= 7);
        for patient in patients {
            assert_eq!(patient["status"], "undetermined");
            assert!(seen.insert(patient["n"].as_u64().unwrap()), "{patient}");
        }
        page += 1;
    }
    assert_eq!(seen.len() as u64, undetermined);
}

#[test]
fn filters_by_criterion_and_missing_field() {
    let served = Served::seed();
    let status = served.wait_done();
    let hepatic = status["funnel"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hepatic")
        .unwrap()
        .clone();
    // An inclusion criterion rules out the patients it is not met for.
    assert_eq!(total(&served, "criterion=hepatic"), hepatic["not_met"]);
    assert_eq!(
        total(&served, "criterion=hepatic&outcome=unknown"),
        hepatic["unknown"]
    );
    let (_, body) = served.get("/api/patients?missing=birth_date&per_page=500");
    let patients = body["patients"].as_array().unwrap();
    assert!(!patients.is_empty());
    for patient in patients {
        let missing: Vec<&str> = patient["missing"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(missing.contains(&"birth_date"), "{patient}");
    }
    let (_, body) = served.get("/api/patients?errors=1&per_page=500");
    assert_eq!(body["total"], status["funnel"]["with_data_errors"]);
}

#[test]
fn an_explanation_names_the_missing_field() {
    let served = Served::seed();
    served.wait_done();
    let (_, body) = served.get("/api/patients?missing=hemoglobin&per_page=1");
    let n = body["patients"][0]["n"].as_u64().unwrap();
    let (status, explained) = served.get(&format!("/api/patients/{n}"));
    assert_eq!(status, 200, "{explained}");
    let verdict = &explained["verdict"];
    assert_eq!(verdict["status"], "undetermined");
    assert!(
        verdict["missing"]
            .as_array()
            .unwrap()
            .contains(&Value::from("hemoglobin"))
    );
    let hb = verdict["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hemoglobin")
        .unwrap();
    assert_eq!(hb["outcome"], "unknown");
    assert!(hb["explanation"].as_str().unwrap().contains("hemoglobin"));
    assert!(explained["from"].as_str().unwrap().starts_with("line "));
}

#[test]
fn bad_requests_get_a_4xx_with_a_reason() {
    let served = Served::seed();
    for (path, expected) in [
        ("/api/patients?status=maybe", 400),
        ("/api/patients?page=0", 400),
        ("/api/patients?per_page=100000", 400),
        ("/api/patients?criterion=no_such", 400),
        ("/api/patients?missing=no_such", 400),
        ("/api/patients?outcome=met", 400),
        ("/api/patients/not-a-number", 400),
        ("/api/patients/99999999", 404),
        ("/api/patients/+5", 400),
        ("/api/patients/-0", 400),
        ("/api/patients/", 400),
        ("/api/nothing", 404),
    ] {
        let (status, body) = served.get(path);
        assert_eq!(status, expected, "{path}: {body}");
        assert!(body["error"].is_string(), "{path}: {body}");
    }
    // A form post, which another site could send without asking.
    let (status, _) = served.exchange(&format!(
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\n\
         Content-Length: 2\r\nConnection: close\r\n\r\nhi",
        served.host
    ));
    assert_eq!(status, 415);
    // The media type whole, in any case.
    for (content_type, expected) in [
        ("application/jsonp", 415),
        ("application/json-seq", 415),
        ("APPLICATION/JSON; charset=utf-8", 400),
        (" application/json ", 400),
    ] {
        let (status, body) = served.exchange(&format!(
            "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\n\
             Content-Length: 2\r\nConnection: close\r\n\r\n{{}}",
            served.host
        ));
        assert_eq!(status, expected, "{content_type}: {body}");
    }
    // A method the path does not take: 405, saying which it takes.
    for (method, path, allow) in [
        ("GET", "/api/check", "POST"),
        ("OPTIONS", "/api/check", "POST"),
        ("POST", "/api/status", "GET"),
        ("DELETE", "/api/patients/1", "GET"),
    ] {
        let (status, head, _) = served.exchange_within(
            &format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\
                 Connection: close\r\n\r\n",
                served.host
            ),
            Duration::from_secs(30),
        );
        assert_eq!(status, 405, "{method} {path}");
        assert!(
            head.lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("allow: {allow}"))),
            "{method} {path}: {head}"
        );
    }
    // DNS rebinding: another name for 127.0.0.1.
    let (status, _) = served
        .exchange("GET /api/status HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 403);
    let (status, body) = served.exchange(&format!(
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 5\r\nConnection: close\r\n\r\n[1,2]",
        served.host
    ));
    assert_eq!(status, 400, "{body}");
}

#[test]
fn an_edit_is_checked_and_when_it_checks_rescreened() {
    let served = Served::seed();
    served.wait_done();
    let (_, rules) = served.get("/api/rules");
    let source = rules["source"].as_str().unwrap();
    assert!(source.contains("hemoglobin > 80 g/L"));
    let typo = source.replacen("hemoglobin > 80 g/L", "hemoglobn > 80 g/L", 1);
    let (status, answer) = served.check(&typo);
    assert_eq!(status, 200);
    assert_eq!(answer["ok"], false);
    let diagnostic = &answer["diagnostics"][0];
    assert_eq!(diagnostic["code"], "rulec::check::unknown_name");
    assert_eq!(diagnostic["help"], "did you mean `hemoglobin`?");
    // The patients stay screened with the rules that checked.
    assert_eq!(served.get("/api/status").1["generation"], 1);

    // Every patient passes the hemoglobin criterion now.
    let lowered = source.replacen("hemoglobin > 80 g/L", "hemoglobin > 1 g/L", 1);
    let (_, answer) = served.check(&lowered);
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["generation"], 2);
    let status = served.wait_done();
    assert_eq!(status["generation"], 2);
    let hb = status["funnel"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hemoglobin")
        .unwrap()
        .clone();
    assert_eq!(hb["not_met"], 0, "{hb}");
    assert_eq!(
        served.get("/api/rules").1["source"].as_str(),
        Some(&*lowered)
    );
}

#[test]
fn the_page_and_its_assets_load_nothing_from_elsewhere() {
    let served = Served::seed();
    for path in ["/", "/app.js", "/style.css"] {
        let (status, body) = served.exchange(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            served.host
        ));
        assert_eq!(status, 200, "{path}");
        for outside in [
            "src=\"http",
            "href=\"http",
            "@import",
            "url(http",
            "fetch(\"http",
        ] {
            assert!(!body.contains(outside), "{path} has {outside}");
        }
    }
}

/// `GET /api/status`, answered within `seconds`: its status code.
fn status_within(served: &Served, seconds: u64) -> u16 {
    let started = Instant::now();
    let (status, _, _) = served.exchange_within(
        &format!(
            "GET /api/status HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            served.host
        ),
        Duration::from_secs(seconds),
    );
    assert!(started.elapsed() < Duration::from_secs(seconds));
    status
}

/// Connections that announce a body and never send it (over 1024 bytes:
/// `tiny_http` reads a smaller body itself before handing the request on).
fn slow_posts(served: &Served, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut stream = TcpStream::connect(&served.host).unwrap();
            stream
                .write_all(
                    format!(
                        "POST /api/check HTTP/1.1\r\nHost: {}\r\n\
                         Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
                        served.host
                    )
                    .as_bytes(),
                )
                .unwrap();
            stream
        })
        .collect()
}

#[test]
fn clients_that_never_send_their_body_hold_up_nothing_else() {
    let served = Served::seed();
    served.wait_done();
    let held = slow_posts(&served, 16);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(status_within(&served, 5), 200);
    // Past the requests answered at once, a request is refused at once,
    // not queued behind them.
    let more = slow_posts(&served, 64);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(status_within(&served, 5), 503);
    drop((held, more));
    let started = Instant::now();
    while status_within(&served, 5) != 200 {
        assert!(started.elapsed() < Duration::from_secs(10), "still busy");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_absurd_content_length_is_refused_and_the_server_goes_on() {
    let served = Served::seed();
    let mut stream = TcpStream::connect(&served.host).unwrap();
    write!(
        stream,
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\n\
         Content-Length: 400000000000000\r\n\r\nabc",
        served.host
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer).unwrap();
    // 413 (415 before the server looked at the length).
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer:?}");
    drop(stream);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(status_within(&served, 10), 200);
}

/// Threads of process `pid` (Linux), or none where /proc does not say.
fn threads(pid: u32) -> Option<usize> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))?
        .trim()
        .parse()
        .ok()
}

#[test]
fn an_edit_stops_the_screenings_it_replaces() {
    let served = Served::seed();
    served.wait_done();
    // Rules slow to screen the seed patients with (another trial's: most
    // fields are missing), each edit differing by a comment.
    let slow = std::fs::read_to_string(format!(
        "{}/../../examples/NCT02028676.rules",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let edit = |i: usize| {
        let (status, answer) = served.check(&format!("{slow}\n# edit {i}\n"));
        assert_eq!(
            (status, &answer["ok"]),
            (200, &Value::Bool(true)),
            "{answer}"
        );
        answer["generation"].clone()
    };
    // The counts /api/status gives always agree with each other.
    let agree = |status: &Value| {
        assert_eq!(status["records"], status["funnel"]["records"], "{status}");
    };
    let started = Instant::now();
    let generation = edit(0);
    let status = served.wait_done_checking(agree);
    assert_eq!(status["generation"], generation);
    let alone = started.elapsed();
    let before = served.pid();
    let baseline = threads(before);

    let mut generation = Value::Null;
    for i in 1..=20 {
        generation = edit(i);
    }
    let started = Instant::now();
    let mut peak = 0;
    let status = served.wait_done_checking(|status| {
        agree(status);
        peak = peak.max(threads(before).unwrap_or(0));
    });
    let after_all = started.elapsed();
    assert_eq!(status["generation"], generation);
    assert!(
        after_all < alone * 2 + Duration::from_secs(8),
        "the newest screening took {after_all:?}, one alone {alone:?}"
    );
    if let Some(baseline) = baseline {
        assert!(peak < baseline + 20, "{peak} threads, {baseline} before");
        // The replaced screenings' threads end.
        let started = Instant::now();
        while threads(before).unwrap_or(0) > baseline + 2 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{:?} threads, {baseline} before",
                threads(before)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn an_ipv4_mapped_loopback_address_is_loopback() {
    let served = Served::seed_with(&["--bind", "::ffff:127.0.0.1"]);
    assert!(
        served.url.starts_with("http://[::ffff:127.0.0.1]:"),
        "{}",
        served.url
    );
    assert_eq!(status_within(&served, 30), 200);
    // So the Host header is checked, as on 127.0.0.1.
    let (status, _) = served
        .exchange("GET /api/status HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 403);
}

#[test]
fn a_closed_stdout_loses_the_url_line_only() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = Command::new(get_cargo_bin("rulec"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", SEED, "--records", SEED_PATIENTS])
        .args(["--index-date", INDEX, "--port", "0"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL on stderr: {line:?}"));
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /api/status HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = BufReader::new(stream).read_line(&mut answer);
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    assert!(running, "rulec serve exited");
}

#[test]
fn the_server_stops_with_an_error_when_it_cannot_accept_any_more() {
    if !cfg!(target_os = "linux") {
        return;
    }
    // Few file descriptors, and more idle connections than they allow:
    // tiny_http's accept thread fails (it panics in tiny_http 0.12).
    let mut child = Command::new("sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("-c")
        .arg("ulimit -n 48 && exec \"$0\" \"$@\"")
        .arg(get_cargo_bin("rulec"))
        .args(["serve", SEED, "--records", SEED_PATIENTS])
        .args(["--index-date", INDEX, "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let host = line
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let held: Vec<TcpStream> = (0..60)
        .filter_map(|_| TcpStream::connect(&host).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    drop(held);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(15) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rulec serve neither answers nor stops");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stopped accepting connections"), "{stderr}");
}
