//! How each engine spells what the back end writes: quoting, literals,
//! types, and the few functions whose names or semantics differ.
//!
//! Everything an engine could read two ways is spelled here the one way
//! that means the same on all three: doubles are written as typed
//! doubles (a plain `0.1` is an exact decimal in all three engines, and
//! `0.1 + 0.2 = 0.3` would then hold where rulec's binary doubles do not),
//! integer division is the engine's truncating one, and a NULL is always
//! typed (Spark refuses an untyped NULL where a boolean is expected).

use std::fmt;

/// A SQL engine the back end writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL 15 and later.
    Postgres,
    /// DuckDB 1.1 and later.
    DuckDb,
    /// Spark SQL 3.4 and later (ANSI mode on or off).
    Spark,
}

impl Dialect {
    /// Every dialect, in the order the docs list them.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::DuckDb, Dialect::Spark];

    /// The name used on the command line: `postgres`, `duckdb`, `spark`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::DuckDb => "duckdb",
            Dialect::Spark => "spark",
        }
    }

    /// A quoted identifier: every name is quoted, so keywords (`order`,
    /// `group`) and names in any case work. PostgreSQL and DuckDB quote
    /// with `"`, Spark with a backtick (`"x"` is a string there).
    #[must_use]
    pub fn ident(self, name: &str) -> String {
        let quote = if self == Dialect::Spark { '`' } else { '"' };
        let mut out = String::with_capacity(name.len() + 2);
        out.push(quote);
        for c in name.chars() {
            if c == quote {
                out.push(quote);
            }
            out.push(c);
        }
        out.push(quote);
        out
    }

    /// A string literal. Spark reads backslash escapes inside strings,
    /// so a backslash is doubled there; `'` is doubled everywhere.
    #[must_use]
    pub fn string(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('\'');
        for c in text.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' if self == Dialect::Spark => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// A double literal that reads back as exactly `value`: Rust's
    /// shortest round-trip digits with an exponent, which DuckDB and Spark
    /// type as a double (PostgreSQL would make it an exact numeric, so it
    /// is cast there). `value` must be finite.
    #[must_use]
    pub fn double(self, value: f64) -> String {
        let digits = format!("{value:e}");
        match self {
            Dialect::Postgres => format!("CAST('{digits}' AS FLOAT8)"),
            Dialect::DuckDb | Dialect::Spark if value < 0.0 => format!("({digits})"),
            Dialect::DuckDb | Dialect::Spark => digits,
        }
    }

    /// A whole-number literal.
    #[must_use]
    pub fn integer(self, value: i64) -> String {
        if value < 0 {
            format!("({value})")
        } else {
            value.to_string()
        }
    }

    /// A date literal.
    #[must_use]
    pub fn date(self, date: jiff::civil::Date) -> String {
        format!("DATE '{date}'")
    }

    /// A column type.
    #[must_use]
    pub fn type_name(self, ty: ColumnType) -> &'static str {
        match (self, ty) {
            (_, ColumnType::Boolean) => "BOOLEAN",
            (_, ColumnType::BigInt) => "BIGINT",
            (Dialect::Postgres, ColumnType::Double) => "FLOAT8",
            (_, ColumnType::Double) => "DOUBLE",
            (_, ColumnType::Date) => "DATE",
            (Dialect::Postgres, ColumnType::Text) => "TEXT",
            (Dialect::DuckDb, ColumnType::Text) => "VARCHAR",
            (Dialect::Spark, ColumnType::Text) => "STRING",
        }
    }

    /// A NULL of a type.
    #[must_use]
    pub fn null(self, ty: ColumnType) -> String {
        format!("CAST(NULL AS {})", self.type_name(ty))
    }

    /// `expr` as a double.
    pub(crate) fn to_double(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.type_name(ColumnType::Double))
    }

    /// `expr` as a 64-bit integer (a double is truncated toward zero).
    pub(crate) fn to_bigint(self, expr: &str) -> String {
        format!("CAST({expr} AS BIGINT)")
    }

    /// Integer division truncating toward zero, as rulec counts whole
    /// units (`/` is float division in DuckDB and Spark).
    pub(crate) fn int_div(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Postgres => format!("({a} / {b})"),
            Dialect::DuckDb => format!("({a} // {b})"),
            Dialect::Spark => format!("CAST({a} / {b} AS BIGINT)"),
        }
    }

    /// Days from 1970-01-01 to a DATE, as a BIGINT.
    pub(crate) fn day_number(self, date: &str) -> String {
        match self {
            Dialect::Postgres | Dialect::DuckDb => {
                format!("CAST({date} - DATE '1970-01-01' AS BIGINT)")
            }
            Dialect::Spark => format!("CAST(datediff({date}, DATE '1970-01-01') AS BIGINT)"),
        }
    }

    /// The DATE `days` after 1970-01-01.
    pub(crate) fn date_of_day(self, days: &str) -> String {
        match self {
            Dialect::Postgres | Dialect::DuckDb => {
                format!("(DATE '1970-01-01' + CAST({days} AS INTEGER))")
            }
            Dialect::Spark => format!("date_add(DATE '1970-01-01', CAST({days} AS INT))"),
        }
    }

    /// A DATE moved by whole days.
    pub(crate) fn add_days(self, date: &str, days: i64) -> String {
        match self {
            Dialect::Postgres | Dialect::DuckDb => format!("({date} + {})", self.integer(days)),
            Dialect::Spark => format!("date_add({date}, {})", self.integer(days)),
        }
    }

    /// A DATE moved by whole calendar months, the day clamped to the end
    /// of a shorter month (31 January + 1 month = 28 or 29 February), as
    /// rulec moves dates. `months` is a whole-number expression.
    pub(crate) fn add_months(self, date: &str, months: &str) -> String {
        match self {
            Dialect::Postgres => {
                format!("CAST({date} + make_interval(months => CAST({months} AS INTEGER)) AS DATE)")
            }
            Dialect::DuckDb => {
                format!("CAST({date} + to_months(CAST({months} AS INTEGER)) AS DATE)")
            }
            Dialect::Spark => format!("add_months({date}, CAST({months} AS INT))"),
        }
    }

    /// The year, month or day of the month of a DATE, as a BIGINT.
    pub(crate) fn date_part(self, part: DatePart, date: &str) -> String {
        let name = match part {
            DatePart::Year => "YEAR",
            DatePart::Month => "MONTH",
            DatePart::Day => "DAY",
        };
        match self {
            Dialect::Postgres => format!("CAST(EXTRACT({name} FROM {date}) AS BIGINT)"),
            Dialect::DuckDb | Dialect::Spark => {
                let function = match part {
                    DatePart::Year => "year",
                    DatePart::Month => "month",
                    DatePart::Day => "dayofmonth",
                };
                format!("CAST({function}({date}) AS BIGINT)")
            }
        }
    }

    /// A double rounded half away from zero, as Rust's `f64::round`
    /// (PostgreSQL rounds a double half to even, so it is spelled out
    /// there: `x - trunc(x)` is exact in binary floating point).
    pub(crate) fn round(self, x: &str) -> String {
        match self {
            Dialect::Postgres => format!(
                "(trunc({x}) + CASE WHEN abs({x} - trunc({x})) >= 0.5 THEN sign({x}) ELSE 0 END)"
            ),
            Dialect::DuckDb | Dialect::Spark => format!("round({x})"),
        }
    }

    /// `x`, or NULL when it is infinite or not a number: rulec treats a
    /// non-finite result as missing. NaN compares above every number in
    /// all three engines, so the one test catches it too.
    pub(crate) fn finite(self, x: &str) -> String {
        format!(
            "CASE WHEN abs({x}) <= {} THEN {x} END",
            self.double(f64::MAX)
        )
    }

    /// Rows counted where a condition is true, as a BIGINT.
    pub(crate) fn count_where(self, condition: &str) -> String {
        format!("count(*) FILTER (WHERE {condition})")
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The column types of the flat layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `BOOLEAN`.
    Boolean,
    /// A 64-bit integer.
    BigInt,
    /// A binary64 double.
    Double,
    /// A calendar date.
    Date,
    /// Text.
    Text,
}

/// A part of a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatePart {
    Year,
    Month,
    Day,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings_are_quoted_for_each_engine() {
        assert_eq!(Dialect::Postgres.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::Spark.string("it's \\"), "'it''s \\\\'");
        assert_eq!(Dialect::DuckDb.string("it's \\"), "'it''s \\'");
    }

    #[test]
    fn doubles_read_back_exactly() {
        for x in [0.1, 100.8, 3.0 * 33.6, 1e-12, 1e300, 5e-324, -2.5] {
            let text = format!("{x:e}");
            assert_eq!(text.parse::<f64>().ok(), Some(x));
            assert!(Dialect::Spark.double(x).contains(&text));
        }
        assert_eq!(Dialect::Postgres.double(80.0), "CAST('8e1' AS FLOAT8)");
        assert_eq!(Dialect::DuckDb.double(-0.5), "(-5e-1)");
    }
}
