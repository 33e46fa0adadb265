//! Definition, references, rename, formatting and the outline.

use serde_json::{Value, json};

use super::client::{self, Client, apply, covered, uri};
use super::{COHORTS, SEED, SMALL, at, example, find, scratch};

/// The texts and lines of locations in `text`.
fn places(text: &str, locations: &Value) -> Vec<(u64, String)> {
    locations
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["range"]["start"]["line"].as_u64().unwrap(),
                covered(text, &l["range"]).to_owned(),
            )
        })
        .collect()
}

#[test]
fn definition_and_references_of_fields_defines_and_members() {
    let dir = tempfile::tempdir().unwrap();
    let (_, uri) = scratch(&dir, "small.rules", SMALL);
    let (mut client, _) = Client::start();
    client.open(&uri, SMALL);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let mut definition = |needle: &str, nth: usize| {
        let found = at(
            &mut client,
            "textDocument/definition",
            &uri,
            SMALL,
            needle,
            nth,
        );
        assert_eq!(found["uri"], uri.as_str());
        (
            found["range"]["start"]["line"].as_u64().unwrap(),
            covered(SMALL, &found["range"]).to_owned(),
        )
    };
    // A field, from its use in a define and in a criterion.
    assert_eq!(definition("hb <", 0), (2, "hb".to_owned()));
    assert_eq!(definition("hb >", 0), (2, "hb".to_owned()));
    // A define, from its use.
    assert_eq!(definition("low_hb and", 0), (4, "low_hb".to_owned()));
    // A member, after `=` and after `!=`.
    assert_eq!(definition("female", 1), (1, "female".to_owned()));
    assert_eq!(definition(" male", 1), (1, "male".to_owned()));
    // Nothing at a keyword.
    assert_eq!(
        at(
            &mut client,
            "textDocument/definition",
            &uri,
            SMALL,
            "inclusion",
            0
        ),
        Value::Null
    );

    let mut references = |needle: &str, nth: usize, declaration: bool| {
        let (line, character) = find(SMALL, needle, nth);
        let found = client.request_ok(
            "textDocument/references",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": line, "character": character },
                "context": { "includeDeclaration": declaration },
            }),
        );
        places(SMALL, &found)
    };
    let hb = |line: u64| (line, "hb".to_owned());
    assert_eq!(references("hb:", 0, true), [hb(2), hb(4), hb(7)]);
    assert_eq!(references("hb >", 0, false), [hb(4), hb(7)]);
    assert_eq!(
        references("low_hb", 0, true),
        [(4, "low_hb".to_owned()), (7, "low_hb".to_owned())]
    );
    assert_eq!(
        references("sex =", 0, true),
        [
            (1, "sex".to_owned()),
            (6, "sex".to_owned()),
            (7, "sex".to_owned())
        ]
    );
    assert_eq!(
        references("female", 0, true),
        [(1, "female".to_owned()), (6, "female".to_owned())]
    );
    client.finish(true);
}

#[test]
fn rename_edits_every_place_a_name_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (_, uri) = scratch(&dir, "small.rules", SMALL);
    let (mut client, _) = Client::start();
    client.open(&uri, SMALL);
    let mut rename = |needle: &str, nth: usize, new: &str| {
        let (line, character) = find(SMALL, needle, nth);
        client.request(
            "textDocument/rename",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": line, "character": character },
                "newName": new,
            }),
        )
    };
    let renamed = |response: Value| {
        let changes = response["result"]["changes"].as_object().unwrap().clone();
        assert_eq!(changes.len(), 1, "{changes:?}");
        apply(SMALL, changes[&uri].as_array().unwrap())
    };
    assert_eq!(
        renamed(rename("hb >", 0, "haemoglobin")),
        SMALL
            .replace("  hb: g/L", "  haemoglobin: g/L")
            .replace("hb < 100", "haemoglobin < 100")
            .replace("hb > 60", "haemoglobin > 60")
    );
    assert_eq!(
        renamed(rename(" male", 1, "man")),
        SMALL
            .replace("female, male", "female, man")
            .replace("!= male", "!= man")
    );
    assert_eq!(
        renamed(rename("low_hb", 1, "anaemia")),
        SMALL.replace("low_hb", "anaemia")
    );
    assert_eq!(
        renamed(rename("women", 0, "woman")),
        SMALL.replace("women \"", "woman \"")
    );
    // Names the language refuses, and nothing to rename.
    for (new, words) in [
        ("and", "reserved word"),
        ("2x", "is not a name"),
        ("a-b", "is not a name"),
    ] {
        let response = rename("hb >", 0, new);
        assert_eq!(response["error"]["code"], json!(-32803), "{response}");
        let message = response["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{message}");
    }
    let response = rename("inclusion", 0, "x");
    assert_eq!(response["error"]["code"], json!(-32803), "{response}");
    client.finish(true);
}

