//! Scalar and set fields: the latest result within the window, and the
//! members whose codes a resource on record carries.

use super::model::{Quantity, ReferenceRange, Values};
use super::patient::{Parsed, Reading, chosen, window_start, window_text};
use crate::check::{CodeSet, FieldBinding, Resource, Selection};
use crate::schema::{Field, FieldType, FieldValue, Source};
use crate::semantics::Censor;

const UCUM: &str = "http://unitsofmeasure.org";

/// The latest of the chosen resources within the window, by date then
/// `issued`; `None` with the reason in `source.absent` when there is none.
fn pick<'p>(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    select: &Selection,
    codes: &CodeSet,
    parsed: &'p [Parsed<'p>],
    source: &mut Source,
) -> Option<&'p Parsed<'p>> {
    let start = window_start(select, reading.index);
    let mut best: Option<&Parsed<'_>> = None;
    let mut older: Option<&Parsed<'_>> = None;
    for p in parsed {
        if !chosen(p, select, codes) {
            continue;
        }
        let Some(when) = &p.when else {
            if let Some(reason) = &p.bad_date {
                reading.error(&binding.field, format!("{}: {reason}", p.name()));
            }
            continue;
        };
        if when.date > reading.index {
            continue;
        }
        if start.is_some_and(|s| when.date < s) {
            if older.is_none_or(|o| o.when.as_ref().is_some_and(|w| w.instant < when.instant)) {
                older = Some(p);
            }
            continue;
        }
        let later = best.is_none_or(|b| {
            let (Some(bw), bi) = (&b.when, issued(b)) else {
                return true;
            };
            (when.instant, issued(p)) > (bw.instant, bi)
        });
        if later {
            best = Some(p);
        }
    }
    if best.is_none() {
        let kind = select
            .resources
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(" or ");
        let mut absent = format!(
            "no {kind} with {} {}",
            codes.describe(),
            window_text(select, reading.index)
        );
        if let Some(old) = older.and_then(|o| Some((o.name(), o.when.as_ref()?.date))) {
            absent.push_str(&format!(" (the latest, {} of {}, is older)", old.0, old.1));
        }
        source.absent = Some(absent);
    }
    best
}

fn issued(p: &Parsed<'_>) -> Option<jiff::Timestamp> {
    p.issued
}

/// The value of the latest chosen Observation (or its component).
pub(super) fn latest(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    field: &Field,
    select: &Selection,
    values: &[(u32, CodeSet)],
    fallback: Option<(f64, f64)>,
    source: &mut Source,
) -> FieldValue {
    let parsed = std::mem::take(&mut reading.parsed);
    let value = match pick(reading, binding, select, &select.codes, &parsed, source) {
        Some(p) => {
            describe(p, select, source);
            observed(reading, binding, field, select, values, fallback, p, source)
        }
        None => FieldValue::Missing,
    };
    reading.parsed = parsed;
    value
}

