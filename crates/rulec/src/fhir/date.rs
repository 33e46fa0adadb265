//! FHIR `date`, `dateTime` and `instant` values: the calendar date in the
//! value's own offset (what windows compare), and the instant (what orders
//! results taken the same day).

use jiff::Timestamp;
use jiff::civil::Date;

/// A point in time as FHIR gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct When {
    /// The calendar date where it was measured.
    pub date: Date,
    /// The instant, for ordering; a date alone is its midnight in UTC.
    pub instant: Timestamp,
    /// As written.
    pub text: String,
}

/// Reads `2026-01-13`, `2026-01-13T08:00:00Z`, `2026-01-13T08:00:00+01:00`.
/// A partial date (`2026`, `2026-01`) spans days a window may cut, so it
/// is refused rather than guessed.
pub(crate) fn parse(text: &str) -> Result<When, String> {
    let shown = crate::records::show(text);
    let day = text.get(..10).filter(|_| text.len() >= 10);
    let Some(day) = day else {
        return Err(format!(
            "`{shown}` is a partial date, which a window cannot place: give the day"
        ));
    };
    let date: Date = day
        .parse()
        .map_err(|_| format!("`{shown}` is not a date (YYYY-MM-DD)"))?;
    if date.year() < 1 {
        return Err(format!("`{shown}` is before year 1"));
    }
    let instant = if text.len() == 10 {
        format!("{date}T00:00:00Z")
            .parse::<Timestamp>()
            .map_err(|e| format!("`{shown}`: {e}"))?
    } else {
        text.parse::<Timestamp>().map_err(|_| {
            format!("`{shown}` is not a FHIR dateTime (a time needs its offset, e.g. `T08:00:00Z`)")
        })?
    };
    Ok(When {
        date,
        instant,
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_taken_in_their_own_offset() {
        let late = parse("2026-01-13T23:30:00-05:00").unwrap();
        assert_eq!(late.date, jiff::civil::date(2026, 1, 13));
        assert_eq!(late.instant.to_string(), "2026-01-14T04:30:00Z");
        let plain = parse("2026-01-13").unwrap();
        assert_eq!(plain.date, jiff::civil::date(2026, 1, 13));
        assert!(plain.instant < late.instant);
    }

    #[test]
    fn partial_and_malformed_dates_are_refused() {
        assert!(parse("2026").unwrap_err().contains("partial"));
        assert!(parse("2026-01").unwrap_err().contains("partial"));
        assert!(parse("2026-02-30").is_err());
        assert!(parse("2026-01-13T08:00:00").is_err());
        assert!(parse("0000-01-01").is_err());
    }
}
