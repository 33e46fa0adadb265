//! The screening query: one `SELECT` whose common table expressions
//! compute the defines one by one, then the criteria, then the verdict.
//!
//! ```text
//! WITH "screen:record"   AS (SELECT * FROM patients),
//!      "define:age"      AS (SELECT s.*, <age> AS "age" FROM "screen:record" s),
//!      "therapies:1"     AS (<counts of each patient's matching therapies>),
//!      "screen:criteria" AS (SELECT s."id", <c1> AS "c1", … FROM "define:age" s
//!                            LEFT JOIN "therapies:1" a1 ON a1."k0" = s."id"),
//! SELECT "id", <status>, <c1 as met/not_met/unknown>, … FROM "screen:criteria"
//! ```
//!
//! A list query counts its elements whose condition is true, false, or
//! either, grouped by the row it is asked about (a patient, or an
//! element of an enclosing list); the quantifier is decided from the
//! counts by [`crate::semantics::group`]'s rule, and the list's own
//! column tells a missing list from an empty one.

use super::dialect::{ColumnType, Dialect};
use super::emit::{Counts, Emitter, Frame};
use super::layout::{Layout, Source};
use crate::check::{Cond, FieldRef, Program, Value};
use crate::diagnostic::Diagnostic;
use crate::schema::FieldType;
use crate::syntax::Section;

/// The rows of a list's elements, one per element with the columns asked
/// for, each keyed by the row it is asked about (`k0` the patient, `k1`
/// … the enclosing elements' positions).
pub(crate) struct Elements {
    /// The key columns' names, quoted.
    pub(crate) keys: Vec<String>,
    /// The rows: `SELECT <keys>, <columns> FROM …`.
    pub(crate) rows: String,
    /// How many elements deep the list is asked about.
    level: usize,
    /// The list's name, for the table expression's.
    list_name: String,
}

