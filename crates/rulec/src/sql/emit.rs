//! Conditions and numbers as SQL expressions.
//!
//! A condition is a `BOOLEAN` with NULL for unknown: SQL's `AND`, `OR`
//! and `NOT` are Kleene's on it in all three engines, so they are used as
//! they are. Everything SQL does *not* keep three-valued is spelled out:
//! counting groups count trues and could-be-trues, list quantifiers count
//! their elements' trues, falses and unknowns, and no `WHERE`, `EXISTS`,
//! `COALESCE` or `bool_or` ever decides a criterion (but `first known of`,
//! which is `COALESCE`: `choose.rs`).
//!
//! A number is a `DOUBLE`, NULL when missing or not finite, computed in the
//! order the closures compute it (conversions, the tie rule, `/`), so that
//! it rounds the same way.

use std::collections::HashMap;

use super::dialect::{ColumnType, Dialect};
use super::layout::{Layout, Source, column_name};
use crate::check::{ArithOp, Cond, FieldRef, Num, Program};
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::{Field, FieldType, Schema, Slot};
use crate::semantics::{TIE, flip, tied_with};
use crate::syntax::{CompareOp, GroupKind, Limit};
use crate::units::Conversion;

/// A list element in view: the table its rows are in, and how a row of it
/// joins the rows of the record and the enclosing elements.
pub(crate) struct Frame<'p> {
    /// The table, quoted.
    pub(crate) table: String,
    /// The join condition, over the aliases `s`, `e1`, `e2`, ….
    pub(crate) on: String,
    /// The element's fields.
    pub(crate) schema: &'p Schema,
    /// The list fields from the record to this element's list.
    pub(crate) path: Vec<Slot>,
}

/// The state of writing one query.
pub(crate) struct Emitter<'p> {
    pub(crate) dialect: Dialect,
    pub(crate) program: &'p Program,
    pub(crate) layout: &'p Layout,
    /// The index date.
    pub(crate) index: jiff::civil::Date,
    /// The list elements in view, outermost first (empty at the record).
    pub(crate) frames: Vec<Frame<'p>>,
    /// The derived table of record rows the current list query reads.
    pub(crate) record_source: String,
    /// Whether the expression being written reads the record's row (a
    /// field or a define): a list query joins the record's rows only then.
    pub(crate) record_used: std::cell::Cell<bool>,
    /// How many times each common table expression is read.
    pub(crate) reads: HashMap<String, usize>,
    /// The common table expressions written so far, in order: a list
    /// query over the record's lists is one of its own.
    pub(crate) ctes: Vec<(String, String)>,
    /// List queries over the record's lists written so far.
    pub(crate) queries: usize,
    /// `LEFT JOIN`s the expression being written needs, for its list
    /// queries inside a `where`.
    pub(crate) joins: Vec<String>,
    /// Aliases of those joins given so far.
    pub(crate) aliases: usize,
    /// Whether each date define's column holds a date (or milliseconds).
    pub(crate) date_defines: HashMap<u32, bool>,
    pub(crate) errors: Vec<Diagnostic>,
    /// Values computed in a table expression of their own so far.
    pub(crate) values: usize,
    /// Whether the next number is written in place though it would be a
    /// table expression's value: the one being written as that value.
    pub(crate) inline_next: bool,
}

impl<'p> Emitter<'p> {
    pub(crate) fn new(
        dialect: Dialect,
        program: &'p Program,
        layout: &'p Layout,
        index: jiff::civil::Date,
    ) -> Self {
        Emitter {
            dialect,
            program,
            layout,
            index,
            frames: Vec::new(),
            record_source: String::new(),
            record_used: std::cell::Cell::new(false),
            reads: HashMap::new(),
            ctes: Vec::new(),
            queries: 0,
            joins: Vec::new(),
            aliases: 0,
            date_defines: HashMap::new(),
            errors: Vec::new(),
            values: 0,
            inline_next: false,
        }
    }

    pub(crate) fn ident(&self, name: &str) -> String {
        self.dialect.ident(name)
    }

