//! The gates a diff passes or fails: how many objects a change may remove
//! (`--max-deletions`), and which destroyed clusters it names as allowed (`--allow-destroy`).

use std::fmt;
use std::str::FromStr;

use super::ObjectKey;
use super::impact::Impact;

/// How many deletions a change may make: a number, or a percentage of the objects the base
/// renders.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeletionLimit {
    Count(usize),
    Percent(f64),
}

impl fmt::Display for DeletionLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeletionLimit::Count(n) => write!(f, "{n}"),
            DeletionLimit::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl FromStr for DeletionLimit {
    type Err = String;

    /// `10` or `5%` (at most 100%).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected a number like 10 or a percentage like 5%, found `{s}`");
        match s.strip_suffix('%') {
            Some(p) => match p.trim().parse::<f64>() {
                Ok(p) if (0.0..=100.0).contains(&p) => Ok(DeletionLimit::Percent(p)),
                Ok(_) => Err(format!("a percentage is at most 100%, found `{s}`")),
                Err(_) => Err(bad()),
            },
            None => s
                .trim()
                .parse()
                .map(DeletionLimit::Count)
                .map_err(|_| bad()),
        }
    }
}

/// The deletion gate's verdict on a change.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub limit: DeletionLimit,
    /// How many removals the limit allows.
    pub allowed: usize,
    /// Every object the change removes.
    pub deletions: Vec<ObjectKey>,
}

impl Gate {
    /// The gate of `limit` on a change that removes `deletions`, from a base that renders
    /// `base_objects` objects.
    pub fn new(limit: DeletionLimit, base_objects: usize, deletions: Vec<ObjectKey>) -> Self {
        let allowed = match limit {
            DeletionLimit::Count(n) => n,
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "a share of a count of objects, rounded down"
            )]
            DeletionLimit::Percent(p) => (base_objects as f64 * p / 100.0).floor() as usize,
        };
        Self {
            limit,
            allowed,
            deletions,
        }
    }

    /// Whether the change removes more than the limit allows.
    pub fn exceeded(&self) -> bool {
        self.deletions.len() > self.allowed
    }
}

/// The clusters the change destroys that `allowed` does not name (`all` names every one).
pub fn refused_destroys(impact: &Impact, allowed: &[String]) -> Vec<String> {
    let allows = |cluster: &str| allowed.iter().any(|a| a == "all" || a == cluster);
    impact
        .destroyed
        .iter()
        .filter(|d| !allows(&d.cluster))
        .map(|d| d.cluster.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_counts_or_percentages() {
        assert_eq!("10".parse(), Ok(DeletionLimit::Count(10)));
        assert_eq!(" 5% ".trim().parse(), Ok(DeletionLimit::Percent(5.0)));
        for bad in ["-1", "101%", "ten", "5 %%"] {
            assert!(bad.parse::<DeletionLimit>().is_err(), "{bad}");
        }
        // Issue 16, finding 29: what is wrong with 150% is that it is over 100%.
        assert_eq!(
            "150%".parse::<DeletionLimit>(),
            Err("a percentage is at most 100%, found `150%`".to_owned())
        );
    }

    #[test]
    fn a_percentage_allows_its_share_rounded_down() {
        let gate = Gate::new(DeletionLimit::Percent(10.0), 25, Vec::new());
        assert_eq!(gate.allowed, 2);
        assert!(!gate.exceeded());
    }
}
