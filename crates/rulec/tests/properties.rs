//! Properties of the front end: printing then parsing gives the same tree,
//! and no input makes the parser panic or overflow the stack.

use proptest::prelude::*;
use rulec::syntax::*;

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// A name: anything but a reserved word. Calendar words are included on
/// purpose: `(weeks) between a and b` must not print as a date difference.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z_][a-z0-9_]{0,6}".prop_filter("reserved", |n| !RESERVED.contains(&n.as_str())),
        1 => prop::sample::select(vec!["years", "months", "weeks", "days"]).prop_map(str::to_owned),
    ]
}

/// Member names may be reserved words inside `{ … }`.
fn member() -> impl Strategy<Value = String> {
    prop_oneof![
        name(),
        Just("none".to_owned()),
        Just("no".to_owned()),
        Just("BCMA".to_owned())
    ]
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof!["[0-9]{1,4}", "[0-9]{1,3}\\.[0-9]{1,3}", "[1-9]e-?[0-9]",].prop_map(Number)
}

fn unit() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "g/L",
        "%",
        "10^9/L",
        "10*9/L",
        "/uL",
        "mm[Hg]",
        "mL/min/{1.73_m2}",
        "mL/min/1.73 m2",
        "g/24 h",
        "cmH2O",
        "10E9/L",
        "months",
        "mg/dL",
        "umol/L",
        "U/L",
        "kg/m2",
        "Cel",
        "d",
        "s-1",
        "[IU]/L",
        "µmol/L",
        "a",
    ])
    .prop_map(str::to_owned)
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>=%:#\"\\\\/µ≥tn-]{0,12}"
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        number().prop_map(|n| sp(ExprKind::Number(n))),
        (number(), unit(), prop::bool::ANY).prop_map(|(value, unit, tight)| sp(
            ExprKind::Quantity(Quantity {
                value,
                unit: sp(unit),
                tight,
            })
        )),
        (number(), prop::bool::ANY).prop_map(|(factor, upper)| sp(ExprKind::Multiple {
            factor,
            limit: if upper { Limit::Upper } else { Limit::Lower },
        })),
        prop::bool::ANY.prop_map(|b| sp(ExprKind::Bool(b))),
        text().prop_map(|t| sp(ExprKind::Text(t))),
        Just(sp(ExprKind::Index)),
        name().prop_map(|n| sp(ExprKind::Name(n))),
        name().prop_map(|n| sp(ExprKind::Name(n))),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 48, 4, |inner| {
        let pair = (inner.clone(), inner.clone());
        prop_oneof![
            (prop::bool::ANY, inner.clone()).prop_map(|(not, e)| sp(ExprKind::Unary {
                op: if not { UnaryOp::Not } else { UnaryOp::Neg },
                operand: boxed(e),
            })),
            (
                prop::sample::select(vec![
                    BinaryOp::Or,
                    BinaryOp::And,
                    BinaryOp::Add,
                    BinaryOp::Sub,
                    BinaryOp::Mul,
                    BinaryOp::Div
                ]),
                pair.clone()
            )
                .prop_map(|(op, (l, r))| sp(ExprKind::Binary {
                    op,
                    lhs: boxed(l),
                    rhs: boxed(r)
                })),
            (
                prop::sample::select(vec![
                    CompareOp::Lt,
                    CompareOp::Le,
                    CompareOp::Gt,
                    CompareOp::Ge,
                    CompareOp::Eq,
                    CompareOp::Ne
                ]),
                pair.clone()
            )
                .prop_map(|(op, (l, r))| sp(ExprKind::Compare {
                    op,
                    lhs: boxed(l),
                    rhs: boxed(r)
                })),
            (inner.clone(), pair.clone()).prop_map(|(v, (lo, hi))| sp(ExprKind::Between {
                value: boxed(v),
                low: boxed(lo),
                high: boxed(hi)
            })),
            (inner.clone(), member()).prop_map(|(s, m)| sp(ExprKind::Member {
                test: MemberTest::Has,
                subject: boxed(s),
                members: vec![sp(m)],
            })),
            (
                prop::sample::select(vec![MemberTest::HasAny, MemberTest::HasAll, MemberTest::In]),
                inner.clone(),
                prop::collection::vec(member(), 0..4)
            )
                .prop_map(|(test, s, ms)| sp(ExprKind::Member {
                    test,
                    subject: boxed(s),
                    members: ms.into_iter().map(sp).collect(),
                })),
            (inner.clone(), prop::bool::ANY).prop_map(|(s, known)| sp(ExprKind::Known {
                subject: boxed(s),
                known
            })),
            (inner.clone(), pair.clone(), prop::bool::ANY).prop_map(|(s, (w, a), before)| sp(
                ExprKind::Within {
                    subject: boxed(s),
                    window: boxed(w),
                    direction: if before {
                        Direction::Before
                    } else {
                        Direction::After
                    },
                    anchor: boxed(a),
                }
            )),
            (
                prop_oneof![
                    Just(GroupKind::Any),
                    Just(GroupKind::All),
                    Just(GroupKind::None),
                    (0u32..5).prop_map(GroupKind::AtLeast)
                ],
                prop::collection::vec(inner.clone(), 1..4)
            )
                .prop_map(|(kind, items)| sp(ExprKind::Group { kind, items })),
            (
                prop::sample::select(vec![
                    Quantifier::Any,
                    Quantifier::All,
                    Quantifier::No,
                    Quantifier::Count
                ]),
                name(),
                inner.clone()
            )
                .prop_map(|(quantifier, list, c)| sp(ExprKind::ListQuery {
                    quantifier,
                    list: sp(list),
                    condition: boxed(c),
                })),
            (
                prop::sample::select(vec![
                    CalendarUnit::Years,
                    CalendarUnit::Months,
                    CalendarUnit::Weeks,
                    CalendarUnit::Days,
                    CalendarUnit::Hours
                ]),
                pair
            )
                .prop_map(|(unit, (f, t))| sp(ExprKind::DateDiff {
                    unit,
                    from: boxed(f),
                    to: boxed(t)
                })),
        ]
    })
}

