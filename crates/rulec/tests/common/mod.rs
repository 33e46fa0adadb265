//! Checks shared by the fixture and example tests.
//!
//! [`check_parsed`] asserts what must hold for every rule file that parses:
//! printing it and parsing the result gives an equal tree, and every span of
//! the tree is well formed (start <= end), lies inside the source and inside
//! its parent's span, siblings do not overlap, and names, members, units and
//! numbers span exactly their own text.

use rulec::syntax::*;

/// Asserts the round trip and the span invariants of a parsed file.
pub fn check_parsed(file_name: &str, source: &str, tree: &RuleFile) {
    assert_round_trip(file_name, tree);
    assert_spans(file_name, source, tree);
}

/// `parse(print(tree)) == tree`.
pub fn assert_round_trip(file_name: &str, tree: &RuleFile) {
    let printed = print(tree);
    let reparsed = parse(&printed).unwrap_or_else(|error| {
        panic!("{file_name}: the printed form does not parse: {error:?}\n--- printed:\n{printed}")
    });
    assert_eq!(
        &reparsed, tree,
        "{file_name}: the printed form parses to a different tree\n--- printed:\n{printed}"
    );
}

/// Walks the whole tree checking every span.
pub fn assert_spans(file_name: &str, source: &str, tree: &RuleFile) {
    let whole = Span::new(0, source.len());
    let walker = Walker {
        file_name,
        source,
        path: Vec::new(),
    };
    walker.children(whole, &tree.items, Item::span, Walker::item);
}

/// The walk: each method checks one node's children against the node.
struct Walker<'a> {
    file_name: &'a str,
    source: &'a str,
    /// Where in the tree the walk is, for failure messages.
    path: Vec<String>,
}