/// The resource, its date and the code it was chosen by.
fn describe(p: &Parsed<'_>, select: &Selection, source: &mut Source) {
    source.resource = Some(p.name());
    source.date = p.when.as_ref().map(|w| w.text.clone());
    let code = p.code().and_then(|c| {
        c.codes()
            .find(|(s, k)| select.codes.matches(s, k))
            .map(|(s, k)| crate::check::Code::coding(s, k))
    });
    source.code = code;
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each argument a different part of the binding"
)]
fn observed(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    field: &Field,
    select: &Selection,
    values: &[(u32, CodeSet)],
    fallback: Option<(f64, f64)>,
    p: &Parsed<'_>,
    source: &mut Source,
) -> FieldValue {
    let name = p.name();
    let (element, ranges): (&Values, &[ReferenceRange]) = match &select.component {
        Some(codes) => {
            let component = p.res.component.iter().find(|c| {
                c.code
                    .as_ref()
                    .is_some_and(|k| k.codes().any(|(s, c)| codes.matches(s, c)))
            });
            match component {
                Some(c) => (&c.value, &c.reference_range),
                None => {
                    source.absent =
                        Some(format!("{name} has no component with {}", codes.describe()));
                    return FieldValue::Missing;
                }
            }
        }
        None => (&p.res.value, &p.res.reference_range),
    };
    if let Some(reason) = &element.data_absent_reason {
        let why = reason
            .codes()
            .next()
            .map_or("no reason given".to_owned(), |(_, c)| c.to_owned());
        source.absent = Some(format!("{name} has no value ({why})"));
        return FieldValue::Missing;
    }
    let result = match &field.ty {
        FieldType::Quantity { unit, .. } => match &element.value_quantity {
            Some(q) => quantity(
                reading, binding, field, unit, q, ranges, fallback, &name, source,
            ),
            None => Err(wrong_value(&name, element, "valueQuantity")),
        },
        FieldType::Integer { min, max } => {
            match (&element.value_integer, &element.value_quantity) {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "checked against 2^53 by `integer`"
                )]
                (Some(i), _) => crate::records::integer(*i as f64, *min, *max),
                (None, Some(q)) => ucum_of(q, &name).and_then(|(v, code)| {
                    crate::records::integer_from_ucum(v, code)
                        .and_then(|v| crate::records::integer(v, *min, *max))
                }),
                _ => Err(wrong_value(&name, element, "valueInteger")),
            }
        }
        FieldType::Number => match (&element.value_integer, &element.value_quantity) {
            #[expect(clippy::cast_precision_loss, reason = "a number field holds an f64")]
            (Some(i), _) => crate::records::number(*i as f64),
            (None, Some(q)) => ucum_of(q, &name)
                .and_then(|(v, code)| crate::records::integer_from_ucum(v, code))
                .and_then(crate::records::number),
            _ => Err(wrong_value(&name, element, "valueQuantity")),
        },
        FieldType::Bool => match (&element.value_boolean, &element.value_codeable_concept) {
            (Some(b), _) => Ok(FieldValue::Bool(*b)),
            (None, Some(concept)) if !values.is_empty() => {
                coded(concept, values, &name, source).map(|m| FieldValue::Bool(m == 1))
            }
            _ => Err(wrong_value(&name, element, "valueBoolean")),
        },
        FieldType::OneOf(_) | FieldType::Ordered(_) => match &element.value_codeable_concept {
            Some(concept) => coded(concept, values, &name, source).map(FieldValue::Member),
            None => Err(wrong_value(&name, element, "valueCodeableConcept")),
        },
        FieldType::Date => match &element.value_date_time {
            Some(text) => super::date::parse(text)
                .map(|w| FieldValue::Date(w.date))
                .map_err(|e| format!("{name}: valueDateTime {e}")),
            None => Err(wrong_value(&name, element, "valueDateTime")),
        },
        FieldType::Text => match &element.value_string {
            Some(text) => Ok(FieldValue::Text(text.clone())),
            None => Err(wrong_value(&name, element, "valueString")),
        },
        FieldType::SetOf(_) | FieldType::ListOf(_) => Ok(FieldValue::Missing),
    };
    match result {
        Ok(value) => value,
        Err(reason) => {
            reading.error(&binding.field, reason);
            FieldValue::Missing
        }
    }
}

fn wrong_value(name: &str, element: &Values, wanted: &str) -> String {
    match element.kind() {
        Some(kind) => format!("{name} has a {kind}, where the field takes a {wanted}"),
        None => format!("{name} has no value"),
    }
}

/// The value and UCUM code of a quantity that claims UCUM; anything else
/// is refused, never guessed from its display text.
fn ucum_of<'q>(q: &'q Quantity, name: &str) -> Result<(f64, &'q str), String> {
    if let (Some(comparator), Some(value)) = (&q.comparator, q.value) {
        let unit_text = q.unit.as_deref().unwrap_or_default();
        return Err(format!(
            "{name}: the value is censored (`{comparator}{value} {unit_text}`), which only a quantity field's comparisons can use"
        ));
    }
    ucum_parts(q, name)
}

