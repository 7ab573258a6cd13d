//! What the generator emits: one event of one user, and the kinds of event a shop has.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Register,
    Login,
    LoginFail,
    View,
    Search,
    Cart,
    Order,
    Pay,
    PayFail,
    Refund,
    Review,
    PasswordChange,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::LoginFail => "login_fail",
            Self::View => "view",
            Self::Search => "search",
            Self::Cart => "cart",
            Self::Order => "order",
            Self::Pay => "pay",
            Self::PayFail => "pay_fail",
            Self::Refund => "refund",
            Self::Review => "review",
            Self::PasswordChange => "password_change",
        }
    }
}

/// One generated event. Strings are resolved only when writing.
#[derive(Clone, Debug)]
pub struct Event {
    pub ts_ms: i64,
    pub user: u32,
    pub kind: EventKind,
    pub item: Option<u32>,
    /// Cents, so amounts print exactly and identically on every platform.
    pub amount_cents: Option<i64>,
    pub device: u32,
    pub ip: u32,
    pub city: u8,
    pub promo: bool,
    pub fraud: bool,
}
