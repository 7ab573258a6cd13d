//! The load report in words: one aligned line per `ReportLine` ("rows        120 read, 118
//! loaded, 2 rejected, 0 duplicates removed"), as `vigil inspect` prints it and the window's
//! file tooltip shows it.

use rust_i18n::t;

use crate::language::{Language, Say};
use crate::log::{LoadReport, ReportLine};

/// The width the line names are padded to, in columns (a CJK character takes two).
const NAME_WIDTH: usize = 11;

impl Say for LoadReport {
    fn say(&self, language: Language) -> String {
        let mut out = String::new();
        for line in self.lines() {
            let (name, value) = line_words(&line, language);
            let pad = NAME_WIDTH.saturating_sub(columns(&name));
            out.push_str(&format!("{name}{} {value}\n", " ".repeat(pad)));
        }
        out
    }
}

/// The columns `s` takes in a monospaced font.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if c >= '\u{1100}' { 2 } else { 1 }).sum()
}

/// A line's name and its value in words.
fn line_words(line: &ReportLine<'_>, language: Language) -> (String, String) {
    let l = language.code();
    let (name, value) = match line {
        ReportLine::File(file) => (t!("report.file", locale = l), file.to_string()),
        ReportLine::Format {
            format,
            layout,
            encoding,
        } => {
            let layout = layout.map_or_else(String::new, |(delimiter, header)| {
                let delimiter = match delimiter {
                    "whitespace" => t!("report.delimiter_whitespace", locale = l).into_owned(),
                    "tab" => t!("report.delimiter_tab", locale = l).into_owned(),
                    d if d.chars().count() == 1 => format!("'{d}'"),
                    d => d.to_string(),
                };
                let header = if header {
                    t!("report.header", locale = l)
                } else {
                    t!("report.no_header", locale = l)
                };
                t!(
                    "report.layout",
                    locale = l,
                    delimiter = delimiter,
                    header = header
                )
                .into_owned()
            });
            let encoding = encoding.map_or_else(String::new, |e| {
                t!("report.encoding", locale = l, encoding = e).into_owned()
            });
            let format = match *format {
                "delimited" => t!("report.format_delimited", locale = l).into_owned(),
                other => other.to_string(),
            };
            (
                t!("report.format", locale = l),
                format!("{format}{layout}{encoding}"),
            )
        }
        ReportLine::Rows {
            read,
            loaded,
            rejected,
            duplicates,
        } => (
            t!("report.rows", locale = l),
            t!(
                "report.rows_value",
                locale = l,
                read = language.number(*read),
                loaded = language.number(*loaded),
                rejected = language.number(*rejected),
                duplicates = language.number(*duplicates)
            )
            .into_owned(),
        ),
        ReportLine::Users(n) => (t!("report.users", locale = l), language.number(*n)),
        ReportLine::Events { total, types } => {
            let types: Vec<String> = types
                .iter()
                .map(|(k, v)| format!("{k} {}", language.number(*v)))
                .collect();
            (
                t!("report.events", locale = l),
                format!("{} ({})", language.number(*total), types.join(", ")),
            )
        }
        ReportLine::Time { min, max, format } => (
            t!("report.time", locale = l),
            t!(
                "report.time_value",
                locale = l,
                min = min.unwrap_or("-"),
                max = max.unwrap_or("-"),
                format = format
            )
            .into_owned(),
        ),
        ReportLine::Mapping(pairs) => {
            let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (t!("report.mapping", locale = l), pairs.join("  "))
        }
        ReportLine::Unsure(roles) => {
            let roles: Vec<String> = roles.iter().map(|r| r.say(language)).collect();
            (
                t!("report.unsure", locale = l),
                t!("report.unsure_value", locale = l, roles = roles.join(", ")).into_owned(),
            )
        }
        ReportLine::Labels(c) => {
            let level = match c.level {
                crate::log::LabelLevel::Event => t!("report.level_event", locale = l),
                crate::log::LabelLevel::User => t!("report.level_user", locale = l),
            };
            (
                t!("report.labels", locale = l),
                t!(
                    "report.labels_value",
                    locale = l,
                    level = level,
                    fraud = language.number(c.positive),
                    legit = language.number(c.negative)
                )
                .into_owned(),
            )
        }
        ReportLine::Rejected(s) | ReportLine::Warning(s) => {
            let name = match line {
                ReportLine::Rejected(_) => t!("report.rejected", locale = l),
                _ => t!("report.warning", locale = l),
            };
            let examples: Vec<String> = s.examples.iter().map(|e| e.say(language)).collect();
            (
                name,
                t!(
                    "report.issue_value",
                    locale = l,
                    count = language.number(s.count),
                    issue = s.issue.say(language),
                    examples = examples.join("; ")
                )
                .into_owned(),
            )
        }
        ReportLine::Took { secs } => (t!("report.took", locale = l), format!("{secs:.2} s")),
    };
    (name.into_owned(), value)
}
