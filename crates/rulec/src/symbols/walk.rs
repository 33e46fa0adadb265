//! The two passes over a file: declarations first (so that a name used
//! before the define that gives it still resolves), then every expression,
//! example and binding, each name resolved in the scope it is written in.

use std::collections::HashMap;

use super::{Symbol, SymbolId, SymbolKind, Symbols};
use crate::diagnostic::FileRef;
use crate::syntax::{
    BindSource, CriteriaBlock, Example, ExampleEntry, ExampleValue, Expectation, Expr, ExprKind,
    FhirEntry, Item, MapEntry, MapValue, RuleFile,
};

/// The names visible at file level, and each list's element fields.
#[derive(Debug, Default)]
pub(super) struct Scope {
    pub(super) fields: HashMap<String, SymbolId>,
    pub(super) defines: HashMap<String, SymbolId>,
    pub(super) criteria: HashMap<String, SymbolId>,
    pub(super) cohorts: HashMap<String, SymbolId>,
    /// A list field's element fields, by name.
    pub(super) elements: HashMap<SymbolId, HashMap<String, SymbolId>>,
}

fn plain(kind: SymbolKind, name: &crate::syntax::Name) -> Symbol {
    Symbol {
        kind,
        name: name.node.clone(),
        file: FileRef::Main,
        span: name.span,
        parent: None,
        ty: None,
        label: None,
        section: None,
        unit: None,
    }
}

pub(super) fn declare(symbols: &mut Symbols, file: &RuleFile, scope: &mut Scope) {
    for item in &file.items {
        match item {
            Item::Fields(block) => {
                for decl in &block.fields {
                    symbols.declare_field(decl, &FileRef::Main, None, scope);
                }
            }
            Item::Define(d) => {
                let mut symbol = plain(SymbolKind::Define, &d.name);
                symbol.unit = d.unit.as_ref().map(|u| u.node.clone());
                let id = symbols.push(symbol);
                scope.defines.entry(d.name.node.clone()).or_insert(id);
                if let Some(unit) = &d.unit {
                    symbols.unit(&unit.node, unit.span);
                }
            }
            Item::Criteria(block) => declare_criteria(symbols, block, None, scope),
            Item::Cohort(cohort) => {
                let mut symbol = plain(SymbolKind::Cohort, &cohort.name);
                symbol.label = cohort.label.as_ref().map(|l| l.node.clone());
                let id = symbols.push(symbol);
                scope.cohorts.entry(cohort.name.node.clone()).or_insert(id);
                for block in &cohort.blocks {
                    declare_criteria(symbols, block, Some(id), scope);
                }
            }
            Item::Trial(_) | Item::Use(_) | Item::Fhir(_) | Item::Example(_) => {}
        }
    }
}

fn declare_criteria(
    symbols: &mut Symbols,
    block: &CriteriaBlock,
    cohort: Option<SymbolId>,
    scope: &mut Scope,
) {
    for criterion in &block.criteria {
        let mut symbol = plain(SymbolKind::Criterion, &criterion.id);
        symbol.label = criterion.label.as_ref().map(|l| l.node.clone());
        symbol.section = Some(block.section);
        symbol.parent = cohort;
        let id = symbols.push(symbol);
        scope
            .criteria
            .entry(criterion.id.node.clone())
            .or_insert(id);
    }
}

pub(super) fn resolve(symbols: &mut Symbols, file: &RuleFile, scope: &Scope) {
    let mut resolver = Resolver { symbols, scope };
    for item in &file.items {
        match item {
            Item::Define(d) => resolver.expr(&d.expr, &[]),
            Item::Criteria(_) | Item::Cohort(_) => {}
            Item::Example(example) => resolver.example(example),
            Item::Fhir(block) => {
                for entry in &block.entries {
                    if let FhirEntry::Binding(binding) = entry {
                        let field = resolver.name(&binding.field, &[]);
                        if let (Some(field), BindSource::Select(select)) = (field, &binding.source)
                            && let Some(map) = &select.map
                        {
                            resolver.map(field, map);
                        }
                    }
                }
            }
            Item::Trial(_) | Item::Use(_) | Item::Fields(_) => {}
        }
    }
    for (_, block) in file.criteria_blocks() {
        for criterion in &block.criteria {
            resolver.expr(&criterion.expr, &[]);
        }
    }
}