    /// Notes a program this back end cannot write (which the checker
    /// should have refused) and gives a NULL in its place.
    pub(crate) fn fail(&mut self, what: &str) -> String {
        self.errors.push(Diagnostic::new(
            "rulec::sql::unsupported",
            Severity::Error,
            format!("{what} cannot be written in {} SQL", self.dialect),
        ));
        self.dialect.null(ColumnType::Boolean)
    }

    /// The alias of the row holding a field, and the field.
    pub(crate) fn field(&self, f: FieldRef) -> Option<(String, &'p Field)> {
        let level = if f.depth == 0 {
            0
        } else {
            (self.frames.len() + 1).checked_sub(f.depth as usize)?
        };
        let schema = match level.checked_sub(1) {
            None => &self.program.schema,
            Some(i) => self.frames.get(i)?.schema,
        };
        let alias = if level == 0 {
            self.record_used.set(true);
            "s".to_owned()
        } else {
            format!("e{level}")
        };
        Some((alias, schema.field(f.slot)?))
    }

    /// A field's column of one kind, qualified.
    pub(crate) fn column(&mut self, f: FieldRef, source: fn(Slot) -> Source) -> String {
        let Some((alias, field)) = self.field(f) else {
            return self.fail("a field out of scope");
        };
        let name = column_name(&field.name, source(f.slot), &[]);
        format!("{alias}.{}", self.ident(&name))
    }

    pub(crate) fn cond(&mut self, c: &Cond) -> String {
        let d = self.dialect;
        match c {
            Cond::Literal(true) => "TRUE".to_owned(),
            Cond::Literal(false) => "FALSE".to_owned(),
            Cond::Field(f) => self.column(*f, Source::Value),
            Cond::Define(id) => self.define(id.0),
            Cond::Not(inner) => format!("(NOT {})", self.cond(inner)),
            Cond::And(..) | Cond::Or(..) => {
                let and = matches!(c, Cond::And(..));
                let mut parts = Vec::new();
                c.operands(and, &mut parts);
                let parts: Vec<String> = parts.into_iter().map(|p| self.cond(p)).collect();
                format!("({})", parts.join(if and { " AND " } else { " OR " }))
            }
            Cond::CompareNum { op, lhs, rhs } => self.compare_num(*op, lhs, rhs),
            Cond::Choose(choice) => self.choose_cond(choice),
            Cond::CompareDate { op, lhs, rhs } => self.compare_dates(*op, lhs, rhs),
            Cond::CompareBool { equal, lhs, rhs } => {
                let (a, b) = (self.cond(lhs), self.cond(rhs));
                if *equal {
                    format!("({a} = {b})")
                } else {
                    format!("(NOT ({a} = {b}))")
                }
            }
            Cond::EnumIn {
                field,
                members,
                negated,
            } => self.enum_in(*field, members, *negated),
            Cond::SetHas {
                field,
                members,
                all,
            } => {
                let Some((alias, declared)) = self.field(*field) else {
                    return self.fail("a field out of scope");
                };
                let FieldType::SetOf(names) = &declared.ty else {
                    return self.fail("`has` on a field that is not a set");
                };
                let columns: Vec<String> = members
                    .iter()
                    .map(|m| {
                        let name =
                            column_name(&declared.name, Source::Member(field.slot, *m), names);
                        format!("{alias}.{}", d.ident(&name))
                    })
                    .collect();
                if columns.is_empty() {
                    // No member named: decided once the set is known.
                    let known = self.known(*field);
                    let value = if *all { "TRUE" } else { "FALSE" };
                    return format!("CASE WHEN {known} THEN {value} END");
                }
                format!("({})", columns.join(if *all { " AND " } else { " OR " }))
            }
            Cond::TextEq {
                field,
                text,
                negated,
            } => {
                let column = self.column(*field, Source::Value);
                let op = if *negated { "<>" } else { "=" };
                format!("({column} {op} {})", d.string(text))
            }
            Cond::Known { field, known } => {
                let present = self.known(*field);
                if *known {
                    present
                } else {
                    format!("(NOT {present})")
                }
            }
            Cond::Within {
                date,
                window,
                direction,
                anchor,
            } => self.within(date, *window, *direction, anchor),
            Cond::Group { kind, items } => self.group(*kind, items),
            Cond::ListQuery {
                quantifier,
                list,
                condition,
            } => {
                let (counts, length) = self.list_counts(*list, condition);
                quantified(d, *quantifier, &counts, &length)
            }
        }
    }

