//! The checked program as the ok fixtures' snapshots show it: fields,
//! defines and criteria, each value printed with its conversions, so a
//! snapshot says what the checker inferred.

use std::fmt::Write as _;

use rulec::check::{
    ArithOp, Choice, Cond, DateVal, Duration, DurationUnit, FieldRef, FormulaArg, Given,
    ListQuantifier, Num, OverList, Program, Value,
};
use rulec::schema::{FieldType, FieldValue, Schema};
use rulec::syntax::{Direction, GroupKind, Limit};
use rulec::units::Conversion;

/// What the checker inferred: fields, defines and criteria, one per line,
/// each define and criterion followed by its checked value, indented.
pub(super) fn program_text(program: &Program) -> String {
    let printer = Printer { program };
    let mut out = String::new();
    if let Some((id, title)) = &program.trial {
        let _ = writeln!(
            out,
            "trial {id:?}{}",
            title
                .as_ref()
                .map(|t| format!(" {t:?}"))
                .unwrap_or_default()
        );
    }
    out.push_str("fields\n");
    for field in &program.schema.fields {
        let _ = writeln!(out, "  {}: {}", field.name, field_type(&field.ty));
    }
    if !program.defines.is_empty() {
        out.push_str("defines\n");
    }
    for define in &program.defines {
        let value = match &define.value {
            Value::Cond(c) => printer.cond(c, &mut Vec::new()),
            Value::Num(n, _) => printer.num(n, &mut Vec::new()),
            Value::Date(d) => printer.date(d, &mut Vec::new()),
        };
        let _ = writeln!(
            out,
            "  define {}: {}\n    = {value}",
            define.name,
            define.value.type_name()
        );
    }
    if !program.cohorts.is_empty() {
        out.push_str("cohorts\n");
    }
    for cohort in &program.cohorts {
        let label = cohort.label.as_ref().map(|l| format!(" {l:?}"));
        let _ = writeln!(out, "  {}{}", cohort.name, label.unwrap_or_default());
    }
    out.push_str("criteria\n");
    for c in &program.criteria {
        // A cohort's criteria are named with it; the others as they were.
        let cohort = c
            .cohort
            .and_then(|i| program.cohorts.get(i))
            .map(|k| format!("{} ", k.name))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {cohort}{} {}\n    {}",
            c.section.keyword(),
            c.id,
            printer.cond(&c.condition, &mut Vec::new())
        );
    }
    if !program.examples.is_empty() {
        out.push_str("examples\n");
    }
    for example in &program.examples {
        let at = example.at.map(|d| format!(" at {d}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:?}{at}: expect {}",
            example.label, example.expected
        );
        for line in given_lines(&program.schema, &example.values) {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

/// An example's values, one field a line, each in the form the record
/// holds it: quantities in the field's unit, members by name, dates from
/// the index date as durations.
fn given_lines(schema: &Schema, values: &[(rulec::schema::Slot, Given)]) -> Vec<String> {
    let mut lines = Vec::new();
    for (slot, given) in values {
        let Some(field) = schema.field(*slot) else {
            lines.push(format!("<no field at slot {}>", slot.0));
            continue;
        };
        let members = |ty: &FieldType| match ty {
            FieldType::OneOf(m) | FieldType::SetOf(m) | FieldType::Ordered(m) => m.clone(),
            _ => Vec::new(),
        };
        let name = |i: &u32| {
            members(&field.ty)
                .get(*i as usize)
                .cloned()
                .unwrap_or_else(|| format!("<member {i}>"))
        };
        let text = match given {
            Given::Value(FieldValue::Quantity { value, low, high }) => {
                let unit = match &field.ty {
                    FieldType::Quantity { unit, .. } => unit.to_string(),
                    _ => "<not a quantity>".to_owned(),
                };
                match (low, high) {
                    (Some(low), Some(high)) => format!(
                        "{} {unit}, normal range {}..{}",
                        rounded(*value),
                        rounded(*low),
                        rounded(*high)
                    ),
                    _ => format!("{} {unit}", rounded(*value)),
                }
            }
            Given::Value(FieldValue::Member(i)) => name(i),
            Given::Value(FieldValue::Members(ms)) => {
                let names: Vec<String> = ms.iter().map(name).collect();
                format!("{{ {} }}", names.join(", "))
            }
            Given::Value(value) => format!("{value:?}"),
            Given::FromIndex(shifts) => {
                let mut text = "index".to_owned();
                for shift in shifts {
                    let sign = if shift.amount < 0.0 { '-' } else { '+' };
                    let magnitude = Duration {
                        amount: shift.amount.abs(),
                        unit: shift.unit,
                    };
                    let _ = write!(text, " {sign} {}", duration(magnitude));
                }
                text
            }
            Given::List(elements) => {
                let FieldType::ListOf(element) = &field.ty else {
                    lines.push(format!("{}: <not a list>", field.name));
                    continue;
                };
                lines.push(format!("{}: {} elements", field.name, elements.len()));
                for (i, values) in elements.iter().enumerate() {
                    lines.extend(
                        given_lines(element, values)
                            .into_iter()
                            .map(|line| format!("  [{i}] {line}")),
                    );
                }
                continue;
            }
        };
        lines.push(format!("{}: {text}", field.name));
    }
    lines
}

fn field_type(ty: &FieldType) -> String {
    match ty {
        FieldType::Bool => "bool".to_owned(),
        FieldType::Integer { min, max } => {
            let bound = |b: &Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
            if min.is_none() && max.is_none() {
                "integer".to_owned()
            } else {
                format!("integer {}..{}", bound(min), bound(max))
            }
        }
        FieldType::Number => "number".to_owned(),
        FieldType::Quantity {
            unit,
            normal_range,
            molar_mass,
            scale,
            plausible,
        } => {
            let mut text = format!("`{unit}` ({})", unit.kind());
            if *normal_range {
                text.push_str(" with normal range");
            }
            if molar_mass.is_some() {
                text.push_str(" with molar mass");
            }
            if let Some(scale) = scale {
                text.push_str(&format!(" with scale `{}`", scale.unit()));
            }
            if let Some((low, high)) = plausible {
                text.push_str(&format!(" plausible {low}..{high}"));
            }
            text
        }
        FieldType::Date => "date".to_owned(),
        FieldType::Text => "text".to_owned(),
        FieldType::OneOf(members) => format!("one of {{ {} }}", members.join(", ")),
        FieldType::SetOf(members) => format!("set of {{ {} }}", members.join(", ")),
        FieldType::Ordered(members) => format!("ordered {{ {} }}", members.join(", ")),
        FieldType::ListOf(schema) => {
            let inner: Vec<String> = schema
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.name, field_type(&f.ty)))
                .collect();
            format!("list of {{ {} }}", inner.join(", "))
        }
    }
}

/// Prints checked conditions, numbers and dates back as readable text.
/// `scopes` holds the element schemas of the lists a `where` clause is
/// looking at, innermost last.
struct Printer<'p> {
    program: &'p Program,
}

