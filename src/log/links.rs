//! Who used each value of an entity column (a device, an IP, a card): the index behind both the
//! "other users share a device" feature and the account view's linked accounts.

use super::table::{CatColumn, NULL_CODE};
use super::user_code::UserCode;

/// The distinct users of every value of one entity column.
pub struct EntityUsers {
    /// Users of value `v`: `users[offsets[v]..offsets[v + 1]]`, ascending.
    users: Vec<UserCode>,
    offsets: Vec<usize>,
}

impl EntityUsers {
    /// One sort of the (value, user) pairs; events without either are skipped.
    pub fn new(entity: &CatColumn, user: &CatColumn) -> Self {
        let mut pairs: Vec<(u32, u32)> = entity
            .codes
            .iter()
            .zip(&user.codes)
            .filter(|(e, u)| **e != NULL_CODE && **u != NULL_CODE)
            .map(|(&e, &u)| (e, u))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut offsets = vec![0usize; entity.dict.len() + 1];
        for &(e, _) in &pairs {
            offsets[e as usize + 1] += 1;
        }
        for v in 0..entity.dict.len() {
            offsets[v + 1] += offsets[v];
        }
        Self {
            users: pairs
                .into_iter()
                .map(|(_, u)| UserCode::from_raw(u))
                .collect(),
            offsets,
        }
    }

    pub fn values(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The users of value code `v` (empty for an unknown code).
    pub fn users_of(&self, v: u32) -> &[UserCode] {
        let v = v as usize;
        if v + 1 >= self.offsets.len() {
            return &[];
        }
        &self.users[self.offsets[v]..self.offsets[v + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: &[&str]) -> CatColumn {
        let mut c = CatColumn::default();
        for v in values {
            let code = if v.is_empty() {
                NULL_CODE
            } else {
                c.code_of(v)
            };
            c.codes.push(code);
        }
        c
    }

    #[test]
    fn distinct_users_per_value() {
        let users = column(&["a", "b", "a", "c", "a"]);
        let device = column(&["d1", "d1", "d1", "", "d2"]);
        let index = EntityUsers::new(&device, &users);
        assert_eq!(index.values(), 2);
        let code = UserCode::from_raw;
        assert_eq!(index.users_of(0), [code(0), code(1)]);
        assert_eq!(index.users_of(1), [code(0)]);
        assert!(index.users_of(7).is_empty());
    }
}
