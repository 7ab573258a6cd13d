//! Analyst rules: an expression over account and event features (and allow/block lists) with
//! an action, backtested on the whole log against the labels known so far, and combined with
//! the model's score into the risk level.

mod backtest;
mod eval;
mod expr;
mod lists;
mod rule;

pub use backtest::{Backtest, backtest};
pub use eval::{BoundRule, bind};
pub use expr::{Cmp, Expr, ParseError, parse};
pub use lists::{ListEntry, ListKind, list_hits, list_roles, role_column};
pub use rule::{Rule, RuleAction, RuleError, apply_rules};
