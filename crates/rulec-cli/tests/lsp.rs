//! `rulec lsp` driven as an editor drives it: the real binary, JSON-RPC
//! over its stdin and stdout (`lsp/client.rs`), one capability at a time,
//! on the bundled examples and small files written for the purpose;
//! navigation, rename, formatting and the outline in `lsp/navigate.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the test on a broken setup"
)]

#[path = "lsp/client.rs"]
mod client;
#[path = "lsp/navigate.rs"]
mod navigate;

use std::path::{Path, PathBuf};

use client::{Client, apply, covered, position, uri};
use serde_json::{Value, json};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .canonicalize()
        .unwrap()
}

const SEED: &str = "nct03473496.rules";
const COHORTS: &str = "NCT02028676.rules";

/// A small file whose every name is used more than once.
const SMALL: &str = "fields {
  sex: one of { female, male }
  hb: g/L
}
define low_hb: hb < 100 g/L
inclusion {
  women \"Women\": sex = female
  anaemic: low_hb and sex != male and hb > 60 g/L
}
";

/// The position (line, UTF-16 column) of the `nth` `needle` in `text`,
/// after the spaces it starts with (` male` is `male`, not `female`).
fn find(text: &str, needle: &str, nth: usize) -> (u32, u32) {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {needle} #{nth}"))
        .0;
    position(text, at + needle.len() - needle.trim_start().len())
}

fn at(client: &mut Client, method: &str, uri: &str, text: &str, needle: &str, nth: usize) -> Value {
    let (line, character) = find(text, needle, nth);
    client.at(method, uri, line, character)
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

/// A file in a fresh folder, and its URI.
fn scratch(dir: &tempfile::TempDir, name: &str, text: &str) -> (PathBuf, String) {
    let path = dir.path().canonicalize().unwrap().join(name);
    std::fs::write(&path, text).unwrap();
    let uri = uri(&path);
    (path, uri)
}

#[test]
fn initialize_announces_the_capabilities_and_shutdown_exits_with_0() {
    let (client, result) = Client::start();
    let caps = &result["capabilities"];
    assert_eq!(caps["textDocumentSync"], json!(1), "full sync: {caps}");
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
    ] {
        assert_eq!(caps[provider], json!(true), "{provider}: {caps}");
    }
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!([" ", "{", ","])
    );
    assert_eq!(result["serverInfo"]["name"], "rulec");
    assert_eq!(client.finish(true).code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_exit_1_and_unknown_requests_are_method_not_found() {
    let (mut client, _) = Client::start();
    let response = client.request("textDocument/inlayHint", json!({}));
    assert_eq!(response["error"]["code"], json!(-32601), "{response}");
    let response = client.request("textDocument/hover", json!({ "nonsense": 1 }));
    assert_eq!(response["error"]["code"], json!(-32602), "{response}");
    // Hover in a document never opened: nothing, not an error.
    let hover = client.at("textDocument/hover", "file:///nowhere.rules", 0, 0);
    assert_eq!(hover, Value::Null);
    assert_eq!(client.finish(false).code(), Some(1));
}

#[test]
fn a_client_that_breaks_the_framing_ends_the_server_with_exit_2() {
    let (mut client, _) = Client::start();
    client.send_raw(b"Content-Length: 5\r\n\r\n{{{{{");
    assert_eq!(client.wait().code(), Some(2));
}

#[test]
fn input_closed_without_exit_is_exit_1() {
    let (mut client, _) = Client::start();
    client.open("file:///tmp/x.rules", "inclusion { x: true }");
    client.diagnostics("file:///tmp/x.rules");
    client.close_input();
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn an_error_is_published_with_its_code_range_help_and_cleared_when_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "fields { hemoglobin: g/L }\ninclusion {\n  hb \"Hb > 80 g/L\": hemoglobin > 80\n}\n";
    let (_, uri) = scratch(&dir, "hb.rules", text);
    let (mut client, _) = Client::start();
    client.open(&uri, text);
    let found = client.diagnostics(&uri);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d["code"], "rulec::check::bare_number");
    assert_eq!(d["severity"], json!(1));
    assert_eq!(d["source"], "rulec");
    assert_eq!(covered(text, &d["range"]), "80");
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 2, "character": 33 }, "end": { "line": 2, "character": 35 } })
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "`80` has no unit, but `hemoglobin` is a quantity (mass concentration) in `g/L`\nhelp: "
        ),
        "{message}"
    );
    assert_eq!(
        message,
        "`80` has no unit, but `hemoglobin` is a quantity (mass concentration) in `g/L`\n\
         help: write the unit, for example `80 g/L`"
    );
    assert_eq!(d["relatedInformation"], Value::Null);

    let fixed = text.replace("> 80\n", "> 80 g/L\n");
    client.change(&uri, 2, &fixed);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(client.finish(true).code(), Some(0));
}

