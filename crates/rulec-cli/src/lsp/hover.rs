//! Hover: what a name or unit at the cursor is, in the library's words
//! (a field's declared type, a unit's UCUM code and kind, a define's type
//! as the checker inferred it, a criterion's label).

use std::fmt::Write as _;

use rulec::FileRef;
use rulec::symbols::{Symbol, SymbolKind};
use rulec::syntax::{Span, Type};
use rulec::units::Unit;

use super::analysis::Analysis;

/// The hover text (Markdown) at byte `offset`, and the span it is about.
pub fn at(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    let symbols = &analysis.symbols;
    if let Some(found) = symbols.at(offset) {
        let symbol = symbols.symbol(found.symbol)?;
        return Some((describe(analysis, symbol), found.span));
    }
    let unit = symbols.unit_at(offset)?;
    Some((unit_words(&unit.text), unit.span))
}

fn describe(analysis: &Analysis, symbol: &Symbol) -> String {
    let symbols = &analysis.symbols;
    let parent = symbol.parent.and_then(|p| symbols.symbol(p));
    let mut out = String::new();
    match symbol.kind {
        SymbolKind::Field => {
            let ty = symbol.type_text().unwrap_or_default();
            let _ = write!(out, "**field** `{}`: `{ty}`", symbol.name);
            if let Some(list) = parent {
                let _ = write!(out, "\n\nfield of each element of `{}`", list.name);
            }
            if let Some(Type::Quantity(q)) = &symbol.ty {
                let _ = write!(out, "\n\n{}", unit_words(&q.unit.node));
                out.push_str(if q.normal_range {
                    "\n\nnormal range: the record carries one with each value (`x ULN`, `x LLN`)"
                } else {
                    "\n\nnormal range: none declared"
                });
                if let Some(mass) = &q.molar_mass {
                    let _ = write!(
                        out,
                        "\n\nmolar mass: {} {} (converts between mass and substance units)",
                        mass.node.value,
                        rulec::units::canonical(&mass.node.unit.node)
                    );
                }
            }
            if let FileRef::Import(path) = &symbol.file {
                let _ = write!(out, "\n\ndeclared in `{path}`");
            }
        }
        SymbolKind::Define => {
            let ty = analysis
                .program
                .as_ref()
                .and_then(|p| p.defines.iter().find(|d| d.name == symbol.name))
                .map(|d| d.value.type_name());
            match ty {
                Some(ty) => {
                    let _ = write!(out, "**define** `{}`: {ty}", symbol.name);
                }
                None => {
                    let _ = write!(
                        out,
                        "**define** `{}`: its type is inferred once the file checks",
                        symbol.name
                    );
                }
            }
            if let Some(unit) = &symbol.unit {
                let _ = write!(out, "\n\nshown in `{unit}`");
            }
        }
        SymbolKind::Member => {
            let _ = write!(out, "**member** `{}`", symbol.name);
            if let Some(field) = parent {
                let ty = field.type_text().unwrap_or_default();
                let _ = write!(out, " of `{}`: `{ty}`", field.name);
            }
        }
        SymbolKind::Criterion => {
            let section = symbol.section.map_or("", |s| s.keyword());
            let _ = write!(out, "**{section} criterion** `{}`", symbol.name);
            if let Some(label) = &symbol.label {
                let _ = write!(out, "\n\n\"{label}\"");
            }
            if let Some(cohort) = parent {
                let _ = write!(out, "\n\nin cohort `{}`", cohort.name);
            }
        }
        SymbolKind::Cohort => {
            let _ = write!(out, "**cohort** `{}`", symbol.name);
            if let Some(label) = &symbol.label {
                let _ = write!(out, "\n\n\"{label}\"");
            }
        }
    }
    out
}

/// A unit's UCUM meaning and what it measures, or why it is not one.
pub fn unit_words(written: &str) -> String {
    match Unit::parse(written) {
        Ok(unit) => {
            let dimension = unit.dimension();
            format!(
                "unit `{written}`: UCUM `{}`, {} (dimension {})",
                unit.ucum(),
                unit.kind(),
                dimension.formula()
            )
        }
        Err(error) => format!("`{written}` is not a unit rulec reads: {error}"),
    }
}
