//! The generated rule file of the front-end benchmark and of the tests
//! that count its cost: one definition, included by both with `#[path]`.

/// The seed trial's rule file, whose fields the generated file declares.
pub const SEED_RULES: &str = include_str!("../../../../examples/nct03473496.rules");

/// A rule file of `n` criteria over the seed's fields: the seed's own
/// conditions (14 kinds), again and again, with fresh ids.
pub fn many_criteria(n: usize) -> String {
    let fields_end = SEED_RULES.find("define age").unwrap_or_default();
    let head = SEED_RULES.get(..fields_end).unwrap_or_default();
    let conditions = [
        "age >= 18 years",
        "diagnosis has rrmm",
        "markers has any of { BCMA, CD138, CD38, CD56 }",
        "life_expectancy > 3 months",
        "kps > 60",
        "hemoglobin > 8 g/dL",
        "ejection_fraction >= 50 % and not ecg_abnormal",
        "creatinine < 2.5 x ULN",
        "alt < 3 x ULN and ast < 3 x ULN and bilirubin <= 34.2 umol/L",
        "active_infection or body_temperature >= 100.4 [degF]",
        "neutropenia > 10 days",
        "sex = female and (pregnant or lactating)",
        "any therapies where class in { car_t, other_cell_therapy } and failed",
        "allogeneic_transplant and gvhd_grade > 3",
    ];
    let mut text = String::from(head);
    text.push_str("define age: years between birth_date and index\n\ninclusion {\n");
    for (i, condition) in conditions.iter().cycle().take(n).enumerate() {
        text.push_str(&format!("  c{i:05} \"criterion {i}\": {condition}\n"));
    }
    text.push_str("}\n");
    text
}
