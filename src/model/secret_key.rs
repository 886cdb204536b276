//! The key a cluster's connection is stored under in a secret store: the cluster's explicit key
//! (checked, never changed), or the store's prefix and the cluster name made valid for the
//! backend. Terraform writes the key and the `ExternalSecret` reads it; both take it from here.

use super::{SecretStore, StoreProvider};

impl SecretStore {
    /// The key a cluster's connection is stored under: the explicit key if the cluster gives
    /// one, else the store's prefix and the cluster name, sanitised for the backend. Terraform
    /// writes this key and the `ExternalSecret` reads it, so both come from this one function.
    pub fn key_for(&self, cluster: &str, explicit: Option<&str>) -> String {
        match explicit {
            Some(key) => key.to_owned(),
            None => sanitize_key(self.provider, &format!("{}{cluster}", self.key_prefix())),
        }
    }
}

/// Whether a character may appear in a secret name of this backend.
fn allowed(provider: StoreProvider, c: char) -> bool {
    match provider {
        // AWS Secrets Manager: letters, digits and /_+=.@-
        StoreProvider::Aws => c.is_ascii_alphanumeric() || "/_+=.@-".contains(c),
        // Vault KV: path segments separated by /
        StoreProvider::Vault => c.is_ascii_alphanumeric() || "/_.-".contains(c),
        // GCP Secret Manager: [A-Za-z0-9_-]
        StoreProvider::Gcp => c.is_ascii_alphanumeric() || "_-".contains(c),
        // Azure Key Vault: [0-9a-zA-Z-]
        StoreProvider::Azure => c.is_ascii_alphanumeric() || c == '-',
        // Kubernetes Secret names: a DNS-1123 subdomain, [a-z0-9.-]
        StoreProvider::Kubernetes => {
            c.is_ascii_lowercase() || c.is_ascii_digit() || ".-".contains(c)
        }
    }
}

/// The longest name a backend accepts.
fn max_len(provider: StoreProvider) -> usize {
    match provider {
        StoreProvider::Aws => 512,
        StoreProvider::Vault => 1024,
        StoreProvider::Gcp => 255,
        StoreProvider::Azure => 127,
        StoreProvider::Kubernetes => 253,
    }
}

/// `raw` made valid for the backend: every character it does not allow becomes `-` (for
/// Kubernetes, upper case letters become lower case first), repeated and leading/trailing
/// separators are removed, and the length is capped.
pub fn sanitize_key(provider: StoreProvider, raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = if provider == StoreProvider::Kubernetes {
            c.to_ascii_lowercase()
        } else {
            c
        };
        let c = if allowed(provider, c) { c } else { '-' };
        let separator = c == '-' || c == '/';
        if separator && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '/' || c == '.');
    let capped: String = trimmed.chars().take(max_len(provider)).collect();
    capped.trim_end_matches(['-', '/', '.']).to_owned()
}

/// Why an explicitly given key is not valid for the backend, if it is not.
pub fn key_problem(provider: StoreProvider, key: &str) -> Option<String> {
    let clean = sanitize_key(provider, key);
    (clean != key)
        .then(|| format!("it is not a valid secret name for this backend; `{clean}` would be"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_backend_rules() {
        let raw = "argocd/clusters/prod_eu.1";
        assert_eq!(
            sanitize_key(StoreProvider::Aws, raw),
            "argocd/clusters/prod_eu.1"
        );
        assert_eq!(
            sanitize_key(StoreProvider::Vault, raw),
            "argocd/clusters/prod_eu.1"
        );
        assert_eq!(
            sanitize_key(StoreProvider::Gcp, raw),
            "argocd-clusters-prod_eu-1"
        );
        assert_eq!(
            sanitize_key(StoreProvider::Azure, raw),
            "argocd-clusters-prod-eu-1"
        );
        assert_eq!(
            sanitize_key(StoreProvider::Kubernetes, "Argo/Prod_EU.1"),
            "argo-prod-eu.1"
        );
    }

    #[test]
    fn separators_collapse_and_trim() {
        assert_eq!(sanitize_key(StoreProvider::Vault, "/a//b/"), "a/b");
        assert_eq!(sanitize_key(StoreProvider::Azure, "x__y"), "x-y");
        assert_eq!(
            sanitize_key(StoreProvider::Azure, &"a".repeat(200)).len(),
            127
        );
    }

    #[test]
    fn explicit_keys_are_checked_not_changed() {
        assert_eq!(key_problem(StoreProvider::Aws, "argocd/clusters/x"), None);
        assert!(key_problem(StoreProvider::Gcp, "argocd/clusters/x").is_some());
    }
}
