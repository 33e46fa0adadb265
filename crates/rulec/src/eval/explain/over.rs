//! Explaining the functions of a list's elements: which elements counted,
//! their values, and why the result is unknown where it is.

use crate::check::{DateVal, Num, OverList};
use crate::schema::FieldType;
use crate::semantics::{Aggregate, Seen, Truth};

use super::cond::Explainer;
use super::push_unique;

/// The counted values an explanation lists, at most.
const SHOWN: usize = 5;

impl<'r> Explainer<'_, 'r> {
    /// Each element as the function sees it, with the element's
    /// condition explained where it is unknown; `None` when the list is
    /// missing.
    fn seen_with<T, V>(
        &mut self,
        over: &OverList<T>,
        value: impl Fn(&mut Self, &T) -> Option<V>,
        why: impl Fn(&mut Self, &T) -> Vec<String>,
    ) -> Option<Vec<(Seen<V>, String)>> {
        let elements = self.walker.elements_of(over.list)?;
        let Some(FieldType::ListOf(schema)) = self.field(over.list).map(|f| &f.ty) else {
            return None;
        };
        self.schemas.push(schema);
        let mut all = Vec::with_capacity(elements.len());
        for element in elements {
            self.walker.enter(element);
            let (counts, mut said) = match &over.condition {
                Some(c) => self.cond(c),
                None => (Truth::True, String::new()),
            };
            let (at, v) = if counts == Truth::False {
                (None, None)
            } else {
                let at = over.at.as_ref().and_then(|d| self.walker.moment(d));
                let v = value(self, &over.value);
                if counts == Truth::True && v.is_none() {
                    said = why(self, &over.value).join(" and ");
                }
                (at, v)
            };
            self.walker.leave();
            all.push((
                Seen {
                    counts,
                    value: v,
                    at,
                },
                said,
            ));
        }
        self.schemas.pop();
        Some(all)
    }

    /// `mean(qtc of ecgs where …) = 451 ms (3 of 4 counted: 440 ms, 452 ms,
    /// 461 ms)`; for `latest` and `earliest`, the element taken and its
    /// date.
    pub(super) fn over_num_text(
        &mut self,
        over: &OverList<Num>,
        v: f64,
        unit: Option<&str>,
    ) -> String {
        let seen = self
            .seen_with(over, |this, n| this.walker.num(n), |_, _| Vec::new())
            .unwrap_or_default();
        let head = self.over_head(over);
        let value = super::qty_with(v, unit, 4);
        let counted: Vec<usize> = (seen.iter().enumerate())
            .filter(|(_, (s, _))| s.counts == Truth::True)
            .map(|(i, _)| i)
            .collect();
        if over.kind.dated() {
            let taken = self.taken_element(over.kind, &seen);
            return format!("{head} = {value}{taken}");
        }
        let values: Vec<String> = (counted.iter().take(SHOWN))
            .filter_map(|i| seen.get(*i).and_then(|(s, _)| s.value))
            .map(|x| super::qty_with(x, unit, 4))
            .collect();
        let more = if counted.len() > SHOWN { ", …" } else { "" };
        format!(
            "{head} = {value} ({} of {} counted{}{}{more})",
            counted.len(),
            seen.len(),
            if values.is_empty() { "" } else { ": " },
            values.join(", ")
        )
    }

    /// A date taken by `latest` or `earliest`, explained.
    pub(super) fn over_date_text(
        &mut self,
        over: &OverList<DateVal>,
        value: jiff::civil::Date,
    ) -> String {
        let seen = self
            .seen_with(over, |this, d| this.walker.moment(d), |_, _| Vec::new())
            .unwrap_or_default();
        let head = self.over_head(over);
        let taken = self.taken_element(over.kind, &seen);
        format!("{head} = {value}{taken}")
    }

    /// ` (weights[2], of 2025-12-01)`: the element `latest` or `earliest`
    /// took.
    fn taken_element<V>(&self, kind: Aggregate, seen: &[(Seen<V>, String)]) -> String {
        let best = (seen.iter().enumerate())
            .filter(|(_, (s, _))| s.counts == Truth::True)
            .filter_map(|(i, (s, _))| s.at.map(|at| (i, at)))
            .reduce(|a, b| match kind {
                Aggregate::Latest if b.1 > a.1 => b,
                Aggregate::Earliest if b.1 < a.1 => b,
                _ => a,
            });
        best.map_or_else(String::new, |(i, at)| {
            format!(" (element {i}, of {})", at.date())
        })
    }

    /// `mean(qtc of ecgs where …)`: the value named where it is an
    /// element's field.
    fn over_head<T: ElementField>(&self, over: &OverList<T>) -> String {
        let list = self.name(over.list);
        let filter = if over.condition.is_some() {
            " where …"
        } else {
            ""
        };
        let value = self
            .element_field(over, over.value.element_field())
            .map_or("…".to_owned(), |f| f.name.clone());
        format!("{}({value} of {list}{filter})", over.kind.name())
    }

    /// The field of the list's elements at `slot`.
    fn element_field<T>(
        &self,
        over: &OverList<T>,
        slot: Option<crate::schema::Slot>,
    ) -> Option<&crate::schema::Field> {
        let Some(FieldType::ListOf(schema)) = self.field(over.list).map(|f| &f.ty) else {
            return None;
        };
        schema.field(slot?)
    }

    /// The unit of a number of a list's elements: its value's, where that
    /// is an element's quantity field or has a unit of its own.
    pub(super) fn over_unit(&self, over: &OverList<Num>) -> Option<Option<crate::units::Unit>> {
        match self
            .element_field(over, over.value.element_field())
            .map(|f| &f.ty)
        {
            Some(FieldType::Quantity { unit, .. }) => Some(Some(unit.clone())),
            Some(FieldType::Integer { .. } | FieldType::Number) => Some(None),
            _ => self.unit(&over.value),
        }
    }

    /// Why the function of a list's elements is unknown.
    pub(super) fn why_over<T, V: PartialEq + Copy>(
        &mut self,
        over: &OverList<T>,
        value: impl Fn(&mut Self, &T) -> Option<V>,
        why: impl Fn(&mut Self, &T) -> Vec<String>,
    ) -> Vec<String> {
        let list = self.name(over.list);
        let Some(seen) = self.seen_with(over, value, why) else {
            return vec![format!("{list} is missing{}", self.absent(over.list))];
        };
        let mut reasons = Vec::new();
        for (i, (s, said)) in seen.iter().enumerate() {
            let reason = match s.counts {
                Truth::Unknown => {
                    let said = said.strip_suffix(": unknown").unwrap_or(said);
                    Some(format!("whether {list}[{i}] counts is unknown ({said})"))
                }
                Truth::True if over.kind.dated() && s.at.is_none() => {
                    Some(format!("{list}[{i}] has no date"))
                }
                Truth::True if s.value.is_none() && !over.kind.dated() => {
                    Some(format!("{list}[{i}]: {said}"))
                }
                _ => None,
            };
            push_unique(&mut reasons, reason);
        }
        if !reasons.is_empty() {
            return reasons;
        }
        let counted: Vec<(usize, &Seen<V>, &String)> = (seen.iter().enumerate())
            .filter(|(_, (s, _))| s.counts == Truth::True)
            .map(|(i, (s, said))| (i, s, said))
            .collect();
        let best = counted
            .iter()
            .filter_map(|(_, s, _)| s.at)
            .reduce(|a, b| match over.kind {
                Aggregate::Latest if b > a => b,
                Aggregate::Earliest if b < a => b,
                _ => a,
            });
        let word = if over.kind == Aggregate::Latest {
            "latest"
        } else {
            "earliest"
        };
        vec![match (counted.as_slice(), best) {
            ([], _) => format!("no element of {list} counts"),
            (_, Some(at)) if over.kind.dated() => {
                let at_best: Vec<&(usize, &Seen<V>, &String)> = counted
                    .iter()
                    .filter(|(_, s, _)| s.at == Some(at))
                    .collect();
                match at_best.as_slice() {
                    [(i, _, said)] => format!("{list}[{i}], the {word}, has no value ({said})"),
                    _ => {
                        let which: Vec<String> = at_best
                            .iter()
                            .map(|(i, _, _)| format!("{list}[{i}]"))
                            .collect();
                        format!(
                            "{} share the {word} date, {}, with different values",
                            super::join_and(&which),
                            at.date()
                        )
                    }
                }
            }
            _ => format!("the {} of {list} overflows", over.kind.name()),
        }]
    }

    /// The names a function of a list's elements reads: the list's.
    pub(super) fn over_names<T>(&self, over: &OverList<T>, names: &mut Vec<String>) {
        push_unique(names, [self.name(over.list)]);
    }
}

/// A value that may be a field of the element in view, unconverted.
pub(super) trait ElementField {
    /// The field's slot, where the value is one of the element's fields.
    fn element_field(&self) -> Option<crate::schema::Slot>;
}

impl ElementField for Num {
    fn element_field(&self) -> Option<crate::schema::Slot> {
        match self {
            Num::Field { field, conversion } if field.depth == 1 && conversion.is_identity() => {
                Some(field.slot)
            }
            _ => None,
        }
    }
}

impl ElementField for DateVal {
    fn element_field(&self) -> Option<crate::schema::Slot> {
        match self {
            DateVal::Field(field) if field.depth == 1 => Some(field.slot),
            _ => None,
        }
    }
}
