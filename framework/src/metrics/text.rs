//! The Prometheus text exposition format, version 0.0.4: escaping, numbers and sample lines.
//!
//! <https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format>

use std::fmt::Write as _;

/// The `Content-Type` of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Writes the `# HELP` and `# TYPE` lines of a family.
pub(crate) fn write_header(out: &mut String, name: &str, help: &str, kind: &str) {
    out.push_str("# HELP ");
    out.push_str(name);
    out.push(' ');
    escape_help(out, help);
    out.push('\n');
    out.push_str("# TYPE ");
    out.push_str(name);
    out.push(' ');
    out.push_str(kind);
    out.push('\n');
}

/// Writes one sample line: `name{label="value",...} value`. `extra` is appended to the labels
/// (a histogram's `le`).
pub(crate) fn write_sample(
    out: &mut String,
    name: &str,
    suffix: &str,
    labels: &[(&str, &str)],
    extra: Option<(&str, &str)>,
    value: Number,
) {
    out.push_str(name);
    out.push_str(suffix);
    let mut first = true;
    for (label, text) in labels.iter().copied().chain(extra) {
        out.push(if first { '{' } else { ',' });
        first = false;
        out.push_str(label);
        out.push_str("=\"");
        escape_label_value(out, text);
        out.push('"');
    }
    if !first {
        out.push('}');
    }
    out.push(' ');
    value.write(out);
    out.push('\n');
}

/// A sample value: counts are written as integers, everything else as a float.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Number {
    /// An integer (a counter, a bucket count).
    Int(u64),
    /// A float (a gauge, a sum).
    Float(f64),
}

impl Number {
    fn write(self, out: &mut String) {
        match self {
            Number::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Number::Float(x) => write_float(out, x),
        }
    }
}

/// Writes a float as Prometheus reads it: `NaN`, `+Inf`, `-Inf`, otherwise the shortest
/// decimal that reads back as the same value.
pub(crate) fn write_float(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NaN");
    } else if x == f64::INFINITY {
        out.push_str("+Inf");
    } else if x == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else {
        let _ = write!(out, "{x}");
    }
}

/// A float as text (see [`write_float`]).
pub(crate) fn float_text(x: f64) -> String {
    let mut s = String::new();
    write_float(&mut s, x);
    s
}

/// `# HELP` text escapes `\` and line feeds.
fn escape_help(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Label values escape `\`, `"` and line feeds.
fn escape_label_value(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_escapes_backslash_and_newline_only() {
        let mut out = String::new();
        write_header(&mut out, "m", "a \"quoted\" \\ help\nsecond", "counter");
        assert_eq!(
            out,
            "# HELP m a \"quoted\" \\\\ help\\nsecond\n# TYPE m counter\n"
        );
    }

    #[test]
    fn samples_with_and_without_labels() {
        let mut out = String::new();
        write_sample(&mut out, "m", "", &[], None, Number::Int(3));
        write_sample(
            &mut out,
            "m",
            "_bucket",
            &[("path", "/a\"b\\c\nd")],
            Some(("le", "+Inf")),
            Number::Int(7),
        );
        write_sample(
            &mut out,
            "g",
            "",
            &[("a", ""), ("b", "x")],
            None,
            Number::Float(-0.5),
        );
        assert_eq!(
            out,
            "m 3\nm_bucket{path=\"/a\\\"b\\\\c\\nd\",le=\"+Inf\"} 7\ng{a=\"\",b=\"x\"} -0.5\n"
        );
    }

    #[test]
    fn floats_as_prometheus_reads_them() {
        assert_eq!(float_text(f64::NAN), "NaN");
        assert_eq!(float_text(f64::INFINITY), "+Inf");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Inf");
        assert_eq!(float_text(0.005), "0.005");
        assert_eq!(float_text(1.0), "1");
        assert_eq!(float_text(2.5), "2.5");
        assert_eq!(float_text(0.1 + 0.2).parse::<f64>().ok(), Some(0.1 + 0.2));
    }
}
