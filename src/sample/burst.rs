//! A card-testing burst in the sample's CSV layout (`user_id,ts,event,item,category,seller,
//! amount,device,ip,city,promo,is_fraud`), label left unknown: what the live watch's tests and
//! benchmark append to a sample log to see an attack arrive.

use crate::log::timeparse::format_rfc3339;

/// A new account registering on `device` and trying `cards` small payments, most of them
/// failing, a few seconds apart from `start_ms` on. Lines end with a newline.
pub fn card_testing_burst(user: &str, device: &str, start_ms: i64, cards: usize) -> String {
    let mut out = String::new();
    let ip = "203.0.113.7";
    let mut t = start_ms;
    let mut line = |t: i64, event: &str, item: usize, amount: &str| {
        let ts = format_rfc3339(t);
        out.push_str(&format!(
            "{user},{ts},{event},i{item:05},grocery,s054,{amount},{device},{ip},北京,,\n"
        ));
    };
    line(t, "register", 0, "");
    for k in 0..cards {
        let amount = format!("{}.{:02}", 1 + k % 3, 11 + 7 * k % 80);
        t += 4_000;
        line(t, "order", 100 + k, &amount);
        t += 3_000;
        let outcome = if k % 5 == 4 { "pay" } else { "pay_fail" };
        line(t, outcome, 100 + k, &amount);
    }
    out
}
