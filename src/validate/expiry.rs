//! Ephemeral clusters carry `spec.expires`, so that a forgotten one cannot live on silently:
//! within a week before it, validation warns; from it on, the fleet is invalid until the cluster
//! is deleted or its expiry moved. Judged against `Findings::now` (the `--now` flag, for
//! reproducible runs), never against the clock directly.

use jiff::{SignedDuration, Timestamp};

use super::Findings;
use super::clusters::Layers;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Pointer, Target};

/// How long before its expiry a cluster is warned about.
pub const WARN_BEFORE: SignedDuration = SignedDuration::from_hours(7 * 24);

/// `spec.expires` as a time: an RFC 3339 time, or a date (its midnight UTC, as `--now` reads a
/// date).
pub(crate) fn parse(raw: &str) -> Option<Timestamp> {
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Some(t);
    }
    let date = raw.parse::<jiff::civil::Date>().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Parses and judges a cluster's merged `spec.expires`; returns it when it is a valid time.
pub(crate) fn check(
    name: &str,
    raw: Option<&str>,
    layers: &Layers<'_>,
    findings: &mut Findings<'_>,
) -> Option<Timestamp> {
    let raw = raw?;
    let at = Pointer::parse("/spec/expires");
    let Some(expires) = parse(raw) else {
        findings.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!("`spec.expires` of cluster `{name}` is `{raw}`, which is not a time"),
                layers.locate(findings, &at, Target::Value),
            )
            .with_help("use an RFC 3339 time (2027-06-30T18:00:00Z) or a date (2027-06-30, meaning its midnight UTC)"),
        );
        return None;
    };
    let now = findings.now;
    let left = expires.duration_since(now);
    if left <= SignedDuration::ZERO {
        findings.push(
            Diagnostic::error(
                Code::Expiry,
                format!(
                    "cluster `{name}` expired at {expires} ({} ago)",
                    human(left.abs())
                ),
                layers.locate(findings, &at, Target::Value),
            )
            .with_help(
                "delete the cluster's file (its objects then leave out/; a Cluster API cluster is \
                 deleted with them), or move `spec.expires` later if it is still needed",
            ),
        );
    } else if left <= WARN_BEFORE {
        findings.push(
            Diagnostic::warning(
                Code::Expiry,
                format!("cluster `{name}` expires at {expires} (in {})", human(left)),
                layers.locate(findings, &at, Target::Value),
            )
            .with_help(
                "delete the cluster's file before then, or move `spec.expires` later if it is \
                 still needed; once it has passed, the fleet is invalid",
            ),
        );
    }
    Some(expires)
}

/// A duration in the largest whole unit: `3 days`, `5 hours`, `1 minute`.
pub fn human(d: SignedDuration) -> String {
    let secs = d.as_secs();
    let (n, unit) = if secs >= 86_400 {
        (secs / 86_400, "day")
    } else if secs >= 3_600 {
        (secs / 3_600, "hour")
    } else if secs >= 60 {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_dates() {
        assert_eq!(
            parse("2027-06-30T18:00:00Z"),
            Some("2027-06-30T18:00:00Z".parse().unwrap())
        );
        assert_eq!(
            parse("2027-06-30T20:00:00+02:00"),
            Some("2027-06-30T18:00:00Z".parse().unwrap())
        );
        assert_eq!(
            parse("2027-06-30"),
            Some("2027-06-30T00:00:00Z".parse().unwrap())
        );
        assert_eq!(parse("next tuesday"), None);
        assert_eq!(parse("2027-02-30"), None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(SignedDuration::from_hours(72)), "3 days");
        assert_eq!(human(SignedDuration::from_hours(1)), "1 hour");
        assert_eq!(human(SignedDuration::from_secs(59)), "59 seconds");
    }
}
