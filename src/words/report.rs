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
    (line_name(line, language), line_value(line, language))
}

/// What a line is about: "rows", "行数".
fn line_name(line: &ReportLine<'_>, language: Language) -> String {
    let l = language.code();
    match line {
        ReportLine::File(_) => t!("report.file", locale = l),
        ReportLine::Format { .. } => t!("report.format", locale = l),
        ReportLine::Rows { .. } => t!("report.rows", locale = l),
        ReportLine::Users(_) => t!("report.users", locale = l),
        ReportLine::Events { .. } => t!("report.events", locale = l),
        ReportLine::Time { .. } => t!("report.time", locale = l),
        ReportLine::Mapping(_) => t!("report.mapping", locale = l),
        ReportLine::Unsure(_) => t!("report.unsure", locale = l),
        ReportLine::Labels(_) => t!("report.labels", locale = l),
        ReportLine::Rejected(_) => t!("report.rejected", locale = l),
        ReportLine::Warning(_) => t!("report.warning", locale = l),
        ReportLine::Took { .. } => t!("report.took", locale = l),
    }
    .into_owned()
}

/// A line's value in words.
fn line_value(line: &ReportLine<'_>, language: Language) -> String {
    let l = language.code();
    let n = |v: u64| language.number(v);
    match line {
        ReportLine::File(file) => file.to_string(),
        ReportLine::Format {
            format,
            layout,
            encoding,
        } => format_value(format, *layout, *encoding, language),
        ReportLine::Rows {
            read,
            loaded,
            rejected,
            duplicates,
        } => t!(
            "report.rows_value",
            locale = l,
            read = n(*read),
            loaded = n(*loaded),
            rejected = n(*rejected),
            duplicates = n(*duplicates)
        )
        .into_owned(),
        ReportLine::Users(users) => n(*users),
        ReportLine::Events { total, types } => {
            let types: Vec<String> = types
                .iter()
                .map(|(k, v)| format!("{k} {}", n(*v)))
                .collect();
            format!("{} ({})", n(*total), types.join(", "))
        }
        ReportLine::Time { min, max, format } => t!(
            "report.time_value",
            locale = l,
            min = min.unwrap_or("-"),
            max = max.unwrap_or("-"),
            format = format
        )
        .into_owned(),
        ReportLine::Mapping(pairs) => {
            let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            pairs.join("  ")
        }
        ReportLine::Unsure(roles) => {
            let roles: Vec<String> = roles.iter().map(|r| r.say(language)).collect();
            t!("report.unsure_value", locale = l, roles = roles.join(", ")).into_owned()
        }
        ReportLine::Labels(c) => labels_value(c, language),
        ReportLine::Rejected(s) | ReportLine::Warning(s) => {
            let examples: Vec<String> = s.examples.iter().map(|e| e.say(language)).collect();
            t!(
                "report.issue_value",
                locale = l,
                count = n(s.count),
                issue = s.issue.say(language),
                examples = examples.join("; ")
            )
            .into_owned()
        }
        ReportLine::Took { secs } => format!("{secs:.2} s"),
    }
}

/// "delimited (delimiter ',', header), UTF-8", in words.
fn format_value(
    format: &str,
    layout: Option<(&str, bool)>,
    encoding: Option<&str>,
    language: Language,
) -> String {
    let l = language.code();
    let layout = layout.map_or_else(String::new, |(delimiter, header)| {
        let delimiter = match delimiter {
            "whitespace" => t!("report.delimiter_whitespace", locale = l).into_owned(),
            "tab" => t!("report.delimiter_tab", locale = l).into_owned(),
            d if d.chars().count() == 1 => format!("'{d}'"),
            d => d.to_string(),
        };
        let header = match header {
            true => t!("report.header", locale = l),
            false => t!("report.no_header", locale = l),
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
    let format = match format {
        "delimited" => t!("report.format_delimited", locale = l).into_owned(),
        other => other.to_string(),
    };
    format!("{format}{layout}{encoding}")
}

/// The log's labels: how many of each, per event or per user.
fn labels_value(c: &crate::log::LabelCounts, language: Language) -> String {
    let l = language.code();
    let level = match c.level {
        crate::log::LabelLevel::Event => t!("report.level_event", locale = l),
        crate::log::LabelLevel::User => t!("report.level_user", locale = l),
    };
    t!(
        "report.labels_value",
        locale = l,
        level = level,
        fraud = language.number(c.positive),
        legit = language.number(c.negative)
    )
    .into_owned()
}