/// [`ucum_of`] for a value that may be censored: the comparator is the
/// caller's to read.
fn ucum_parts<'q>(q: &'q Quantity, name: &str) -> Result<(f64, &'q str), String> {
    let unit_text = q.unit.as_deref().unwrap_or_default();
    let Some(value) = q.value else {
        return Err(format!("{name}: valueQuantity has no value"));
    };
    match (q.system.as_deref(), q.code.as_deref()) {
        (Some(UCUM), Some(code)) => Ok((value, code)),
        (Some(UCUM), None) => Err(format!(
            "{name}: valueQuantity has no UCUM code (unit text `{}`)",
            crate::records::show(unit_text)
        )),
        (Some(other), _) => Err(format!(
            "{name}: valueQuantity's unit is coded in `{}`, not UCUM (http://unitsofmeasure.org)",
            crate::records::show(other)
        )),
        (None, _) => Err(format!(
            "{name}: valueQuantity has no unit system; its unit text `{}` is not read as UCUM",
            crate::records::show(unit_text)
        )),
    }
}

#[expect(clippy::too_many_arguments, reason = "one call site")]
fn quantity(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    field: &Field,
    unit: &crate::units::Unit,
    q: &Quantity,
    ranges: &[ReferenceRange],
    fallback: Option<(f64, f64)>,
    name: &str,
    source: &mut Source,
) -> Result<FieldValue, String> {
    let (value, code) = ucum_parts(q, name)?;
    let censor = match q.comparator.as_deref() {
        None => None,
        Some(c) => match Censor::from_comparator(c) {
            Some(censor) => Some(censor),
            None => {
                return Err(format!(
                    "{name}: comparator `{}` is not a bound (`<`, `<=`, `>`, `>=`)",
                    crate::records::show(c)
                ));
            }
        },
    };
    let normal_range = matches!(
        field.ty,
        FieldType::Quantity {
            normal_range: true,
            ..
        }
    );
    let mut low = None;
    let mut high = None;
    if normal_range {
        let usable: Vec<&ReferenceRange> = ranges
            .iter()
            .filter(|r| r.applies_to.is_none() && r.age.is_none())
            .filter(|r| {
                r.kind
                    .as_ref()
                    .is_none_or(|k| k.codes().any(|(_, c)| c == "normal"))
            })
            .collect();
        match usable.as_slice() {
            [] => {}
            [range] => {
                let limit = |q: &Option<Quantity>, which: &str| -> Result<Option<(f64, String)>, String> {
                    q.as_ref()
                        .map(|q| ucum_of(q, &format!("{name}: referenceRange.{which}")).map(|(v, c)| (v, c.to_owned())))
                        .transpose()
                };
                match (limit(&range.low, "low"), limit(&range.high, "high")) {
                    (Ok(l), Ok(h)) => {
                        low = l;
                        high = h;
                    }
                    (Err(e), _) | (_, Err(e)) => reading.error(&binding.field, format!("{e}; the range is not used")),
                }
            }
            _ => reading.error(
                &binding.field,
                format!("{name} has {} normal ranges, and rulec cannot tell which applies; none is used", usable.len()),
            ),
        }
    }
    let mut from_binding = false;
    if normal_range
        && low.is_none()
        && high.is_none()
        && let Some((l, h)) = fallback
    {
        low = Some((l, unit.ucum().to_owned()));
        high = Some((h, unit.ucum().to_owned()));
        from_binding = true;
    }
    let limits = (
        low.as_ref().map(|(v, c)| (*v, c.as_str())),
        high.as_ref().map(|(v, c)| (*v, c.as_str())),
    );
    if let Some(censor) = censor {
        // Held beside the record's value, which reads as missing.
        let censored =
            crate::records::censored_from_ucum(field, censor, value, code, limits.0, limits.1)
                .map_err(|e| format!("{name}: {e}"))?;
        source.original = Some(format!("{}{value} {code}", censor.as_str()));
        source.note = Some(
            "censored: compared only where every value beyond the bound gives the same answer"
                .to_owned(),
        );
        reading.censored = Some(censored);
        return Ok(FieldValue::Missing);
    }
    let converted = crate::records::from_ucum(field, value, code, limits.0, limits.1)
        .map_err(|e| format!("{name}: {e}"))?;
    if code != unit.ucum() {
        // As written: the explanation rounds the field's value, not this one.
        source.original = Some(format!("{value} {code}"));
    }
    if from_binding && let Some((l, h)) = fallback {
        source.note = Some(format!(
            "normal range {}..{} {unit} from the binding",
            crate::eval::format_number(l),
            crate::eval::format_number(h)
        ));
    }
    Ok(converted)
}