#[test]
fn the_other_spans_of_a_diagnostic_are_its_related_information() {
    let dir = tempfile::tempdir().unwrap();
    let text = "fields {\n  hb: g/L\n  hb: g/dL\n}\ninclusion { x: hb > 1 g/L }\n";
    let (_, uri) = scratch(&dir, "dup.rules", text);
    let (mut client, _) = Client::start();
    client.open(&uri, text);
    let found = client.diagnostics(&uri);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d["code"], "rulec::check::duplicate");
    assert_eq!(d["range"]["start"]["line"], json!(2));
    assert_eq!(covered(text, &d["range"]), "hb");
    let related = d["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{related:?}");
    assert_eq!(related[0]["location"]["uri"], uri.as_str());
    assert_eq!(related[0]["location"]["range"]["start"]["line"], json!(1));
    assert_eq!(covered(text, &related[0]["location"]["range"]), "hb");
    assert_eq!(related[0]["message"], "first declared here");
    client.finish(true);
}

#[test]
fn positions_count_utf16_units_after_non_ascii_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = "fields { cr: µmol/L }\ninclusion { x \"Cr ≥ 5 µmol/L\": cr ≥ 5 µmol/L and nope }\n";
    let (_, uri) = scratch(&dir, "utf16.rules", text);
    let (mut client, _) = Client::start();
    client.open(&uri, text);
    let found = client.diagnostics(&uri);
    let d = found
        .iter()
        .find(|d| d["code"] == "rulec::check::unknown_name")
        .unwrap();
    let (line, character) = find(text, "nope", 0);
    // Bytes before `nope` on its line: 55; UTF-16 units: 49.
    assert_eq!((line, character), (1, 49));
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 1, "character": 49 }, "end": { "line": 1, "character": 53 } })
    );
    // Hover on the unit after `≥` is found at its UTF-16 column.
    let hover = at(&mut client, "textDocument/hover", &uri, text, "µmol/L", 2);
    assert_eq!(covered(text, &hover["range"]), "µmol/L");
    let words = hover["contents"]["value"].as_str().unwrap();
    assert!(words.contains("UCUM `umol/L`"), "{words}");
    assert!(words.contains("substance concentration"), "{words}");
    client.finish(true);
}

#[test]
fn diagnostics_of_a_used_file_are_published_there_and_cleared_when_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let lab = "fields {\n  hemoglobin: g/LL\n}\n";
    let (lab_path, lab_uri) = scratch(&dir, "lab.rules", lab);
    let main = "use \"lab.rules\"\ninclusion { hb: hemoglobin > 80 g/L }\n";
    let (_, main_uri) = scratch(&dir, "main.rules", main);
    let (mut client, _) = Client::start();
    client.open(&main_uri, main);
    let in_lab = client.diagnostics(&lab_uri);
    assert_eq!(in_lab.len(), 1, "{in_lab:?}");
    assert_eq!(in_lab[0]["code"], "rulec::check::unit");
    assert_eq!(covered(lab, &in_lab[0]["range"]), "g/LL");
    let back = &in_lab[0]["relatedInformation"][0];
    assert_eq!(back["location"]["uri"], main_uri.as_str());
    assert_eq!(back["message"], "imported here");
    assert_eq!(covered(main, &back["location"]["range"]), "\"lab.rules\"");
    let in_main = client.diagnostics(&main_uri);
    let at_use = in_main
        .iter()
        .find(|d| d["code"] == "rulec::check::unit")
        .unwrap();
    assert_eq!(covered(main, &at_use["range"]), "\"lab.rules\"");
    assert!(
        at_use["message"]
            .as_str()
            .unwrap()
            .starts_with("in `lab.rules`: "),
        "{at_use}"
    );

    // Go to definition of the imported field lands in the used file.
    let definition = at(
        &mut client,
        "textDocument/definition",
        &main_uri,
        main,
        "hemoglobin",
        0,
    );
    assert_eq!(definition["uri"], lab_uri.as_str());
    assert_eq!(covered(lab, &definition["range"]), "hemoglobin");

    std::fs::write(&lab_path, "fields {\n  hemoglobin: g/L\n}\n").unwrap();
    client.change(&main_uri, 2, main);
    assert_eq!(client.diagnostics(&lab_uri), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&main_uri), Vec::<Value>::new());
    client.finish(true);
}

