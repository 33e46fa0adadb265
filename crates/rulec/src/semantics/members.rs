//! Membership in a declared set: `x in (a, b)`, `s has a`, `s has all of
//! (a, b)`. Members are indices into the field's declaration.

/// `x in members` (or `x not in members`, `negated`).
#[must_use]
#[inline]
pub fn is_member(member: u32, members: &[u32], negated: bool) -> bool {
    members.contains(&member) != negated
}

/// `s has any of members` (`all` false) or `s has all of members` (`all`
/// true), where `present` tells whether the set holds a member. `has all
/// of ()` holds and `has any of ()` does not, as for any quantifier over
/// nothing.
#[must_use]
#[inline]
pub fn has_members(members: &[u32], all: bool, present: impl Fn(u32) -> bool) -> bool {
    if all {
        members.iter().all(|m| present(*m))
    } else {
        members.iter().any(|m| present(*m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subset of four members against every subset as the set: the
    /// rule against a bit-mask reading of it (the packed record's own).
    #[test]
    fn membership_matches_set_algebra_exhaustively() {
        let subset = |bits: u32| (0..4).filter(|m| bits >> m & 1 == 1).collect::<Vec<u32>>();
        for wanted in 0..16_u32 {
            for held in 0..16_u32 {
                let members = subset(wanted);
                let present = |m: u32| held >> m & 1 == 1;
                assert_eq!(
                    has_members(&members, true, present),
                    held & wanted == wanted
                );
                assert_eq!(has_members(&members, false, present), held & wanted != 0);
                for m in 0..4 {
                    assert_eq!(is_member(m, &members, false), wanted >> m & 1 == 1);
                    assert_eq!(is_member(m, &members, true), wanted >> m & 1 == 0);
                }
            }
        }
    }
}
