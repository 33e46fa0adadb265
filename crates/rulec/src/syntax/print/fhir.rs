//! Printing a `fhir { … }` block: one line per entry, the names lined up
//! as in `fields`; a binding too long for a line puts its map's entries on
//! lines of their own.

use super::{WIDTH, member_set, pad_right, print_expr, quote};
use crate::syntax::ast::*;

/// The lines of the block's entries, without the braces or indentation
/// of the block; `entry_lines(block)[i]` are the lines of entry `i`.
pub(in crate::syntax) fn entry_lines(block: &FhirBlock) -> Vec<Vec<String>> {
    let width = block
        .entries
        .iter()
        .map(|e| head(e).chars().count())
        .max()
        .unwrap_or(0);
    block
        .entries
        .iter()
        .map(|entry| {
            let head = pad_right(&head(entry), width);
            match entry {
                FhirEntry::Codes { codes, .. } => vec![format!("{head} {}", codes_text(codes))],
                FhirEntry::ValueSet { path, .. } => vec![format!("{head} {}", quote(&path.node))],
                FhirEntry::Binding(binding) => binding_lines(&head, binding),
            }
        })
        .collect()
}

fn head(entry: &FhirEntry) -> String {
    match entry {
        FhirEntry::Codes { name, .. } => format!("codes {}:", name.node),
        FhirEntry::ValueSet { name, .. } => format!("valueset {}:", name.node),
        FhirEntry::Binding(b) => format!("{}:", b.field.node),
    }
}

fn binding_lines(head: &str, binding: &Binding) -> Vec<String> {
    let mut options = String::new();
    if let Some(range) = &binding.fallback {
        options.push_str(&format!(
            ", normal range {}..{}",
            print_expr(&range.node.low),
            print_expr(&range.node.high)
        ));
    }
    if let Some(status) = &binding.status {
        options.push_str(&format!(", status {}", member_set(status)));
    }
    let select = match &binding.source {
        BindSource::Patient(element) => {
            return vec![format!("{head} Patient.{}{options}", element.node)];
        }
        BindSource::Select(select) => select,
    };
    let mut line = format!("{head} {}", select_head(select));
    let Some(map) = &select.map else {
        return vec![format!("{line}{options}")];
    };
    let inline = format!("{line} {}{options}", map_text(map));
    if inline.chars().count() + 2 <= WIDTH {
        return vec![inline];
    }
    line.push_str(" {");
    let mut lines = vec![line];
    for entry in map {
        let text = format!("  {}", entry_text(entry));
        match &entry.value {
            // A nested map too long for its line breaks the same way.
            MapValue::Word {
                word,
                map: Some(inner),
            } if head.chars().count() + 1 + text.chars().count() > WIDTH => {
                lines.push(format!("  {}: {} {{", entry.key.node, word.node));
                lines.extend(inner.iter().map(|e| format!("    {}", entry_text(e))));
                lines.push("  }".to_owned());
            }
            _ => lines.push(text),
        }
    }
    lines.push(format!("}}{options}"));
    lines
}

fn select_head(select: &BindSelect) -> String {
    let mut text = String::new();
    if select.every {
        text.push_str("every ");
    }
    let resources: Vec<&str> = select.resources.iter().map(|r| r.node.as_str()).collect();
    text.push_str(&resources.join(", "));
    if let Some(what) = &select.what {
        text.push(' ');
        text.push_str(&code_ref_text(what));
    }
    if let Some(component) = &select.component {
        text.push_str(" component ");
        text.push_str(&code_ref_text(component));
    }
    if let Some(window) = &select.window {
        if let Some(within) = &window.within {
            text.push_str(" within ");
            text.push_str(&print_expr(within));
        }
        text.push_str(" before index");
    }
    text
}

fn code_ref_text(codes: &CodeRef) -> String {
    match codes {
        CodeRef::Any(_) => "any".to_owned(),
        CodeRef::Codes(codes) => codes_text(codes),
        CodeRef::Named(name) => name.node.clone(),
    }
}

fn codes_text(codes: &[Code]) -> String {
    let texts: Vec<String> = codes
        .iter()
        .map(|code| match &code.system {
            Some(system) => format!("{} {}", system.node, quote(&code.code.node)),
            None => quote(&code.code.node),
        })
        .collect();
    texts.join(", ")
}

fn map_text(map: &[MapEntry]) -> String {
    if map.is_empty() {
        return "{}".to_owned();
    }
    let entries: Vec<String> = map.iter().map(entry_text).collect();
    format!("{{ {} }}", entries.join(", "))
}

fn entry_text(entry: &MapEntry) -> String {
    let value = match &entry.value {
        MapValue::Codes(codes) => code_ref_text(codes),
        MapValue::Word { word, map: None } => word.node.clone(),
        MapValue::Word {
            word,
            map: Some(map),
        } => format!("{} {}", word.node, map_text(map)),
    };
    format!("{}: {value}", entry.key.node)
}