#[test]
fn an_open_used_file_is_read_as_the_editor_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let lab = "fields {\n  hemoglobin: g/L\n}\n";
    let (_, lab_uri) = scratch(&dir, "lab.rules", lab);
    let main = "use \"./lab.rules\"\ninclusion { hb: hemoglobin > 80 g/L }\n";
    let (_, main_uri) = scratch(&dir, "main.rules", main);
    let (mut client, _) = Client::start();
    // A file of shared fields, checked on its own, uses none of them.
    let unused = |found: Vec<Value>| {
        let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["rulec::check::unused_field"]);
    };
    client.open(&lab_uri, lab);
    unused(client.diagnostics(&lab_uri));
    client.open(&main_uri, main);
    assert_eq!(client.diagnostics(&main_uri), Vec::<Value>::new());

    // The used file edited, not saved: the file that uses it is checked
    // again against the new text.
    let renamed = lab.replace("hemoglobin", "hb_level");
    client.change(&lab_uri, 2, &renamed);
    unused(client.diagnostics(&lab_uri));
    let found = client.diagnostics(&main_uri);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "rulec::check::unknown_name");
    assert_eq!(covered(main, &found[0]["range"]), "hemoglobin");
    client.change(&lab_uri, 3, lab);
    client.diagnostics(&lab_uri);
    assert_eq!(client.diagnostics(&main_uri), Vec::<Value>::new());

    // Renaming the imported field edits both files.
    let (line, character) = find(main, "hemoglobin", 0);
    let edit = client.request_ok(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": main_uri },
            "position": { "line": line, "character": character },
            "newName": "hgb",
        }),
    );
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(
        apply(lab, changes[&lab_uri].as_array().unwrap()),
        lab.replace("hemoglobin", "hgb")
    );
    assert_eq!(
        apply(main, changes[&main_uri].as_array().unwrap()),
        main.replace("hemoglobin", "hgb")
    );
    // References from the main file include the declaration there.
    let found = client.request_ok(
        "textDocument/references",
        json!({
            "textDocument": { "uri": main_uri },
            "position": { "line": line, "character": character },
            "context": { "includeDeclaration": true },
        }),
    );
    let uris: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, [lab_uri.as_str(), main_uri.as_str()]);
    client.finish(true);
}

