//! Calendar arithmetic: whole units between two points in time. Years
//! count by birthdays and months by day of the month (born 29 February
//! 2004, a patient is 20 on 28 February 2025 and 21 on 1 March); weeks,
//! days and hours are exact lengths of time.
//!
//! One function per unit, so that a compiled closure built around one is
//! monomorphised for it; [`whole_units`] picks by unit.

use jiff::Unit as DateUnit;
use jiff::civil::DateTime;

use crate::syntax::CalendarUnit;

/// Whole calendar years from `from` to `to`, by birthdays.
#[inline]
pub(crate) fn whole_years(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Year, to)).ok()?;
    Some(f64::from(span.get_years()))
}

/// Whole calendar months from `from` to `to`, by day of the month.
#[inline]
pub(crate) fn whole_months(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Month, to)).ok()?;
    Some(f64::from(span.get_months()))
}

/// Whole weeks from `from` to `to`.
#[inline]
pub(crate) fn whole_weeks(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Week, to)).ok()?;
    Some(f64::from(span.get_weeks()))
}

/// Whole days from `from` to `to`.
#[inline]
pub(crate) fn whole_days(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Day, to)).ok()?;
    Some(f64::from(span.get_days()))
}

/// Whole hours from `from` to `to` (a multiple of 24 between two dates,
/// which stand at their midnights).
#[inline]
pub(crate) fn whole_hours(from: DateTime, to: DateTime) -> Option<f64> {
    let span = from.until((DateUnit::Hour, to)).ok()?;
    Some(f64::from(span.get_hours()))
}

/// Whole calendar units from `from` to `to` (negative when `to` is
/// earlier); `None` out of the calendar's range.
///
/// ```
/// use jiff::civil::date;
/// use rulec::semantics::whole_units;
/// use rulec::syntax::CalendarUnit;
///
/// let born = date(2004, 2, 29).at(0, 0, 0, 0);
/// assert_eq!(whole_units(CalendarUnit::Years, born, date(2025, 2, 28).at(0, 0, 0, 0)), Some(20.0));
/// assert_eq!(whole_units(CalendarUnit::Years, born, date(2025, 3, 1).at(0, 0, 0, 0)), Some(21.0));
/// ```
#[must_use]
pub fn whole_units(unit: CalendarUnit, from: DateTime, to: DateTime) -> Option<f64> {
    match unit {
        CalendarUnit::Years => whole_years(from, to),
        CalendarUnit::Months => whole_months(from, to),
        CalendarUnit::Weeks => whole_weeks(from, to),
        CalendarUnit::Days => whole_days(from, to),
        CalendarUnit::Hours => whole_hours(from, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use jiff::civil::date;
    use proptest::prelude::*;

    const UNITS: [CalendarUnit; 5] = [
        CalendarUnit::Years,
        CalendarUnit::Months,
        CalendarUnit::Weeks,
        CalendarUnit::Days,
        CalendarUnit::Hours,
    ];

    fn span(unit: CalendarUnit, n: i64) -> jiff::Span {
        match unit {
            CalendarUnit::Years => n.years(),
            CalendarUnit::Months => n.months(),
            CalendarUnit::Weeks => n.weeks(),
            CalendarUnit::Days => n.days(),
            CalendarUnit::Hours => n.hours(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Exact units (weeks, days, hours): the count is the largest
        /// whole number of units that, added to `from`, does not pass
        /// `to` (for `to` after `from`), and the count back is its
        /// negation.
        #[test]
        fn exact_units_are_the_largest_step_not_passing(
            a in 0_i32..80_000, b in 0_i32..80_000, u in 2_usize..5,
        ) {
            let base = date(1900, 1, 1).at(0, 0, 0, 0);
            let (from, to) = (base + a.days(), base + b.days());
            let (from, to) = if from <= to { (from, to) } else { (to, from) };
            let unit = UNITS[u];
            let n = whole_units(unit, from, to).unwrap();
            #[expect(clippy::cast_possible_truncation, reason = "a small whole count")]
            let n = n as i64;
            prop_assert!(n >= 0);
            prop_assert!(from.checked_add(span(unit, n)).unwrap() <= to);
            prop_assert!(from.checked_add(span(unit, n + 1)).unwrap() > to);
            prop_assert_eq!(whole_units(unit, to, from), Some(-(n as f64)));
        }

        /// Calendar units go by the day of the month: whole months are
        /// the difference of `(year × 12 + month) × 32 + day`, divided by
        /// 32 and truncated toward zero, either way round; years are
        /// months divided by 12. (Not "the largest step not passing":
        /// 31 January + 1 month clamps to 28 February, yet 31 January to
        /// 28 February is no whole month.) The SQL back end spells this
        /// formula out.
        #[test]
        fn calendar_units_go_by_the_day_of_the_month(
            a in 0_i32..80_000, b in 0_i32..80_000,
        ) {
            let base = date(1900, 1, 1).at(0, 0, 0, 0);
            let (from, to) = (base + a.days(), base + b.days());
            let key = |d: DateTime| {
                (i64::from(d.year()) * 12 + i64::from(d.month())) * 32 + i64::from(d.day())
            };
            let months = (key(to) - key(from)) / 32;
            #[expect(clippy::cast_precision_loss, reason = "a small whole count")]
            let (months, years) = (months as f64, (months / 12) as f64);
            prop_assert_eq!(whole_units(CalendarUnit::Months, from, to), Some(months));
            prop_assert_eq!(whole_units(CalendarUnit::Years, from, to), Some(years));
        }
    }

    #[test]
    fn birthdays_and_month_ends() {
        let at = |y, m, d| date(y, m, d).at(0, 0, 0, 0);
        let years = |f, t| whole_units(CalendarUnit::Years, f, t);
        let months = |f, t| whole_units(CalendarUnit::Months, f, t);
        assert_eq!(years(at(2004, 2, 29), at(2025, 2, 28)), Some(20.0));
        assert_eq!(years(at(2004, 2, 29), at(2025, 3, 1)), Some(21.0));
        assert_eq!(years(at(2008, 2, 29), at(2026, 2, 28)), Some(17.0));
        assert_eq!(months(at(2026, 1, 31), at(2026, 2, 28)), Some(0.0));
        assert_eq!(months(at(2024, 1, 31), at(2024, 2, 29)), Some(0.0));
        assert_eq!(months(at(2026, 3, 31), at(2026, 2, 28)), Some(-1.0));
        assert_eq!(months(at(2026, 1, 31), at(2026, 3, 1)), Some(1.0));
        assert_eq!(
            whole_units(CalendarUnit::Hours, at(2026, 1, 1), at(2026, 1, 2)),
            Some(24.0)
        );
    }
}