impl Walker<'_> {
    fn at(&self, what: &str) -> Self {
        let mut path = self.path.clone();
        path.push(what.to_owned());
        Walker {
            file_name: self.file_name,
            source: self.source,
            path,
        }
    }

    fn where_(&self) -> String {
        format!("{}: {}", self.file_name, self.path.join(" > "))
    }

    /// `span` is well formed, inside the source, and inside `parent`.
    fn inside(&self, parent: Span, span: Span, what: &str) {
        let here = self.where_();
        assert!(
            span.start <= span.end,
            "{here} > {what}: span {span:?} ends before it starts"
        );
        assert!(
            span.end as usize <= self.source.len(),
            "{here} > {what}: span {span:?} runs past the end of the source ({} bytes)",
            self.source.len()
        );
        assert!(
            self.source.is_char_boundary(span.start as usize)
                && self.source.is_char_boundary(span.end as usize),
            "{here} > {what}: span {span:?} splits a character"
        );
        assert!(
            parent.contains(span),
            "{here} > {what}: span {span:?} ({:?}) is not inside its parent {parent:?} ({:?})",
            self.text(span),
            self.text(parent)
        );
    }

    /// Siblings in source order do not overlap.
    fn in_order(&self, spans: &[(Span, &str)]) {
        for pair in spans.windows(2) {
            let [(a, a_what), (b, b_what)] = pair else {
                continue;
            };
            assert!(
                a.end <= b.start,
                "{} : {a_what} {a:?} ({:?}) overlaps or follows {b_what} {b:?} ({:?})",
                self.where_(),
                self.text(*a),
                self.text(*b)
            );
        }
    }

    fn text(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or("<out of range>")
    }

    /// The text of an expression's span without the parentheses around it:
    /// a parenthesised operand's span includes its parentheses.
    fn operand_text(&self, span: Span) -> &str {
        let mut text = self.text(span);
        while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            text = inner.trim();
        }
        text
    }

    /// A name's span covers exactly the name.
    fn name(&self, parent: Span, name: &Name, what: &str) {
        self.inside(parent, name.span, what);
        assert_eq!(
            self.text(name.span),
            name.node,
            "{} > {what}: the span of `{}` covers other text",
            self.where_(),
            name.node
        );
    }

    /// A string's span covers the string with its quotes.
    fn string(&self, parent: Span, string: &Spanned<String>, what: &str) {
        self.inside(parent, string.span, what);
        let text = self.text(string.span);
        assert!(
            text.len() >= 2 && text.starts_with('"') && text.ends_with('"'),
            "{} > {what}: the span of a string is {text:?}, not a quoted string",
            self.where_()
        );
    }

    /// Checks each child inside `parent`, the children in order, then walks
    /// each child.
    fn children<T>(&self, parent: Span, items: &[T], span: fn(&T) -> Span, walk: fn(&Self, &T)) {
        let spans: Vec<(Span, &str)> = items.iter().map(|i| (span(i), "sibling")).collect();
        for (i, item) in items.iter().enumerate() {
            self.inside(parent, span(item), &format!("#{i}"));
        }
        self.in_order(&spans);
        for item in items {
            walk(self, item);
        }
    }

    fn item(&self, item: &Item) {
        let span = item.span();
        match item {
            Item::Trial(trial) => {
                let w = self.at("trial");
                w.string(span, &trial.id, "id");
                let mut order = vec![(trial.id.span, "id")];
                if let Some(title) = &trial.title {
                    w.string(span, title, "title");
                    order.push((title.span, "title"));
                }
                w.in_order(&order);
            }
            Item::Use(u) => self.at("use").string(span, &u.path, "path"),
            Item::Fields(block) => self.at("fields").fields(span, &block.fields),
            Item::Define(define) => {
                let w = self.at(&format!("define {}", define.name.node));
                w.name(span, &define.name, "name");
                w.inside(span, define.expr.span, "expr");
                w.in_order(&[(define.name.span, "name"), (define.expr.span, "expr")]);
                w.expr(&define.expr);
            }
            Item::Criteria(block) => self.block(block),
            Item::Cohort(cohort) => {
                let w = self.at(&format!("cohort {}", cohort.name.node));
                w.name(span, &cohort.name, "name");
                let mut order = vec![(cohort.name.span, "name")];
                if let Some(label) = &cohort.label {
                    w.inside(span, label.span, "label");
                    order.push((label.span, "label"));
                }
                w.in_order(&order);
                w.children(span, &cohort.blocks, |b| b.span, Walker::block);
            }
            Item::Fhir(block) => {
                let w = self.at("fhir");
                for entry in &block.entries {
                    if let rulec::syntax::FhirEntry::Binding(binding) = entry {
                        w.inside(span, binding.span, "binding");
                        w.name(binding.span, &binding.field, "field");
                    }
                }
            }
            Item::Example(example) => self.example(example),
        }
    }

    /// An example: label, `at`, record and expectation in order, inside it.
    fn example(&self, example: &Example) {
        let w = self.at(&format!("example {:?}", example.label.node));
        let span = example.span;
        w.inside(span, example.label.span, "label");
        let mut order = vec![(example.label.span, "label")];
        if let Some(at) = &example.at {
            w.string(span, at, "at");
            order.push((at.span, "at"));
        }
        w.inside(span, example.body, "record");
        w.inside(span, example.expect.span, "expectation");
        order.extend([
            (example.body, "record"),
            (example.expect.span, "expectation"),
        ]);
        w.in_order(&order);
        w.record(example.body, &example.entries);
        let parts = match &example.expect.node {
            Expectation::Parts(parts) => parts
                .iter()
                .map(|p| (p.cohort.as_ref(), &p.verdict))
                .collect(),
            verdict => vec![(None, verdict)],
        };
        for (cohort, verdict) in parts {
            if let Some(cohort) = cohort {
                w.name(example.expect.span, cohort, "cohort");
            }
            if let Expectation::Ineligible(names) | Expectation::Undetermined(names) = verdict {
                w.members(example.expect.span, names);
            }
        }
    }

    /// A record's entries inside its braces: name, value and range in order.
    fn record(&self, parent: Span, entries: &[ExampleEntry]) {
        assert!(
            self.text(parent).starts_with('{') && self.text(parent).ends_with('}'),
            "{}: a record's span is {:?}, not its braces",
            self.where_(),
            self.text(parent)
        );
        let spans: Vec<(Span, &str)> = entries.iter().map(|e| (e.span, "entry")).collect();
        self.in_order(&spans);
        for entry in entries {
            let w = self.at(&entry.field.node);
            w.inside(parent, entry.span, "entry");
            w.name(entry.span, &entry.field, "field");
            w.inside(entry.span, entry.value.span, "value");
            let mut order = vec![(entry.field.span, "field"), (entry.value.span, "value")];
            if let Some(range) = &entry.range {
                w.inside(entry.span, range.span, "normal range");
                order.push((range.span, "normal range"));
            }
            w.in_order(&order);
            match &entry.value.node {
                ExampleValue::Expr(expr) => w.expr(expr),
                ExampleValue::Members(members) => w.members(entry.value.span, members),
                ExampleValue::List(elements) => {
                    let spans: Vec<(Span, &str)> =
                        elements.iter().map(|e| (e.span, "element")).collect();
                    w.in_order(&spans);
                    for element in elements {
                        w.inside(entry.value.span, element.span, "element");
                        w.record(element.span, &element.node);
                    }
                }
            }
        }
    }

    fn block(&self, block: &CriteriaBlock) {
        let w = self.at(block.section.keyword());
        w.children(block.span, &block.criteria, |c| c.span, Walker::criterion);
    }

    fn criterion(&self, criterion: &Criterion) {
        let w = self.at(&criterion.id.node);
        let span = criterion.span;
        w.name(span, &criterion.id, "id");
        let mut order = vec![(criterion.id.span, "id")];
        if let Some(label) = &criterion.label {
            w.inside(span, label.span, "label");
            let text = w.text(label.span);
            assert!(
                text.starts_with('"') && text.ends_with('"') && text.len() >= 2,
                "{}: the label's span is {text:?}, not its strings",
                w.where_()
            );
            order.push((label.span, "label"));
        }
        w.inside(span, criterion.expr.span, "expr");
        order.push((criterion.expr.span, "expr"));
        w.in_order(&order);
        w.expr(&criterion.expr);
    }

    /// Field declarations inside `parent` (a block or a `list of` type).
    fn fields(&self, parent: Span, fields: &[FieldDecl]) {
        let mut order = Vec::new();
        for field in fields {
            let w = self.at(&field.name.node);
            w.name(parent, &field.name, "name");
            w.inside(parent, field.ty.span, "type");
            w.in_order(&[(field.name.span, "name"), (field.ty.span, "type")]);
            w.ty(&field.ty);
            order.push((field.name.span.join(field.ty.span), "field"));
        }
        self.in_order(&order);
    }

    fn ty(&self, ty: &Spanned<Type>) {
        let span = ty.span;
        match &ty.node {
            Type::Bool | Type::Number | Type::Date | Type::Text => {}
            Type::Integer { range: None } => {}
            Type::Integer {
                range: Some((lo, hi)),
            } => {
                self.inside(span, lo.span, "low bound");
                self.inside(span, hi.span, "high bound");
                self.in_order(&[(lo.span, "low bound"), (hi.span, "high bound")]);
                assert_eq!(self.text(lo.span).parse::<i64>().ok(), Some(lo.node));
                assert_eq!(self.text(hi.span).parse::<i64>().ok(), Some(hi.node));
            }
            Type::OneOf(members) | Type::SetOf(members) | Type::Ordered(members) => {
                self.members(span, members);
            }
            Type::ListOf(fields) => self.at("list of").fields(span, fields),
            Type::Quantity(q) => {
                self.name(span, &q.unit, "unit");
                let mut order = vec![(q.unit.span, "unit")];
                if let Some(mass) = &q.molar_mass {
                    self.inside(span, mass.span, "molar mass");
                    self.quantity(mass.span, &mass.node);
                    order.push((mass.span, "molar mass"));
                }
                self.in_order(&order);
            }
        }
    }

    fn members(&self, parent: Span, members: &[Name]) {
        for member in members {
            self.name(parent, member, "member");
        }
        let order: Vec<(Span, &str)> = members.iter().map(|m| (m.span, "member")).collect();
        self.in_order(&order);
    }

    /// A quantity `80 g/L` spanning `span`: the number starts it, the unit ends it.
    fn quantity(&self, span: Span, quantity: &Quantity) {
        self.name(span, &quantity.unit, "unit");
        let text = self.text(span);
        assert!(
            text.starts_with(quantity.value.as_str()) && quantity.unit.span.end == span.end,
            "{}: the quantity's span {text:?} is not `{} {}`",
            self.where_(),
            quantity.value,
            quantity.unit.node
        );
    }

    /// Checks the children of an expression against it, then walks them.
    fn expr(&self, expr: &Expr) {
        let span = expr.span;
        let sub = |children: &[(&Expr, &str)]| {
            for (child, what) in children {
                self.inside(span, child.span, what);
            }
            let order: Vec<(Span, &str)> = children.iter().map(|(c, w)| (c.span, *w)).collect();
            self.in_order(&order);
            for (child, what) in children {
                self.at(what).expr(child);
            }
        };
        match &expr.node {
            // A power of ten (`10^-3`) is kept in the `1e-3` form.
            ExprKind::Number(n) => assert_eq!(
                self.operand_text(span).replace("10^", "1e"),
                n.as_str(),
                "{}: a number's span covers other text",
                self.where_()
            ),
            ExprKind::Quantity(q) => self.quantity(span, q),
            ExprKind::Multiple { factor, .. } => {
                let text = self.operand_text(span);
                assert!(
                    text.starts_with(factor.as_str())
                        && (text.ends_with("ULN") || text.ends_with("LLN")),
                    "{}: the span of a multiple is {text:?}",
                    self.where_()
                );
            }
            ExprKind::Bool(b) => assert_eq!(self.operand_text(span), b.to_string()),
            ExprKind::Index => assert_eq!(self.operand_text(span), "index"),
            ExprKind::Text(_) => {
                let text = self.operand_text(span);
                assert!(
                    text.len() >= 2 && text.starts_with('"') && text.ends_with('"'),
                    "{}: the span of a string is {text:?}",
                    self.where_()
                );
            }
            ExprKind::Name(name) => assert_eq!(
                self.operand_text(span),
                name,
                "{}: a name's span covers other text",
                self.where_()
            ),
            ExprKind::Unary { operand, .. } => sub(&[(operand, "operand")]),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Compare { lhs, rhs, .. } => {
                sub(&[(lhs, "lhs"), (rhs, "rhs")]);
            }
            ExprKind::Between { value, low, high } => {
                sub(&[(value, "value"), (low, "low"), (high, "high")]);
            }
            ExprKind::Member {
                subject, members, ..
            } => {
                sub(&[(subject, "subject")]);
                self.members(span, members);
                if let Some(first) = members.first() {
                    self.in_order(&[(subject.span, "subject"), (first.span, "first member")]);
                }
            }
            ExprKind::Known { subject, .. } => sub(&[(subject, "subject")]),
            ExprKind::Within {
                subject,
                window,
                anchor,
                ..
            } => sub(&[(subject, "subject"), (window, "window"), (anchor, "anchor")]),
            ExprKind::Group { items, .. } => {
                let children: Vec<(&Expr, &str)> =
                    items.iter().map(|i| (i, "group item")).collect();
                sub(&children);
            }
            ExprKind::ListQuery {
                list, condition, ..
            } => {
                self.name(span, list, "list");
                self.in_order(&[(list.span, "list"), (condition.span, "condition")]);
                sub(&[(condition, "condition")]);
            }
            ExprKind::DateDiff { from, to, .. } => sub(&[(from, "from"), (to, "to")]),
            ExprKind::FirstKnown(items) => {
                let children: Vec<(&Expr, &str)> =
                    items.iter().map(|i| (i, "first known item")).collect();
                sub(&children);
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => sub(&[(cond, "cond"), (then, "then"), (otherwise, "else")]),
            ExprKind::Aggregate(a) => {
                self.name(span, &a.name, "function");
                self.name(span, &a.list, "list");
                let mut children = vec![(&a.value, "value")];
                if let Some(c) = &a.condition {
                    children.push((c, "condition"));
                }
                self.in_order(&[(a.name.span, "function"), (a.value.span, "value")]);
                self.in_order(&[(a.value.span, "value"), (a.list.span, "list")]);
                sub(&children);
            }
            ExprKind::Call { name, args } => {
                self.name(span, name, "function");
                let children: Vec<(&Expr, &str)> = args.iter().map(|a| (a, "argument")).collect();
                if let Some(first) = args.first() {
                    self.in_order(&[(name.span, "function"), (first.span, "argument")]);
                }
                sub(&children);
            }
        }
    }
}