impl<'p> Printer<'p> {
    fn field(&self, field: FieldRef, scopes: &[&'p Schema]) -> String {
        let schema = if field.depth == 0 {
            Some(&self.program.schema)
        } else {
            scopes
                .len()
                .checked_sub(field.depth as usize)
                .and_then(|i| scopes.get(i).copied())
        };
        schema
            .and_then(|s| s.field(field.slot))
            .map_or_else(|| format!("<bad field {field:?}>"), |f| f.name.clone())
    }

    fn members(&self, field: FieldRef, scopes: &[&'p Schema], indices: &[u32]) -> String {
        let declared = self.element_type(field, scopes).and_then(|ty| match ty {
            FieldType::OneOf(m) | FieldType::Ordered(m) | FieldType::SetOf(m) => Some(m),
            _ => None,
        });
        let names: Vec<String> = indices
            .iter()
            .map(|i| {
                declared
                    .and_then(|m| m.get(*i as usize))
                    .map_or_else(|| format!("<bad member {i}>"), Clone::clone)
            })
            .collect();
        format!("{{ {} }}", names.join(", "))
    }

    fn element_type(&self, field: FieldRef, scopes: &[&'p Schema]) -> Option<&'p FieldType> {
        let schema: &'p Schema = if field.depth == 0 {
            &self.program.schema
        } else {
            let i = scopes.len().checked_sub(field.depth as usize)?;
            scopes.get(i).copied()?
        };
        schema.field(field.slot).map(|f| &f.ty)
    }

    fn define(&self, id: rulec::check::DefineId) -> String {
        self.program
            .defines
            .get(id.0 as usize)
            .map_or_else(|| format!("<bad define {}>", id.0), |d| d.name.clone())
    }

    fn cond(&self, c: &Cond, scopes: &mut Vec<&'p Schema>) -> String {
        match c {
            Cond::Literal(b) => b.to_string(),
            Cond::Field(f) => self.field(*f, scopes),
            Cond::Define(id) => self.define(*id),
            Cond::Not(inner) => format!("not {}", self.nested(inner, scopes)),
            Cond::And(a, b) => format!("{} and {}", self.nested(a, scopes), self.nested(b, scopes)),
            Cond::Or(a, b) => format!("{} or {}", self.nested(a, scopes), self.nested(b, scopes)),
            Cond::CompareNum { op, lhs, rhs } => format!(
                "{} {} {}",
                self.num(lhs, scopes),
                op.as_str(),
                self.num(rhs, scopes)
            ),
            Cond::CompareDate { op, lhs, rhs } => format!(
                "{} {} {}",
                self.date(lhs, scopes),
                op.as_str(),
                self.date(rhs, scopes)
            ),
            Cond::CompareBool { equal, lhs, rhs } => format!(
                "{} {} {}",
                self.nested(lhs, scopes),
                if *equal { "=" } else { "!=" },
                self.nested(rhs, scopes)
            ),
            Cond::EnumIn {
                field,
                members,
                negated,
            } => format!(
                "{} {}in {}",
                self.field(*field, scopes),
                if *negated { "not " } else { "" },
                self.members(*field, scopes, members)
            ),
            Cond::SetHas {
                field,
                members,
                all,
            } => format!(
                "{} has {} of {}",
                self.field(*field, scopes),
                if *all { "all" } else { "any" },
                self.members(*field, scopes, members)
            ),
            Cond::TextEq {
                field,
                text,
                negated,
            } => format!(
                "{} {} {text:?}",
                self.field(*field, scopes),
                if *negated { "!=" } else { "=" }
            ),
            Cond::Known { field, known } => format!(
                "{} is {}",
                self.field(*field, scopes),
                if *known { "known" } else { "missing" }
            ),
            Cond::Within {
                date,
                window,
                direction,
                anchor,
            } => format!(
                "{} within {} {} {}",
                self.date(date, scopes),
                duration(*window),
                match direction {
                    Direction::Before => "before",
                    Direction::After => "after",
                },
                self.date(anchor, scopes)
            ),
            Cond::Group { kind, items } => {
                let items: Vec<String> = items.iter().map(|i| self.cond(i, scopes)).collect();
                let kind = match kind {
                    GroupKind::Any => "any of".to_owned(),
                    GroupKind::All => "all of".to_owned(),
                    GroupKind::None => "none of".to_owned(),
                    GroupKind::AtLeast(n) => format!("at least {n} of"),
                };
                format!("{kind} ({})", items.join(", "))
            }
            Cond::ListQuery {
                quantifier,
                list,
                condition,
            } => {
                let word = match quantifier {
                    ListQuantifier::Any => "any",
                    ListQuantifier::All => "all",
                    ListQuantifier::No => "no",
                };
                let (name, inner) = self.where_clause(*list, condition, scopes);
                format!("{word} {name} where {inner}")
            }
            Cond::Choose(choice) => self.choice(choice, scopes, Self::cond),
        }
    }

    /// `mean(v of L where c)`, printed in the element's scope.
    fn over<T>(
        &self,
        over: &OverList<T>,
        scopes: &mut Vec<&'p Schema>,
        each: fn(&Self, &T, &mut Vec<&'p Schema>) -> String,
    ) -> String {
        let name = self.field(over.list, scopes);
        let Some(FieldType::ListOf(element)) = self.element_type(over.list, scopes) else {
            return format!("{}(<not a list> {name})", over.kind.name());
        };
        scopes.push(element);
        let value = each(self, &over.value, scopes);
        let by = over
            .at
            .as_ref()
            .map_or(String::new(), |d| format!(" by {}", self.date(d, scopes)));
        let condition = over.condition.as_ref().map_or(String::new(), |c| {
            format!(" where {}", self.cond(c, scopes))
        });
        scopes.pop();
        format!("{}({value}{by} of {name}{condition})", over.kind.name())
    }

    /// `first known of (…)` or `(if c then a else b)`.
    fn choice<T>(
        &self,
        choice: &Choice<T>,
        scopes: &mut Vec<&'p Schema>,
        each: fn(&Self, &T, &mut Vec<&'p Schema>) -> String,
    ) -> String {
        match choice {
            Choice::FirstKnown(items) => {
                let items: Vec<String> = items.iter().map(|i| each(self, i, scopes)).collect();
                format!("first known of ({})", items.join(", "))
            }
            Choice::If {
                cond,
                then,
                otherwise,
            } => format!(
                "(if {} then {} else {})",
                self.cond(cond, scopes),
                each(self, then, scopes),
                each(self, otherwise, scopes)
            ),
        }
    }

    /// The list's name and its `where` condition, printed in the element's
    /// scope.
    fn where_clause(
        &self,
        list: FieldRef,
        condition: &Cond,
        scopes: &mut Vec<&'p Schema>,
    ) -> (String, String) {
        let name = self.field(list, scopes);
        let Some(FieldType::ListOf(element)) = self.element_type(list, scopes) else {
            return (name, "<not a list>".to_owned());
        };
        scopes.push(element);
        let inner = self.cond(condition, scopes);
        scopes.pop();
        (name, inner)
    }

    /// A condition inside another: parenthesised unless it is a leaf.
    fn nested(&self, c: &Cond, scopes: &mut Vec<&'p Schema>) -> String {
        let text = self.cond(c, scopes);
        match c {
            Cond::Literal(_) | Cond::Field(_) | Cond::Define(_) => text,
            _ => format!("({text})"),
        }
    }

    fn num(&self, n: &Num, scopes: &mut Vec<&'p Schema>) -> String {
        match n {
            Num::Const(v) => v.to_string(),
            Num::Field { field, conversion } => converted(self.field(*field, scopes), *conversion),
            Num::Limit {
                field,
                limit,
                factor,
            } => format!(
                "{factor} x {} of {}",
                match limit {
                    Limit::Upper => "ULN",
                    Limit::Lower => "LLN",
                },
                self.field(*field, scopes)
            ),
            Num::Define { define, conversion } => converted(self.define(*define), *conversion),
            Num::Convert { inner, conversion } => {
                converted(format!("({})", self.num(inner, scopes)), *conversion)
            }
            Num::Neg(inner) => match inner.as_ref() {
                Num::Const(v) => format!("-{v}"),
                other => format!("-({})", self.num(other, scopes)),
            },
            Num::Arith { op, lhs, rhs } => format!(
                "({} {} {})",
                self.num(lhs, scopes),
                match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "*",
                    ArithOp::Div => "/",
                },
                self.num(rhs, scopes)
            ),
            Num::Count { list, condition } => {
                let (name, inner) = self.where_clause(*list, condition, scopes);
                format!("(count {name} where {inner})")
            }
            Num::Choose(choice) => self.choice(choice, scopes, Self::num),
            Num::Call { func, args } => {
                let args: Vec<String> = args.iter().map(|a| self.num(a, scopes)).collect();
                format!("{}({})", func.name(), args.join(", "))
            }
            Num::OverList(over) => self.over(over, scopes, Self::num),
            Num::Formula(call) => {
                let args: Vec<String> = (call.args.iter())
                    .map(|a| match a {
                        FormulaArg::Num(n) => self.num(n, scopes),
                        FormulaArg::Cond(c) => self.cond(c, scopes),
                    })
                    .collect();
                format!(
                    "{}({}) = {}",
                    call.name(),
                    args.join(", "),
                    self.num(&call.body, scopes)
                )
            }
            Num::DateDiff {
                unit,
                from,
                to,
                conversion,
            } => {
                let word = unit.as_str();
                converted(
                    format!(
                        "({word} between {} and {})",
                        self.date(from, scopes),
                        self.date(to, scopes)
                    ),
                    *conversion,
                )
            }
        }
    }

    fn date(&self, d: &DateVal, scopes: &mut Vec<&'p Schema>) -> String {
        match d {
            DateVal::Field(f) => self.field(*f, scopes),
            DateVal::Index => "index".to_owned(),
            DateVal::Define(id) => self.define(*id),
            DateVal::Choose(choice) => self.choice(choice, scopes, Self::date),
            DateVal::OverList(over) => self.over(over, scopes, Self::date),
            DateVal::Shift { date, by } => {
                let sign = if by.amount < 0.0 { "-" } else { "+" };
                let by = Duration {
                    amount: by.amount.abs(),
                    unit: by.unit,
                };
                format!("({} {sign} {})", self.date(date, scopes), duration(by))
            }
            DateVal::ShiftBy { date, by, unit } => {
                let unit = duration(Duration {
                    amount: 1.0,
                    unit: *unit,
                });
                let unit = unit.trim_start_matches("1 ");
                format!(
                    "({} + {} {unit})",
                    self.date(date, scopes),
                    self.num(by, scopes)
                )
            }
        }
    }
}

/// A value converted at evaluation: `(x × factor)`, with `+ offset` for a
/// temperature scale. Factors are rounded for reading; constants, which
/// the checker converts itself, are printed exactly.
fn converted(value: String, conversion: Conversion) -> String {
    if conversion.is_identity() {
        return value;
    }
    let offset = conversion.apply(0.0);
    let factor = conversion.apply(1.0) - offset;
    let mut text = format!("({value} × {}", rounded(factor));
    if offset != 0.0 {
        let _ = write!(text, " + {}", rounded(offset));
    }
    text.push(')');
    text
}

/// Six significant digits, without trailing zeros.
fn rounded(v: f64) -> String {
    let text = format!("{v:.6e}");
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return text;
    };
    let value: f64 = format!("{mantissa}e{exponent}").parse().unwrap_or(v);
    value.to_string()
}

fn duration(d: Duration) -> String {
    let unit = match d.unit {
        DurationUnit::Years => "years",
        DurationUnit::Months => "months",
        DurationUnit::Weeks => "weeks",
        DurationUnit::Days => "days",
        DurationUnit::Hours => "hours",
    };
    format!("{} {unit}", d.amount)
}