fn field_type() -> impl Strategy<Value = Type> {
    let scalar = prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::Date),
        Just(Type::Text),
        Just(Type::Integer { range: None }),
        (-5i64..5, 0i64..200).prop_map(|(lo, hi)| Type::Integer {
            range: Some((sp(lo), sp(hi)))
        }),
        prop::collection::vec(member(), 0..4)
            .prop_map(|ms| Type::OneOf(ms.into_iter().map(sp).collect())),
        prop::collection::vec(member(), 0..4)
            .prop_map(|ms| Type::SetOf(ms.into_iter().map(sp).collect())),
        (
            // A field's unit may start with `x` (`x 10^9/L`); after a
            // number the `x` belongs to the literal (`1.5 x 10^9/L`).
            prop_oneof![unit(), Just("x 10^9/L".to_owned())],
            prop::bool::ANY,
            prop::option::of(number()),
            prop::option::of((
                unit(),
                number(),
                prop::option::of((prop::bool::ANY, number()))
            )),
            prop::option::of((number(), unit(), number())),
        )
            .prop_map(|(u, normal_range, mm, scale, plausible)| {
                Type::Quantity(QuantityType {
                    unit: sp(u),
                    normal_range,
                    molar_mass: mm.map(|value| {
                        sp(Quantity {
                            value,
                            unit: sp("g/mol".to_owned()),
                            tight: false,
                        })
                    }),
                    scale: scale.map(|(unit, slope, intercept)| {
                        Box::new(sp(Scale {
                            unit: sp(unit),
                            slope,
                            intercept: intercept.map(|(negative, n)| {
                                Number(if negative {
                                    format!("-{}", n.as_str())
                                } else {
                                    n.as_str().to_owned()
                                })
                            }),
                        }))
                    }),
                    plausible: plausible.map(|(low, u, high)| {
                        Box::new(sp(Plausible {
                            low: sp(ExprKind::Number(low)),
                            high: sp(ExprKind::Quantity(Quantity {
                                value: high,
                                unit: sp(u),
                                tight: false,
                            })),
                        }))
                    }),
                })
            }),
    ];
    scalar.prop_recursive(2, 8, 3, |inner| {
        prop::collection::vec((name(), inner), 0..3).prop_map(|fields| {
            Type::ListOf(
                fields
                    .into_iter()
                    .map(|(n, ty)| FieldDecl {
                        name: sp(n),
                        ty: sp(ty),
                    })
                    .collect(),
            )
        })
    })
}

fn criterion() -> impl Strategy<Value = Criterion> {
    (name(), prop::option::of(text()), expr()).prop_map(|(id, label, expr)| Criterion {
        id: sp(id),
        label: label.map(sp),
        expr,
        span: Span::default(),
    })
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        text().prop_map(|p| Item::Use(Use {
            path: sp(p),
            span: Span::default()
        })),
        prop::collection::vec((name(), field_type()), 0..4).prop_map(|fs| Item::Fields(
            FieldsBlock {
                fields: fs
                    .into_iter()
                    .map(|(n, ty)| FieldDecl {
                        name: sp(n),
                        ty: sp(ty)
                    })
                    .collect(),
                span: Span::default(),
            }
        )),
        (name(), prop::option::of(unit()), expr()).prop_map(|(n, u, expr)| Item::Define(Define {
            name: sp(n),
            unit: u.map(sp),
            expr,
            span: Span::default()
        })),
        criteria_block().prop_map(Item::Criteria),
        (
            name(),
            prop::option::of(text()),
            prop::collection::vec(criteria_block(), 0..3)
        )
            .prop_map(|(name, label, blocks)| Item::Cohort(CohortBlock {
                name: sp(name),
                label: label.map(sp),
                blocks,
                span: Span::default(),
            })),
    ]
}