    /// Whether a field has a value: never unknown.
    fn known(&mut self, f: FieldRef) -> String {
        let Some((alias, field)) = self.field(f) else {
            return self.fail("a field out of scope");
        };
        let name = match &field.ty {
            FieldType::SetOf(members) => {
                let Some(first) = members.first() else {
                    return self.fail("a set of no members");
                };
                format!("{}_{first}", field.name)
            }
            _ => field.name.clone(),
        };
        format!("({alias}.{} IS NOT NULL)", self.ident(&name))
    }

    fn enum_in(&mut self, f: FieldRef, members: &[u32], negated: bool) -> String {
        let d = self.dialect;
        let Some((alias, field)) = self.field(f) else {
            return self.fail("a field out of scope");
        };
        let (FieldType::OneOf(names) | FieldType::Ordered(names)) = &field.ty else {
            return self.fail("`in` on a field that is not `one of`");
        };
        let column = format!("{alias}.{}", d.ident(&field.name));
        // A value that is not a declared member is not data rulec would
        // have read: unknown, not "not a member".
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for (i, name) in names.iter().enumerate() {
            let listed = u32::try_from(i).is_ok_and(|i| members.contains(&i));
            if listed == negated {
                no.push(d.string(name));
            } else {
                yes.push(d.string(name));
            }
        }
        let mut case = String::from("CASE");
        if !yes.is_empty() {
            case.push_str(&format!(" WHEN {column} IN ({}) THEN TRUE", yes.join(", ")));
        }
        if !no.is_empty() {
            case.push_str(&format!(" WHEN {column} IN ({}) THEN FALSE", no.join(", ")));
        }
        case.push_str(" END");
        case
    }

    fn group(&mut self, kind: GroupKind, items: &[Cond]) -> String {
        let parts: Vec<String> = items.iter().map(|i| self.cond(i)).collect();
        let chain = |op: &str, empty: &str| {
            if parts.is_empty() {
                empty.to_owned()
            } else {
                format!("({})", parts.join(op))
            }
        };
        match kind {
            GroupKind::Any => chain(" OR ", "FALSE"),
            GroupKind::All => chain(" AND ", "TRUE"),
            GroupKind::None => format!("(NOT {})", chain(" OR ", "FALSE")),
            GroupKind::AtLeast(n) => {
                // `at_least`: met if n are met, not met once fewer than n
                // could be, else unknown.
                if parts.is_empty() {
                    return if n == 0 { "TRUE" } else { "FALSE" }.to_owned();
                }
                let met: Vec<String> = parts
                    .iter()
                    .map(|p| format!("CASE WHEN {p} THEN 1 ELSE 0 END"))
                    .collect();
                let could: Vec<String> = parts
                    .iter()
                    .map(|p| format!("CASE WHEN NOT {p} THEN 0 ELSE 1 END"))
                    .collect();
                format!(
                    "CASE WHEN ({}) >= {n} THEN TRUE WHEN ({}) < {n} THEN FALSE END",
                    met.join(" + "),
                    could.join(" + ")
                )
            }
        }
    }

    fn compare_num(&mut self, op: CompareOp, lhs: &Num, rhs: &Num) -> String {
        let d = self.dialect;
        // Against a constant, the tie rule is an exact interval (the one
        // the compiled thresholds use): `hb > 80` is `hb > 80.00000000008`.
        let constant = match (lhs, rhs) {
            (a, Num::Const(k)) => Some((op, a, *k)),
            (Num::Const(k), b) => Some((flip(op), b, *k)),
            _ => None,
        };
        if let Some((op, a, k)) = constant
            && let Some((low, high)) = tied_with(k)
        {
            let a = self.finite_num(a);
            let (low, high) = (d.double(low), d.double(high));
            return match op {
                CompareOp::Lt => format!("({a} < {low})"),
                CompareOp::Le => format!("({a} <= {high})"),
                CompareOp::Gt => format!("({a} > {high})"),
                CompareOp::Ge => format!("({a} >= {low})"),
                CompareOp::Eq => format!("({a} >= {low} AND {a} <= {high})"),
                CompareOp::Ne => format!("({a} < {low} OR {a} > {high})"),
            };
        }
        let (a, b) = (self.finite_num(lhs), self.finite_num(rhs));
        let tie = format!(
            "abs({a} - {b}) <= {} * GREATEST(abs({a}), abs({b}))",
            d.double(TIE)
        );
        match op {
            CompareOp::Lt => format!("({a} < {b} AND NOT ({tie}))"),
            CompareOp::Le => format!("({a} <= {b} OR {tie})"),
            CompareOp::Gt => format!("({a} > {b} AND NOT ({tie}))"),
            CompareOp::Ge => format!("({a} >= {b} OR {tie})"),
            CompareOp::Eq => format!("({tie})"),
            CompareOp::Ne => format!("(NOT ({tie}))"),
        }
    }

