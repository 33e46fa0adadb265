//! Dates as SQL expressions, with rulec's calendar.
//!
//! A date value is written as a SQL `DATE` while it is a whole day (a
//! field, the index date, a date moved by calendar months or whole days),
//! and as milliseconds from 1970-01-01 (a `BIGINT`) once an exact
//! duration has moved it to another time of day (`+ 36 hours`). Both are
//! exact; comparing a date with a moment compares milliseconds.
//!
//! The engines' own date differences count differently from rulec
//! (DuckDB's `date_diff` counts boundaries crossed, Spark's
//! `months_between` has a month-end rule), so whole months are computed
//! here by the rule rulec's calendar follows: the difference of the months,
//! less one when the day of the month (then the time of day) has not come
//! round again. Moving by calendar months uses the engines' month addition,
//! which clamps to the end of a shorter month as rulec does.

use jiff::civil::{Date, DateTime};

use super::dialect::{ColumnType, DatePart, Dialect};
use super::emit::Emitter;
use crate::check::{DateVal, Duration, DurationUnit, moved};
use crate::syntax::{CalendarUnit, CompareOp, Direction};

const DAY_MS: i64 = 86_400_000;

/// A date value in SQL.
#[derive(Clone, Debug)]
pub(crate) enum Moment {
    /// A `DATE`.
    Date(String),
    /// Milliseconds from 1970-01-01, a `BIGINT`.
    Ms(String),
    /// A moment known when the query is written (the index date, moved
    /// by durations written in the rules), computed by rulec's calendar.
    Const(DateTime),
    /// Never known (a move rulec's calendar cannot make).
    Null,
}

impl Moment {
    pub(crate) fn ms(&self, d: Dialect) -> Option<String> {
        match self {
            Moment::Date(date) => Some(format!("({} * {DAY_MS})", d.day_number(date))),
            Moment::Ms(ms) => Some(ms.clone()),
            Moment::Const(at) => epoch_ms(*at).map(|ms| d.integer(ms)),
            Moment::Null => None,
        }
    }

    /// The moment as SQL: a constant becomes a literal.
    pub(crate) fn written(self, d: Dialect) -> Moment {
        match self {
            Moment::Const(at) if at.time() == jiff::civil::Time::midnight() => {
                Moment::Date(d.date(at.date()))
            }
            Moment::Const(at) => epoch_ms(at).map_or(Moment::Null, |ms| Moment::Ms(d.integer(ms))),
            other => other,
        }
    }
}

const EPOCH: Date = jiff::civil::date(1970, 1, 1);

/// Days from 1970-01-01 to `date`.
fn epoch_days(date: Date) -> Option<i64> {
    let span = EPOCH.until((jiff::Unit::Day, date)).ok()?;
    Some(i64::from(span.get_days()))
}

/// Milliseconds from 1970-01-01 to `at`.
fn epoch_ms(at: DateTime) -> Option<i64> {
    let t = at.time();
    let time = i64::from(t.hour()) * 3_600_000
        + i64::from(t.minute()) * 60_000
        + i64::from(t.second()) * 1000
        + i64::from(t.millisecond());
    Some(epoch_days(at.date())? * DAY_MS + time)
}

/// `(year × 12 + month) × 32 + day` of a DATE: whole months between two
/// dates are the difference of their keys divided by 32, truncated
/// toward zero — the day of the month (below 32) takes one month off
/// exactly when it has not come round again, which is rulec's rule
/// (born on the 31st, a month old on the 30th of the next 30-day month
/// is still 0 months).
fn key(d: Dialect, date: &Moment) -> Option<String> {
    match date {
        Moment::Const(at) if at.time() == jiff::civil::Time::midnight() => {
            let date = at.date();
            let key = (i64::from(date.year()) * 12 + i64::from(date.month())) * 32
                + i64::from(date.day());
            Some(d.integer(key))
        }
        Moment::Date(x) => Some(format!(
            "(({} * 12 + {}) * 32 + {})",
            d.date_part(DatePart::Year, x),
            d.date_part(DatePart::Month, x),
            d.date_part(DatePart::Day, x)
        )),
        _ => None,
    }
}

/// Days from 1970-01-01 of a DATE.
fn day_number(d: Dialect, date: &Moment) -> Option<String> {
    match date {
        Moment::Const(at) if at.time() == jiff::civil::Time::midnight() => {
            epoch_days(at.date()).map(|n| d.integer(n))
        }
        Moment::Date(x) => Some(d.day_number(x)),
        _ => None,
    }
}

