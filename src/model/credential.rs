//! What a credential looks like: the rules fleetc applies to the fleet's documents (validate),
//! to what value templates produce (place), and to every rendered object before anything is
//! written (render). It is a heuristic: it knows the names keys that hold secrets go by and the
//! shapes of the secrets that can be told by their look (private key blocks, tokens of the
//! common clouds and forges, JWTs, bearer tokens, passwords in URLs). A reference to a secret
//! held elsewhere is not a credential: Argo CD's `$secret:key` and `$key`, a `${VAR}`
//! placeholder, a template, or a Kubernetes `secretKeyRef`.

use std::sync::LazyLock;

use base64::Engine as _;
use regex::Regex;
use serde_json::Value;

/// Endings of key names (lowercased, without `_`, `-` and `.`) that hold secrets.
const SECRET_KEY_ENDINGS: [&str; 15] = [
    "password",
    "passwd",
    "passphrase",
    "token",
    "privatekey",
    "keydata",
    "clientkey",
    "secret",
    "secretaccesskey",
    "secretkey",
    "apikey",
    "kubeconfig",
    "credential",
    "credentials",
    "connectionstring",
];

/// Key names that end like a credential but name something else: a reference to a secret, a
/// setting about one, or fleetc's own fields (`asoCredentialSecret` names a Secret,
/// `notCredentials` lists marks).
const NOT_SECRET_KEYS: [&str; 16] = [
    "asocredentialsecret",
    "notcredentials",
    "existingsecret",
    "secretname",
    "secretref",
    "secretkeyref",
    "usesecret",
    "createsecret",
    "externalsecret",
    "tokenttl",
    "tokenpath",
    "tokenfile",
    "passwordfile",
    "credentialsfile",
    "secretfile",
    "tokenurl",
];

/// Letters from other scripts that look like Latin ones (`pаssword` with a Cyrillic `а`): a key
/// is matched by how it looks.
fn latin_lookalike(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'у' | 'υ' => 'y',
        'х' | 'χ' => 'x',
        'ԝ' | 'ω' => 'w',
        'п' => 'n',
        other => other,
    }
}

/// A key as it is compared: lowercase, with look-alike letters made Latin, without `_`, `-`,
/// `.` and anything before a `/`.
fn normal_key(key: &str) -> String {
    let last = key.rsplit('/').next().unwrap_or_default();
    last.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .map(latin_lookalike)
        .collect()
}

/// Whether a mapping key names a credential (`bearerToken`, `password`, `client_secret`,
/// `jwtSecret`, `credential`, …).
pub fn is_credential_key(key: &str) -> bool {
    let normal = normal_key(key);
    !NOT_SECRET_KEYS.iter().any(|n| normal.ends_with(n))
        && SECRET_KEY_ENDINGS
            .iter()
            .any(|ending| normal.ends_with(ending))
}

/// Whether `s` refers to a secret instead of holding one: empty, Argo CD's `$secret:key` or
/// `$key`, a `${VAR}` or `$(VAR)` placeholder, or a template (`{{ … }}`), which is judged by
/// what it produces.
pub fn is_reference(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.contains("{{") || s.contains("{%") {
        return true;
    }
    if let Some(rest) = s.strip_prefix("${") {
        return rest.ends_with('}') && !rest[..rest.len() - 1].contains('}');
    }
    if let Some(rest) = s.strip_prefix("$(") {
        return rest.ends_with(')');
    }
    // Argo CD: `$<key>` in argocd-secret, `$<secret>:<key>` in another Secret.
    if let Some(rest) = s.strip_prefix('$') {
        return !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    }
    false
}

/// Whether a value under a credential-named key holds a credential: text that is not a
/// reference, a number, or a list or mapping with such a value anywhere in it (a mapping that
/// is a Kubernetes reference to a Secret, `secretKeyRef` or `existingSecret`, holds none).
pub fn holds_credential(value: &Value) -> bool {
    match value {
        Value::String(s) => !is_reference(s),
        Value::Number(_) => true,
        Value::Array(items) => items.iter().any(holds_credential),
        Value::Object(map) => {
            let reference = map.keys().any(|k| {
                matches!(
                    normal_key(k).as_str(),
                    "secretkeyref" | "secretref" | "existingsecret" | "valuefrom" | "secretname"
                )
            });
            !reference && map.values().any(holds_credential)
        }
        Value::Bool(_) | Value::Null => false,
    }
}

