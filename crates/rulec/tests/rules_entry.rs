//! `rulec::Rules`, the common entry point, and the one `Diagnostic` type it
//! reports with: errors inside an imported file point into that file.

use rulec::{FileRef, Rules, RulesError};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules_entry");

/// The text a label covers, in the file it names.
#[cfg(test)]
fn covered(error: &RulesError, label: &rulec::Label) -> String {
    let RulesError::Invalid { files, .. } = error else {
        panic!("not a diagnostic: {error}");
    };
    let text = files.text(label.file()).expect("the file's text is kept");
    text[label.start() as usize..label.end() as usize].to_owned()
}

#[test]
fn a_unit_error_in_an_imported_file_points_into_that_file() {
    let error = Rules::load(format!("{DIR}/uses-bad-unit.rules")).unwrap_err();
    let [diagnostic] = error.diagnostics() else {
        panic!("one diagnostic: {:?}", error.diagnostics());
    };
    assert_eq!(diagnostic.code(), "rulec::check::unit");
    assert_eq!(diagnostic.message(), "unknown unit `gg` in `gg/L`");
    let primary = diagnostic.primary().expect("a location");
    assert_eq!(
        primary.file(),
        &FileRef::Import("bad-unit.rules".to_owned())
    );
    assert_eq!(covered(&error, primary), "gg/L");
    // The `use` is shown too, in the main file.
    let at_use = diagnostic
        .labels()
        .iter()
        .find(|l| l.file() == &FileRef::Main)
        .expect("a label at the use");
    assert_eq!(at_use.text(), Some("imported here"));
    assert_eq!(covered(&error, at_use), "\"bad-unit.rules\"");
}

#[test]
fn a_syntax_error_in_an_imported_file_points_into_that_file() {
    let error = Rules::load(format!("{DIR}/uses-bad-syntax.rules")).unwrap_err();
    let diagnostic = &error.diagnostics()[0];
    assert_eq!(diagnostic.code(), "rulec::syntax::expected");
    let primary = diagnostic.primary().expect("a location");
    assert_eq!(
        primary.file(),
        &FileRef::Import("bad-syntax.rules".to_owned())
    );
    // Where the `:` is missing: line 2 of the imported file.
    assert_eq!(primary.start(), "fields {\n  hemoglobin ".len() as u32);
}

#[test]
fn the_checker_keeps_the_unit_error_typed() {
    let file = rulec::syntax::parse("fields { hb: gg/L }\ninclusion { x: hb > 1 gg/L }").unwrap();
    let checked = rulec::check::check(&file, &rulec::check::NoImports);
    let Some(rulec::check::CheckError::Unit { error, .. }) = checked.errors().next() else {
        panic!("a unit error: {:?}", checked.diagnostics);
    };
    assert!(matches!(error, rulec::units::UnitError::Unknown { .. }));
    let first = &checked.diagnostics[0];
    assert_eq!(first.unit_code().as_deref(), Some("rulec::units::unknown"));
}

#[test]
fn every_stage_converts_into_one_diagnostic() {
    let syntax = rulec::syntax::parse("define x: (a").unwrap_err();
    assert_eq!(
        rulec::Diagnostic::from(syntax).code(),
        "rulec::syntax::unclosed_delimiter"
    );
    let unit = rulec::units::Unit::parse("gg/L").unwrap_err();
    let unit = rulec::Diagnostic::from(unit);
    assert_eq!(unit.code(), "rulec::units::unknown");
    assert!(unit.labels().is_empty());
    let rules = Rules::from_source("fields { hb: g/L }\ninclusion { x: hb > 1 g/L }").unwrap();
    let read = rulec::records::from_json_str(rules.program(), r#"{"id": "p1", "hb": "x"}"#, 1);
    let data = rulec::Diagnostic::from(read.errors[0].clone());
    assert_eq!(data.code(), "rulec::records::data_error");
    assert_eq!(data.message(), read.errors[0].to_string());
}

#[test]
fn load_reads_as_the_cli_did() {
    let dir = std::env::temp_dir().join(format!("rulec-rules-entry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = "fields { hb: g/L }\ninclusion { x: hb > 1 g/L }\n";
    // A byte order mark is dropped, and offsets count it back.
    let bom = dir.join("bom.rules");
    std::fs::write(&bom, format!("\u{feff}{source}")).unwrap();
    let rules = Rules::load(&bom).unwrap();
    assert_eq!(rules.files().main().text(), source);
    assert_eq!(rules.files().main().file_offset(0), 3);
    // Not UTF-8: where, in words.
    let latin1 = dir.join("latin1.rules");
    std::fs::write(&latin1, b"fields {\n  h\xe9moglobine: g/L }").unwrap();
    let error = Rules::load(&latin1).unwrap_err();
    assert!(matches!(error, RulesError::Read { .. }));
    assert!(
        error.to_string().ends_with(
            "latin1.rules`: not valid UTF-8 at line 2, column 4; save the file as UTF-8"
        ),
        "{error}"
    );
    // Larger than the limit: refused without reading past it.
    let large = dir.join("large.rules");
    std::fs::write(&large, " ".repeat(rulec::syntax::MAX_SOURCE_LEN + 1)).unwrap();
    let error = Rules::load(&large).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("it is larger than 8 MiB, the most a rule file may be"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An imported file is read as the main file is: a byte order mark at its
/// start is not part of the language, and is dropped.
#[test]
fn an_imported_file_may_start_with_a_byte_order_mark() {
    let rules = Rules::load(format!("{DIR}/uses-bom.rules"));
    let rules = match rules {
        Ok(rules) => rules,
        Err(error) => panic!("{error}: {:?}", error.diagnostics()),
    };
    assert_eq!(rules.program().schema.fields.len(), 2);
}

/// `use` reads regular files only, and no more than a rule file may hold:
/// a named pipe would wait for a writer and a device might never end,
/// hanging whatever checks the file (an editor's language server, the
/// workbench) on one line.
#[test]
fn a_use_of_a_pipe_a_folder_or_a_large_file_is_refused_at_once() {
    let dir = std::env::temp_dir().join(format!("rulec-use-special-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("folder.rules")).unwrap();
    std::fs::write(
        dir.join("large.rules"),
        " ".repeat(rulec::syntax::MAX_SOURCE_LEN + 1),
    )
    .unwrap();
    let mut cases = vec![
        ("folder.rules", "is not a regular file"),
        (
            "large.rules",
            "is larger than 8 MiB, the most a rule file may be",
        ),
    ];
    #[cfg(unix)]
    {
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.rules"))
            .status()
            .unwrap();
        assert!(made.success());
        cases.push(("pipe.rules", "is not a regular file"));
    }
    for (name, reason) in cases {
        let main = dir.join("main.rules");
        std::fs::write(
            &main,
            format!("use \"{name}\"\ninclusion {{\n  c: true\n}}\n"),
        )
        .unwrap();
        // On a thread, so that a read that never ends fails the test
        // instead of hanging it.
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(Rules::load(&main).map(|_| ()));
        });
        let result = receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("`use \"{name}\"` did not answer within 10 s"));
        let error = result.expect_err(name);
        let messages: Vec<String> = error
            .diagnostics()
            .iter()
            .map(|d| d.message().to_owned())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains(reason)),
            "{name}: {messages:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
