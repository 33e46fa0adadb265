//! `rulec::Diagnostic`s as the protocol's: each published in the file its
//! main label points into (the document, or a file it `use`s), with its
//! code, its help and its other labels as related information.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range, Uri,
};
use rulec::{Diagnostic, FileRef, Label, Severity};

use super::analysis::Analysis;
use super::text::{LineIndex, file_uri};

/// Every diagnostic of a document, by the URI it is to be published at;
/// the document's own URI is always there (with nothing, once fixed).
pub fn by_file(
    analysis: &Analysis,
    uri: &Uri,
    path: Option<&Path>,
) -> BTreeMap<Uri, Vec<lsp_types::Diagnostic>> {
    let locate = Locator {
        analysis,
        uri,
        path,
    };
    let mut out: BTreeMap<Uri, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
    out.insert(uri.clone(), Vec::new());
    for diagnostic in &analysis.diagnostics {
        let primary = diagnostic.primary();
        let at = primary.and_then(|l| locate.label(l));
        let (file, range) = match &at {
            Some(location) => (location.uri.clone(), location.range),
            None => (uri.clone(), Range::default()),
        };
        let related = |skip: Option<&Label>| -> Vec<DiagnosticRelatedInformation> {
            diagnostic
                .labels()
                .iter()
                .filter(|l| Some(*l) != skip)
                .filter_map(|l| {
                    Some(DiagnosticRelatedInformation {
                        location: locate.label(l)?,
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
            let at_use = diagnostic
                .labels()
                .iter()
                .find(|l| *l.file() == FileRef::Main)
                .and_then(|l| locate.label(l));
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

/// Labels to locations: the document's own, and those of its imports.
struct Locator<'a> {
    analysis: &'a Analysis,
    uri: &'a Uri,
    path: Option<&'a Path>,
}

impl Locator<'_> {
    fn label(&self, label: &Label) -> Option<Location> {
        let text = self.analysis.text(label.file())?;
        let index = LineIndex::new(text);
        let range = index.range(label.start() as usize, label.end() as usize);
        let uri = match label.file() {
            FileRef::Main => self.uri.clone(),
            other => file_uri(&self.analysis.path(other, self.path)?)?,
        };
        Some(Location::new(uri, range))
    }
}