/// The codes of diagnostics.
fn codes(found: &[Value]) -> Vec<&str> {
    found.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[test]
fn a_used_file_shows_its_problems_whoever_opens_or_closes_what() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "fields {\n  hb: gg/L\n}\n";
    let (lab_path, lab_uri) = scratch(&dir, "lab.rules", bad);
    let user = "use \"lab.rules\"\nfields { a: bool }\ninclusion { c: a }\n";
    let (_, main_uri) = scratch(&dir, "main.rules", user);
    let (_, other_uri) = scratch(&dir, "other.rules", user);
    let unit = ["rulec::check::unit"];
    let (mut client, _) = Client::start();
    client.open(&main_uri, user);
    assert_eq!(codes(&client.settled(&lab_uri).unwrap()), unit);

    // Opened, the file shows its own analysis: the error stays.
    client.open(&lab_uri, bad);
    let shown = client.settled(&lab_uri).unwrap();
    assert_eq!(codes(&shown), unit);
    assert_eq!(covered(bad, &shown[0]["range"]), "gg/L");
    // Closed, what the file that uses it reports there.
    client.close(&lab_uri);
    let shown = client.settled(&lab_uri).unwrap();
    assert_eq!(codes(&shown), unit);
    assert_eq!(
        shown[0]["relatedInformation"][0]["message"],
        "imported here"
    );

    // Two users: the problem once, with both `use`s; closing one keeps it.
    client.open(&other_uri, user);
    let shown = client.settled(&lab_uri).unwrap();
    assert_eq!(codes(&shown), unit);
    let back: Vec<&str> = shown[0]["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(back, [main_uri.as_str(), other_uri.as_str()]);
    client.close(&main_uri);
    assert_eq!(client.settled(&main_uri), Some(Vec::new()));
    assert_eq!(codes(&client.settled(&lab_uri).unwrap()), unit);

    // Fixed in the editor, not saved: cleared there and at the user.
    client.open(&lab_uri, bad);
    client.settled(&lab_uri);
    client.change(&lab_uri, 2, "fields {\n  hb: g/L\n}\n");
    assert_eq!(
        codes(&client.settled(&lab_uri).unwrap()),
        ["rulec::check::unused_field"]
    );
    assert_eq!(client.settled(&other_uri), Some(Vec::new()));
    // Saved and closed: nobody reports anything there any more.
    std::fs::write(&lab_path, "fields {\n  hb: g/L\n}\n").unwrap();
    client.close(&lab_uri);
    assert_eq!(client.settled(&lab_uri), Some(Vec::new()));
    client.finish(true);
}

#[test]
fn a_used_file_open_under_another_spelling_of_its_uri_shows_its_own_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "fields {\n  hb: gg/L\n}\n";
    let (lab_path, lab_uri) = scratch(&dir, "lab.rules", bad);
    let user = "use \"lab.rules\"\nfields { a: bool }\ninclusion { c: a }\n";
    let (_, main_uri) = scratch(&dir, "main.rules", user);
    let (mut client, _) = Client::start();
    client.open(&main_uri, user);
    assert_eq!(
        codes(&client.settled(&lab_uri).unwrap()),
        ["rulec::check::unit"]
    );
    // The editor names it `file://localhost/…`: its diagnostics go there,
    // and the other spelling is cleared.
    let spelled = format!("file://localhost{}", lab_path.to_str().unwrap());
    client.open(&spelled, bad);
    assert_eq!(client.settled(&lab_uri), Some(Vec::new()));
    assert_eq!(
        codes(&client.settled(&spelled).unwrap()),
        ["rulec::check::unit"]
    );
    client.change(&spelled, 2, "fields {\n  hb: g/L\n}\n");
    assert_eq!(client.settled(&lab_uri), None);
    assert_eq!(client.settled(&main_uri), Some(Vec::new()));
    client.finish(true);
}

#[test]
fn an_open_used_file_never_saved_is_read_from_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let main = "use \"new.rules\"\ninclusion { hb: hemoglobin > 80 g/L }\n";
    let (main_path, main_uri) = scratch(&dir, "main.rules", main);
    let new_uri = uri(&main_path.with_file_name("new.rules"));
    let (mut client, _) = Client::start();
    client.open(&new_uri, "fields {\n  hemoglobin: g/L\n}\n");
    client.open(&main_uri, main);
    assert_eq!(client.settled(&main_uri), Some(Vec::new()));
    // Closed, it is not on disk.
    client.close(&new_uri);
    let found = client.settled(&main_uri).unwrap();
    assert!(
        codes(&found).contains(&"rulec::check::use_failed"),
        "{found:?}"
    );

    // Outside the folder, open or not, it stays out of reach.
    let inner = "use \"../up.rules\"\ninclusion { hb: hemoglobin > 80 g/L }\n";
    let sub = dir.path().canonicalize().unwrap().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let inner_uri = uri(&sub.join("inner.rules"));
    std::fs::write(sub.join("inner.rules"), inner).unwrap();
    client.open(
        &uri(&main_path.with_file_name("up.rules")),
        "fields {\n  hemoglobin: g/L\n}\n",
    );
    client.open(&inner_uri, inner);
    let found = client.settled(&inner_uri).unwrap();
    assert!(
        codes(&found).contains(&"rulec::check::use_failed"),
        "{found:?}"
    );
    client.finish(true);
}

