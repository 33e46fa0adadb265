//! Functions of a list's elements as SQL: each element's row says whether
//! it counts (its condition, NULL when unknown), its date and its value;
//! the rows are grouped by the row they are asked about, and the result
//! is decided from the groups' counts by [`crate::semantics::Aggregate`]'s
//! rule — unknown where an element may count, a counted one lacks its
//! value or date, or elements tied on the latest date differ.

use super::dialect::ColumnType;
use super::emit::Emitter;
use super::moment::Moment;
use crate::check::{DateVal, Num, OverList};
use crate::semantics::Aggregate;

impl Emitter<'_> {
    /// A number of a list's elements, a DOUBLE (not yet made finite).
    pub(crate) fn over_num(&mut self, over: &OverList<Num>) -> String {
        let null = self.dialect.null(ColumnType::Double);
        self.over(over, Self::finite_num, &null)
    }

    /// A date of a list's elements, in milliseconds.
    pub(crate) fn over_moment(&mut self, over: &OverList<DateVal>) -> Moment {
        let d = self.dialect;
        let null = d.null(ColumnType::BigInt);
        let value = |em: &mut Self, date: &DateVal| {
            em.moment(date)
                .ms(d)
                .unwrap_or_else(|| d.null(ColumnType::BigInt))
        };
        Moment::Ms(self.over(over, value, &null))
    }

    fn over<T>(
        &mut self,
        over: &OverList<T>,
        value: impl Fn(&mut Self, &T) -> String,
        null: &str,
    ) -> String {
        let d = self.dialect;
        let (inc, at, val) = (d.ident("inc"), d.ident("at"), d.ident("val"));
        let bigint = d.null(ColumnType::BigInt);
        let Some((elements, length)) = self.elements(over.list, |em| {
            let counts = over
                .condition
                .as_ref()
                .map_or_else(|| "TRUE".to_owned(), |c| em.cond(c));
            let when = over
                .at
                .as_ref()
                .and_then(|a| em.moment(a).ms(d))
                .unwrap_or_else(|| bigint.clone());
            let v = value(em, &over.value);
            vec![(counts, inc.clone()), (when, at.clone()), (v, val.clone())]
        }) else {
            return null.to_owned();
        };
        let keys = elements.keys.join(", ");
        let count = |c: &str| d.count_where(c);
        let (rows, columns, decided) = if over.kind.dated() {
            // The latest (earliest) date among the counted elements of the
            // same row, beside each element.
            let best = d.ident("best");
            let window = if over.kind == Aggregate::Latest {
                "MAX"
            } else {
                "MIN"
            };
            let rows = format!(
                "SELECT y.*, {window}(CASE WHEN {inc} THEN {at} END) OVER (PARTITION BY {keys}) AS {best} FROM ({}) y",
                elements.rows
            );
            let at_best = format!("{inc} AND {at} = {best}");
            let columns = vec![
                (count(&format!("{inc} IS NULL")), "u"),
                (count(&format!("{inc} AND {at} IS NULL")), "b"),
                (count(&format!("{at_best} AND {val} IS NULL")), "nv"),
                (count(&at_best), "c"),
                (format!("MIN({val}) FILTER (WHERE {at_best})"), "lo"),
                (format!("MAX({val}) FILTER (WHERE {at_best})"), "hi"),
            ];
            (rows, columns, "lo")
        } else {
            let agg = match over.kind {
                Aggregate::Min => "MIN",
                Aggregate::Max => "MAX",
                _ => "SUM",
            };
            let columns = vec![
                (count(&format!("{inc} IS NULL")), "u"),
                (count(&format!("{inc} AND {val} IS NULL")), "b"),
                (count(&inc), "c"),
                (format!("{agg}({val}) FILTER (WHERE {inc})"), "s"),
            ];
            (elements.rows.clone(), columns, "s")
        };
        let selected: Vec<String> = columns
            .iter()
            .map(|(sql, name)| format!("{sql} AS {}", d.ident(name)))
            .collect();
        let grouped = format!(
            "SELECT {keys}, {} FROM ({rows}) x GROUP BY {keys}",
            selected.join(", ")
        );
        let joined = self.join_per_row(&elements, grouped);
        let col = |c: &str| format!("{joined}.{}", d.ident(c));
        let n = |c: &str| format!("COALESCE({}, 0)", col(c));
        let unknown = format!("{} > 0 OR {} > 0", n("u"), n("b"));
        let value = col(decided);
        match over.kind {
            Aggregate::Sum => format!(
                "CASE WHEN {length} IS NULL OR {unknown} THEN {null} ELSE COALESCE({value}, {}) END",
                d.double(0.0)
            ),
            Aggregate::Mean => format!(
                "CASE WHEN {length} IS NULL OR {unknown} OR {} = 0 THEN {null} ELSE {value} / {} END",
                n("c"),
                d.to_double(&col("c"))
            ),
            Aggregate::Min | Aggregate::Max => format!(
                "CASE WHEN {length} IS NULL OR {unknown} OR {} = 0 THEN {null} ELSE {value} END",
                n("c")
            ),
            Aggregate::Latest | Aggregate::Earliest => format!(
                "CASE WHEN {length} IS NULL OR {unknown} OR {} > 0 OR {} = 0 THEN {null} \
                 WHEN {value} = {hi} THEN {value} ELSE {null} END",
                n("nv"),
                n("c"),
                hi = col("hi"),
            ),
        }
    }
}