fn criteria_block() -> impl Strategy<Value = CriteriaBlock> {
    (prop::bool::ANY, prop::collection::vec(criterion(), 0..4)).prop_map(|(inclusion, criteria)| {
        CriteriaBlock {
            section: if inclusion {
                Section::Inclusion
            } else {
                Section::Exclusion
            },
            criteria,
            span: Span::default(),
        }
    })
}

fn rule_file() -> impl Strategy<Value = RuleFile> {
    (
        prop::option::of((text(), prop::option::of(text()))),
        prop::collection::vec(item(), 0..5),
    )
        .prop_map(|(trial, rest)| {
            let mut items = Vec::new();
            if let Some((id, title)) = trial {
                items.push(Item::Trial(Trial {
                    id: sp(id),
                    title: title.map(sp),
                    span: Span::default(),
                }));
            }
            items.extend(rest);
            RuleFile { items }
        })
}

/// Source-like soup: tokens of the language glued with spaces and line
/// breaks, so that generated input reaches deep into the grammar.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "inclusion",
        "exclusion",
        "fields",
        "define",
        "trial",
        "use",
        "cohort",
        "{",
        "}",
        "(",
        ")",
        ":",
        ",",
        "\"label\"",
        "\"",
        "and",
        "or",
        "not",
        "a",
        "hb",
        "80",
        "2.5",
        "g/L",
        "%",
        "x",
        "ULN",
        ">=",
        "<",
        "=",
        "≤",
        "between",
        "has",
        "any",
        "of",
        "all",
        "in",
        "is",
        "known",
        "where",
        "count",
        "at",
        "least",
        "years",
        "index",
        "within",
        "before",
        "+",
        "-",
        "/",
        "*",
        "#",
        "\n",
        "bool",
        "integer",
        "0..10",
        "one",
        "set",
        "list",
        "with",
        "normal",
        "range",
        "10^9/L",
        "g//L",
        "\\",
    ]);
    prop::collection::vec((token, prop::bool::ANY), 0..40).prop_map(|tokens| {
        tokens
            .into_iter()
            .map(|(t, space)| if space { format!("{t} ") } else { t.to_owned() })
            .collect()
    })
}

