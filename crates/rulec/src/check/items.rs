//! Checking a file's items: imports, the schema of fields, defines and
//! criteria, then the warnings that need the whole file.

use std::collections::{HashMap, HashSet};

use crate::syntax::{self, CompareOp, ExprKind, FieldDecl, Item, RuleFile, Section, Span, Type};
use crate::units::{Conversion, MolarMass, Scale, Unit};

use super::Imports;
use super::diagnostic::{CheckError, ImportError};
use super::expr::Ctx;
use super::program::*;
use crate::schema::{Field, FieldType, Schema};
use crate::semantics::{Truth, flip, group, holds};

/// Field declarations with where they came from: this file, or a `use`.
struct Declared<'a> {
    decl: &'a FieldDecl,
    /// For an imported field, the path and span of the `use` item.
    imported_at: Option<(&'a str, Span)>,
}

pub(super) fn check_file(file: &RuleFile, imports: &dyn Imports) -> (Program, Vec<CheckError>) {
    let mut diagnostics = Vec::new();
    let mut trial = None;
    // Imported files must outlive the declarations borrowed from them.
    let mut imported: Vec<(&str, Span, RuleFile)> = Vec::new();
    for item in &file.items {
        match item {
            Item::Trial(t) => {
                trial = Some((t.id.node.clone(), t.title.as_ref().map(|t| t.node.clone())))
            }
            Item::Use(u) => match imports.load(&u.path.node) {
                Ok(text) => match syntax::parse(&text) {
                    Ok(parsed) if parsed.items.iter().any(|i| matches!(i, Item::Use(_))) => {
                        diagnostics.push(CheckError::UseFailed {
                            path: u.path.node.clone(),
                            reason: "it imports other files itself, which rulec does not follow; import those files here directly".to_owned(),
                            span: u.path.span,
                        });
                    }
                    Ok(parsed) => imported.push((&u.path.node, u.path.span, parsed)),
                    Err(e) => diagnostics.push(CheckError::InImport {
                        path: u.path.node.clone(),
                        error: Box::new(ImportError::Syntax(e)),
                        span: u.path.span,
                    }),
                },
                Err(reason) => diagnostics.push(CheckError::UseFailed {
                    path: u.path.node.clone(),
                    reason,
                    span: u.path.span,
                }),
            },
            _ => {}
        }
    }
    let mut declared: Vec<Declared<'_>> = Vec::new();
    for (path, at, parsed) in &imported {
        for item in &parsed.items {
            if let Item::Fields(block) = item {
                declared.extend(block.fields.iter().map(|decl| Declared {
                    decl,
                    imported_at: Some((*path, *at)),
                }));
            }
        }
    }
    for item in &file.items {
        if let Item::Fields(block) = item {
            declared.extend(block.fields.iter().map(|decl| Declared {
                decl,
                imported_at: None,
            }));
        }
    }
    let mut poisoned = HashSet::new();
    let schema = schema_of(&declared, &mut diagnostics, &mut poisoned);

    let mut define_asts: HashMap<&str, &syntax::Define> = HashMap::new();
    for item in &file.items {
        if let Item::Define(d) = item {
            if let Some(first) = define_asts.get(d.name.node.as_str()) {
                diagnostics.push(CheckError::Duplicate {
                    what: "define",
                    name: d.name.node.clone(),
                    span: d.name.span,
                    first: first.name.span,
                });
            } else if schema.slot(&d.name.node).is_some() {
                let first = schema
                    .slot(&d.name.node)
                    .and_then(|s| schema.field(s))
                    .map(|f| f.span)
                    .unwrap_or_default();
                diagnostics.push(CheckError::Duplicate {
                    what: "name (a field and a define)",
                    name: d.name.node.clone(),
                    span: d.name.span,
                    first,
                });
            } else {
                define_asts.insert(&d.name.node, d);
            }
        }
    }

    let define_order: Vec<&str> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Define(d) => Some(d.name.node.as_str()),
            _ => None,
        })
        .collect();
    let all_criteria: Vec<&syntax::Criterion> = file
        .criteria_blocks()
        .flat_map(|(_, block)| block.criteria.iter())
        .collect();
    check_names(file, &mut diagnostics);
    let cohorts = super::cohorts::cohorts(file, &mut diagnostics);
    let depth =
        super::depth::check_depth(&define_asts, &define_order, &all_criteria, &mut diagnostics);
    let mut failed: HashSet<String> = HashSet::new();
    failed.extend(depth.too_deep.iter().map(|n| (*n).to_owned()));

    let mut ctx = Ctx {
        schema: &schema,
        define_asts,
        checked: HashMap::new(),
        defines: Vec::new(),
        visiting: Vec::new(),
        diagnostics,
        used: HashSet::new(),
        scopes: Vec::new(),
        poisoned,
        failed,
        suggestions: super::expr::SUGGESTIONS,
        written: Vec::new(),
        units: HashMap::new(),
        params: None,
    };
    for item in &file.items {
        if let Item::Define(d) = item {
            ctx.check_define(&d.name.node);
        }
    }

    // Each criterion's block, with the cohort it applies to.
    let blocks: Vec<(Option<usize>, &syntax::CriteriaBlock)> = file
        .criteria_blocks()
        .map(|(cohort, block)| {
            let cohort = cohort.and_then(|c| super::cohorts::index_of(&cohorts, &c.name.node));
            (cohort, block)
        })
        .collect();
    let mut criteria = Vec::new();
    let mut ids: HashMap<&str, Span> = HashMap::new();
    for &(cohort, block) in &blocks {
        // The inclusions a patient of this criterion's cohort must meet
        // too: those of every cohort and of its own.
        let inclusions: Vec<&syntax::Expr> = blocks
            .iter()
            .filter(|(other, b)| {
                b.section == Section::Inclusion && (other.is_none() || *other == cohort)
            })
            .flat_map(|(_, b)| b.criteria.iter().map(|c| &c.expr))
            .collect();
        for c in &block.criteria {
            if let Some(first) = ids.get(c.id.node.as_str()) {
                ctx.diagnostics.push(CheckError::Duplicate {
                    what: "criterion id",
                    name: c.id.node.clone(),
                    span: c.id.span,
                    first: *first,
                });
            } else {
                ids.insert(&c.id.node, c.id.span);
            }
            if depth.criteria.contains(&c.id.span.start) {
                continue;
            }
            let Some(condition) = ctx.cond(&c.expr) else {
                continue;
            };
            if let Some(always) = constant(&condition) {
                ctx.diagnostics.push(CheckError::ConstantCriterion {
                    id: c.id.node.clone(),
                    outcome: if always { "always met" } else { "never met" },
                    span: c.expr.span,
                });
            } else if block.section == Section::Inclusion
                && let Some((what, bounds)) = impossible_range(&condition, &ctx)
            {
                ctx.diagnostics.push(CheckError::ImpossibleRange {
                    id: c.id.node.clone(),
                    what,
                    bounds,
                    span: c.expr.span,
                });
            }
            ctx.diagnostics.extend(super::lint::criterion(
                c,
                block.section,
                &condition,
                &ctx,
                &inclusions,
            ));
            criteria.push(Criterion {
                id: c.id.node.clone(),
                label: c.label.as_ref().map(|l| l.node.clone()),
                section: block.section,
                cohort,
                condition,
                span: c.span,
            });
        }
    }

    // An unused field in a file with errors is often a misspelt use of it:
    // the error says more than the warning would.
    let has_errors = ctx.diagnostics.iter().any(|d| !d.is_warning());
    for (i, field) in schema.fields.iter().enumerate().filter(|_| !has_errors) {
        let used = u32::try_from(i).is_ok_and(|slot| ctx.used.contains(&slot));
        let imported = declared
            .iter()
            .find(|d| d.decl.name.node == field.name)
            .is_some_and(|d| d.imported_at.is_some());
        // A shared field set imported with `use` need not be used whole.
        if !used && !imported {
            ctx.diagnostics.push(CheckError::UnusedField {
                name: field.name.clone(),
                span: field.span,
            });
        }
    }

    let bindings =
        super::bindings::check_all(&imported, file, &schema, imports, &mut ctx.diagnostics);
    let examples = super::examples::check_all(file, &schema, &ctx.poisoned, &mut ctx.diagnostics);
    let program = Program {
        trial,
        bindings,
        examples,
        schema: schema.clone(),
        defines: std::mem::take(&mut ctx.defines),
        criteria,
        cohorts,
        written: std::mem::take(&mut ctx.written),
        imports: imported
            .iter()
            .map(|(path, _, _)| (*path).to_owned())
            .collect(),
    };
    (program, ctx.diagnostics)
}