#[test]
fn exit_before_initialize_is_exit_1_and_requests_before_it_are_refused() {
    let mut client = Client::spawn();
    let response = client.request("textDocument/hover", json!({}));
    assert_eq!(response["error"]["code"], json!(-32002), "{response}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn hover_tells_types_units_normal_ranges_labels() {
    let path = example(SEED);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = uri(&path);
    let (mut client, _) = Client::start();
    client.open(&uri, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // The hover at `skip` bytes into the first `context`, over `word`.
    let mut hover = |context: &str, skip: usize, word: &str| {
        let offset = text.find(context).unwrap() + skip;
        let (line, character) = position(&text, offset);
        let found = client.at("textDocument/hover", &uri, line, character);
        assert_eq!(covered(&text, &found["range"]), word);
        assert_eq!(found["contents"]["kind"], "markdown");
        found["contents"]["value"].as_str().unwrap().to_owned()
    };
    // A field, where a criterion uses it.
    assert_eq!(
        hover("creatinine < 2.5", 3, "creatinine"),
        "**field** `creatinine`: `umol/L with normal range, molar mass 113.12 g/mol, \
         plausible 10 umol/L..3000 umol/L`\n\n\
         unit `umol/L`: UCUM `umol/L`, substance concentration (dimension L⁻³·N)\n\n\
         normal range: the record carries one with each value (`x ULN`, `x LLN`)\n\n\
         molar mass: 113.12 g/mol (converts between mass and substance units)"
    );
    assert_eq!(
        hover("hemoglobin > 80", 0, "hemoglobin"),
        "**field** `hemoglobin`: `g/L, plausible 20 g/L..250 g/L`\n\n\
         unit `g/L`: UCUM `g/L`, mass concentration (dimension L⁻³·M)\n\n\
         normal range: none declared"
    );
    // A define's type, as the checker inferred it.
    assert_eq!(
        hover("age >= 18", 1, "age"),
        "**define** `age`: number in `years` (time)"
    );
    assert_eq!(
        hover("active_infection or fever", 20, "fever"),
        "**define** `fever`: condition"
    );
    // A unit after a number.
    assert_eq!(
        hover("hemoglobin > 80 g/L", 17, "g/L"),
        "unit `g/L`: UCUM `g/L`, mass concentration (dimension L⁻³·M)"
    );
    assert_eq!(
        hover("life_expectancy > 3 months", 20, "months"),
        "unit `months`: UCUM `mo`, time (dimension T)"
    );
    // A criterion id: its section and label; the same word as a field
    // elsewhere is the field.
    assert_eq!(
        hover("adult       \"18", 0, "adult"),
        "**inclusion criterion** `adult`\n\n\"18 years and older\""
    );
    assert_eq!(
        hover("hemoglobin  \"Hb", 4, "hemoglobin"),
        "**inclusion criterion** `hemoglobin`\n\n\"Hb > 80 g/L\""
    );
    // A list element's field, inside `where`.
    assert_eq!(
        hover("where class in", 6, "class"),
        "**field** `class`: `one of { car_t, other_cell_therapy, anti_bcma, anti_cd38, other }`\n\n\
         field of each element of `therapies`"
    );
    // A member, after `has`.
    assert_eq!(
        hover("has rrmm", 5, "rrmm"),
        "**member** `rrmm` of `diagnosis`: `set of { rrmm, mm, amyloidosis }`"
    );
    // Nothing: a comment, a position past the end of the file.
    assert_eq!(client.at("textDocument/hover", &uri, 0, 3), Value::Null);
    assert_eq!(
        client.at("textDocument/hover", &uri, 100_000, 7),
        Value::Null
    );
    assert_eq!(
        client.at("textDocument/hover", &uri, 3, 100_000),
        Value::Null
    );
    client.finish(true);
}

#[test]
fn completion_offers_members_units_and_names_even_while_the_file_is_broken() {
    let path = example(SEED);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = uri(&path);
    let (mut client, _) = Client::start();
    client.open(&uri, &text);
    client.diagnostics(&uri);
    // A criterion being written: the file no longer parses.
    let mut version = 1;
    let mut complete = |line: &str| {
        let edited = text.replacen("inclusion {\n", &format!("inclusion {{\n{line}\n"), 1);
        version += 1;
        client.change(&uri, version, &edited);
        let end = edited.find(line).unwrap() + line.len();
        let (l, c) = position(&edited, end);
        client.at("textDocument/completion", &uri, l, c)
    };
    assert_eq!(
        labels(&complete("  x: diagnosis has ")),
        ["rrmm", "mm", "amyloidosis"]
    );
    assert_eq!(
        labels(&complete("  x: diagnosis has am")),
        ["rrmm", "mm", "amyloidosis"]
    );
    assert_eq!(labels(&complete("  x: sex = ")), ["female", "male"]);
    assert_eq!(labels(&complete("  x: sex in { fem")), ["female", "male"]);
    assert_eq!(
        labels(&complete("  x: markers has any of { BCMA, ")),
        ["BCMA", "CD138", "CD38", "CD56", "CD19"]
    );
    // A list element's field, by its name.
    assert_eq!(
        labels(&complete("  x: any therapies where class = ")),
        [
            "car_t",
            "other_cell_therapy",
            "anti_bcma",
            "anti_cd38",
            "other"
        ]
    );
    let units = labels(&complete("  x: hemoglobin > 80 "));
    // The file's own units first, as declared, then common ones.
    assert_eq!(
        units[..9],
        [
            "months", "g/L", "%", "umol/L", "U/L", "mg/dL", "Cel", "days", "years"
        ]
    );
    let all = complete("  x: hemoglobin > 80 g");
    let gl = all
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "g/L")
        .unwrap();
    assert_eq!(gl["detail"], "mass concentration");
    assert_eq!(gl["kind"], json!(11), "a unit");
    let names = labels(&complete("  x: "));
    for expected in [
        "hemoglobin",
        "creatinine",
        "therapies",
        "age",
        "fever",
        "and",
        "has",
    ] {
        assert!(
            names.contains(&expected.to_owned()),
            "{expected}: {names:?}"
        );
    }
    // A list element's field is not a name at file level.
    assert!(!names.contains(&"class".to_owned()), "{names:?}");
    // Nothing in a comment.
    assert_eq!(labels(&complete("  # x has ")), Vec::<String>::new());
    // Typing a space asks only where the space says what comes next.
    let spaced = |client: &mut Client, line: &str, version: i32| {
        let edited = text.replacen("inclusion {\n", &format!("inclusion {{\n{line}\n"), 1);
        client.change(&uri, version, &edited);
        let (l, c) = position(&edited, edited.find(line).unwrap() + line.len());
        labels(&client.request_ok(
            "textDocument/completion",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": l, "character": c },
                "context": { "triggerKind": 2, "triggerCharacter": " " },
            }),
        ))
    };
    assert_eq!(spaced(&mut client, "  x: sex = ", 50), ["female", "male"]);
    assert_eq!(
        spaced(&mut client, "  x: kps > 60 and ", 51),
        Vec::<String>::new()
    );
    assert_eq!(spaced(&mut client, "  x: kps = ", 52), Vec::<String>::new());
    assert_eq!(spaced(&mut client, "  x: kps > 60 ", 53)[0], "months");
    client.finish(true);
}