/// The spans of an error lie inside the source (the renderer slices by them).
fn assert_error_in_bounds(source: &str, error: &SyntaxError) {
    let span = error.span();
    assert!(span.start <= span.end, "{error:?}");
    assert!(
        span.end as usize <= source.len(),
        "{error:?} beyond {}",
        source.len()
    );
    assert!(source.is_char_boundary(span.start as usize), "{error:?}");
    assert!(source.is_char_boundary(span.end as usize), "{error:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn printed_expressions_parse_back_to_the_same_tree(e in expr()) {
        let printed = print_expr(&e);
        let parsed = parse_expr(&printed);
        prop_assert!(parsed.is_ok(), "{printed}\n{parsed:?}");
        prop_assert_eq!(parsed.unwrap(), e, "{}", printed);
    }

    #[test]
    fn printed_files_parse_back_to_the_same_tree(file in rule_file()) {
        let printed = print(&file);
        let parsed = parse(&printed);
        prop_assert!(parsed.is_ok(), "{printed}\n{parsed:?}");
        prop_assert_eq!(parsed.unwrap(), file, "{}", printed);
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_the_tree(file in rule_file()) {
        let printed = print(&file);
        let formatted = format(&printed).unwrap();
        prop_assert_eq!(parse(&formatted).unwrap(), file, "{}", formatted);
        prop_assert_eq!(format(&formatted).unwrap(), formatted.clone());
        // The layout depends on the tree alone: wider spacing gives the
        // same result (which also proves the formatter did not fall back
        // to returning its input).
        prop_assert_eq!(format(&widen_spaces(&printed)).unwrap(), formatted);
    }

    #[test]
    fn formatting_keeps_every_comment_in_order(
        file in rule_file(),
        places in prop::collection::vec((any::<bool>(), any::<bool>()), 0..64),
    ) {
        let source = with_comments(&print(&file), &places);
        let formatted = format(&source).unwrap();
        prop_assert_eq!(comments(&formatted), comments(&source), "{}", formatted);
        prop_assert_eq!(parse(&formatted).unwrap(), file, "{}", formatted);
        prop_assert_eq!(format(&formatted).unwrap(), formatted.clone());
        prop_assert_eq!(format(&widen_spaces(&source)).unwrap(), formatted);
    }

    #[test]
    fn arbitrary_strings_never_panic(source in any::<String>()) {
        if let Err(error) = parse(&source) {
            assert_error_in_bounds(&source, &error);
        }
    }

    #[test]
    fn token_soup_never_panics_and_what_parses_round_trips(source in token_soup()) {
        match parse(&source) {
            Ok(file) => {
                let printed = print(&file);
                let again = parse(&printed);
                prop_assert!(again.is_ok(), "{source}\n=>\n{printed}\n{again:?}");
                prop_assert_eq!(again.unwrap(), file);
            }
            Err(error) => assert_error_in_bounds(&source, &error),
        }
    }
}

/// `source` with every space outside strings and comments doubled.
fn widen_spaces(source: &str) -> String {
    let mut out = String::new();
    let (mut in_string, mut escaped, mut in_comment) = (false, false, false);
    for c in source.chars() {
        match c {
            '\n' => (in_string, in_comment) = (false, false),
            _ if in_comment => {}
            _ if in_string && escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => in_comment = true,
            ' ' if !in_string => out.push(' '),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// `source` with numbered comments added: for each line, by the next
/// entry of `places`, one on a line of its own above it and one at its end.
fn with_comments(source: &str, places: &[(bool, bool)]) -> String {
    let mut out = String::new();
    for (n, line) in source.lines().enumerate() {
        let (above, after) = places.get(n).copied().unwrap_or((false, false));
        if above {
            out.push_str(&format!("# above {n}\n"));
        }
        out.push_str(line);
        if after {
            out.push_str(&format!(" # after {n}"));
        }
        out.push('\n');
    }
    out
}

/// The comments of `source`, in order: `#` outside strings to the end of
/// the line.
fn comments(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        let (mut in_string, mut escaped) = (false, false);
        for (i, c) in line.char_indices() {
            match c {
                _ if in_string && escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    found.push(line[i..].trim_end().to_owned());
                    break;
                }
                _ => {}
            }
        }
    }
    found
}

/// Parses `source` on a thread with a small stack, as an embedding service
/// might, and asserts the nesting limit refuses it (no stack overflow).
#[expect(
    clippy::unwrap_used,
    reason = "a test helper: a thread that cannot start or that panics fails the test"
)]
fn assert_too_deep(source: String) {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let error = parse(&source).unwrap_err();
            assert!(matches!(error, SyntaxError::TooDeep { .. }), "{error:?}");
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn ten_thousand_nested_parentheses_are_a_diagnostic() {
    let (open, close) = ("(".repeat(10_000), ")".repeat(10_000));
    assert_too_deep(format!("inclusion {{ a: {open}x{close} }}"));
}

#[test]
fn ten_thousand_nots_are_a_diagnostic() {
    assert_too_deep(format!("inclusion {{ a: {}x }}", "not ".repeat(10_000)));
}

#[test]
fn deeply_nested_where_clauses_are_a_diagnostic() {
    assert_too_deep(format!(
        "inclusion {{ a: {}x }}",
        "any l where ".repeat(5_000)
    ));
}

/// A thousand lists, which pest parses on a main thread's stack (it
/// refuses ten thousand, or a thousand on a small stack, itself): the
/// nesting limit refuses them before any pass recurses through them.
#[test]
fn a_thousand_nested_example_lists_are_a_diagnostic() {
    let (open, close) = ("[ { a: ".repeat(1_000), " } ]".repeat(1_000));
    let source = format!("example \"deep\" {{ a: {open}1{close} }} expect eligible");
    std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            let error = parse(&source).unwrap_err();
            assert!(matches!(error, SyntaxError::TooDeep { .. }), "{error:?}");
        })
        .unwrap()
        .join()
        .unwrap();
}

/// `x` inside `depth` pairs of parentheses, as a criterion.
fn parenthesised(depth: usize) -> String {
    format!(
        "inclusion {{ a: {}x{} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    // The message says "more than 64": 64 levels as an author counts them
    // (pairs of parentheses, `not`s) must pass.
    parse(&parenthesised(MAX_NESTING)).unwrap();
    parse(&format!(
        "inclusion {{ a: {}x }}",
        "not ".repeat(MAX_NESTING)
    ))
    .unwrap();
}

#[test]
fn nesting_one_past_the_limit_says_the_limit() {
    for source in [
        parenthesised(MAX_NESTING + 1),
        format!("inclusion {{ a: {}x }}", "not ".repeat(MAX_NESTING + 1)),
    ] {
        let error = parse(&source).unwrap_err();
        assert!(matches!(error, SyntaxError::TooDeep { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!("expression nested more than {MAX_NESTING} levels deep")
        );
    }
}
