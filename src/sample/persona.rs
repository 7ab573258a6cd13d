//! Who a generated user really is: a legit segment or a fraud scenario (the ground truth).

/// What a user really is: a legit segment or a fraud scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Persona {
    Browser,
    RegularBuyer,
    BargainHunter,
    BigSpender,
    Brushing,
    RefundAbuse,
    FakeReviews,
    AccountTakeover,
    AbnormalLogin,
    CardTesting,
    Bot,
    PromoRing,
    /// A customer of the sparse-entity log whose card was stolen: a victim, whose stolen
    /// card's payments are fraud.
    StolenCard,
}

impl Persona {
    pub const FRAUD: [Persona; 8] = [
        Self::Brushing,
        Self::RefundAbuse,
        Self::FakeReviews,
        Self::AccountTakeover,
        Self::AbnormalLogin,
        Self::CardTesting,
        Self::Bot,
        Self::PromoRing,
    ];

    /// A legit segment in the shops' proportions, for `r` drawn uniformly from [0, 1).
    pub fn legit_segment(r: f64) -> Persona {
        match r {
            r if r < 0.35 => Self::Browser,
            r if r < 0.70 => Self::RegularBuyer,
            r if r < 0.90 => Self::BargainHunter,
            _ => Self::BigSpender,
        }
    }

    /// Whether the labels file names the user fraud (a fraud scenario's own, or a victim of
    /// one whose account made the fraud's payments).
    pub fn is_fraud(self) -> bool {
        Self::FRAUD.contains(&self) || self == Self::StolenCard
    }

    /// The scenario or segment name written to the labels file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Browser => "legit_browser",
            Self::RegularBuyer => "legit_regular_buyer",
            Self::BargainHunter => "legit_bargain_hunter",
            Self::BigSpender => "legit_big_spender",
            Self::Brushing => "brushing",
            Self::RefundAbuse => "refund_abuse",
            Self::FakeReviews => "fake_reviews",
            Self::AccountTakeover => "account_takeover",
            Self::AbnormalLogin => "abnormal_login",
            Self::CardTesting => "card_testing",
            Self::Bot => "bot",
            Self::PromoRing => "promo_ring",
            Self::StolenCard => "stolen_card",
        }
    }
}

pub struct UserTruth {
    pub id: String,
    pub persona: Persona,
}
