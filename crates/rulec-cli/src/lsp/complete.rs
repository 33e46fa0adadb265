//! Completion: what may be written at the cursor
//! ([`rulec::symbols::expected_at`]) filled from the document's names.
//!
//! The text being typed seldom parses, so the names come from the last
//! version of the document that did.

use lsp_types::{CompletionItem, CompletionItemKind};
use rulec::symbols::{Expected, SymbolKind, Symbols};
use rulec::syntax::Type;
use rulec::units::Unit;

/// Units offered after a number besides those the file's fields use: the
/// ones criteria are most often written in.
const COMMON_UNITS: &[&str] = &[
    "years",
    "months",
    "weeks",
    "days",
    "hours",
    "g/L",
    "g/dL",
    "mg/dL",
    "umol/L",
    "mmol/L",
    "10^9/L",
    "/uL",
    "%",
    "U/L",
    "mL/min",
    "mL/min/1.73 m2",
    "mmHg",
    "kg",
    "cm",
    "kg/m2",
    "Cel",
    "ms",
    "ng/mL",
];

/// The completions at byte `offset` of `body`, from `symbols`; with
/// `spaced` (asked for by typing a space), only members and units.
pub fn at(body: &str, offset: usize, symbols: &Symbols, spaced: bool) -> Vec<CompletionItem> {
    match rulec::symbols::expected_at(body, offset) {
        Expected::Nothing => Vec::new(),
        Expected::Name if spaced => Vec::new(),
        Expected::Unit => units(symbols),
        Expected::Members { subject } => {
            let members = symbols
                .field(&subject)
                .map(|(_, field)| field.members())
                .unwrap_or_default();
            if members.is_empty() {
                return if spaced { Vec::new() } else { names(symbols) };
            }
            members
                .into_iter()
                .map(|m| CompletionItem {
                    label: m.to_owned(),
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    detail: Some(format!("member of `{subject}`")),
                    ..CompletionItem::default()
                })
                .collect()
        }
        Expected::Name => names(symbols),
    }
}

fn names(symbols: &Symbols) -> Vec<CompletionItem> {
    let fields = symbols
        .of_kind(SymbolKind::Field)
        .filter(|(_, s)| s.parent.is_none())
        .map(|(_, s)| CompletionItem {
            label: s.name.clone(),
            kind: Some(CompletionItemKind::FIELD),
            detail: s.type_text(),
            ..CompletionItem::default()
        });
    let defines = symbols
        .of_kind(SymbolKind::Define)
        .map(|(_, s)| CompletionItem {
            label: s.name.clone(),
            kind: Some(CompletionItemKind::VARIABLE),
            detail: Some("define".to_owned()),
            ..CompletionItem::default()
        });
    let keywords = rulec::syntax::RESERVED.iter().map(|k| CompletionItem {
        label: (*k).to_owned(),
        kind: Some(CompletionItemKind::KEYWORD),
        ..CompletionItem::default()
    });
    fields.chain(defines).chain(keywords).collect()
}

fn units(symbols: &Symbols) -> Vec<CompletionItem> {
    let declared = symbols
        .of_kind(SymbolKind::Field)
        .filter_map(|(_, s)| match &s.ty {
            Some(Type::Quantity(q)) => Some(rulec::units::canonical(&q.unit.node)),
            _ => None,
        });
    let mut seen = std::collections::HashSet::new();
    declared
        .chain(COMMON_UNITS.iter().map(|u| (*u).to_owned()))
        .filter(|u| seen.insert(u.clone()))
        .map(|unit| {
            let detail = Unit::parse(&unit).ok().map(|u| u.kind());
            CompletionItem {
                label: unit,
                kind: Some(CompletionItemKind::UNIT),
                detail,
                ..CompletionItem::default()
            }
        })
        .collect()
}
