//! Did-you-mean suggestions, shared by the units layer and the checker.

/// Edit distance (insertions, deletions, substitutions) between two
/// short strings.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX - 1);
            let left = row.get(j).copied().unwrap_or(usize::MAX - 1);
            let value = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(left + 1);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// Names longer than this (in characters) get no suggestion.
const LONGEST: usize = 100;

/// The candidate closest to `name`, if close enough to be a misspelling
/// (at most a third of the characters differ) and the only one that
/// close: where two candidates are equally near (`hbv` is one edit from
/// both `hiv` and `hcv`), a guess would as likely mislead, so there is
/// none.
pub(crate) fn closest<'n>(
    name: &str,
    candidates: impl Iterator<Item = &'n str>,
) -> Option<&'n str> {
    let length = name.chars().count();
    // The distance is quadratic in the lengths: names longer than any a
    // person types get no guess (a hostile key of megabytes, say).
    if length > LONGEST {
        return None;
    }
    let limit = (length / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        // Lengths further apart than the limit are further apart in edits.
        if candidate.len() > 4 * LONGEST || candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        let distance = edit_distance(name, candidate);
        if distance > limit {
            continue;
        }
        match best {
            Some((d, c)) if distance == d && c != candidate => tied = true,
            Some((d, _)) if distance >= d => {}
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};

    #[test]
    fn closest_suggests_one_near_candidate_and_none_on_a_tie() {
        let members = ["hiv", "active_hbv", "hcv"];
        assert_eq!(closest("hvi", members.iter().copied()), None);
        assert_eq!(closest("hbv", members.iter().copied()), None);
        assert_eq!(
            closest("hemoglobn", ["hemoglobin", "kps"].into_iter()),
            Some("hemoglobin")
        );
        assert_eq!(closest("xyz", ["hemoglobin"].into_iter()), None);
    }

    #[test]
    fn long_names_and_far_lengths_get_no_guess() {
        let long = "hemoglobin".repeat(11);
        assert_eq!(closest(&long, [long.as_str()].into_iter()), None);
        let huge = "x".repeat(10 << 20);
        assert_eq!(closest("hemoglobin", [huge.as_str()].into_iter()), None);
        // Within the length window the guess is still made.
        assert_eq!(
            closest("hemoglobinn", ["hemoglobin"].into_iter()),
            Some("hemoglobin")
        );
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("mg", "mg"), 0);
        assert_eq!(edit_distance("mgg", "mg"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