/// Collects the units written in a constant (a `plausible` bound).
pub(super) fn units_in(symbols: &mut Symbols, expr: &Expr) {
    match &expr.node {
        ExprKind::Quantity(q) => symbols.unit(&q.unit.node, q.unit.span),
        ExprKind::Unary { operand, .. } => units_in(symbols, operand),
        _ => {}
    }
}

struct Resolver<'a> {
    symbols: &'a mut Symbols,
    scope: &'a Scope,
}

impl Resolver<'_> {
    /// A name as an expression: the innermost list element's field, a
    /// record field, a define.
    fn lookup(&self, name: &str, lists: &[SymbolId]) -> Option<SymbolId> {
        lists
            .iter()
            .rev()
            .find_map(|list| self.scope.elements.get(list)?.get(name).copied())
            .or_else(|| self.scope.fields.get(name).copied())
            .or_else(|| self.scope.defines.get(name).copied())
    }

    fn name(&mut self, name: &crate::syntax::Name, lists: &[SymbolId]) -> Option<SymbolId> {
        let id = self.lookup(&name.node, lists)?;
        self.symbols.refer(id, name.span);
        Some(id)
    }

    /// The field an expression names, if it is a bare name of a field.
    fn field_of(&self, expr: &Expr, lists: &[SymbolId]) -> Option<SymbolId> {
        let ExprKind::Name(name) = &expr.node else {
            return None;
        };
        let id = self.lookup(name, lists)?;
        let symbol = self.symbols.symbol(id)?;
        (symbol.kind == SymbolKind::Field).then_some(id)
    }

    /// `sex = female`: `candidate` as a member of the field `field`.
    fn as_member(&mut self, field: Option<SymbolId>, candidate: &Expr) -> bool {
        let (Some(field), ExprKind::Name(name)) = (field, &candidate.node) else {
            return false;
        };
        match self.symbols.member(field, name) {
            Some(member) => {
                self.symbols.refer(member, candidate.span);
                true
            }
            None => false,
        }
    }

    fn expr(&mut self, expr: &Expr, lists: &[SymbolId]) {
        match &expr.node {
            ExprKind::Number(_)
            | ExprKind::Multiple { .. }
            | ExprKind::Bool(_)
            | ExprKind::Text(_)
            | ExprKind::Index => {}
            ExprKind::Quantity(q) => self.symbols.unit(&q.unit.node, q.unit.span),
            ExprKind::Name(name) => {
                if let Some(id) = self.lookup(name, lists) {
                    self.symbols.refer(id, expr.span);
                }
            }
            ExprKind::Unary { operand, .. } => self.expr(operand, lists),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs, lists);
                self.expr(rhs, lists);
            }
            ExprKind::Compare { lhs, rhs, .. } => {
                // A member stands on the other side of its field, whatever
                // the operator: `sex = female`, `nyha <= class_2`.
                let (left, right) = (self.field_of(lhs, lists), self.field_of(rhs, lists));
                if self.as_member(left, rhs) {
                    self.expr(lhs, lists);
                } else if self.as_member(right, lhs) {
                    self.expr(rhs, lists);
                } else {
                    self.expr(lhs, lists);
                    self.expr(rhs, lists);
                }
            }
            ExprKind::Between { value, low, high } => {
                self.expr(value, lists);
                self.expr(low, lists);
                self.expr(high, lists);
            }
            ExprKind::Member {
                subject, members, ..
            } => {
                let field = self.field_of(subject, lists);
                self.expr(subject, lists);
                if let Some(field) = field {
                    for name in members {
                        if let Some(member) = self.symbols.member(field, &name.node) {
                            self.symbols.refer(member, name.span);
                        }
                    }
                }
            }
            ExprKind::Known { subject, .. } => self.expr(subject, lists),
            ExprKind::Within {
                subject,
                window,
                anchor,
                ..
            } => {
                self.expr(subject, lists);
                self.expr(window, lists);
                self.expr(anchor, lists);
            }
            ExprKind::Group { items, .. } | ExprKind::FirstKnown(items) => {
                for item in items {
                    self.expr(item, lists);
                }
            }
            ExprKind::Call { args, .. } => {
                for arg in args {
                    self.expr(arg, lists);
                }
            }
            ExprKind::ListQuery {
                list, condition, ..
            } => {
                let inner = self.enter(list, lists);
                self.expr(condition, &inner);
            }
            ExprKind::Aggregate(aggregate) => {
                let inner = self.enter(&aggregate.list, lists);
                self.expr(&aggregate.value, &inner);
                if let Some(by) = &aggregate.by {
                    self.name(by, &inner);
                }
                if let Some(condition) = &aggregate.condition {
                    self.expr(condition, &inner);
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond, lists);
                self.expr(then, lists);
                self.expr(otherwise, lists);
            }
            ExprKind::DateDiff { from, to, .. } => {
                self.expr(from, lists);
                self.expr(to, lists);
            }
        }
    }

    /// The scope inside `any list where …`: the list's element fields
    /// first.
    fn enter(&mut self, list: &crate::syntax::Name, lists: &[SymbolId]) -> Vec<SymbolId> {
        let mut inner = lists.to_vec();
        inner.extend(self.name(list, lists));
        inner
    }

    /// A binding's `map { … }`: its keys are the field's members, or its
    /// list element's fields (each with a map of its own).
    fn map(&mut self, field: SymbolId, entries: &[MapEntry]) {
        for entry in entries {
            if let Some(member) = self.symbols.member(field, &entry.key.node) {
                self.symbols.refer(member, entry.key.span);
                continue;
            }
            let element = self
                .scope
                .elements
                .get(&field)
                .and_then(|e| e.get(&entry.key.node))
                .copied();
            if let Some(element) = element {
                self.symbols.refer(element, entry.key.span);
                if let MapValue::Word { map: Some(map), .. } = &entry.value {
                    self.map(element, map);
                }
            }
        }
    }

    fn example(&mut self, example: &Example) {
        self.entries(&example.entries, &[]);
        self.expectation(&example.expect.node);
    }

    fn entries(&mut self, entries: &[ExampleEntry], lists: &[SymbolId]) {
        for entry in entries {
            // An element's entries name only the element's fields.
            let field = match lists.last() {
                Some(list) => {
                    let id = self
                        .scope
                        .elements
                        .get(list)
                        .and_then(|e| e.get(&entry.field.node))
                        .copied();
                    if let Some(id) = id {
                        self.symbols.refer(id, entry.field.span);
                    }
                    id
                }
                None => {
                    let id = self.scope.fields.get(&entry.field.node).copied();
                    if let Some(id) = id {
                        self.symbols.refer(id, entry.field.span);
                    }
                    id
                }
            };
            match &entry.value.node {
                ExampleValue::Expr(expr) => {
                    if !self.as_member(field, expr) {
                        self.expr(expr, lists);
                    }
                }
                ExampleValue::Members(members) => {
                    for name in members {
                        if let Some(member) = field.and_then(|f| self.symbols.member(f, &name.node))
                        {
                            self.symbols.refer(member, name.span);
                        }
                    }
                }
                ExampleValue::List(elements) => {
                    let mut inner = lists.to_vec();
                    inner.extend(field);
                    for element in elements {
                        self.entries(&element.node, &inner);
                    }
                }
            }
            if let Some(range) = &entry.range {
                units_in(self.symbols, &range.node.low);
                units_in(self.symbols, &range.node.high);
            }
        }
    }

    fn expectation(&mut self, expectation: &Expectation) {
        match expectation {
            Expectation::Eligible => {}
            Expectation::Ineligible(criteria) => {
                for name in criteria {
                    if let Some(id) = self.scope.criteria.get(&name.node) {
                        self.symbols.refer(*id, name.span);
                    }
                }
            }
            Expectation::Undetermined(fields) => {
                for name in fields {
                    if let Some(id) = self.scope.fields.get(&name.node) {
                        self.symbols.refer(*id, name.span);
                    }
                }
            }
            Expectation::Parts(parts) => {
                for part in parts {
                    if let Some(cohort) = &part.cohort
                        && let Some(id) = self.scope.cohorts.get(&cohort.node)
                    {
                        self.symbols.refer(*id, cohort.span);
                    }
                    self.expectation(&part.verdict);
                }
            }
        }
    }
}
