//! One generated shop: personas drawn and shuffled, every user's events from their own seeded
//! stream, then the fraud rings that span users.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::config::{SampleConfig, Scenario};
use super::generated::Sample;
use super::persona::{Persona, UserTruth};
use super::shop::{Shop, UserCtx};
use super::{fraud, legit, marketplace};

/// How many users each fraud scenario gets: at least one each (three for a ring), the rest
/// of `share` of users by weight.
fn fraud_quota(users: usize, share: f64) -> Vec<(Persona, usize)> {
    let weights = [15, 10, 10, 15, 10, 10, 10, 20];
    let minimum = |p: Persona| if p == Persona::PromoRing { 3 } else { 1 };
    let target = (users as f64 * share).round() as usize;
    let base: usize = Persona::FRAUD.iter().map(|&p| minimum(p)).sum();
    let extra = target.saturating_sub(base);
    Persona::FRAUD
        .iter()
        .zip(weights)
        .map(|(&p, w)| (p, minimum(p) + extra * w / 100))
        .collect()
}

pub fn generate(config: &SampleConfig) -> Sample {
    use rand::RngExt;
    if config.scenario == Scenario::SparseEntity {
        return super::sparse_entity::generate_sparse(config);
    }
    if config.scenario == Scenario::Takeover {
        return super::takeover::generate_takeover(config);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    // In the entity-drift shop fraud lives mostly at sellers: fraud accounts are a tenth as
    // common.
    let share = match config.scenario {
        Scenario::Shop | Scenario::SparseEntity | Scenario::Takeover => 0.04,
        Scenario::EntityDrift => 0.004,
    };
    let quota = fraud_quota(config.users.max(30), share);
    let n_fraud: usize = quota.iter().map(|(_, n)| n).sum();
    let users_total = config.users.max(n_fraud + 10);
    let mut personas: Vec<Persona> = quota
        .iter()
        .flat_map(|&(p, n)| std::iter::repeat_n(p, n))
        .collect();
    while personas.len() < users_total {
        personas.push(Persona::legit_segment(rng.random()));
    }
    // Shuffle so that nothing about a user's position or id gives its persona away.
    for i in (1..personas.len()).rev() {
        let j = rng.random_range(0..=i);
        personas.swap(i, j);
    }
    let shop = Shop::new(&mut rng, &personas, config);
    let users: Vec<UserTruth> = personas
        .iter()
        .enumerate()
        .map(|(i, &persona)| UserTruth {
            id: shop.user_ids[i].clone(),
            persona,
        })
        .collect();

    let mut events = Vec::new();
    for (i, &persona) in personas.iter().enumerate() {
        let mut user_rng = config.user_rng(i);
        let mut ctx = UserCtx::new(&shop, i as u32, &mut user_rng, &mut events);
        match persona {
            p if p.is_fraud() => fraud::generate(p, &mut ctx),
            p => legit::generate(p, &mut ctx),
        }
    }
    fraud::promo_rings(&shop, &personas, config.seed, &mut events);
    marketplace::brushing_campaign(&shop, &personas, config.seed, &mut events);
    marketplace::compromised_checkouts(&shop, &mut events);
    config.keep_in_time_order(&mut events);
    Sample {
        config: config.clone(),
        shop,
        users,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_covers_every_scenario_and_about_four_percent() {
        let q = fraud_quota(5000, 0.04);
        assert_eq!(q.len(), 8);
        let total: usize = q.iter().map(|(_, n)| n).sum();
        assert!((150..=250).contains(&total), "{total}");
        assert!(fraud_quota(30, 0.04).iter().all(|(_, n)| *n >= 1));
    }
}