/// The member (or `1`/`0` for a bool) whose codes a coded value has.
fn coded(
    concept: &super::model::Concept,
    values: &[(u32, CodeSet)],
    name: &str,
    source: &mut Source,
) -> Result<u32, String> {
    for (member, codes) in values {
        if let Some((s, c)) = concept.codes().find(|(s, c)| codes.matches(s, c)) {
            source.original = Some(crate::check::Code::coding(s, c));
            return Ok(*member);
        }
    }
    let found: Vec<String> = concept.codes().map(|(s, c)| format!("{s}|{c}")).collect();
    Err(format!(
        "{name}: the coded value ({}) matches none of the binding's codes",
        if found.is_empty() {
            "no coding".to_owned()
        } else {
            found.join(", ")
        }
    ))
}

/// A set field (or a bool, member 1): each member present when a chosen
/// resource carries its codes. For Observations, a member's latest
/// result says yes (`valueBoolean` true) or no.
pub(super) fn members(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    field: &Field,
    select: &Selection,
    members: &[(u32, CodeSet)],
    source: &mut Source,
) -> FieldValue {
    let parsed = std::mem::take(&mut reading.parsed);
    let value = members_of(reading, binding, field, select, members, &parsed, source);
    reading.parsed = parsed;
    value
}

fn members_of(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    field: &Field,
    select: &Selection,
    members: &[(u32, CodeSet)],
    parsed: &[Parsed<'_>],
    source: &mut Source,
) -> FieldValue {
    let mut present = Vec::new();
    let mut from = Vec::new();
    let kinds: Vec<&str> = select.resources.iter().map(|r| r.as_str()).collect();
    if select.resources == [Resource::Observation] {
        let mut any = false;
        for (member, codes) in members {
            let mut scratch = Source::default();
            let Some(p) = pick(reading, binding, select, codes, parsed, &mut scratch) else {
                continue;
            };
            any = true;
            match p.res.value.value_boolean {
                Some(true) => {
                    present.push(*member);
                    from.push(p.name());
                }
                Some(false) => from.push(p.name()),
                None => reading.error(
                    &binding.field,
                    wrong_value(&p.name(), &p.res.value, "valueBoolean"),
                ),
            }
        }
        if !any {
            source.absent = Some(format!(
                "no Observation for any member {}",
                window_text(select, reading.index)
            ));
            return FieldValue::Missing;
        }
    } else {
        if !parsed.iter().any(|p| select.resources.contains(&p.kind)) {
            source.absent = Some(format!("no {} on record", kinds.join(" or ")));
            return FieldValue::Missing;
        }
        let start = window_start(select, reading.index);
        for p in parsed {
            if !chosen(
                p,
                select,
                &CodeSet {
                    codes: Vec::new(),
                    any: true,
                },
            ) {
                continue;
            }
            let dated_ok = p
                .when
                .as_ref()
                .is_none_or(|w| w.date <= reading.index && start.is_none_or(|s| w.date >= s));
            if !dated_ok {
                continue;
            }
            let Some(code) = p.code() else {
                continue;
            };
            for (member, codes) in members {
                if code
                    .codes()
                    .any(|(s, c)| codes.matches(s, c) && select.codes.matches(s, c))
                {
                    if !present.contains(member) {
                        present.push(*member);
                    }
                    from.push(p.name());
                }
            }
        }
    }
    if !from.is_empty() {
        from.dedup();
        source.resource = Some(from.join(", "));
    } else {
        source.note = Some(format!("no matching {} on record", kinds.join(" or ")));
    }
    match field.ty {
        FieldType::Bool => FieldValue::Bool(present.contains(&1)),
        _ => {
            present.sort_unstable();
            FieldValue::Members(present)
        }
    }
}