impl Emitter<'_> {
    /// The counts of a list query's elements, and its list's length.
    pub(crate) fn list_counts(&mut self, list: FieldRef, condition: &Cond) -> (Counts, String) {
        let d = self.dialect;
        let v = d.ident("v");
        let Some((elements, length)) =
            self.elements(list, |em| vec![(em.cond(condition), v.clone())])
        else {
            let zero = || "0".to_owned();
            let length = self.column(list, Source::Value);
            return (
                Counts {
                    t: zero(),
                    f: zero(),
                    n: zero(),
                },
                length,
            );
        };
        let counts = format!(
            "SELECT {keys}, {} AS {t}, {} AS {f}, count(*) AS {n} \
             FROM ({rows}) x GROUP BY {keys}",
            d.count_where(&v),
            d.count_where(&format!("NOT {v}")),
            keys = elements.keys.join(", "),
            rows = elements.rows,
            t = d.ident("t"),
            f = d.ident("f"),
            n = d.ident("n"),
        );
        let joined = self.join_per_row(&elements, counts);
        let count = |c: &str| format!("COALESCE({joined}.{}, 0)", d.ident(c));
        (
            Counts {
                t: count("t"),
                f: count("f"),
                n: count("n"),
            },
            length,
        )
    }

    /// The rows of `list`'s elements with the columns `columns` writes in
    /// the element's scope (value, name), and the list's length column;
    /// `None` after a failure is noted.
    pub(crate) fn elements(
        &mut self,
        list: FieldRef,
        columns: impl FnOnce(&mut Self) -> Vec<(String, String)>,
    ) -> Option<(Elements, String)> {
        let d = self.dialect;
        let length = self.column(list, Source::Value);
        let level = self.frames.len();
        let owner = if list.depth == 0 {
            Some(0)
        } else {
            (level + 1).checked_sub(list.depth as usize)
        };
        let Some(owner) = owner else {
            self.fail("a list out of scope");
            return None;
        };
        let mut path = match owner.checked_sub(1) {
            None => Vec::new(),
            Some(i) => self
                .frames
                .get(i)
                .map(|f| f.path.clone())
                .unwrap_or_default(),
        };
        path.push(list.slot);
        let element = self.field(list).and_then(|(_, f)| match &f.ty {
            FieldType::ListOf(schema) => Some(schema),
            _ => None,
        });
        let (Some(element), Some(table)) = (element, self.layout.table(&path)) else {
            self.fail("a list without its table");
            return None;
        };
        let alias = format!("e{}", level + 1);
        let mut on = Vec::new();
        for column in &table.columns {
            match column.source {
                Source::Id => on.push(format!(
                    "{alias}.{} = {}",
                    d.ident(&column.name),
                    patient(d, level)
                )),
                Source::Enclosing(i) => on.push(format!(
                    "{alias}.{} = e{}.{}",
                    d.ident(&column.name),
                    i + 1,
                    d.ident("position")
                )),
                _ => {}
            }
        }
        let list_name = self
            .field(list)
            .map_or(String::new(), |(_, f)| f.name.clone());
        let frame = Frame {
            table: d.ident(&self.layout.table_name(table)),
            on: on.join(" AND "),
            schema: element,
            path,
        };

        // The element's columns, in a scope one element deeper, with the
        // joins their own list queries need.
        self.frames.push(frame);
        let outer_joins = std::mem::take(&mut self.joins);
        let outer_aliases = std::mem::replace(&mut self.aliases, 0);
        let outer_used = self.record_used.replace(false);
        let columns = columns(self);
        let record_used = self.record_used.replace(outer_used);
        let inner_joins = std::mem::replace(&mut self.joins, outer_joins);
        self.aliases = outer_aliases;
        // The record's row (with its defines) is joined only when the
        // columns read it: the rows of the list alone are cheaper, and
        // the record's table expression is then read once.
        let mut from = String::new();
        for (i, frame) in self.frames.iter().enumerate() {
            if i == 0 {
                if record_used {
                    from = format!(
                        "{} s JOIN {} e1 ON {}",
                        self.record_source, frame.table, frame.on
                    );
                    *self.reads.entry(self.record_source.clone()).or_default() += 1;
                } else {
                    from = format!("{} e1", frame.table);
                }
            } else {
                from.push_str(&format!(" JOIN {} e{} ON {}", frame.table, i + 1, frame.on));
            }
        }
        self.frames.pop();
        for join in inner_joins {
            from.push(' ');
            from.push_str(&join);
        }

        let keys: Vec<String> = (0..=level).map(|k| d.ident(&format!("k{k}"))).collect();
        let mut selected: Vec<String> = (0..=level)
            .map(|k| {
                let value = if k == 0 {
                    patient(d, 1)
                } else {
                    format!("e{k}.{}", d.ident("position"))
                };
                format!("{value} AS {}", d.ident(&format!("k{k}")))
            })
            .collect();
        selected.extend(
            columns
                .into_iter()
                .map(|(v, name)| format!("{v} AS {name}")),
        );
        let rows = format!("SELECT {} FROM {from}", selected.join(", "));
        Some((
            Elements {
                keys,
                rows,
                level,
                list_name,
            },
            length,
        ))
    }

    /// Joins a query grouped by the elements' keys to the row it is asked
    /// about (a table expression of its own for the record's lists); the
    /// joined alias.
    pub(crate) fn join_per_row(&mut self, elements: &Elements, grouped: String) -> String {
        let d = self.dialect;
        let level = elements.level;
        self.aliases += 1;
        let joined = format!("a{}", self.aliases);
        let on: Vec<String> = (0..=level)
            .map(|k| {
                let value = if k == 0 {
                    patient(d, level)
                } else {
                    format!("e{k}.{}", d.ident("position"))
                };
                format!("{joined}.{} = {value}", d.ident(&format!("k{k}")))
            })
            .collect();
        let source = if level == 0 {
            // A query over the record's list: a table expression of its
            // own, readable on its own.
            self.queries += 1;
            let name = format!("{}:{}", elements.list_name, self.queries);
            self.ctes.push((name.clone(), grouped));
            d.ident(&name)
        } else {
            format!("({grouped})")
        };
        self.joins.push(format!(
            "LEFT JOIN {source} {joined} ON {}",
            on.join(" AND ")
        ));
        joined
    }
}

/// The patient's id in a scope `level` elements deep: the record's `id`,
/// or the `patient_id` of the outermost element in view.
fn patient(d: Dialect, level: usize) -> String {
    if level == 0 {
        format!("s.{}", d.ident("id"))
    } else {
        format!("e1.{}", d.ident("patient_id"))
    }
}

/// What to write.
pub(crate) enum Shape {
    /// A row per patient.
    Screen,
    /// A row per criterion, with its counts.
    Funnel,
}