#[test]
fn a_broken_file_never_stops_the_server() {
    let path = example(SEED);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = uri(&path);
    let (mut client, _) = Client::start();
    client.open(&uri, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let hb = find(&text, "hemoglobin > 80", 0);
    let broken = [
        (
            "unterminated string",
            text.replacen("\"18 years and older\"", "\"18 years and older", 1),
        ),
        (
            "garbage",
            "}{ ≥≥ \u{0} \"\"\" :: µ 𝛼 ### \n\t{{{{ 80 g//L x ULN".to_owned(),
        ),
        ("empty", String::new()),
        ("no braces", text.replace(['{', '}'], "")),
        ("half a file", text[..text.len() / 2].to_owned()),
    ];
    for (version, (what, broken)) in broken.iter().enumerate() {
        client.change(&uri, version as i32 + 2, broken);
        let found = client.diagnostics(&uri);
        if !broken.is_empty() {
            assert!(!found.is_empty(), "{what}: no diagnostic");
            assert!(
                found
                    .iter()
                    .all(|d| d["severity"] == json!(1) || d["severity"] == json!(2)),
                "{what}"
            );
        }
        // Still answering, wherever asked.
        let hover = client.request(
            "textDocument/hover",
            json!({
                "textDocument": { "uri": uri }, "position": { "line": hb.0, "character": hb.1 },
            }),
        );
        assert!(hover.get("error").is_none(), "{what}: {hover}");
        for method in ["textDocument/definition", "textDocument/completion"] {
            let response = client.request(
                method,
                json!({
                    "textDocument": { "uri": uri }, "position": { "line": 3, "character": 99 },
                }),
            );
            assert!(
                response.get("error").is_none(),
                "{what}: {method}: {response}"
            );
        }
        let symbols = client.request_ok(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
        assert!(symbols.is_array(), "{what}");
        let edits = client.request_ok(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
        );
        assert!(edits.is_array(), "{what}");
    }
    // Fixed again: the hover is back.
    client.change(&uri, 100, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let hover = client.at("textDocument/hover", &uri, hb.0, hb.1);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**field** `hemoglobin`")
    );
    assert_eq!(client.finish(true).code(), Some(0));
}
