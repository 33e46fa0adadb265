use super::*;
use crate::syntax::parse;

const SOURCE: &str = r#"fields {
  sex: one of { female, male }
  markers: set of { BCMA, CD38 }
  creatinine: umol/L with normal range
  therapies: list of { class: one of { car_t, other }, failed: bool }
  birth_date: date
}
define age: years between birth_date and index
define woman: sex = female
inclusion {
  adult "Adults": age >= 18 years
  bcma: markers has any of { BCMA } and sex != male
  renal: creatinine < 1.5 mg/dL
  cart: no therapies where class = car_t and failed
}
cohort late "Late stage" {
  exclusion { women "Women": woman }
}
example "a man" { sex: male, therapies: [ { class: car_t, failed: true } ] } expect ineligible by cart
"#;

fn symbols() -> Symbols {
    Symbols::new(&parse(SOURCE).unwrap(), &[])
}

/// The texts and kinds of every place `name` (found at its `nth` writing)
/// is named.
fn places(symbols: &Symbols, name: &str, nth: usize) -> Vec<(FileRef, String)> {
    let at = SOURCE.match_indices(name).nth(nth).unwrap().0;
    let found = symbols.at(at).unwrap();
    symbols
        .locations(found.symbol)
        .map(|(file, span)| (file, format!("{}@{}", &SOURCE[span.range()], span.start)))
        .collect()
}

fn offsets(name: &str) -> Vec<String> {
    SOURCE
        .match_indices(name)
        .map(|(i, _)| format!("{name}@{i}"))
        .collect()
}

#[test]
fn a_field_is_found_at_its_declaration_and_every_use() {
    let symbols = symbols();
    let found: Vec<String> = places(&symbols, "birth_date", 1)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(found, offsets("birth_date"));
    let field = symbols.field("sex").unwrap().1;
    assert_eq!(field.kind, SymbolKind::Field);
    assert_eq!(field.type_text().unwrap(), "one of { female, male }");
    assert_eq!(field.members(), ["female", "male"]);
}

#[test]
fn members_after_has_in_equals_and_in_examples() {
    let symbols = symbols();
    // `male`: declared, after `!=`, in the example.
    let found: Vec<String> = places(&symbols, "male", 1)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let male: Vec<String> = SOURCE
        .match_indices("male")
        .filter(|(i, _)| &SOURCE[i - 2..*i] != "fe")
        .map(|(i, _)| format!("male@{i}"))
        .collect();
    assert_eq!(found, male);
    assert_eq!(places(&symbols, "BCMA", 0).len(), 2);
    // An element's member, inside `where` and in the example's list.
    assert_eq!(places(&symbols, "car_t", 0).len(), 3);
}

#[test]
fn element_fields_resolve_inside_where_and_example_lists() {
    let symbols = symbols();
    let class = places(&symbols, "class", 0);
    assert_eq!(class.len(), 3, "{class:?}");
    let (id, symbol) = symbols.field("class").unwrap();
    let list = symbols.symbol(symbol.parent.unwrap()).unwrap();
    assert_eq!(list.name, "therapies");
    assert!(symbols.locations(id).all(|(f, _)| f == FileRef::Main));
}

#[test]
fn defines_criteria_and_cohorts() {
    let symbols = symbols();
    assert_eq!(places(&symbols, "woman", 0).len(), 2);
    let age: Vec<String> = places(&symbols, "age:", 0)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(age.len(), 2);
    let cart = symbols.at(SOURCE.find("cart:").unwrap()).unwrap();
    let criterion = symbols.symbol(cart.symbol).unwrap();
    assert_eq!(criterion.kind, SymbolKind::Criterion);
    assert!(cart.declaration);
    // The example's `by cart` names it.
    assert_eq!(symbols.locations(cart.symbol).count(), 2);
    let women = symbols.at(SOURCE.find("women").unwrap()).unwrap();
    let women = symbols.symbol(women.symbol).unwrap();
    assert_eq!(women.label.as_deref(), Some("Women"));
    assert_eq!(women.section, Some(Section::Exclusion));
    assert_eq!(symbols.symbol(women.parent.unwrap()).unwrap().name, "late");
}

#[test]
fn units_are_found_where_written() {
    let symbols = symbols();
    let at = SOURCE.find("mg/dL").unwrap();
    let unit = symbols.unit_at(at + 2).unwrap();
    assert_eq!(unit.text, "mg/dL");
    assert_eq!(&SOURCE[unit.span.range()], "mg/dL");
    assert_eq!(
        symbols
            .unit_at(SOURCE.find("umol/L").unwrap())
            .unwrap()
            .text,
        "umol/L"
    );
    assert!(symbols.unit_at(0).is_none());
}

#[test]
fn fields_of_imported_files_are_declared_there() {
    let imported = parse("fields { hemoglobin: g/L }").unwrap();
    let main = "use \"lab.rules\"\ninclusion { hb: hemoglobin > 80 g/L }";
    let symbols = Symbols::new(&parse(main).unwrap(), &[("lab.rules".to_owned(), imported)]);
    let at = main.find("hemoglobin").unwrap();
    let found = symbols.at(at).unwrap();
    assert!(!found.declaration);
    let places: Vec<_> = symbols.locations(found.symbol).collect();
    assert_eq!(
        places,
        [
            (FileRef::Import("lab.rules".to_owned()), Span::new(9, 19)),
            (FileRef::Main, Span::new(at, at + 10)),
        ]
    );
}