    /// A define's column: defines are computed once per record, before
    /// whatever reads them.
    pub(crate) fn define(&self, id: u32) -> String {
        self.record_used.set(true);
        let name = self
            .program
            .defines
            .get(id as usize)
            .map_or("", |d| d.name.as_str());
        format!("s.{}", self.ident(name))
    }

    /// A number of the record computed once, in a table expression of its
    /// own that the query reads from then on: its column, finite or NULL.
    fn staged(&mut self, n: &Num) -> String {
        let d = self.dialect;
        let outer_joins = std::mem::take(&mut self.joins);
        let outer_aliases = std::mem::replace(&mut self.aliases, 0);
        self.inline_next = true;
        let value = self.finite_num(n);
        let joins: String = std::mem::replace(&mut self.joins, outer_joins)
            .into_iter()
            .map(|j| format!("\n    {j}"))
            .collect();
        self.aliases = outer_aliases;
        self.values += 1;
        let name = format!("value:{}", self.values);
        let body = format!(
            "SELECT s.*, {value} AS {} FROM {} s{joins}",
            d.ident(&name),
            self.record_source
        );
        self.ctes.push((name.clone(), body));
        self.record_source = d.ident(&name);
        self.record_used.set(true);
        format!("s.{}", d.ident(&name))
    }

    /// A number as rulec uses it: NULL when missing or not finite.
    pub(crate) fn finite_num(&mut self, n: &Num) -> String {
        let value = self.num(n);
        if computed(n) {
            self.dialect.finite(&value)
        } else {
            value
        }
    }

    /// A number, which may be infinite or NaN where rulec's is missing if
    /// it is [`computed`]; [`Emitter::finite_num`] gives it as rulec uses it.
    pub(crate) fn num(&mut self, n: &Num) -> String {
        let inline = std::mem::replace(&mut self.inline_next, false);
        if !inline && self.frames.is_empty() && own_stage(n) {
            return self.staged(n);
        }
        let d = self.dialect;
        match n {
            Num::Const(v) if v.is_finite() => d.double(*v),
            Num::Const(_) => d.null(ColumnType::Double),
            Num::Field { field, conversion } => {
                let Some((_, declared)) = self.field(*field) else {
                    return self.fail("a field out of scope");
                };
                let integer = matches!(declared.ty, FieldType::Integer { .. });
                let column = self.column(*field, Source::Value);
                let value = if integer {
                    d.to_double(&column)
                } else {
                    column
                };
                convert(d, value, *conversion)
            }
            Num::Limit {
                field,
                limit,
                factor,
            } => {
                let source = if *limit == Limit::Upper {
                    Source::High
                } else {
                    Source::Low
                };
                let column = self.column(*field, source);
                format!("({} * {column})", d.double(*factor))
            }
            Num::Define { define, conversion } => convert(d, self.define(define.0), *conversion),
            Num::Convert { inner, conversion } => {
                let inner = self.num(inner);
                convert(d, inner, *conversion)
            }
            Num::Neg(inner) => format!("(- {})", self.num(inner)),
            Num::Arith { op, lhs, rhs } => {
                // Not finite here stays not finite through `+`, `-`, `*`
                // and a numerator, and is made NULL where it is used
                // (`finite_num`); only a divisor could turn it finite
                // again (x / inf = 0), so a divisor is made NULL at once.
                let (a, b) = (self.num(lhs), self.num(rhs));
                match op {
                    ArithOp::Add => format!("({a} + {b})"),
                    ArithOp::Sub => format!("({a} - {b})"),
                    ArithOp::Mul => format!("({a} * {b})"),
                    ArithOp::Div if computed(rhs) => {
                        format!("({a} / NULLIF({}, 0))", d.finite(&b))
                    }
                    ArithOp::Div => format!("({a} / NULLIF({b}, 0))"),
                }
            }
            Num::Choose(choice) => self.choose_num(choice),
            Num::Formula(call) => self.num(&call.body),
            Num::OverList(over) => self.over_num(over),
            Num::Call { func, args } => self.call(*func, args),
            Num::Count { list, condition } => {
                let (counts, length) = self.list_counts(*list, condition);
                let unknown = format!("{} - {} - {}", counts.n, counts.t, counts.f);
                format!(
                    "CASE WHEN {length} IS NULL OR {unknown} > 0 THEN {} ELSE {} END",
                    d.null(ColumnType::Double),
                    d.to_double(&counts.t)
                )
            }
            Num::DateDiff {
                unit,
                from,
                to,
                conversion,
            } => {
                let whole = self.date_diff(*unit, from, to);
                convert(d, d.to_double(&whole), *conversion)
            }
        }
    }
}

