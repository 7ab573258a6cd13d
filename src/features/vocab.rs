//! What an event name means. Logs call the same act different things (order / purchase / buy /
//! 下单), so funnel features look event types up by meaning, not by one spelling.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    View,
    Cart,
    Order,
    Pay,
    Refund,
    Review,
    Login,
    Failure,
    Other,
}

const VIEW: &[&str] = &[
    "view", "pv", "click", "browse", "search", "浏览", "点击", "搜索",
];
const CART: &[&str] = &["cart", "add_to_cart", "fav", "加购", "购物车", "收藏"];
const ORDER: &[&str] = &[
    "order", "purchase", "buy", "checkout", "下单", "购买", "订单",
];
const PAY: &[&str] = &["pay", "payment", "支付", "付款"];
const REFUND: &[&str] = &["refund", "return", "chargeback", "退款", "退货"];
const REVIEW: &[&str] = &["review", "rating", "comment", "评价", "评论"];
const LOGIN: &[&str] = &["login", "signin", "sign_in", "登录"];

/// The act an event name stands for. A name containing "fail" (or 失败) is a failure whatever
/// else it says: failed logins and failed payments are what card testing and credential
/// stuffing leave behind.
pub fn act_of(name: &str) -> Act {
    let n = name.trim().to_lowercase();
    if n.contains("fail") || n.contains("declin") || n.contains("失败") {
        return Act::Failure;
    }
    let is = |set: &[&str]| {
        set.iter()
            .any(|s| n == *s || n.starts_with(&format!("{s}_")))
    };
    if is(PAY) {
        Act::Pay
    } else if is(ORDER) {
        Act::Order
    } else if is(REFUND) {
        Act::Refund
    } else if is(REVIEW) {
        Act::Review
    } else if is(CART) {
        Act::Cart
    } else if is(LOGIN) {
        Act::Login
    } else if is(VIEW) {
        Act::View
    } else {
        Act::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_acts() {
        assert_eq!(act_of("purchase"), Act::Order);
        assert_eq!(act_of("buy"), Act::Order);
        assert_eq!(act_of("下单"), Act::Order);
        assert_eq!(act_of("pv"), Act::View);
        assert_eq!(act_of("login_failed"), Act::Failure);
        assert_eq!(act_of("pay_fail"), Act::Failure);
        assert_eq!(act_of("pay"), Act::Pay);
        assert_eq!(act_of("password_change"), Act::Other);
    }
}