/// Whether `pointer` is one of the fields `marks` (JSON pointers, from a document's
/// `metadata.notCredentials`) marks as not a credential, or inside one.
pub fn is_marked(marks: &[String], pointer: &crate::load::Pointer) -> bool {
    let text = pointer.to_string();
    marks.iter().any(|mark| {
        text.strip_prefix(mark.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// A secret that can be told by its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    PrivateKey,
    EncodedPrivateKey,
    Jwt,
    BearerToken,
    AccessToken,
    UrlPassword,
    Kubeconfig,
}

impl Secret {
    /// What it is, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Secret::PrivateKey => "a private key block",
            Secret::EncodedPrivateKey => "a base64-encoded private key",
            Secret::Jwt => "a JSON Web Token",
            Secret::BearerToken => "a bearer token",
            Secret::AccessToken => "an access token of a cloud or forge",
            Secret::UrlPassword => "a URL with a password in it (`user:password@`)",
            Secret::Kubeconfig => "a kubeconfig with a credential in it",
        }
    }
}

/// The shapes of [`Secret`]s, in one pattern (each alternative a group, in `Secret` order).
static SHAPES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)",
        r"|(LS0tLS1CRUdJTi[A-Za-z0-9+/=]{20,})",
        r"|(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)",
        r"|((?i:bearer)\s+[A-Za-z0-9._~+/-]{16,}=*)",
        r"|((?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,}|glpat-[A-Za-z0-9_-]{20,}",
        r"|xox[abposr]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[0-9A-Za-z_-]{35}",
        r"|sk_live_[A-Za-z0-9]{16,}|npm_[A-Za-z0-9]{36}))",
        r"|([a-zA-Z][a-zA-Z0-9+.-]*://[^\s/@:'\x22]+:([^\s/@'\x22]+)@)",
    ))
    .expect("the credential pattern compiles")
});

/// The first secret `text` (a string of the fleet, or a template's result) holds, by its look.
pub fn secret_in_text(text: &str) -> Option<Secret> {
    secret_in_output(text).or_else(|| kubeconfig_credential(text).then_some(Secret::Kubeconfig))
}

/// Where a secret's shape can start: every [`SHAPES`] alternative begins at, or (a URL) shortly
/// before, one of these, and they are found far faster than the pattern itself.
static ANCHORS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    // Leftmost-first semantics let the search run on SIMD (Teddy) over the text.
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build([
            "-----BEGIN",
            "LS0tLS1CRUdJTi",
            "eyJ",
            "Bearer",
            "bearer",
            "BEARER",
            "ghp_",
            "gho_",
            "ghu_",
            "ghs_",
            "ghr_",
            "github_pat_",
            "glpat-",
            "xox",
            "AKIA",
            "ASIA",
            "AIza",
            "sk_live_",
            "npm_",
            URL_ANCHOR,
        ])
        .expect("the anchors build")
});

/// The anchor of a URL: a password in one sits between it and the next `@` before any `/`.
const URL_ANCHOR: &str = "://";

/// The first secret a whole rendered object or file holds, by its look (not a kubeconfig: its
/// keys are the ESO templates fleetc writes): the last line of defence, run on everything fleetc
/// writes. Only the text around each match of an anchor is searched for a shape.
pub fn secret_in_output(text: &str) -> Option<Secret> {
    secret_in_output_except(text, &|_| false)
}

/// [`secret_in_output`], passing over what `exempt` says the fleet marked as no credential (a
/// shape found inside the text of a field named in a `metadata.notCredentials`).
pub fn secret_in_output_except(text: &str, exempt: &dyn Fn(&str) -> bool) -> Option<Secret> {
    // Every shape but a URL's is at least 20 characters long; most values are shorter.
    if text.len() < 20 && !text.contains(URL_ANCHOR) {
        return None;
    }
    let bytes = text.as_bytes();
    for anchor in ANCHORS.find_iter(text) {
        let url = &bytes[anchor.start()..anchor.end()] == URL_ANCHOR.as_bytes();
        if url {
            // Most URLs have no user info: look no further unless an `@` comes before the
            // path, a space or a quote.
            let after = &bytes[anchor.end()..bytes.len().min(anchor.end() + 512)];
            let stop = after
                .iter()
                .position(|b| matches!(b, b'/' | b'@' | b'\'' | b'"') || b.is_ascii_whitespace());
            if stop.is_none_or(|i| after[i] != b'@') {
                continue;
            }
        }
        let back = if url { 64 } else { 0 };
        let start = floor_boundary(text, anchor.start().saturating_sub(back));
        let end = floor_boundary(text, anchor.end().saturating_add(512).min(text.len()));
        if let Some(secret) = shape_in(&text[start..end], exempt) {
            return Some(secret);
        }
    }
    None
}

/// The largest character boundary of `text` at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The first secret in `text` told by its shape (not a kubeconfig).
fn shape_in(text: &str, exempt: &dyn Fn(&str) -> bool) -> Option<Secret> {
    for found in SHAPES.captures_iter(text) {
        if found.get(0).is_some_and(|m| exempt(m.as_str())) {
            continue;
        }
        let group = (1..=6).find(|&i| found.get(i).is_some());
        let secret = match group {
            Some(1) => Secret::PrivateKey,
            Some(2) => {
                let encoded = found.get(2).map_or("", |m| m.as_str());
                if !encoded_private_key(encoded) {
                    continue;
                }
                Secret::EncodedPrivateKey
            }
            Some(3) => Secret::Jwt,
            Some(4) => Secret::BearerToken,
            Some(5) => Secret::AccessToken,
            Some(6) => {
                let password = found.get(7).map_or("", |m| m.as_str());
                if is_reference(password) || password.starts_with('$') || password.contains('%') {
                    continue;
                }
                Secret::UrlPassword
            }
            _ => continue,
        };
        return Some(secret);
    }
    None
}

