//! The rule language: comparisons of a feature with a number, and list membership of an
//! entity role (`device in blocklist`), combined with `and`, `or`, `not` and parentheses, e.g.
//! `n:pay_fail >= 3 and amount_max < 10 or ip in blocklist`. A feature is any account
//! or event feature by its name (`vigil` lists them in the rule editor). Errors name the
//! character position (1-based) and what was expected there.

use std::fmt;

use super::lists::ListKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
}

impl Cmp {
    pub fn holds(self, a: f32, b: f32) -> bool {
        // NaN (a feature not defined for this row) satisfies no comparison.
        match self {
            Cmp::Ge => a >= b,
            Cmp::Gt => a > b,
            Cmp::Le => a <= b,
            Cmp::Lt => a < b,
            Cmp::Eq => a == b,
            Cmp::Ne => !a.is_nan() && a != b,
        }
    }

    fn text(self) -> &'static str {
        match self {
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
            Cmp::Le => "<=",
            Cmp::Lt => "<",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Compare {
        feature: String,
        /// 1-based character position of the feature name, for errors about it.
        at: usize,
        cmp: Cmp,
        value: f32,
    },
    /// Some event of the account carries a value of `role` on the `list`.
    InList {
        role: String,
        at: usize,
        list: ListKind,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    /// Every feature name the expression reads, in order of appearance.
    pub fn features(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_features(&mut out);
        out
    }

    fn collect_features<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Compare { feature, .. } => out.push(feature),
            Expr::InList { .. } => {}
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.collect_features(out);
                b.collect_features(out);
            }
            Expr::Not(a) => a.collect_features(out),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Compare {
                feature,
                cmp,
                value,
                ..
            } => write!(f, "{feature} {} {value}", cmp.text()),
            Expr::InList { role, list, .. } => write!(f, "{role} in {}list", list.name()),
            Expr::And(a, b) => write!(f, "({a} and {b})"),
            Expr::Or(a, b) => write!(f, "({a} or {b})"),
            Expr::Not(a) => write!(f, "not {a}"),
        }
    }
}

/// A rule expression that does not parse: where (1-based character position) and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("at character {position}: {message}")]
pub struct ParseError {
    pub position: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Number(f32),
    Cmp(Cmp),
    In,
    And,
    Or,
    Not,
    Open,
    Close,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Ident(s) => format!("`{s}`"),
            Token::Number(v) => format!("the number {v}"),
            Token::Cmp(c) => format!("`{}`", c.text()),
            Token::In => "`in`".into(),
            Token::And => "`and`".into(),
            Token::Or => "`or`".into(),
            Token::Not => "`not`".into(),
            Token::Open => "`(`".into(),
            Token::Close => "`)`".into(),
        }
    }
}

/// Characters a feature name may hold besides letters and digits (`n:pay_fail`,
/// `seller+event_fraud_rate_7d`).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | ':' | '+' | '.' | '-')
}

