//! "Did you mean …?" for misspelt names.

/// The candidate closest to `word`, if it is close enough to be a plausible typo: equal but for
/// case, or within an edit distance of about a third of the word.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| {
            let distance = if c.to_lowercase() == lower {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &c.to_lowercase())
            };
            (distance, c)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// A help line for a misspelt name: "did you mean `x`?" or, failing that, the choices.
pub(crate) fn help(word: &str, candidates: &[&str]) -> Option<String> {
    if let Some(best) = closest(word, candidates.iter().copied()) {
        return Some(format!("did you mean `{best}`?"));
    }
    if candidates.is_empty() || candidates.len() > 12 {
        return None;
    }
    let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    Some(format!("expected one of {}", list.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_case() {
        let fields = ["region", "provider", "environment", "hub"];
        assert_eq!(closest("regoin", fields), Some("region"));
        assert_eq!(closest("Provider", fields), Some("provider"));
        assert_eq!(closest("enviroment", fields), Some("environment"));
        assert_eq!(closest("zone", fields), None);
        assert_eq!(
            closest("hub", fields),
            None,
            "an exact match is not a suggestion"
        );
    }

    #[test]
    fn help_lists_choices_when_nothing_is_close() {
        assert_eq!(
            help("xyz", &["aws", "gcp"]).as_deref(),
            Some("expected one of `aws`, `gcp`")
        );
        assert_eq!(
            help("AWS", &["aws", "gcp"]).as_deref(),
            Some("did you mean `aws`?")
        );
    }
}
