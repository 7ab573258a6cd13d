//! How `vigil eval` separates training from testing.

use std::path::PathBuf;
use std::str::FromStr;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::log::timeparse;

#[derive(Clone, Debug, PartialEq)]
pub enum Split {
    /// A random `test_fraction` of users is held out.
    Random { seed: u64, test_fraction: f64 },
    /// Train on events before the time with the labels known by then; test after it.
    Time { at_ms: i64 },
    /// Test on the users listed in a CSV with a `user` column; train on the rest.
    Users { path: PathBuf },
}

impl FromStr for Split {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let usage = "expected random:SEED:TEST_FRACTION, time:T or users:FILE";
        let (kind, rest) = s
            .split_once(':')
            .ok_or_else(|| format!("split '{s}': {usage}"))?;
        match kind {
            "random" => {
                let (seed, fraction) = rest
                    .split_once(':')
                    .ok_or_else(|| format!("split '{s}': {usage}"))?;
                let seed = seed
                    .parse()
                    .map_err(|_| format!("split '{s}': seed '{seed}' is not a whole number"))?;
                let test_fraction: f64 = fraction
                    .parse()
                    .map_err(|_| format!("split '{s}': '{fraction}' is not a fraction"))?;
                if !(test_fraction > 0.0 && test_fraction < 1.0) {
                    return Err(format!(
                        "split '{s}': the test fraction must be between 0 and 1"
                    ));
                }
                Ok(Split::Random {
                    seed,
                    test_fraction,
                })
            }
            "time" => Ok(Split::Time {
                at_ms: timeparse::parse_instant(rest).map_err(|e| format!("split '{s}': {e}"))?,
            }),
            "users" => Ok(Split::Users {
                path: PathBuf::from(rest),
            }),
            _ => Err(format!("split '{s}': {usage}")),
        }
    }
}

/// A random `fraction` of `users` user codes, as a mask.
pub fn random_test_users(users: usize, seed: u64, fraction: f64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..users).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut test = vec![false; users];
    for &u in &order[..(users as f64 * fraction).round() as usize] {
        test[u] = true;
    }
    test
}