#[test]
fn formatting_gives_what_rulec_fmt_writes() {
    let dir = tempfile::tempdir().unwrap();
    // An example with its indentation and alignment taken away.
    let original = std::fs::read_to_string(example(COHORTS)).unwrap();
    let messy: String = original
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(messy, original);
    let (path, uri) = scratch(&dir, "messy.rules", &messy);
    let (mut client, _) = Client::start();
    client.open(&uri, &messy);
    let edits = client.request_ok(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let formatted = apply(&messy, edits.as_array().unwrap());
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_rulec"))
        .arg("fmt")
        .arg(&path)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    assert_eq!(formatted, std::fs::read_to_string(&path).unwrap());
    assert_ne!(formatted, messy);
    // Formatted already: no edit.
    client.change(&uri, 2, &formatted);
    let edits = client.request_ok(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits, json!([]));
    client.finish(true);
}

/// A file with names in every scope: the record's, a list element's,
/// members, criteria across cohorts, cohorts.
const SCOPES: &str = r#"fields {
  sex: one of { female, male }
  markers: set of { BCMA, CD38 }
  creatinine: umol/L
  therapies: list of { class: one of { car_t, other }, failed: bool }
  age: integer
}
define woman: sex = female
inclusion {
  adult "Adults": age >= 18
  bcma: markers has any of { BCMA } and sex != male
  renal: creatinine < 130 umol/L
  cart: no therapies where class = car_t and failed
}
cohort early "Early" {
  exclusion { women: woman }
}
cohort late "Late" {
  exclusion { old: age > 80 }
}
"#;

#[test]
fn rename_refuses_a_name_already_declared_where_it_would_clash() {
    let dir = tempfile::tempdir().unwrap();
    let (_, uri) = scratch(&dir, "scopes.rules", SCOPES);
    let (mut client, _) = Client::start();
    client.open(&uri, SCOPES);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let mut rename = |needle: &str, new: &str| {
        let (line, character) = find(SCOPES, needle, 0);
        client.request(
            "textDocument/rename",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": line, "character": character },
                "newName": new,
            }),
        )
    };
    // A name the file would declare twice; a name a list's `where` would
    // confuse (`true`: the element's field would hide the other).
    for (needle, new, what, hides) in [
        ("sex", "markers", "a field", false),
        ("sex", "woman", "a define", false),
        ("woman", "age", "a field", false),
        ("adult", "renal", "a criterion", false),
        ("adult", "old", "a criterion", false),
        ("early", "late", "a cohort", false),
        ("female", "male", "a member of the same field", false),
        ("class", "failed", "a field of the same list", false),
        ("sex", "class", "a field of a list's elements", true),
        ("woman", "failed", "a field of a list's elements", true),
        ("class", "sex", "a field", true),
        ("failed", "woman", "a define", true),
    ] {
        let response = rename(needle, new);
        assert_eq!(
            response["error"]["code"],
            json!(-32803),
            "{needle}: {response}"
        );
        let message = response["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("`{new}` is already the name of {what}"))
                && message.contains("would hide") == hides,
            "{message}"
        );
    }
    // Names of other scopes are free.
    for (needle, new) in [
        ("female", "BCMA"),
        ("class", "kind"),
        ("adult", "late"),
        ("sex", "adult"),
    ] {
        let response = rename(needle, new);
        assert!(response.get("error").is_none(), "{needle}: {response}");
    }
    client.finish(true);
}

