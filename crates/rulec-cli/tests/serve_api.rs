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

use serde_json::Value;
use support::{Served, eval_counts};

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