/// Refuses names longer than [`syntax::MAX_NAME_LEN`]: fields (list
/// elements' too), members, defines and criterion ids.
fn check_names(file: &RuleFile, diagnostics: &mut Vec<CheckError>) {
    use super::depth::check_name;
    let mut decls: Vec<&FieldDecl> = Vec::new();
    for item in &file.items {
        match item {
            Item::Fields(block) => decls.extend(block.fields.iter()),
            Item::Define(d) => check_name("define name", &d.name, diagnostics),
            _ => {}
        }
    }
    for (_, block) in file.criteria_blocks() {
        for c in &block.criteria {
            check_name("criterion id", &c.id, diagnostics);
        }
    }
    // A list's element fields are declarations too, at any depth.
    while let Some(decl) = decls.pop() {
        check_name("field name", &decl.name, diagnostics);
        match &decl.ty.node {
            Type::OneOf(members) | Type::SetOf(members) | Type::Ordered(members) => {
                for member in members {
                    check_name("member", member, diagnostics);
                }
            }
            Type::ListOf(fields) => decls.extend(fields.iter()),
            _ => {}
        }
    }
}

fn schema_of(
    declared: &[Declared<'_>],
    diagnostics: &mut Vec<CheckError>,
    poisoned: &mut HashSet<String>,
) -> Schema {
    let mut schema = Schema::default();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for d in declared {
        let name = &d.decl.name;
        let span = d.imported_at.map_or(name.span, |(_, at)| at);
        if let Some(first) = seen.get(name.node.as_str()) {
            diagnostics.push(CheckError::Duplicate {
                what: "field",
                name: name.node.clone(),
                span,
                first: *first,
            });
            continue;
        }
        seen.insert(&name.node, span);
        // Spans of an imported file mean nothing in this one: its problems
        // are reported at the `use`, carrying the error with its spans in
        // the imported file.
        let mut found = Vec::new();
        let ty = field_type(&d.decl.ty.node, d.decl.ty.span, &mut found, poisoned);
        match d.imported_at {
            None => diagnostics.append(&mut found),
            Some((path, at)) => {
                diagnostics.extend(found.into_iter().map(|e| CheckError::InImport {
                    path: path.to_owned(),
                    error: Box::new(ImportError::Field {
                        field: name.node.clone(),
                        error: e,
                    }),
                    span: at,
                }))
            }
        }
        let ty = match ty {
            Some(ty) => ty,
            None => {
                poisoned.insert(name.node.clone());
                FieldType::Number
            }
        };
        schema.fields.push(Field {
            name: name.node.clone(),
            ty,
            span,
        });
    }
    schema
}

fn field_type(
    ty: &Type,
    span: Span,
    diagnostics: &mut Vec<CheckError>,
    poisoned: &mut HashSet<String>,
) -> Option<FieldType> {
    Some(match ty {
        Type::Bool => FieldType::Bool,
        Type::Number => FieldType::Number,
        Type::Date => FieldType::Date,
        Type::Text => FieldType::Text,
        Type::Integer { range: None } => FieldType::Integer {
            min: None,
            max: None,
        },
        Type::Integer {
            range: Some((lo, hi)),
        } => {
            if lo.node > hi.node {
                diagnostics.push(CheckError::EmptyRange {
                    min: lo.node,
                    max: hi.node,
                    span: lo.span.join(hi.span),
                });
                return None;
            }
            FieldType::Integer {
                min: Some(lo.node),
                max: Some(hi.node),
            }
        }
        Type::OneOf(members) | Type::SetOf(members) | Type::Ordered(members) => {
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for m in members {
                if let Some(first) = seen.insert(&m.node, m.span) {
                    diagnostics.push(CheckError::Duplicate {
                        what: "member",
                        name: m.node.clone(),
                        span: m.span,
                        first,
                    });
                }
            }
            let names = members.iter().map(|m| m.node.clone()).collect();
            match ty {
                Type::OneOf(_) => FieldType::OneOf(names),
                Type::Ordered(_) => FieldType::Ordered(names),
                _ => FieldType::SetOf(names),
            }
        }
        Type::ListOf(fields) => {
            let declared: Vec<Declared<'_>> = fields
                .iter()
                .map(|decl| Declared {
                    decl,
                    imported_at: None,
                })
                .collect();
            FieldType::ListOf(schema_of(&declared, diagnostics, poisoned))
        }
        Type::Quantity(q) => {
            let unit = unit_or_report(&q.unit.node, q.unit.span, diagnostics)?;
            let molar_mass = match &q.molar_mass {
                None => None,
                Some(m) => {
                    let mass_unit =
                        unit_or_report(&m.node.unit.node, m.node.unit.span, diagnostics)?;
                    match MolarMass::new(m.node.value.as_str(), &mass_unit) {
                        Ok(mm) => Some(mm),
                        Err(e) => {
                            diagnostics.push(unit_diagnostic(&e, m.span));
                            return None;
                        }
                    }
                }
            };
            let _ = span;
            let scale = match &q.scale {
                None => None,
                Some(scale) => {
                    let declared = &scale.node;
                    let other =
                        unit_or_report(&declared.unit.node, declared.unit.span, diagnostics)?;
                    let intercept = declared.intercept.as_ref().map(|n| n.as_str());
                    match Scale::new(other, declared.slope.as_str(), intercept, &unit) {
                        Ok(scale) => Some(scale),
                        Err(e) => {
                            diagnostics.push(unit_diagnostic(&e, scale.span));
                            return None;
                        }
                    }
                }
            };
            let plausible = match &q.plausible {
                None => None,
                Some(p) => Some(plausible_range(&p.node, p.span, &unit, diagnostics)?),
            };
            FieldType::Quantity {
                unit,
                normal_range: q.normal_range,
                molar_mass,
                scale,
                plausible,
            }
        }
    })
}

/// The ends of `plausible L..H` in the field's unit: each a number in that
/// unit or a quantity that converts to it, the low end below the high one.
pub(in crate::check) fn plausible_range(
    p: &syntax::Plausible,
    span: Span,
    unit: &Unit,
    diagnostics: &mut Vec<CheckError>,
) -> Option<(f64, f64)> {
    let mut end = |e: &syntax::Expr| -> Option<f64> {
        let (e, sign) = match &e.node {
            ExprKind::Unary {
                op: syntax::UnaryOp::Neg,
                operand,
            } => (operand.as_ref(), -1.0),
            _ => (e, 1.0),
        };
        let (number, conversion) = match &e.node {
            ExprKind::Number(n) => (n, Conversion::IDENTITY),
            ExprKind::Quantity(q) => {
                let written = unit_or_report(&q.unit.node, q.unit.span, diagnostics)?;
                match written.conversion_to(unit) {
                    Ok(c) => (&q.value, c),
                    Err(e) => {
                        diagnostics.push(unit_diagnostic(&e, q.unit.span));
                        return None;
                    }
                }
            }
            _ => return None,
        };
        number.to_f64().map(|v| conversion.apply(sign * v))
    };
    let (low, high) = (end(&p.low)?, end(&p.high)?);
    if low > high {
        diagnostics.push(CheckError::TypeMismatch {
            expected: "a plausible range whose low end is below its high end".to_owned(),
            found: format!("{low}..{high} in `{unit}`"),
            span,
            help: Some(
                "write the lowest plausible value first: `plausible 30 g/L..250 g/L`".to_owned(),
            ),
        });
        return None;
    }
    Some((low, high))
}

fn unit_or_report(text: &str, span: Span, diagnostics: &mut Vec<CheckError>) -> Option<Unit> {
    match Unit::parse(text) {
        Ok(u) => Some(u),
        Err(e) => {
            diagnostics.push(unit_diagnostic(&e, span));
            None
        }
    }
}

/// A unit error placed at the unit's span in the rule file.
pub(super) fn unit_diagnostic(e: &crate::units::UnitError, span: Span) -> CheckError {
    CheckError::Unit {
        error: e.clone(),
        span,
        help: miette::Diagnostic::help(e).map(|h| h.to_string()),
    }
}

/// The outcome of a condition that does not depend on the record, under
/// three-valued logic (`x or true` is met whatever `x` is).
fn constant(c: &Cond) -> Option<bool> {
    match fold(c) {
        Truth::True => Some(true),
        Truth::False => Some(false),
        Truth::Unknown => None,
    }
}

/// A condition's truth with every part that depends on the record taken
/// as unknown: the evaluators' own Kleene logic, so a criterion is
/// constant exactly when no record can change its outcome.
fn fold(c: &Cond) -> Truth {
    match c {
        Cond::Literal(b) => Truth::from_bool(*b),
        Cond::Not(inner) => fold(inner).not(),
        Cond::And(a, b) => fold(a).and(fold(b)),
        Cond::Or(a, b) => fold(a).or(fold(b)),
        Cond::CompareNum {
            op,
            lhs: Num::Const(a),
            rhs: Num::Const(b),
        } => Truth::from_bool(holds(*op, *a, *b)),
        Cond::Group { kind, items } => {
            let truths: Vec<Truth> = items.iter().map(fold).collect();
            group(*kind, &truths)
        }
        _ => Truth::Unknown,
    }
}

/// For a conjunction of comparisons of one value with constants, whether
/// no value satisfies them all: the value's name and the bounds in words.
fn impossible_range(c: &Cond, ctx: &Ctx<'_>) -> Option<(String, String)> {
    let mut terms = Vec::new();
    flatten_and(c, &mut terms);
    let mut leaves: Vec<(&Num, CompareOp, f64)> = Vec::new();
    for term in terms {
        let Cond::CompareNum { op, lhs, rhs } = term else {
            continue;
        };
        let (leaf, op, value) = match (lhs, rhs) {
            (leaf, Num::Const(v)) => (leaf, *op, *v),
            (Num::Const(v), leaf) => (leaf, flip(*op), *v),
            _ => continue,
        };
        match leaf {
            Num::Field { field, .. } if field.depth == 0 => {}
            Num::Define { .. } => {}
            _ => continue,
        }
        leaves.push((leaf, op, value));
    }
    // The bounds of each value, values in the order they first appear.
    // Most criteria bound one value once: the key that tells values apart
    // is text, so it is only made when there is something to tell apart.
    let mut bounds: Vec<(&Num, Vec<(CompareOp, f64)>)> = Vec::new();
    if let [(leaf, op, value)] = leaves[..] {
        bounds.push((leaf, vec![(op, value)]));
    } else {
        let mut keys: Vec<String> = Vec::new();
        for (leaf, op, value) in leaves {
            let key = format!("{leaf:?}");
            match keys.iter().position(|k| *k == key) {
                Some(i) => {
                    if let Some((_, constraints)) = bounds.get_mut(i) {
                        constraints.push((op, value));
                    }
                }
                None => {
                    keys.push(key);
                    bounds.push((leaf, vec![(op, value)]));
                }
            }
        }
    }
    bounds.into_iter().find_map(|(leaf, constraints)| {
        let mut low = (f64::NEG_INFINITY, false);
        let mut high = (f64::INFINITY, false);
        for (op, v) in &constraints {
            match op {
                CompareOp::Gt if *v >= low.0 => low = (*v, true),
                CompareOp::Ge if *v > low.0 => low = (*v, false),
                CompareOp::Lt if *v <= high.0 => high = (*v, true),
                CompareOp::Le if *v < high.0 => high = (*v, false),
                CompareOp::Eq => {
                    if *v > low.0 {
                        low = (*v, false);
                    }
                    if *v < high.0 {
                        high = (*v, false);
                    }
                }
                _ => {}
            }
        }
        let empty = low.0 > high.0 || (low.0 == high.0 && (low.1 || high.1));
        empty.then(|| {
            let words: Vec<String> = constraints
                .iter()
                .map(|(op, v)| format!("{} {v}", op.as_str()))
                .collect();
            (
                bounded_name(leaf, ctx).unwrap_or_default(),
                words.join(" and "),
            )
        })
    })
}

/// How a bounded value is named in a message: "hb` (in `g/L`)".
fn bounded_name(leaf: &Num, ctx: &Ctx<'_>) -> Option<String> {
    match leaf {
        Num::Field { field, .. } => ctx.schema.field(field.slot).map(|f| match &f.ty {
            FieldType::Quantity { unit, .. } => format!("{}` (in `{unit}`)", f.name),
            _ => format!("{}`", f.name),
        }),
        Num::Define { define, .. } => ctx.defines.get(define.0 as usize).map(|d| match &d.value {
            Value::Num(_, Some(unit)) => format!("{}` (in `{unit}`)", d.name),
            _ => format!("{}`", d.name),
        }),
        _ => None,
    }
}

fn flatten_and<'c>(c: &'c Cond, out: &mut Vec<&'c Cond>) {
    match c {
        Cond::And(a, b) => {
            flatten_and(a, out);
            flatten_and(b, out);
        }
        other => out.push(other),
    }
}