#[test]
fn formatting_keeps_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let (path, uri) = scratch(&dir, "bom.rules", SMALL);
    let fmt = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rulec"))
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    fmt(&["fmt"]);
    let canonical = format!("\u{feff}{}", std::fs::read_to_string(&path).unwrap());
    std::fs::write(&path, &canonical).unwrap();
    fmt(&["fmt", "--check"]);
    let (mut client, _) = Client::start();
    client.open(&uri, &canonical);
    let format = |client: &mut Client| {
        client.request_ok(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
    };
    // Canonical, as `rulec fmt --check` says: no edit.
    assert_eq!(format(&mut client), json!([]));
    let messy = canonical.replace("  sex:", "sex:");
    assert_ne!(messy, canonical);
    client.change(&uri, 2, &messy);
    let edits = format(&mut client);
    assert_eq!(apply(&messy, edits.as_array().unwrap()), canonical);
    client.finish(true);
}

#[test]
fn document_symbols_are_sections_criteria_and_cohorts() {
    let path = example(COHORTS);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = uri(&path);
    let (mut client, _) = Client::start();
    client.open(&uri, &text);
    let symbols = client.request_ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let top: Vec<(String, u64)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["kind"].as_u64().unwrap(),
            )
        })
        .filter(|(_, kind)| *kind != 13 && *kind != 23) // defines and fields aside
        .collect();
    let names: Vec<&str> = top.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        // Every criterion of this trial is in a cohort.
        ["NCT02028676", "initial", "once_daily", "cotrimoxazole"]
    );
    let cohort = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "once_daily")
        .unwrap();
    assert_eq!(cohort["kind"], json!(2), "a module");
    assert_eq!(
        cohort["detail"],
        "Secondary randomisation: once vs twice daily lamivudine+abacavir"
    );
    assert_eq!(covered(&text, &cohort["selectionRange"]), "once_daily");
    assert!(covered(&text, &cohort["range"]).starts_with("cohort once_daily"));
    let sections: Vec<&str> = cohort["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(!sections.is_empty());
    assert!(
        sections
            .iter()
            .all(|s| *s == "inclusion" || *s == "exclusion"),
        "{sections:?}"
    );
    let first = &cohort["children"][0]["children"][0];
    assert_eq!(
        covered(&text, &first["selectionRange"]),
        first["name"].as_str().unwrap()
    );

    // Shared sections at the top, their criteria with their labels.
    let path = example(SEED);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = client::uri(&path);
    client.open(&uri, &text);
    let symbols = client.request_ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let sections: Vec<&Value> = symbols
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == json!(3))
        .collect();
    let names: Vec<&str> = sections
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["inclusion", "exclusion"]);
    let adult = &sections[0]["children"][0];
    assert_eq!(adult["name"], "adult");
    assert_eq!(adult["detail"], "18 years and older");
    assert_eq!(covered(&text, &sections[0]["selectionRange"]), "inclusion");
    client.finish(true);
}

/// A rename leaves no use behind: the seed trial, with a field, a member,
/// a define, a list element's field and a criterion renamed where the
/// checker would miss any (criteria, examples, the `fhir` block and its
/// maps), still checks without a diagnostic.
#[test]
fn renaming_in_the_seed_trial_leaves_it_checking() {
    let path = example(SEED);
    let original = std::fs::read_to_string(&path).unwrap();
    let uri = uri(&path);
    let (mut client, _) = Client::start();
    client.open(&uri, &original);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let mut text = original.clone();
    for (version, (context, skip, new)) in [
        ("hemoglobin > 80", 0, "haemoglobin"),
        ("has rrmm", 4, "relapsed_refractory"),
        ("age >= 18", 0, "age_years"),
        ("where class in", 6, "kind"),
        ("  renal ", 2, "kidneys"),
        ("  diagnosis: ", 2, "dx"),
    ]
    .into_iter()
    .enumerate()
    {
        let (line, character) = client::position(&text, text.find(context).unwrap() + skip);
        let edit = client.request_ok(
            "textDocument/rename",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": line, "character": character },
                "newName": new,
            }),
        );
        let edits = edit["changes"][uri.as_str()].as_array().unwrap().clone();
        assert!(edits.len() >= 2, "{new}: {edits:?}");
        text = apply(&text, &edits);
        assert!(text.contains(new));
        client.change(&uri, version as i32 + 2, &text);
        assert_eq!(client.diagnostics(&uri), Vec::<Value>::new(), "after {new}");
    }
    assert_ne!(text, original);
    client.finish(true);
}
