//! List fields: one element per chosen resource, in date order.

use super::model::Quantity;
use super::patient::{Parsed, Reading, chosen, window_start};
use crate::check::{CodeSet, Element, FieldBinding, Selection};
use crate::schema::{Field, FieldType, FieldValue, Record, Slot, Source};

/// Every chosen resource dated on or before the index date (and within
/// the window), one list element each; a resource whose code no `code`
/// map member takes is not an element. Undated resources are kept: a
/// therapy on record counts even when its date was not written.
pub(super) fn every(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    field: &Field,
    select: &Selection,
    elements: &[(Slot, Element)],
) -> FieldValue {
    let FieldType::ListOf(schema) = &field.ty else {
        return FieldValue::Missing;
    };
    let parsed = std::mem::take(&mut reading.parsed);
    let kinds: Vec<&str> = select.resources.iter().map(|r| r.as_str()).collect();
    if !parsed.iter().any(|p| select.resources.contains(&p.kind)) {
        reading.sources.push(Source {
            field: binding.field.clone(),
            slot: binding.slot,
            absent: Some(format!("no {} on record", kinds.join(" or "))),
            ..Source::default()
        });
        reading.parsed = parsed;
        return FieldValue::Missing;
    }
    let start = window_start(select, reading.index);
    let mut chosen_ones: Vec<&Parsed<'_>> = parsed
        .iter()
        .filter(|p| chosen(p, select, &select.codes))
        .filter(|p| {
            if let Some(reason) = &p.bad_date {
                reading.errors.push(crate::records::DataError {
                    record: reading.name.clone(),
                    field: binding.field.clone(),
                    reason: format!("{}: {reason}; kept as undated", p.name()),
                });
            }
            p.when
                .as_ref()
                .is_none_or(|w| w.date <= reading.index && start.is_none_or(|s| w.date >= s))
        })
        .collect();
    // Undated first, then by date; input order breaks ties.
    chosen_ones.sort_by_key(|p| p.when.as_ref().map(|w| w.instant));
    let mut list = Vec::new();
    for p in chosen_ones {
        let mut element = Record::new(schema);
        let mut keep = true;
        let position = list.len();
        let mut source = Source {
            field: format!("{}[{position}]", binding.field),
            slot: binding.slot,
            element: Some(position),
            resource: Some(p.name()),
            date: p.when.as_ref().map(|w| w.text.clone()),
            ..Source::default()
        };
        for (at, what) in elements {
            let Some(element_field) = schema.field(*at) else {
                continue;
            };
            let path = format!("{}[{position}].{}", binding.field, element_field.name);
            let value = match what {
                Element::Code(members) => match member_of(p, members) {
                    Some((member, code)) => {
                        source.code = Some(code);
                        Ok(FieldValue::Member(member))
                    }
                    None => {
                        keep = false;
                        break;
                    }
                },
                Element::Date => Ok(p
                    .when
                    .as_ref()
                    .map_or(FieldValue::Missing, |w| FieldValue::Date(w.date))),
                Element::Reason(members) => {
                    let reasons = p.res.status_reasons();
                    Ok(members
                        .iter()
                        .find(|(_, codes)| {
                            reasons
                                .iter()
                                .any(|r| r.codes().any(|(s, c)| codes.matches(s, c)))
                        })
                        .map_or(FieldValue::Missing, |(m, _)| FieldValue::Bool(*m == 1)))
                }
                Element::End => match p.end() {
                    Some(Ok(day)) => Ok(FieldValue::Date(day)),
                    Some(Err(reason)) => Err(format!("{}: {reason}", p.name())),
                    None => Ok(FieldValue::Missing),
                },
                Element::Status => match (p.status(), &element_field.ty) {
                    (None, _) => Ok(FieldValue::Missing),
                    (Some(code), FieldType::OneOf(members) | FieldType::Ordered(members)) => {
                        crate::records::member(code, members)
                            .map(FieldValue::Member)
                            .map_err(|e| format!("{}: status {e}", p.name()))
                    }
                    (Some(code), _) => Ok(FieldValue::Text(code.to_owned())),
                },
                Element::Value => match &p.res.value.value_quantity {
                    Some(q) => value(element_field, q, &p.name()),
                    None => Ok(FieldValue::Missing),
                },
            };
            match value.and_then(|v| element.set_slot(*at, v).map_err(|w| w.to_string())) {
                Ok(()) => {}
                Err(reason) => reading.errors.push(crate::records::DataError {
                    record: reading.name.clone(),
                    field: path,
                    reason,
                }),
            }
        }
        if keep {
            reading.sources.push(source);
            list.push(element);
        }
    }
    reading.sources.push(Source {
        field: binding.field.clone(),
        slot: binding.slot,
        note: Some(format!(
            "{} element(s) from {}",
            list.len(),
            kinds.join(", ")
        )),
        ..Source::default()
    });
    reading.parsed = parsed;
    FieldValue::List(list)
}

/// The first member whose codes the resource's code matches, and that
/// code in words.
fn member_of(p: &Parsed<'_>, members: &[(u32, CodeSet)]) -> Option<(u32, String)> {
    let code = p.code();
    for (member, codes) in members {
        if codes.any {
            let shown = code
                .as_ref()
                .and_then(|c| c.codes().next())
                .map(|(s, c)| crate::check::Code::coding(s, c));
            return Some((*member, shown.unwrap_or_else(|| "no code".to_owned())));
        }
        if let Some((s, c)) = code
            .as_ref()
            .and_then(|k| k.codes().find(|(s, c)| codes.matches(s, c)))
        {
            let shown = crate::check::Code::coding(s, c);
            return Some((*member, shown));
        }
    }
    None
}

fn value(field: &Field, q: &Quantity, name: &str) -> Result<FieldValue, String> {
    match (
        q.value,
        q.system.as_deref(),
        q.code.as_deref(),
        &q.comparator,
    ) {
        (_, _, _, Some(c)) => Err(format!(
            "{name}: the value is censored (`{c}`), which rulec does not compare yet"
        )),
        (Some(v), Some("http://unitsofmeasure.org"), Some(code), None) => {
            crate::records::from_ucum(field, v, code, None, None)
                .map_err(|e| format!("{name}: {e}"))
        }
        _ => Err(format!("{name}: valueQuantity has no UCUM unit")),
    }
}
