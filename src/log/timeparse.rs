//! Timestamp formats: detection from sample values and fast parsing to UTC milliseconds.
//!
//! The fixed formats are parsed by hand (no allocation, a few ns each) because a 2-million-row
//! log has 2 million of them; an explicit strftime format falls back to chrono.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

use crate::time_units::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, WEEK_MS};

/// How a time column is written. Times without a zone are read as UTC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    EpochSeconds,
    EpochMillis,
    EpochMicros,
    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:MM]]`, also with `/` between date parts.
    Iso8601,
    /// `M/D/YYYY[ H:MM[:SS]]`
    MonthDayYear,
    /// `D/M/YYYY[ H:MM[:SS]]`
    DayMonthYear,
    /// `YYYYMMDD` or `YYYYMMDDHHMMSS`
    Compact,
    /// An explicit chrono/strftime format such as `%d.%m.%Y %H:%M`.
    Strftime(String),
}

impl TimeFormat {
    /// Reads the `time_format` value of a mapping file.
    pub fn from_spec(spec: &str) -> Result<Self, String> {
        match spec.trim() {
            "epoch_s" => Ok(Self::EpochSeconds),
            "epoch_ms" => Ok(Self::EpochMillis),
            "epoch_us" => Ok(Self::EpochMicros),
            "iso8601" => Ok(Self::Iso8601),
            s if s.contains('%') => Ok(Self::Strftime(s.to_string())),
            s => Err(format!(
                "time_format '{s}' is neither epoch_s, epoch_ms, epoch_us, iso8601 nor a strftime format with % fields"
            )),
        }
    }

    /// A short name for reports.
    pub fn name(&self) -> String {
        match self {
            Self::EpochSeconds => "epoch_s".into(),
            Self::EpochMillis => "epoch_ms".into(),
            Self::EpochMicros => "epoch_us".into(),
            Self::Iso8601 => "iso8601".into(),
            Self::MonthDayYear => "%m/%d/%Y %H:%M".into(),
            Self::DayMonthYear => "%d/%m/%Y %H:%M".into(),
            Self::Compact => "%Y%m%d".into(),
            Self::Strftime(f) => f.clone(),
        }
    }

    /// Parses one value to milliseconds since the Unix epoch, UTC.
    pub fn parse(&self, s: &str) -> Option<i64> {
        let s = s.trim();
        match self {
            Self::EpochSeconds => parse_epoch(s, 1000.0),
            Self::EpochMillis => parse_epoch(s, 1.0),
            Self::EpochMicros => parse_epoch(s, 0.001),
            Self::Iso8601 => parse_iso(s.as_bytes()),
            Self::MonthDayYear => parse_slashed(s.as_bytes(), true),
            Self::DayMonthYear => parse_slashed(s.as_bytes(), false),
            Self::Compact => parse_compact(s.as_bytes()),
            Self::Strftime(f) => parse_strftime(s, f),
        }
    }
}

/// Share of non-empty samples a format must parse to be chosen; the rest become rejected rows.
/// A majority, so that a small file with one bad row is still read (and the row rejected); the
/// formats are strict enough that a column of something else does not reach it.
const DETECT_MIN_SHARE: f64 = 0.5;

/// Picks the format that reads the sample values, or `None` when none reads enough of them.
/// Epoch units are only considered when `allow_epoch` (a plain integer column is more often an id).
pub fn detect(samples: &[&str], allow_epoch: bool) -> Option<TimeFormat> {
    let values: Vec<&str> = samples
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if values.is_empty() {
        return None;
    }
    let share = |f: &TimeFormat| {
        values.iter().filter(|v| f.parse(v).is_some()).count() as f64 / values.len() as f64
    };
    let mut candidates = vec![TimeFormat::Compact, TimeFormat::Iso8601];
    // A day above 12 in the first place settles M/D against D/M.
    let first_over_12 = values.iter().any(|v| {
        v.split('/')
            .next()
            .and_then(|d| d.parse::<u32>().ok())
            .is_some_and(|d| d > 12)
    });
    if first_over_12 {
        candidates.push(TimeFormat::DayMonthYear);
    } else {
        candidates.push(TimeFormat::MonthDayYear);
    }
    if allow_epoch && let Some(unit) = epoch_unit(&values) {
        candidates.push(unit);
    }
    // The format that reads the most values wins; the first listed on a tie.
    let mut best: Option<(TimeFormat, f64)> = None;
    for f in candidates {
        let s = share(&f);
        if s >= DETECT_MIN_SHARE && best.as_ref().is_none_or(|(_, b)| s > *b) {
            best = Some((f, s));
        }
    }
    best.map(|(f, _)| f)
}

/// The epoch unit whose plausible range (years 1973..2286) holds the median value.
fn epoch_unit(values: &[&str]) -> Option<TimeFormat> {
    let mut nums: Vec<f64> = values
        .iter()
        .filter_map(|v| v.parse::<f64>().ok())
        .collect();
    if (nums.len() as f64) < values.len() as f64 * DETECT_MIN_SHARE {
        return None;
    }
    nums.sort_by(f64::total_cmp);
    let median = nums[nums.len() / 2];
    match median {
        m if (1e8..1e10).contains(&m) => Some(TimeFormat::EpochSeconds),
        m if (1e11..1e13).contains(&m) => Some(TimeFormat::EpochMillis),
        m if (1e14..1e16).contains(&m) => Some(TimeFormat::EpochMicros),
        _ => None,
    }
}

/// Reads a duration such as `7d`, `12h`, `30m`, `45s` or `500ms` into milliseconds.
pub fn parse_duration_ms(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let ms_per_unit = match unit.trim() {
        "ms" => 1.0,
        "s" => SECOND_MS as f64,
        "m" | "min" => MINUTE_MS as f64,
        "h" => HOUR_MS as f64,
        "d" => DAY_MS as f64,
        "w" => WEEK_MS as f64,
        _ => {
            return Err(format!(
                "duration '{s}': expected a number and a unit (ms, s, m, h, d, w), e.g. 7d"
            ));
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("duration '{s}': expected a number before the unit, e.g. 12h"))?;
    Ok((value * ms_per_unit).round() as i64)
}

/// Reads a moment given on the command line: RFC 3339 or `YYYY-MM-DD` (midnight UTC).
pub fn parse_instant(s: &str) -> Result<i64, String> {
    let s = s.trim();
    detect(&[s], false).and_then(|f| f.parse(s)).ok_or_else(|| {
        format!("'{s}' is not a time; expected RFC 3339 (2026-10-15T08:00:00Z) or YYYY-MM-DD")
    })
}

/// Formats milliseconds since the epoch as RFC 3339 UTC (`2017-11-06T16:00:00Z`).
pub fn format_rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| format!("{ms}ms"))
}

fn parse_epoch(s: &str, ms_per_unit: f64) -> Option<i64> {
    if let Ok(i) = s.parse::<i64>() {
        // Integer path keeps full precision for ms and us.
        return Some(if ms_per_unit >= 1.0 {
            i.checked_mul(ms_per_unit as i64)?
        } else {
            i.div_euclid((1.0 / ms_per_unit) as i64)
        });
    }
    let f = s.parse::<f64>().ok()?;
    f.is_finite().then(|| (f * ms_per_unit).floor() as i64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn to_millis(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60
    {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * (DAY_MS / SECOND_MS) + (h * 3600 + mi * 60 + s) as i64;
    Some(secs * 1000 + ms as i64)
}

/// A tiny cursor over ASCII bytes for the hand-written parsers.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn new(b: &'a [u8]) -> Self {
        Self { b, i: 0 }
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Reads between `min` and `max` digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + (c - b'0') as u32;
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i - start >= min).then_some(v)
    }
    /// `H:MM[:SS[.fff]]`, returning (hours, minutes, seconds, milliseconds).
    fn clock(&mut self) -> Option<(u32, u32, u32, u32)> {
        let h = self.digits(1, 2)?;
        if !self.eat(b':') {
            return None;
        }
        let mi = self.digits(2, 2)?;
        let (s, ms) = self.seconds_and_fraction()?;
        Some((h, mi, s, ms))
    }
    /// Optional `:SS[.fff]`, returning (seconds, milliseconds).
    fn seconds_and_fraction(&mut self) -> Option<(u32, u32)> {
        if !self.eat(b':') {
            return Some((0, 0));
        }
        let s = self.digits(2, 2)?;
        let mut ms = 0;
        if self.eat(b'.') || self.eat(b',') {
            let start = self.i;
            let frac = self.digits(1, 9)?;
            let n = self.i - start;
            ms = match n {
                1 => frac * 100,
                2 => frac * 10,
                3 => frac,
                _ => frac / 10u32.pow(n as u32 - 3),
            };
        }
        Some((s, ms))
    }
}

fn parse_iso(b: &[u8]) -> Option<i64> {
    let mut c = Cursor::new(b);
    let y = c.digits(4, 4)? as i64;
    let sep = c.peek()?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    c.i += 1;
    let mo = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let d = c.digits(1, 2)?;
    if c.done() {
        return to_millis(y, mo, d, 0, 0, 0, 0);
    }
    if !(c.eat(b'T') || c.eat(b' ')) {
        return None;
    }
    let (h, mi, s, ms) = c.clock()?;
    let local = to_millis(y, mo, d, h, mi, s, ms)?;
    while c.eat(b' ') {}
    if c.done() || c.eat(b'Z') || c.b[c.i..].eq_ignore_ascii_case(b"UTC") {
        return Some(local);
    }
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.i += 1;
    let oh = c.digits(2, 2)? as i64;
    c.eat(b':');
    let om = c.digits(0, 2).unwrap_or(0) as i64;
    if !c.done() || oh > 23 || om > 59 {
        return None;
    }
    Some(local - sign * (oh * 3600 + om * 60) * 1000)
}

fn parse_slashed(b: &[u8], month_first: bool) -> Option<i64> {
    let mut c = Cursor::new(b);
    let a = c.digits(1, 2)?;
    if !c.eat(b'/') {
        return None;
    }
    let bb = c.digits(1, 2)?;
    if !c.eat(b'/') {
        return None;
    }
    let y = c.digits(4, 4)? as i64;
    let (mo, d) = if month_first { (a, bb) } else { (bb, a) };
    if c.done() {
        return to_millis(y, mo, d, 0, 0, 0, 0);
    }
    if !c.eat(b' ') {
        return None;
    }
    let (h, mi, s, ms) = c.clock()?;
    c.done().then_some(())?;
    to_millis(y, mo, d, h, mi, s, ms)
}

fn parse_compact(b: &[u8]) -> Option<i64> {
    if !(b.len() == 8 || b.len() == 14) {
        return None;
    }
    let mut c = Cursor::new(b);
    let y = c.digits(4, 4)? as i64;
    let mo = c.digits(2, 2)?;
    let d = c.digits(2, 2)?;
    if !(1900..=2200).contains(&y) {
        return None;
    }
    if c.done() {
        return to_millis(y, mo, d, 0, 0, 0, 0);
    }
    let h = c.digits(2, 2)?;
    let mi = c.digits(2, 2)?;
    let s = c.digits(2, 2)?;
    to_millis(y, mo, d, h, mi, s, 0)
}

fn parse_strftime(s: &str, fmt: &str) -> Option<i64> {
    if fmt.contains("%z") || fmt.contains("%:z") {
        return DateTime::parse_from_str(s, fmt)
            .ok()
            .map(|t| t.timestamp_millis());
    }
    NaiveDateTime::parse_from_str(s, fmt)
        .map(|t| t.and_utc().timestamp_millis())
        .or_else(|_| {
            NaiveDate::parse_from_str(s, fmt).map(|d| {
                d.and_hms_opt(0, 0, 0)
                    .map_or(0, |t| t.and_utc().timestamp_millis())
            })
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn parses_every_fixed_format() {
        let t = ms("2015-04-18T02:47:00Z");
        assert_eq!(TimeFormat::MonthDayYear.parse("4/18/2015 2:47"), Some(t));
        assert_eq!(TimeFormat::DayMonthYear.parse("18/4/2015 2:47"), Some(t));
        assert_eq!(TimeFormat::Iso8601.parse("2015-04-18 02:47:00"), Some(t));
        assert_eq!(TimeFormat::Iso8601.parse("2015-04-18T02:47:00Z"), Some(t));
        assert_eq!(
            TimeFormat::Iso8601.parse("2015-04-18T10:47:00+08:00"),
            Some(t)
        );
        assert_eq!(
            TimeFormat::Iso8601.parse("2015-04-17T21:47:00-0500"),
            Some(t)
        );
        assert_eq!(TimeFormat::Iso8601.parse("2015/04/18 02:47"), Some(t));
        assert_eq!(
            TimeFormat::Iso8601.parse("2015-04-18T02:47:00.25Z"),
            Some(t + 250)
        );
        assert_eq!(TimeFormat::Compact.parse("20150418024700"), Some(t));
        assert_eq!(
            TimeFormat::Compact.parse("19970101"),
            Some(ms("1997-01-01T00:00:00Z"))
        );
        assert_eq!(TimeFormat::EpochSeconds.parse("1429325220"), Some(t));
        assert_eq!(TimeFormat::EpochMillis.parse("1429325220000"), Some(t));
        assert_eq!(TimeFormat::EpochMicros.parse("1429325220000000"), Some(t));
        assert_eq!(
            TimeFormat::Strftime("%d.%m.%Y %H:%M".into()).parse("18.04.2015 02:47"),
            Some(t)
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(TimeFormat::Iso8601.parse("2015-02-30 00:00:00"), None);
        assert_eq!(TimeFormat::Iso8601.parse("2015-04-18 25:00:00"), None);
        assert_eq!(TimeFormat::Compact.parse("20151301"), None);
        assert_eq!(TimeFormat::MonthDayYear.parse("13/1/2015 0:00"), None);
        assert_eq!(TimeFormat::Iso8601.parse("yesterday"), None);
        assert_eq!(TimeFormat::EpochSeconds.parse("abc"), None);
    }

    #[test]
    fn detects_formats_from_samples() {
        assert_eq!(
            detect(&["2/24/2015 22:55", "6/7/2015 20:39"], false),
            Some(TimeFormat::MonthDayYear)
        );
        assert_eq!(
            detect(&["24/2/2015 22:55", "6/7/2015 20:39"], false),
            Some(TimeFormat::DayMonthYear)
        );
        assert_eq!(
            detect(&["19970101", "19970112"], true),
            Some(TimeFormat::Compact)
        );
        assert_eq!(
            detect(&["1511544070", "1511561733"], true),
            Some(TimeFormat::EpochSeconds)
        );
        assert_eq!(detect(&["1511544070", "1511561733"], false), None);
        assert_eq!(
            detect(&["1511544070123"], true),
            Some(TimeFormat::EpochMillis)
        );
        assert_eq!(detect(&["2268318", "2333346"], true), None);
        assert_eq!(
            detect(&["2017-11-07 09:30:38", ""], false),
            Some(TimeFormat::Iso8601)
        );
        assert_eq!(detect(&["pv", "buy"], true), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("7d"), Ok(7 * DAY_MS));
        assert_eq!(parse_duration_ms("12h"), Ok(12 * HOUR_MS));
        assert_eq!(parse_duration_ms("1.5s"), Ok(1500));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert!(parse_duration_ms("7 days").unwrap_err().contains("unit"));
        assert!(parse_duration_ms("d").unwrap_err().contains("number"));
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(
            format_rfc3339(ms("2017-11-06T16:00:00Z")),
            "2017-11-06T16:00:00Z"
        );
    }
}