/// Whether a number of the record (not of a list's element) is computed
/// in a table expression of its own, read back by name: a choice, a
/// function, a formula. Their SQL repeats their operands (`CASE WHEN a IS
/// NULL … LEAST(a, …)`, a power's guards), so written in place, nested,
/// the text would grow with the power of the depth (a CKD-EPI formula
/// would be tens of kilobytes, which Spark's planner cannot hold).
fn own_stage(n: &Num) -> bool {
    matches!(n, Num::Choose(_) | Num::Call { .. } | Num::Formula(_))
}

/// Whether a number is computed with arithmetic, and so may come out
/// infinite or NaN where rulec has no value; fields, constants, limits,
/// defines (made finite when computed), counts and date differences
/// cannot.
fn computed(n: &Num) -> bool {
    match n {
        Num::Arith { .. } | Num::Call { .. } | Num::OverList(_) => true,
        Num::Neg(inner) | Num::Convert { inner, .. } => computed(inner),
        Num::Formula(call) => computed(&call.body),
        _ => false,
    }
}

/// The three counts of a list query's elements: true, false, all.
pub(crate) struct Counts {
    pub(crate) t: String,
    pub(crate) f: String,
    pub(crate) n: String,
}

/// `any`, `all` or `no` element, from the counts and the list's length
/// column (NULL when the list is missing): [`crate::semantics::group`]'s
/// rule.
fn quantified(
    d: Dialect,
    quantifier: crate::check::ListQuantifier,
    counts: &Counts,
    length: &str,
) -> String {
    use crate::check::ListQuantifier;
    let null = d.null(ColumnType::Boolean);
    let Counts { t, f, n } = counts;
    let any = format!(
        "CASE WHEN {length} IS NULL THEN {null} WHEN {t} > 0 THEN TRUE \
         WHEN {n} - {f} > 0 THEN {null} ELSE FALSE END"
    );
    match quantifier {
        ListQuantifier::Any => any,
        ListQuantifier::No => format!("(NOT {any})"),
        ListQuantifier::All => format!(
            "CASE WHEN {length} IS NULL THEN {null} WHEN {f} > 0 THEN FALSE \
             WHEN {t} = {n} THEN TRUE ELSE {null} END"
        ),
    }
}

/// `value` converted as [`Conversion::apply`] converts it, operation for
/// operation (a step that changes nothing is left out).
pub(crate) fn convert(d: Dialect, value: String, conversion: Conversion) -> String {
    let (before, multiply, divide, after) = conversion.parts();
    let mut out = value;
    if before != 0.0 {
        out = format!("({out} + {})", d.double(before));
    }
    if multiply != 1.0 {
        out = format!("({out} * {})", d.double(multiply));
    }
    if divide != 1.0 {
        out = format!("({out} / {})", d.double(divide));
    }
    if after != 0.0 {
        out = format!("({out} + {})", d.double(after));
    }
    out
}