#[test]
fn unknown_names_have_no_symbol_and_the_edges_of_a_name_count() {
    let source = "inclusion { x: nothing_here and y }";
    let symbols = Symbols::new(&parse(source).unwrap(), &[]);
    assert!(symbols.at(source.find("nothing").unwrap()).is_none());
    // The criterion `x`, from its first byte to just after it.
    assert!(symbols.at(12).is_some());
    assert!(symbols.at(13).is_some());
    assert!(symbols.at(10_000).is_none());
}

#[test]
fn the_outline_nests_cohorts_sections_and_criteria() {
    let outline = outline(&parse(SOURCE).unwrap());
    let names: Vec<(&str, Vec<&str>)> = outline
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.children.iter().map(|c| c.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (
                "fields",
                vec!["sex", "markers", "creatinine", "therapies", "birth_date"]
            ),
            ("age", vec![]),
            ("woman", vec![]),
            ("inclusion", vec!["adult", "bcma", "renal", "cart"]),
            ("late", vec!["exclusion"]),
        ]
    );
    let late = &outline[4];
    assert_eq!(late.detail.as_deref(), Some("Late stage"));
    assert_eq!(late.children[0].children[0].name, "women");
    assert_eq!(&SOURCE[outline[3].selection.range()], "inclusion");
}

#[test]
fn a_bindings_map_names_members_and_the_bound_field() {
    let source = "fields { dx: set of { a, b } }\n\
                  fhir { dx: Condition { a: icd10cm \"C1\"\n b: icd10cm \"C2\" } }\n\
                  inclusion { x: dx has a }";
    let symbols = Symbols::new(&parse(source).unwrap(), &[]);
    let a = symbols.at(source.find("a, b").unwrap()).unwrap();
    let places: Vec<usize> = symbols
        .locations(a.symbol)
        .map(|(_, s)| s.start as usize)
        .collect();
    assert_eq!(
        places,
        [
            source.find("a, b").unwrap(),
            source.find("a: icd").unwrap(),
            source.rfind("has a").unwrap() + 4
        ]
    );
    let dx = symbols.field("dx").unwrap().0;
    assert_eq!(symbols.locations(dx).count(), 3);
}

/// The kind of the symbol that renaming the `nth` `name` to `new` clashes
/// with.
fn clash(name: &str, nth: usize, new: &str) -> Option<SymbolKind> {
    let symbols = symbols();
    let at = SOURCE.match_indices(name).nth(nth).unwrap().0;
    let found = symbols.at(at).unwrap();
    symbols.clash(found.symbol, new).map(|(_, s)| s.kind)
}

#[test]
fn a_new_name_clashes_with_one_declared_in_the_same_scope() {
    // The record's fields and the defines share one scope.
    assert_eq!(clash("sex", 0, "markers"), Some(SymbolKind::Field));
    assert_eq!(clash("sex", 0, "age"), Some(SymbolKind::Define));
    assert_eq!(clash("woman", 0, "birth_date"), Some(SymbolKind::Field));
    assert_eq!(clash("woman", 0, "age"), Some(SymbolKind::Define));
    // Criteria across cohorts; cohorts.
    assert_eq!(clash("adult", 0, "renal"), Some(SymbolKind::Criterion));
    assert_eq!(clash("adult", 0, "women"), Some(SymbolKind::Criterion));
    // Members within one field.
    assert_eq!(clash("female", 0, "male"), Some(SymbolKind::Member));
    // A list element's fields, among themselves.
    assert_eq!(clash("class", 0, "failed"), Some(SymbolKind::Field));
    // Free names, and names of other scopes.
    assert_eq!(clash("sex", 0, "gender"), None);
    assert_eq!(clash("sex", 0, "male"), None);
    assert_eq!(clash("sex", 0, "adult"), None);
    assert_eq!(clash("female", 0, "BCMA"), None);
    assert_eq!(clash("female", 0, "sex"), None);
    assert_eq!(clash("class", 0, "sex"), None);
    assert_eq!(clash("adult", 0, "late"), None);
    assert_eq!(clash("late", 0, "adult"), None);
    // A name is not a clash with itself.
    assert_eq!(clash("sex", 0, "sex"), None);
}

/// The kind of the symbol that renaming the first `name` to `new` would
/// confuse with inside a list's `where`.
fn hides(name: &str, new: &str) -> Option<SymbolKind> {
    let symbols = symbols();
    let found = symbols.at(SOURCE.find(name).unwrap()).unwrap();
    symbols.hides(found.symbol, new).map(|(_, s)| s.kind)
}

#[test]
fn a_new_name_that_an_element_field_would_hide_is_found() {
    // A record's field or a define renamed to an element's field's name:
    // hidden by it inside `where`.
    assert_eq!(hides("sex", "class"), Some(SymbolKind::Field));
    assert_eq!(hides("woman", "failed"), Some(SymbolKind::Field));
    // An element's field renamed to a record's name: it would hide it.
    assert_eq!(hides("class", "sex"), Some(SymbolKind::Field));
    assert_eq!(hides("failed", "age"), Some(SymbolKind::Define));
    // Names no `where` confuses.
    assert_eq!(hides("sex", "gender"), None);
    assert_eq!(hides("class", "kind"), None);
    assert_eq!(hides("female", "class"), None);
    assert_eq!(hides("adult", "class"), None);
    assert_eq!(hides("class", "class"), None);
}
