//! Lowering a `fhir { … }` block.

use pest::iterators::Pair;

use super::{Result, Rule, internal, lower_plausible, lower_string, name, span_of};
use crate::syntax::ast::*;

pub(super) fn lower_fhir(pair: Pair<'_, Rule>) -> Result<FhirBlock> {
    let span = span_of(&pair);
    let mut entries = Vec::new();
    for part in pair.into_inner() {
        let entry = match part.as_rule() {
            Rule::fhir_codes => {
                let span = span_of(&part);
                let mut inner = part.into_inner().filter(|p| p.as_rule() != Rule::colon);
                inner.next(); // `codes`
                let set = name(&inner.next().ok_or_else(|| internal(span))?);
                let codes = lower_codes(inner.next().ok_or_else(|| internal(span))?)?;
                FhirEntry::Codes {
                    name: set,
                    codes,
                    span,
                }
            }
            Rule::fhir_valueset => {
                let span = span_of(&part);
                let mut inner = part.into_inner().filter(|p| p.as_rule() != Rule::colon);
                inner.next(); // `valueset`
                let set = name(&inner.next().ok_or_else(|| internal(span))?);
                let path = lower_string(inner.next().ok_or_else(|| internal(span))?)?;
                FhirEntry::ValueSet {
                    name: set,
                    path,
                    span,
                }
            }
            Rule::fhir_binding => FhirEntry::Binding(Box::new(lower_binding(part)?)),
            _ => continue,
        };
        entries.push(entry);
    }
    Ok(FhirBlock { entries, span })
}

fn lower_binding(pair: Pair<'_, Rule>) -> Result<Binding> {
    let span = span_of(&pair);
    let mut field = None;
    let mut source = None;
    let mut fallback = None;
    let mut status = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => field = Some(name(&part)),
            Rule::fhir_patient => {
                let span = span_of(&part);
                let element = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::member)
                    .ok_or_else(|| internal(span))?;
                source = Some(BindSource::Patient(name(&element)));
            }
            Rule::fhir_select => source = Some(BindSource::Select(lower_select(part)?)),
            Rule::fhir_fallback => fallback = Some(lower_plausible(part)?),
            Rule::fhir_status => {
                let set = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::member_set)
                    .ok_or_else(|| internal(span))?;
                status = Some(super::lower_members(set));
            }
            _ => {}
        }
    }
    Ok(Binding {
        field: field.ok_or_else(|| internal(span))?,
        source: source.ok_or_else(|| internal(span))?,
        fallback,
        status,
        span,
    })
}

fn lower_select(pair: Pair<'_, Rule>) -> Result<BindSelect> {
    let span = span_of(&pair);
    let mut select = BindSelect {
        every: false,
        resources: Vec::new(),
        what: None,
        component: None,
        window: None,
        map: None,
        span,
    };
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ty_every => select.every = true,
            Rule::fhir_resource => select.resources.push(name(&part)),
            Rule::fhir_what => select.what = Some(lower_code_ref(part)?),
            Rule::fhir_component => select.component = Some(lower_code_ref(part)?),
            Rule::fhir_window => {
                let span = span_of(&part);
                let within = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::literal)
                    .map(super::lower_literal)
                    .transpose()?;
                select.window = Some(BindWindow { within, span });
            }
            Rule::fhir_map => select.map = Some(lower_map(part)?),
            _ => {}
        }
    }
    Ok(select)
}

/// The codes after `Observation` or `component`, or a map entry's value.
fn lower_code_ref(pair: Pair<'_, Rule>) -> Result<CodeRef> {
    let span = span_of(&pair);
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::kw_any => return Ok(CodeRef::Any(span_of(&part))),
            Rule::fhir_code_list => return Ok(CodeRef::Codes(lower_codes(part)?)),
            Rule::ident => return Ok(CodeRef::Named(name(&part))),
            _ => {}
        }
    }
    Err(internal(span))
}

fn lower_codes(pair: Pair<'_, Rule>) -> Result<Vec<Code>> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::fhir_code)
        .map(|code| {
            let span = span_of(&code);
            let mut system = None;
            let mut text = None;
            for part in code.into_inner() {
                match part.as_rule() {
                    Rule::fhir_system => system = Some(name(&part)),
                    Rule::string => text = Some(lower_string(part)?),
                    _ => {}
                }
            }
            Ok(Code {
                system,
                code: text.ok_or_else(|| internal(span))?,
            })
        })
        .collect()
}

fn lower_map(pair: Pair<'_, Rule>) -> Result<Vec<MapEntry>> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::fhir_entry)
        .map(|entry| {
            let span = span_of(&entry);
            let mut key = None;
            let mut value = None;
            for part in entry.into_inner() {
                match part.as_rule() {
                    Rule::member => key = Some(name(&part)),
                    Rule::kw_any => value = Some(MapValue::Codes(CodeRef::Any(span_of(&part)))),
                    Rule::fhir_code_list => {
                        value = Some(MapValue::Codes(CodeRef::Codes(lower_codes(part)?)));
                    }
                    Rule::fhir_word => {
                        let span = span_of(&part);
                        let mut inner = part.into_inner();
                        let word = name(&inner.next().ok_or_else(|| internal(span))?);
                        let map = inner.next().map(lower_map).transpose()?;
                        value = Some(MapValue::Word { word, map });
                    }
                    _ => {}
                }
            }
            Ok(MapEntry {
                key: key.ok_or_else(|| internal(span))?,
                value: value.ok_or_else(|| internal(span))?,
            })
        })
        .collect()
}
