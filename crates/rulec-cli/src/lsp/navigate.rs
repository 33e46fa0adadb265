//! Going from a name to its declaration and uses, renaming it, the
//! document's outline and its canonical layout.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{DocumentSymbol, Location, TextEdit, Uri, WorkspaceEdit};
use rulec::symbols::{Outline, OutlineKind, SymbolKind};

use super::analysis::{Analysis, Places};
use super::text::LineIndex;

/// Why a rename is refused.
#[derive(Debug, thiserror::Error)]
pub enum RenameError {
    /// Nothing to rename at the cursor.
    #[error("there is no field, define, member, criterion or cohort here to rename")]
    NothingHere,
    /// The new name is not a name.
    #[error(
        "`{0}` is not a name: a letter or `_`, then letters, digits or `_`, at most {max} bytes",
        max = rulec::syntax::MAX_NAME_LEN
    )]
    NotAName(String),
    /// The new name is a reserved word.
    #[error("`{0}` is a reserved word of the language")]
    Reserved(String),
    /// The new name is already that of a name the renamed one would
    /// clash with (the checker's `rulec::check::duplicate`).
    #[error("`{name}` is already the name of a {what} here; the file would declare it twice")]
    Taken {
        /// The new name.
        name: String,
        /// What already has it.
        what: &'static str,
    },
    /// The new name is that of a list element's field and the renamed a
    /// record's field or a define, or the other way round: inside that
    /// list's `where` the element's field would hide the other.
    #[error(
        "`{name}` is already the name of a {what}; inside a list's `where` the element's field \
         would hide the record's name, changing what the rule means"
    )]
    Hides {
        /// The new name.
        name: String,
        /// What already has it.
        what: &'static str,
    },
    /// The name is declared in a file that cannot be edited from here.
    #[error("the name is declared in a file whose place is not known")]
    Unplaced,
}

/// Every place the name at `offset` is written (its declaration first
/// when `declaration`), as locations.
pub fn locations(
    analysis: &Analysis,
    uri: &Uri,
    path: Option<&Path>,
    offset: usize,
    declaration: bool,
) -> Vec<Location> {
    let Some(found) = analysis.symbols.at(offset) else {
        return Vec::new();
    };
    let mut places = Places::new(analysis, uri, path);
    analysis
        .symbols
        .locations(found.symbol)
        .skip(usize::from(!declaration))
        .filter_map(|(file, span)| places.location(&file, span.start as usize, span.end as usize))
        .collect()
}

/// Renames the name at `offset` to `new`, everywhere it is written.
pub fn rename(
    analysis: &Analysis,
    uri: &Uri,
    path: Option<&Path>,
    offset: usize,
    new: &str,
) -> Result<WorkspaceEdit, RenameError> {
    let is_name = new.len() <= rulec::syntax::MAX_NAME_LEN
        && new.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return Err(RenameError::NotAName(new.to_owned()));
    }
    if rulec::syntax::RESERVED.contains(&new) {
        return Err(RenameError::Reserved(new.to_owned()));
    }
    let found = analysis
        .symbols
        .at(offset)
        .ok_or(RenameError::NothingHere)?;
    if let Some((_, taken)) = analysis.symbols.clash(found.symbol, new) {
        let what = match taken.kind {
            SymbolKind::Field if taken.parent.is_some() => "field of the same list",
            SymbolKind::Field => "field",
            SymbolKind::Define => "define",
            SymbolKind::Member => "member of the same field",
            SymbolKind::Criterion => "criterion",
            SymbolKind::Cohort => "cohort",
        };
        return Err(RenameError::Taken {
            name: new.to_owned(),
            what,
        });
    }
    if let Some((_, other)) = analysis.symbols.hides(found.symbol, new) {
        let what = match other.kind {
            SymbolKind::Field if other.parent.is_some() => "field of a list's elements",
            SymbolKind::Define => "define",
            _ => "field",
        };
        return Err(RenameError::Hides {
            name: new.to_owned(),
            what,
        });
    }
    let mut places = Places::new(analysis, uri, path);
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (file, span) in analysis.symbols.locations(found.symbol) {
        let location = places
            .location(&file, span.start as usize, span.end as usize)
            .ok_or(RenameError::Unplaced)?;
        changes
            .entry(location.uri)
            .or_default()
            .push(TextEdit::new(location.range, new.to_owned()));
    }
    Ok(WorkspaceEdit::new(changes))
}

/// The edit that lays the document out canonically, comments kept (what
/// `rulec fmt` writes); none when it is already so or does not parse.
pub fn format(analysis: &Analysis) -> Vec<TextEdit> {
    match rulec::syntax::format(&analysis.body) {
        Ok(formatted) if formatted != analysis.body => {
            // As `rulec fmt`: the byte order mark stays.
            let mark = if analysis.text.len() > analysis.body.len() {
                "\u{feff}"
            } else {
                ""
            };
            vec![TextEdit::new(
                LineIndex::new(&analysis.text).whole(),
                format!("{mark}{formatted}"),
            )]
        }
        _ => Vec::new(),
    }
}

/// The document's outline: sections, criteria, cohorts, fields, defines.
pub fn symbols(analysis: &Analysis) -> Vec<DocumentSymbol> {
    let index = LineIndex::new(&analysis.text);
    analysis
        .file
        .as_ref()
        .map(|file| {
            rulec::symbols::outline(file)
                .iter()
                .map(|o| symbol(o, &index))
                .collect()
        })
        .unwrap_or_default()
}

// `deprecated` must be given: the protocol's `tags` replace it.
#[allow(deprecated)]
fn symbol(outline: &Outline, index: &LineIndex<'_>) -> DocumentSymbol {
    use lsp_types::SymbolKind as Kind;
    let kind = match outline.kind {
        OutlineKind::Trial => Kind::FILE,
        OutlineKind::Fields => Kind::STRUCT,
        OutlineKind::Field => Kind::FIELD,
        OutlineKind::Define => Kind::VARIABLE,
        OutlineKind::Section(_) => Kind::NAMESPACE,
        OutlineKind::Criterion => Kind::BOOLEAN,
        OutlineKind::Cohort => Kind::MODULE,
    };
    let range = |s: rulec::syntax::Span| index.range(s.start as usize, s.end as usize);
    DocumentSymbol {
        name: outline.name.clone(),
        detail: outline.detail.clone(),
        kind,
        tags: None,
        deprecated: None,
        range: range(outline.span),
        selection_range: range(outline.selection),
        children: (!outline.children.is_empty())
            .then(|| outline.children.iter().map(|c| symbol(c, index)).collect()),
    }
}