/// Tokens with their 1-based character positions.
fn tokens(text: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let position = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let (token, len) = match (c, two.as_str()) {
            (_, ">=") => (Token::Cmp(Cmp::Ge), 2),
            (_, "<=") => (Token::Cmp(Cmp::Le), 2),
            (_, "==") => (Token::Cmp(Cmp::Eq), 2),
            (_, "!=") => (Token::Cmp(Cmp::Ne), 2),
            (_, "&&") => (Token::And, 2),
            (_, "||") => (Token::Or, 2),
            ('>', _) => (Token::Cmp(Cmp::Gt), 1),
            ('<', _) => (Token::Cmp(Cmp::Lt), 1),
            ('=', _) => (Token::Cmp(Cmp::Eq), 1),
            ('(', _) => (Token::Open, 1),
            (')', _) => (Token::Close, 1),
            ('!', _) => (Token::Not, 1),
            (c, _) if c.is_ascii_digit() || (c == '-' || c == '.') => {
                let mut end = i + 1;
                while end < chars.len()
                    && (chars[end].is_ascii_digit() || matches!(chars[end], '.' | 'e' | 'E'))
                {
                    end += 1;
                }
                let s: String = chars[i..end].iter().collect();
                let v: f32 = s.parse().map_err(|_| ParseError {
                    position,
                    message: format!("`{s}` is not a number"),
                })?;
                (Token::Number(v), end - i)
            }
            (c, _) if is_name_char(c) => {
                let mut end = i + 1;
                while end < chars.len() && is_name_char(chars[end]) {
                    end += 1;
                }
                let s: String = chars[i..end].iter().collect();
                let token = match s.to_lowercase().as_str() {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    "in" => Token::In,
                    _ => Token::Ident(s),
                };
                (token, end - i)
            }
            (c, _) => {
                return Err(ParseError {
                    position,
                    message: format!("unexpected `{c}`"),
                });
            }
        };
        out.push((position, token));
        i += len;
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    at: usize,
    /// The position just past the text, for "expected ... at the end".
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(p, _)| *p)
    }

    fn error(&self, expected: &str) -> ParseError {
        let found = match self.peek() {
            Some(t) => t.describe(),
            None => "the end".into(),
        };
        ParseError {
            position: self.position(),
            message: format!("expected {expected}, found {found}"),
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some(Token::Not) => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Token::Open) => {
                self.at += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(self.error("`)`"));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Ident(_)) => self.comparison(),
            _ => Err(self.error("a feature name, `not` or `(`")),
        }
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let at = self.position();
        let Some(Token::Ident(feature)) = self.peek().cloned() else {
            return Err(self.error("a feature name"));
        };
        self.at += 1;
        if self.peek() == Some(&Token::In) {
            self.at += 1;
            let list = match self.peek() {
                Some(Token::Ident(name)) => ListKind::parse(name),
                _ => None,
            };
            let Some(list) = list else {
                return Err(self.error("`blocklist` or `allowlist`"));
            };
            self.at += 1;
            return Ok(Expr::InList {
                role: feature,
                at,
                list,
            });
        }
        let Some(Token::Cmp(cmp)) = self.peek().cloned() else {
            return Err(self.error(&format!(
                "a comparison (>=, >, <=, <, ==, !=) or `in` after `{feature}`"
            )));
        };
        self.at += 1;
        let Some(Token::Number(value)) = self.peek().cloned() else {
            return Err(self.error("a number"));
        };
        self.at += 1;
        Ok(Expr::Compare {
            feature,
            at,
            cmp,
            value,
        })
    }
}

/// Parses a rule expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let tokens = tokens(text)?;
    let mut p = Parser {
        tokens,
        at: 0,
        end: text.chars().count() + 1,
    };
    let expr = p.or()?;
    if p.peek().is_some() {
        return Err(p.error("`and`, `or` or the end"));
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_precedence_and_names_with_punctuation() {
        let e = parse("n:pay_fail >= 3 and amount_max < 1.5 or not (peak_1min > 10)").unwrap();
        assert_eq!(
            e.to_string(),
            "((n:pay_fail >= 3 and amount_max < 1.5) or not peak_1min > 10)"
        );
        assert_eq!(e.features(), ["n:pay_fail", "amount_max", "peak_1min"]);
        assert!(parse("seller+event_fraud_rate_7d > 0.5 && gap_min_secs <= -1").is_ok());
        let e = parse("device in blocklist or not ip in allowlist").unwrap();
        assert_eq!(
            e.to_string(),
            "(device in blocklist or not ip in allowlist)"
        );
        let e = parse("device in greylist").unwrap_err();
        assert_eq!(e.position, 11);
        assert!(e.message.contains("`blocklist` or `allowlist`"), "{e}");
    }

    #[test]
    fn errors_name_the_position_and_what_was_expected() {
        let e = parse("n:pay_fail >= and amount_max < 1").unwrap_err();
        assert_eq!(e.position, 15);
        assert!(e.message.contains("expected a number"), "{e}");
        let e = parse("(events > 3").unwrap_err();
        assert_eq!(e.position, 12);
        assert!(e.message.contains("`)`"), "{e}");
        let e = parse("events 3").unwrap_err();
        assert_eq!(e.position, 8);
        assert!(e.message.contains("comparison"), "{e}");
        let e = parse("events > 3 $").unwrap_err();
        assert_eq!((e.position, e.message.as_str()), (12, "unexpected `$`"));
        let e = parse("").unwrap_err();
        assert!(e.message.contains("found the end"), "{e}");
        let e = parse("events > 1.2.3").unwrap_err();
        assert!(e.message.contains("not a number"), "{e}");
    }

    #[test]
    fn nan_meets_no_comparison() {
        for c in [Cmp::Ge, Cmp::Gt, Cmp::Le, Cmp::Lt, Cmp::Eq, Cmp::Ne] {
            assert!(!c.holds(f32::NAN, 1.0));
        }
    }
}
