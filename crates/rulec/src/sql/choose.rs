//! `first known of`, `if … then … else …` and functions of numbers as
//! SQL: NULL is unknown on every value here, so `COALESCE` is exactly
//! `first known of`, and an `if` whose condition is NULL takes its
//! branches' value where they are the same
//! ([`crate::semantics::if_then_else`]). The functions are the engines'
//! own, guarded where PostgreSQL would raise an error for a value rulec
//! calls unknown (`sqrt(-1)`, `(-8) ^ 0.5`, `0 ^ -1`, an overflow).

use super::dialect::{ColumnType, Dialect};
use super::emit::Emitter;
use super::moment::Moment;
use crate::check::{Choice, Cond, DateVal, Num};
use crate::semantics::Func;

/// The natural logarithm of the largest finite double: a power whose
/// `exponent × ln |base|` is above it overflows.
const LN_MAX: f64 = 709.78;

/// A choice among operands already written as SQL values, NULL unknown.
fn pick(choice: Choice<String>, cond: Option<String>, null: &str) -> String {
    match choice {
        Choice::FirstKnown(items) => format!("COALESCE({})", items.join(", ")),
        Choice::If {
            then, otherwise, ..
        } => {
            let c = cond.unwrap_or_else(|| "NULL".to_owned());
            format!(
                "CASE WHEN {c} THEN {then} WHEN NOT {c} THEN {otherwise} \
                 WHEN {then} = {otherwise} THEN {then} ELSE {null} END"
            )
        }
    }
}

impl Emitter<'_> {
    /// The choice's operands written by `write`, and its condition.
    fn written<T>(
        &mut self,
        choice: &Choice<T>,
        mut write: impl FnMut(&mut Self, &T) -> String,
    ) -> (Choice<String>, Option<String>) {
        match choice {
            Choice::FirstKnown(items) => (
                Choice::FirstKnown(items.iter().map(|i| write(self, i)).collect()),
                None,
            ),
            Choice::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.cond(cond);
                let (then, otherwise) = (write(self, then), write(self, otherwise));
                (
                    Choice::If {
                        cond: Cond::Literal(true),
                        then,
                        otherwise,
                    },
                    Some(c),
                )
            }
        }
    }

    /// A chosen condition, a BOOLEAN.
    pub(crate) fn choose_cond(&mut self, choice: &Choice<Cond>) -> String {
        let (choice, cond) = self.written(choice, Self::cond);
        let null = self.dialect.null(ColumnType::Boolean);
        pick(choice, cond, &null)
    }

    /// A chosen number, a DOUBLE, NULL unless finite.
    pub(crate) fn choose_num(&mut self, choice: &Choice<Num>) -> String {
        let (choice, cond) = self.written(choice, Self::finite_num);
        let null = self.dialect.null(ColumnType::Double);
        pick(choice, cond, &null)
    }

    /// A chosen date, in milliseconds.
    pub(crate) fn choose_moment(&mut self, choice: &Choice<DateVal>) -> Moment {
        let d = self.dialect;
        let null = d.null(ColumnType::BigInt);
        let (choice, cond) = self.written(choice, |this, date| {
            this.moment(date).ms(d).unwrap_or_else(|| null.clone())
        });
        Moment::Ms(pick(choice, cond, &null))
    }

    /// A function of numbers, which may come out infinite (the caller
    /// makes it finite).
    pub(crate) fn call(&mut self, func: Func, args: &[Num]) -> String {
        let d = self.dialect;
        let null = d.null(ColumnType::Double);
        let args: Vec<String> = args.iter().map(|a| self.finite_num(a)).collect();
        match (func, args.as_slice()) {
            (Func::Min | Func::Max, _) => {
                // LEAST and GREATEST skip NULLs; rulec's `min` is unknown
                // with any argument unknown.
                let any_null: Vec<String> = args.iter().map(|a| format!("{a} IS NULL")).collect();
                let name = if func == Func::Min {
                    "LEAST"
                } else {
                    "GREATEST"
                };
                format!(
                    "CASE WHEN {} THEN {null} ELSE {name}({}) END",
                    any_null.join(" OR "),
                    args.join(", ")
                )
            }
            (Func::Pow, [b, e]) => format!(
                "CASE WHEN {b} IS NULL OR {e} IS NULL THEN {null} \
                 WHEN {b} = 0 THEN CASE WHEN {e} < 0 THEN {null} WHEN {e} = 0 THEN {one} ELSE {zero} END \
                 WHEN {b} < 0 AND {e} <> round({e}) THEN {null} \
                 WHEN {e} * ln(abs({b})) > {max} THEN {null} \
                 ELSE power({b}, {e}) END",
                one = d.double(1.0),
                zero = d.double(0.0),
                max = d.double(LN_MAX),
            ),
            (Func::Sqrt, [x]) => format!("CASE WHEN {x} >= 0 THEN sqrt({x}) ELSE {null} END"),
            // DuckDB (2.0) derives `cbrt`'s range from its argument's, and
            // stops with an internal error where rounding makes that range
            // cross (a column of one value and NULLs, in ms converted to
            // s); the power it is goes through no such shortcut.
            (Func::Cbrt, [x]) if d == Dialect::DuckDb => {
                format!("(sign({x}) * power(abs({x}), {}))", d.double(1.0 / 3.0))
            }
            (Func::Cbrt, [x]) => format!("cbrt({x})"),
            _ => self.fail("a function with the wrong number of arguments"),
        }
    }
}
