//! `rulec::Diagnostic`s as the protocol's: each published in the file its
//! main label points into (the document, or a file it `use`s), with its
//! code, its help and its other labels as related information.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range, Uri,
};
use rulec::{Diagnostic, FileRef, Label, Severity};

use super::analysis::{Analysis, Places};

/// Every diagnostic of a document, by the URI it is to be published at;
/// the document's own URI is always there (with nothing, once fixed).
pub fn by_file(
    analysis: &Analysis,
    uri: &Uri,
    path: Option<&Path>,
) -> BTreeMap<Uri, Vec<lsp_types::Diagnostic>> {
    let mut places = Places::new(analysis, uri, path);
    let mut locate =
        |label: &Label| places.location(label.file(), label.start() as usize, label.end() as usize);
    let mut out: BTreeMap<Uri, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
    out.insert(uri.clone(), Vec::new());
    for diagnostic in &analysis.diagnostics {
        let primary = diagnostic.primary();
        // Every label's location, the primary's among them.
        let located: Vec<(&Label, Option<Location>)> =
            diagnostic.labels().iter().map(|l| (l, locate(l))).collect();
        let at = located
            .iter()
            .find(|(l, _)| Some(*l) == primary)
            .and_then(|(_, location)| location.clone());
        let (file, range) = match at {
            Some(location) => (location.uri, location.range),
            None => (uri.clone(), Range::default()),
        };
        let related = |skip: Option<&Label>| -> Vec<DiagnosticRelatedInformation> {
            located
                .iter()
                .filter(|(l, _)| Some(*l) != skip)
                .filter_map(|(l, location)| {
                    Some(DiagnosticRelatedInformation {
                        location: location.clone()?,
                        message: l.text().unwrap_or("here").to_owned(),
                    })
                })
                .collect()
        };
        out.entry(file.clone()).or_default().push(convert(
            diagnostic,
            range,
            diagnostic.message(),
            related(primary),
        ));
        // A problem inside an imported file is shown at the `use` too,
        // where the document's author sees it.
        if file != *uri {
            let at_use = located
                .iter()
                .find(|(l, _)| *l.file() == FileRef::Main)
                .and_then(|(_, location)| location.clone());
            if let Some(at_use) = at_use {
                let imported = match primary.map(Label::file) {
                    Some(FileRef::Import(path)) => path.as_str(),
                    _ => "an imported file",
                };
                let message = format!("in `{imported}`: {}", diagnostic.message());
                out.entry(uri.clone()).or_default().push(convert(
                    diagnostic,
                    at_use.range,
                    &message,
                    related(None),
                ));
            }
        }
    }
    out
}

fn convert(
    diagnostic: &Diagnostic,
    range: Range,
    message: &str,
    related: Vec<DiagnosticRelatedInformation>,
) -> lsp_types::Diagnostic {
    let severity = match diagnostic.severity() {
        Severity::Warning => DiagnosticSeverity::WARNING,
        _ => DiagnosticSeverity::ERROR,
    };
    let message = match diagnostic.help() {
        Some(help) => format!("{message}\nhelp: {help}"),
        None => message.to_owned(),
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: (!diagnostic.code().is_empty())
            .then(|| NumberOrString::String(diagnostic.code().to_owned())),
        source: Some("rulec".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}