/// Whether base64 text that starts like an encoded PEM block holds a private key (and not,
/// say, a certificate).
fn encoded_private_key(encoded: &str) -> bool {
    let head: String = encoded.chars().take(120).collect();
    let head = &head[..head.len() / 4 * 4];
    base64::engine::general_purpose::STANDARD
        .decode(head)
        .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"))
}

/// Whether text is a kubeconfig (it has `users:`) with a token, password or client key in it
/// that is not a reference.
fn kubeconfig_credential(text: &str) -> bool {
    if text.len() < 20 || !text.contains("users:") {
        return false;
    }
    text.lines().any(|line| {
        let line = line.trim_start().trim_start_matches("- ");
        ["token:", "password:", "client-key-data:"]
            .iter()
            .any(|key| {
                line.strip_prefix(key).is_some_and(|v| {
                    let v = v.trim().trim_matches(['\'', '"']);
                    !is_reference(v)
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_key_names() {
        for key in [
            "bearerToken",
            "password",
            "adminPassword",
            "keyData",
            "client_secret",
            "clientSecret",
            "jwtSecret",
            "credential",
            "argocd_admin_secret",
            "aws_secret_access_key",
            "privateKey",
            "kubeconfig",
            "acme.io/api-token",
            "pаssword",
            "connectionString",
        ] {
            assert!(is_credential_key(key), "{key}");
        }
        for key in [
            "external_secrets_iam_role_arn",
            "karpenter_sqs_queue_name",
            "existingSecret",
            "secretName",
            "tokenTTL",
            "caData",
            "passwordSecretRef",
            "automountServiceAccountToken_enabled",
            "secretStore",
        ] {
            assert!(!is_credential_key(key), "{key}");
        }
    }

    #[test]
    fn references_are_not_credentials() {
        for s in [
            "$dex.github.clientSecret",
            "$oidc-secret:clientSecret",
            "${API_KEY}",
            "$(DB_PASSWORD)",
            "{{ cluster.annotations.token_ref }}",
            "",
        ] {
            assert!(is_reference(s), "{s}");
        }
        for s in ["hunter2", "$ dollar and space", "${A}${B}x", "p@ss$word"] {
            assert!(!is_reference(s), "{s}");
        }
    }

    #[test]
    fn values_under_credential_keys() {
        use serde_json::json;
        assert!(holds_credential(&json!("hunter2")));
        assert!(holds_credential(&json!(1234)));
        assert!(holds_credential(&json!(["hunter2"])));
        assert!(holds_credential(&json!({"value": "hunter2"})));
        assert!(!holds_credential(
            &json!({"secretKeyRef": {"name": "db", "key": "pw"}})
        ));
        assert!(!holds_credential(&json!({"existingSecret": "db"})));
        assert!(!holds_credential(&json!("${DB_PASSWORD}")));
        assert!(!holds_credential(&json!(true)));
    }

    #[test]
    fn secrets_told_by_their_look() {
        let cases = [
            (
                "-----BEGIN OPENSSH PRIVATE KEY-----\nabc",
                Some(Secret::PrivateKey),
            ),
            (
                "-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc",
                Some(Secret::PrivateKey),
            ),
            ("-----BEGIN CERTIFICATE-----\nabc", None),
            (
                // base64 of "-----BEGIN EC PRIVATE KEY-----\n"
                "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg==",
                Some(Secret::EncodedPrivateKey),
            ),
            (
                // base64 of "-----BEGIN CERTIFICATE-----\n"
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
                None,
            ),
            (
                "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln",
                Some(Secret::Jwt),
            ),
            (
                "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123",
                Some(Secret::BearerToken),
            ),
            (
                "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
                Some(Secret::AccessToken),
            ),
            ("AKIAIOSFODNN7EXAMPLE", Some(Secret::AccessToken)),
            (
                "https://x-access-token:sEcReT@github.com/acme/fleet.git",
                Some(Secret::UrlPassword),
            ),
            (
                "git::https://bot:pw@example.com/m.git",
                Some(Secret::UrlPassword),
            ),
            (
                "postgres://app:DSNPASSWORD@db/app",
                Some(Secret::UrlPassword),
            ),
            ("https://${GIT_USER}:${GIT_TOKEN}@github.com/a/b.git", None),
            ("https://github.com/acme/fleet.git", None),
            ("git@github.com:acme/fleet.git", None),
            ("https://user@example.com/x", None),
            (
                "apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    token: abc123\n",
                Some(Secret::Kubeconfig),
            ),
            (
                "apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    token: '{{ .token }}'\n",
                None,
            ),
            ("bearer of good news", None),
        ];
        for (text, expected) in cases {
            assert_eq!(secret_in_text(text), expected, "{text}");
            if expected != Some(Secret::Kubeconfig) {
                let embedded = format!("{}key: {text}\n{}", "x\n".repeat(300), "y ".repeat(300));
                assert_eq!(secret_in_output(&embedded), expected, "{text}");
            }
        }
    }
}