/// The screening (or funnel) query of a program.
pub(crate) fn query(
    program: &Program,
    layout: &Layout,
    dialect: Dialect,
    index: jiff::civil::Date,
    shape: &Shape,
) -> Result<String, Vec<Diagnostic>> {
    let d = dialect;
    let mut em = Emitter::new(dialect, program, layout, index);
    let patients = layout
        .tables()
        .first()
        .map(|t| layout.table_name(t))
        .unwrap_or_default();
    let mut previous = "screen:record".to_owned();
    em.ctes.push((
        previous.clone(),
        format!("SELECT * FROM {}", d.ident(&patients)),
    ));

    for (i, define) in program.defines.iter().enumerate() {
        start(&mut em, &previous);
        let value = match &define.value {
            Value::Cond(c) => em.cond(c),
            Value::Num(n, _) => em.finite_num(n),
            Value::Date(date) => {
                let (is_date, value) = match em.moment(date).written(d) {
                    super::moment::Moment::Date(x) => (true, x),
                    super::moment::Moment::Ms(x) => (false, x),
                    super::moment::Moment::Null | super::moment::Moment::Const(_) => {
                        (false, d.null(ColumnType::BigInt))
                    }
                };
                em.date_defines
                    .insert(u32::try_from(i).unwrap_or(u32::MAX), is_date);
                value
            }
        };
        let name = format!("define:{}", define.name);
        // The stage read is the last one written: a value of its own may
        // have been put before it (see `Emitter::staged`).
        let source = em.record_source.clone();
        let body = format!(
            "SELECT s.*, {value} AS {} FROM {source} s{}",
            d.ident(&define.name),
            joins(&mut em)
        );
        em.ctes.push((name.clone(), body));
        previous = name;
    }

    start(&mut em, &previous);
    let mut columns = vec![format!("s.{}", d.ident("id"))];
    for criterion in &program.criteria {
        let value = em.cond(&criterion.condition);
        columns.push(format!("{value} AS {}", d.ident(&criterion.id)));
    }
    let source = em.record_source.clone();
    let body = format!(
        "SELECT {} FROM {source} s{}",
        columns.join(",\n    "),
        joins(&mut em)
    );
    em.ctes.push(("screen:criteria".to_owned(), body));
    if !em.errors.is_empty() {
        return Err(em.errors);
    }

    let verdicts = verdicts(program, d);
    let mut ctes = std::mem::take(&mut em.ctes);
    let last = match shape {
        Shape::Screen => verdicts,
        Shape::Funnel => {
            // Read once per criterion by the counts.
            em.reads.insert(
                d.ident("screen:verdicts"),
                program.criteria.len() + program.cohorts.len() + 1,
            );
            ctes.push(("screen:verdicts".to_owned(), verdicts));
            funnel(program, d)
        }
    };
    // A table expression read by several others is computed once where
    // the engine can be told so (DuckDB and PostgreSQL would otherwise
    // plan it again for every reader, and a chain of them multiplies).
    let with: Vec<String> = ctes
        .iter()
        .map(|(name, body)| {
            let reads = em.reads.get(&d.ident(name)).copied().unwrap_or(0);
            let materialized = if reads > 0 && d != Dialect::Spark {
                "MATERIALIZED "
            } else {
                ""
            };
            format!("{} AS {materialized}(\n  {body}\n)", d.ident(name))
        })
        .collect();
    Ok(format!("WITH {}\n{last}", with.join(",\n")))
}

/// Sets the emitter to read the record rows of `previous`.
fn start(em: &mut Emitter<'_>, previous: &str) {
    em.record_source = em.dialect.ident(previous);
    em.joins.clear();
    em.aliases = 0;
}

fn joins(em: &mut Emitter<'_>) -> String {
    std::mem::take(&mut em.joins)
        .into_iter()
        .map(|j| format!("\n    {j}"))
        .collect()
}

/// The final select: the id, the status, each cohort's status (a program
/// with cohorts), and each criterion's outcome.
fn verdicts(program: &Program, d: Dialect) -> String {
    let status_of = |status: &str, name: &str| {
        format!(
            "CASE WHEN {status} THEN 'eligible' WHEN NOT {status} THEN 'ineligible' \
             ELSE 'undetermined' END AS {}",
            d.ident(name)
        )
    };
    // Each cohort's eligibility, from the shared criteria and its own; a
    // patient is eligible for one cohort at least, ineligible for every
    // one, else undetermined: Kleene `or`, as SQL's, over the cohorts —
    // the rule of `rulec::eval`'s verdicts.
    let cohorts: Vec<String> = (0..program.cohorts.len())
        .map(|k| eligible(program, d, |c| c.is_none_or(|c| c == k)))
        .collect();
    let status = if cohorts.is_empty() {
        eligible(program, d, |_| true)
    } else {
        format!("({})", cohorts.join(" OR "))
    };
    let mut columns = vec![d.ident("id"), status_of(&status, "status")];
    for (cohort, status) in program.cohorts.iter().zip(&cohorts) {
        columns.push(status_of(status, &cohort_column(&cohort.name)));
    }
    for criterion in &program.criteria {
        let c = d.ident(&criterion.id);
        columns.push(format!(
            "CASE WHEN {c} THEN 'met' WHEN NOT {c} THEN 'not_met' ELSE 'unknown' END AS {c}"
        ));
    }
    format!(
        "SELECT {}\nFROM {}",
        columns.join(",\n  "),
        d.ident("screen:criteria")
    )
}