/// A whole day and the time of day of a moment in milliseconds (floor
/// division: the time of day is never negative).
fn split(d: Dialect, ms: &str) -> (String, String) {
    let time = format!("((({ms} % {DAY_MS}) + {DAY_MS}) % {DAY_MS})");
    let day = d.int_div(&format!("({ms} - {time})"), &DAY_MS.to_string());
    (day, time)
}

/// The operator's SQL spelling, for values compared exactly.
fn operator(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
        CompareOp::Eq => "=",
        CompareOp::Ne => "<>",
    }
}

impl Emitter<'_> {
    pub(crate) fn moment(&mut self, date: &DateVal) -> Moment {
        match date {
            DateVal::Field(f) => {
                let column = self.column(*f, super::layout::Source::Value);
                Moment::Date(column)
            }
            DateVal::Index => Moment::Const(DateTime::from(self.index)),
            DateVal::Choose(choice) => self.choose_moment(choice),
            DateVal::OverList(over) => self.over_moment(over),
            DateVal::Define(id) => {
                let column = self.define(id.0);
                match self.date_defines.get(&id.0) {
                    Some(true) => Moment::Date(column),
                    Some(false) => Moment::Ms(column),
                    None => Moment::Null,
                }
            }
            DateVal::Shift { date, by } => {
                let at = self.moment(date);
                self.shifted(at, *by)
            }
            DateVal::ShiftBy { date, by, unit } => {
                let at = self.moment(date);
                let amount = self.finite_num(by);
                self.shifted_by(at, &amount, *unit)
            }
        }
    }

    /// A moment moved by a duration written in the rules, as
    /// [`Duration::span`] moves it.
    fn shifted(&self, at: Moment, by: Duration) -> Moment {
        let d = self.dialect;
        let Some(span) = by.span() else {
            return Moment::Null;
        };
        if let Moment::Const(at) = at {
            return moved(at, span).map_or(Moment::Null, Moment::Const);
        }
        let months = i64::from(span.get_years()) * 12 + i64::from(span.get_months());
        let ms = i64::from(span.get_days()) * DAY_MS + span.get_milliseconds();
        match at {
            Moment::Null => Moment::Null,
            _ if months != 0 => add_months(d, &at, &months.to_string()),
            Moment::Date(date) if ms % DAY_MS == 0 => Moment::Date(d.add_days(&date, ms / DAY_MS)),
            at => match at.ms(d) {
                Some(base) => Moment::Ms(format!("({base} + {})", d.integer(ms))),
                None => Moment::Null,
            },
        }
    }

    /// A moment moved by a computed number of units: calendar units only
    /// by a whole number of them, exact ones rounded to the millisecond.
    fn shifted_by(&self, at: Moment, amount: &str, unit: DurationUnit) -> Moment {
        let d = self.dialect;
        let at = at.written(d);
        if matches!(at, Moment::Null) {
            return Moment::Null;
        }
        let per_unit = match unit {
            DurationUnit::Years | DurationUnit::Months => {
                let whole = format!(
                    "CASE WHEN abs({amount}) < 1e6 THEN CASE WHEN {amount} = {} THEN {} END END",
                    d.to_double(&d.to_bigint(amount)),
                    d.to_bigint(amount)
                );
                let months = if unit == DurationUnit::Years {
                    format!("({whole}) * 12")
                } else {
                    whole
                };
                return add_months(d, &at, &months);
            }
            DurationUnit::Weeks => 7.0 * 86_400_000.0,
            DurationUnit::Days => 86_400_000.0,
            DurationUnit::Hours => 3_600_000.0,
        };
        let rounded = d.round(&format!("({amount} * {})", d.double(per_unit)));
        // The span rulec's calendar can hold: under 7,304,485 days.
        let limit = d.double(7_304_485.0 * 86_400_000.0);
        let ms = format!(
            "CASE WHEN abs({rounded}) < {limit} THEN {} END",
            d.to_bigint(&rounded)
        );
        match at.ms(d) {
            Some(base) => Moment::Ms(format!("({base} + {ms})")),
            None => Moment::Null,
        }
    }

    pub(crate) fn compare_dates(&mut self, op: CompareOp, lhs: &DateVal, rhs: &DateVal) -> String {
        let d = self.dialect;
        let (a, b) = (self.moment(lhs).written(d), self.moment(rhs).written(d));
        let op = operator(op);
        match (a, b) {
            (Moment::Date(a), Moment::Date(b)) => format!("({a} {op} {b})"),
            (a, b) => match (a.ms(self.dialect), b.ms(self.dialect)) {
                (Some(a), Some(b)) => format!("({a} {op} {b})"),
                _ => self.dialect.null(ColumnType::Boolean),
            },
        }
    }

    pub(crate) fn within(
        &mut self,
        date: &DateVal,
        window: Duration,
        direction: Direction,
        anchor: &DateVal,
    ) -> String {
        let d = self.dialect;
        let at = self.moment(date);
        let anchor = self.moment(anchor);
        let edge = self
            .shifted(anchor.clone(), window.toward(direction))
            .written(d);
        let (at, anchor) = (at.written(d), anchor.written(d));
        let (at, anchor, edge) = match (at, anchor, edge) {
            (Moment::Date(a), Moment::Date(b), Moment::Date(c)) => (a, b, c),
            (a, b, c) => match (a.ms(d), b.ms(d), c.ms(d)) {
                (Some(a), Some(b), Some(c)) => (a, b, c),
                _ => return d.null(ColumnType::Boolean),
            },
        };
        let (from, to) = if direction == Direction::Before {
            (edge, anchor)
        } else {
            (anchor, edge)
        };
        format!("({from} <= {at} AND {at} <= {to})")
    }

    /// Whole `unit`s from one date value to another, a BIGINT.
    pub(crate) fn date_diff(&mut self, unit: CalendarUnit, from: &DateVal, to: &DateVal) -> String {
        let d = self.dialect;
        let (a, b) = (self.moment(from), self.moment(to));
        let null = d.null(ColumnType::BigInt);
        if let (Some(day_a), Some(day_b), Some(key_a), Some(key_b)) =
            (day_number(d, &a), day_number(d, &b), key(d, &a), key(d, &b))
        {
            let days = format!("({day_b} - {day_a})");
            let months = || d.int_div(&format!("({key_b} - {key_a})"), "32");
            return match unit {
                CalendarUnit::Days => days,
                CalendarUnit::Hours => format!("({days} * 24)"),
                CalendarUnit::Weeks => d.int_div(&days, "7"),
                CalendarUnit::Months => months(),
                CalendarUnit::Years => d.int_div(&months(), "12"),
            };
        }
        let (Some(a), Some(b)) = (a.ms(d), b.ms(d)) else {
            return null;
        };
        match unit {
            CalendarUnit::Days => d.int_div(&format!("({b} - {a})"), &DAY_MS.to_string()),
            CalendarUnit::Hours => d.int_div(&format!("({b} - {a})"), "3600000"),
            CalendarUnit::Weeks | CalendarUnit::Months | CalendarUnit::Years => {
                // rulec's calendar (jiff's `until`): when the time of day
                // runs against the days, the last day does not count whole.
                let (day_a, time_a) = split(d, &a);
                let (day_b, time_b) = split(d, &b);
                let day_b = format!(
                    "({day_b} + CASE WHEN {day_b} > {day_a} AND {time_b} < {time_a} THEN -1 \
                     WHEN {day_b} < {day_a} AND {time_b} > {time_a} THEN 1 ELSE 0 END)"
                );
                if unit == CalendarUnit::Weeks {
                    return d.int_div(&format!("({day_b} - {day_a})"), "7");
                }
                let key_a = key(d, &Moment::Date(d.date_of_day(&day_a))).unwrap_or_default();
                let key_b = key(d, &Moment::Date(d.date_of_day(&day_b))).unwrap_or_default();
                let months = d.int_div(&format!("({key_b} - {key_a})"), "32");
                if unit == CalendarUnit::Months {
                    months
                } else {
                    d.int_div(&months, "12")
                }
            }
        }
    }
}

/// A moment moved by whole calendar months (a BIGINT expression).
fn add_months(d: Dialect, at: &Moment, months: &str) -> Moment {
    match at {
        Moment::Date(date) => Moment::Date(d.add_months(date, months)),
        Moment::Ms(ms) => {
            let (day, time) = split(d, ms);
            let moved = d.add_months(&d.date_of_day(&day), months);
            Moment::Ms(format!("({} * {DAY_MS} + {time})", d.day_number(&moved)))
        }
        Moment::Const(at) => add_months(d, &Moment::Const(*at).written(d), months),
        Moment::Null => Moment::Null,
    }
}
