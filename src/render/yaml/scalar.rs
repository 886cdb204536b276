//! How a string is written: plain only when every YAML reader (1.1 included) reads it back as
//! the same string, else quoted; multi-line text as a literal block when a block can hold it.

use std::fmt::Write as _;

use super::writer::pad;

/// Whether a character must be escaped (so only a double-quoted string can hold it): characters
/// outside YAML's printable set (control characters, U+FFFE, U+FFFF), line breaks of YAML 1.1
/// (U+0085, U+2028, U+2029) which 1.1 readers fold inside other styles, and the byte order mark.
pub(super) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A one-line string: plain when safe, else single-quoted, else double-quoted with escapes.
pub(super) fn write_string(s: &str, out: &mut String) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if !s.chars().any(needs_escape) {
        out.push('\'');
        if s.contains('\'') {
            out.push_str(&s.replace('\'', "''"));
        } else {
            out.push_str(s);
        }
        out.push('\'');
    } else {
        write_double_quoted(s, out);
    }
}

pub(super) fn write_double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Words that YAML 1.1 or 1.2 readers turn into booleans or null.
const RESERVED: [&str; 10] = [
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
];

/// Whether `s` can be written without quotes and still read back as this string everywhere.
pub(super) fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Every YAML indicator, `.inf` and `.nan` start with something else; numbers and
    // timestamps start with a digit, and so do quantities (`1h`, `512Mi`), which are plain when
    // they hold a letter that no number or timestamp of YAML 1.1 or 1.2 can hold.
    if !(first.is_ascii_alphabetic()
        || first == '/'
        || first == '_'
        || (first.is_ascii_digit() && !could_be_number(s)))
    {
        return false;
    }
    if s.len() <= 5 && RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    // One pass: only these bytes, never ": " or "  ", and no space or colon at the end.
    let mut previous = 0u8;
    for c in s.bytes() {
        if !PLAIN[usize::from(c)] || (c == b' ' && matches!(previous, b':' | b' ')) {
            return false;
        }
        previous = c;
    }
    !matches!(previous, b' ' | b':')
}

/// Whether a string that starts with a digit could be read as a number or a timestamp by some
/// YAML 1.1 or 1.2 reader: true unless it holds a letter outside those numbers and timestamps
/// are written with (hex digits, `x`, `o`, `t`, `z`, in either case), and no `:` (sexagesimal
/// numbers and times).
fn could_be_number(s: &str) -> bool {
    s.contains(':')
        || !s.bytes().any(|b| {
            b.is_ascii_alphabetic()
                && !matches!(
                    b.to_ascii_lowercase(),
                    b'a'..=b'f' | b'x' | b'o' | b't' | b'z'
                )
        })
}

/// The bytes a plain scalar may hold: letters, digits and ` -_./:=@+,~()`.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "c < 256")]
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'-'
                    | b'_'
                    | b'.'
                    | b'/'
                    | b':'
                    | b'='
                    | b'@'
                    | b'+'
                    | b','
                    | b'~'
                    | b'('
                    | b')'
            );
        c += 1;
    }
    table
};

/// Multi-line text is written as a literal block (`|`), unless it holds what a block cannot
/// (characters that need escaping, a first line that starts with a space or a tab, which readers
/// take for indentation, trailing spaces or tabs on a line).
pub(super) fn block_scalar_fits(s: &str) -> bool {
    s.as_bytes().contains(&b'\n')
        && !s.starts_with([' ', '\n', '\t'])
        && s.chars()
            .all(|c| c == '\n' || c == '\t' || !needs_escape(c))
        && !s.lines().any(|l| l.ends_with([' ', '\t']))
}

pub(super) fn write_block_scalar(s: &str, level: usize, out: &mut String) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    out.push('\n');
    for line in s.split_terminator('\n') {
        if !line.is_empty() {
            pad(out, level);
            out.push_str(line);
        }
        out.push('\n');
    }
}