/// The name of a cohort's status column: `status:stage_1`.
pub(crate) fn cohort_column(cohort: &str) -> String {
    format!("status:{cohort}")
}

/// Whether the patient is eligible as far as the criteria of the cohorts
/// `of` accepts decide (`None` a criterion every cohort shares): false
/// when an inclusion is not met or an exclusion is, true when every one is
/// decided the right way, else unknown (NULL) — Kleene, the status rule of
/// a verdict.
fn eligible(program: &Program, d: Dialect, of: impl Fn(Option<usize>) -> bool) -> String {
    let column = |id: &str| d.ident(id);
    let mine = || program.criteria.iter().filter(|c| of(c.cohort));
    let mut parts: Vec<String> = mine()
        .filter(|c| c.section == Section::Inclusion)
        .map(|c| column(&c.id))
        .collect();
    let exclusions: Vec<String> = mine()
        .filter(|c| c.section == Section::Exclusion)
        .map(|c| column(&c.id))
        .collect();
    if !exclusions.is_empty() {
        parts.push(format!("NOT ({})", exclusions.join(" OR ")));
    }
    if parts.is_empty() {
        "TRUE".to_owned()
    } else {
        format!("({})", parts.join(" AND "))
    }
}

/// The per-criterion counts: a row of verdict counts, a row per cohort
/// (a program with cohorts), then a row per criterion, in order. The verdicts are counted in one pass (one row of
/// every count), then spread into rows by position: a union of a select
/// per criterion would have the engine plan the verdicts once per
/// criterion (Spark runs out of memory on a file of 200).
fn funnel(program: &Program, d: Dialect) -> String {
    let mut rows = vec![(
        "(verdict)".to_owned(),
        "status",
        "status".to_owned(),
        ["eligible", "ineligible", "undetermined"],
    )];
    // A cohort's statuses, counted as the verdict's are.
    for cohort in &program.cohorts {
        rows.push((
            cohort.name.clone(),
            "cohort",
            cohort_column(&cohort.name),
            ["eligible", "ineligible", "undetermined"],
        ));
    }
    for criterion in &program.criteria {
        let section = match criterion.section {
            Section::Inclusion => "inclusion",
            Section::Exclusion => "exclusion",
        };
        rows.push((
            criterion.id.clone(),
            section,
            criterion.id.clone(),
            ["met", "not_met", "unknown"],
        ));
    }
    let mut counts = Vec::new();
    let mut values = Vec::new();
    let mut spread: [Vec<String>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (position, (criterion, section, column, words)) in rows.iter().enumerate() {
        for (k, word) in words.iter().enumerate() {
            let name = d.ident(&format!("{k}:{position}"));
            counts.push(format!(
                "{} AS {name}",
                d.count_where(&format!("{} = {}", d.ident(column), d.string(word)))
            ));
            if let Some(cases) = spread.get_mut(k) {
                cases.push(format!("WHEN {position} THEN c.{name}"));
            }
        }
        values.push(format!(
            "({position}, {}, {})",
            d.string(criterion),
            d.string(section)
        ));
    }
    let position = d.ident("position");
    let columns: Vec<String> = ["met", "not_met", "unknown"]
        .iter()
        .zip(&spread)
        .map(|(name, cases)| {
            format!(
                "CASE p.{position} {} END AS {}",
                cases.join(" "),
                d.ident(name)
            )
        })
        .collect();
    format!(
        "SELECT p.{position}, p.{criterion}, p.{section}, {columns}\n\
         FROM (SELECT {counts} FROM {verdicts}) c\n\
         CROSS JOIN (VALUES {values}) AS p({position}, {criterion}, {section})\n\
         ORDER BY p.{position}",
        criterion = d.ident("criterion"),
        section = d.ident("section"),
        columns = columns.join(",\n  "),
        counts = counts.join(",\n    "),
        verdicts = d.ident("screen:verdicts"),
        values = values.join(", "),
    )
}
