//! Broken fleets: each test takes the valid fleet in `tests/fixtures/base-fleet/`, breaks it in
//! exactly one way, and checks what a user would see:
//!
//! - `fleetc render` exits 1 (not 2, not a panic's 101) and leaves `out/` byte for byte as the
//!   valid fleet rendered it;
//! - `fleetc validate --format json` reports the expected code at the file, line and column a
//!   person reading the YAML would point at (the offending key for unknown and duplicate fields,
//!   the offending value for bad values), with a message (and help) that says what is wrong;
//! - diagnostics come sorted by file, line and column.
//!
//! Each case writes whole files inline, so the line and column in its expectation can be read off
//! the YAML right above it; the harness also checks that the text at that position is the token
//! the expectation names. `${CA_DATA}` in a file stands for the base fleet's (long, valid) EKS CA
//! bundle; it starts where the value starts, so columns are unaffected.
#![allow(
    clippy::needless_raw_string_hashes,
    reason = "every fixture is an r#\"…\"# string, whether or not it holds quotes"
)]

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;
use support::fleet::{Run, copy_dir, fleetc, repo_root, snapshot};

/// The valid fleet every case starts from.
const BASE: &str = "tests/fixtures/base-fleet";

// The base fleet's files, as fleetc names them.
const FLEET: &str = "fleet/fleet.yaml";
const TEMPLATE: &str = "fleet/templates/eks-standard-v1.yaml";
const PROD_EU_1: &str = "fleet/clusters/prod-eu-1.yaml";
const DEV_US_1: &str = "fleet/clusters/dev-us-1.yaml";
const INGRESS_NGINX: &str = "fleet/apps/ingress-nginx.yaml";
const PAYMENTS_API: &str = "fleet/apps/payments-api.yaml";
const PLATFORM_RBAC: &str = "fleet/apps/platform-rbac.yaml";

/// The base64 of a PEM certificate: `caData` of the base fleet's EKS cluster.
const CA_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJpakNDQVRHZ0F3SUJBZ0lVUkR6SlVzRG1UVUxJNEhyNGxUTHB2SVgydDhNd0NnWUlLb1pJemowRUF3SXcKR3pFWk1CY0dBMVVFQXd3UWNISnZaQzFsZFMxaGQzTXRNUzFqWVRBZUZ3MHlOakV4TWpFd056VTFNRFphRncwegpOakV4TVRnd056VTFNRFphTUJzeEdUQVhCZ05WQkFNTUVIQnliMlF0WlhVdFlYZHpMVEV0WTJFd1dUQVRCZ2NxCmhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBVFY5c0t6aW5LdFk2dEZmdCs2N3ZkekxqZmx2R25BWFZ1VFNhZnkKWlI0a1VZbE9rOXBSUnpPNjB1aTg2WkxCUGR6TG45Y1ZySmZ2SFl6b2pMR21Fc2tVbzFNd1VUQWRCZ05WSFE0RQpGZ1FVdjhhcUJDVTUyTHNkbEVlRmk3SFNhSWd1eDdnd0h3WURWUjBqQkJnd0ZvQVV2OGFxQkNVNTJMc2RsRWVGCmk3SFNhSWd1eDdnd0R3WURWUjBUQVFIL0JBVXdBd0VCL3pBS0JnZ3Foa2pPUFFRREFnTkhBREJFQWlCbVNRZ2kKYy96Q1grVm8wWnNmWmhRRi9oME12WnI5b0hjb0xSMzdLM0I2bFFJZ2F3UEJPbTlUdm5Jb2trRS9JWjJuZytHeApoNFluSmVER3AzYURqV285VmdVPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";

/// The base64 of a (made-up) PEM `EC PRIVATE KEY`: a credential, whatever it claims to be.
const PRIVATE_KEY_DATA: &str = "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUJrZzRMVldNOW51d05TazN5Qnl4WnBZUlRCblZKazVvR1lrNXRTckhRYnpvQW9HQ0NxR1NNNDkKQXdFSG9VUURRZ0FFYTRiTDZPdDBNNk05eDRucVhiMHNETUNBNFZnMUhyMFcybUNicFN4OWQza09LMmgzYUdnOAotLS0tLUVORCBFQyBQUklWQVRFIEtFWS0tLS0tCg==";

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

/// A temporary fleet repo holding a copy of the base fleet (no `out/` yet).
fn base_repo() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("fleetc-broken")
        .tempdir()
        .expect("temporary folder");
    copy_dir(
        &repo_root().join(BASE).join("fleet"),
        &dir.path().join("fleet"),
    );
    dir
}

/// Fixture text as written in a test: one leading newline dropped (so line 1 is the line after
/// `r#"`), and `${CA_DATA}` filled in.
fn fixture_text(yaml: &str) -> String {
    yaml.strip_prefix('\n')
        .unwrap_or(yaml)
        .replace("${CA_DATA}", CA_DATA)
}

/// `text` in ISO-8859-1: what an editor set to Latin-1 writes.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

enum Change {
    Write(String, Vec<u8>),
    Remove(String),
}

/// One breakage of the base fleet.
#[must_use = "a broken fleet does nothing until `expect` runs it"]
struct Broken {
    changes: Vec<Change>,
}

/// Where a diagnostic points.
enum Where {
    /// Nowhere: the problem is no file's (there is no Fleet document at all).
    Nowhere,
    /// Somewhere in a file: for resource limits, where no single node is to blame.
    File(&'static str),
    /// File, line, column and the text found there (checked against the file).
    At(&'static str, u64, u64, &'static str),
}

/// The diagnostic a broken fleet must produce.
#[must_use = "an expectation does nothing until it is passed to `Broken::expect`"]
struct Expect {
    code: &'static str,
    at: Where,
    message: Vec<&'static str>,
    help: Option<&'static str>,
}

/// An error with this code, without a location unless one is given.
fn error(code: &'static str) -> Expect {
    Expect {
        code,
        at: Where::Nowhere,
        message: Vec::new(),
        help: None,
    }
}

impl Expect {
    /// Located at `file:line:column`, where the file's text starts with `token`.
    fn at(mut self, file: &'static str, line: u64, column: u64, token: &'static str) -> Self {
        self.at = Where::At(file, line, column, token);
        self
    }

    /// Located somewhere in `file`.
    fn in_file(mut self, file: &'static str) -> Self {
        self.at = Where::File(file);
        self
    }

    /// The message contains `fragment`.
    fn message(mut self, fragment: &'static str) -> Self {
        self.message.push(fragment);
        self
    }

    /// The help contains `fragment`.
    fn help(mut self, fragment: &'static str) -> Self {
        self.help = Some(fragment);
        self
    }

    fn matches(&self, d: &Value) -> bool {
        let text = |key: &str| d[key].as_str().unwrap_or_default().to_owned();
        let located = match self.at {
            Where::Nowhere => d["file"].is_null() && d["line"].is_null() && d["column"].is_null(),
            Where::File(file) => d["file"] == file && d["line"].is_u64() && d["column"].is_u64(),
            Where::At(file, line, column, _) => {
                d["file"] == file && d["line"] == line && d["column"] == column
            }
        };
        d["severity"] == "error"
            && d["code"] == self.code
            && located
            && self.message.iter().all(|m| text("message").contains(m))
            && self.help.is_none_or(|h| text("help").contains(h))
    }

    fn describe(&self) -> String {
        let at = match self.at {
            Where::Nowhere => "no location".to_owned(),
            Where::File(file) => format!("somewhere in {file}"),
            Where::At(file, line, column, token) => format!("{file}:{line}:{column} ({token:?})"),
        };
        format!(
            "error[{}] at {at}, message containing {:?}, help containing {:?}",
            self.code, self.message, self.help
        )
    }
}

/// One line per diagnostic, for failure messages.
fn listing(diagnostics: &[Value]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "  {}[{}] at {}:{}:{}: {} (help: {})",
                d["severity"].as_str().unwrap_or("?"),
                d["code"].as_str().unwrap_or("?"),
                d["file"],
                d["line"],
                d["column"],
                d["message"].as_str().unwrap_or("?"),
                d["help"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Panics unless the run exited with exactly 1 and did not panic.
#[track_caller]
fn assert_findings(run: &Run, what: &str) {
    assert!(
        !run.stderr.contains("panicked"),
        "{what} panicked:\n{}",
        run.stderr
    );
    assert_eq!(
        run.code,
        Some(1),
        "{what} must exit 1 (findings)\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
}

/// Panics unless the JSON diagnostics are in file, line, column order (unlocated ones first).
#[track_caller]
fn assert_sorted(diagnostics: &[Value]) {
    let keys: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            d["file"].as_str().map(|f| {
                (
                    f.to_owned(),
                    d["line"].as_u64().unwrap_or(0),
                    d["column"].as_u64().unwrap_or(0),
                )
            })
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys,
        sorted,
        "diagnostics are not sorted by file, line, column:\n{}",
        listing(diagnostics)
    );
}

/// The names of the files that differ between two snapshots.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The base fleet, with `out/` rendered from it, returned with its snapshot.
fn rendered_base() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let repo = base_repo();
    fleetc(repo.path(), &["render"]).expect_code(0);
    let out = snapshot(&repo.path().join("out"));
    assert!(!out.is_empty(), "the base fleet renders files into out/");
    (repo, out)
}

impl Broken {
    fn new() -> Self {
        Self {
            changes: Vec::new(),
        }
    }

    /// Writes (creates or replaces) a fleet file; see [`fixture_text`].
    fn write(mut self, path: &str, yaml: &str) -> Self {
        self.changes.push(Change::Write(
            path.to_owned(),
            fixture_text(yaml).into_bytes(),
        ));
        self
    }

    /// Writes a fleet file byte for byte.
    fn write_bytes(mut self, path: &str, bytes: Vec<u8>) -> Self {
        self.changes.push(Change::Write(path.to_owned(), bytes));
        self
    }

    /// Removes a fleet file.
    fn remove(mut self, path: &str) -> Self {
        self.changes.push(Change::Remove(path.to_owned()));
        self
    }

    fn apply(&self, root: &Path) {
        for change in &self.changes {
            match change {
                Change::Write(path, bytes) => {
                    let path = root.join(path);
                    fs::create_dir_all(path.parent().expect("a parent folder"))
                        .expect("create folder");
                    fs::write(path, bytes).expect("write fleet file");
                }
                Change::Remove(path) => fs::remove_file(root.join(path)).expect("remove file"),
            }
        }
    }

    /// The base fleet with this breakage applied, `out/` rendered before the breakage, and the
    /// snapshot of that `out/`.
    fn repo(&self) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
        let (repo, out) = rendered_base();
        self.apply(repo.path());
        (repo, out)
    }

    /// Runs the whole check: render exits 1 and leaves `out/` untouched; validate reports the
    /// expected diagnostic, in sorted order.
    #[track_caller]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "cases read `.expect(error(…).at(…))`"
    )]
    fn expect(self, expected: Expect) {
        if let Where::At(file, line, column, token) = expected.at {
            self.check_token(file, line, column, token);
        }
        let (repo, before) = self.repo();
        let dir = repo.path();

        let render = fleetc(dir, &["render"]);
        assert_findings(&render, "`fleetc render`");
        assert!(
            render.stderr.contains(&format!("error[{}]", expected.code)),
            "`fleetc render` shows no error[{}]:\n{}",
            expected.code,
            render.stderr
        );
        let after = snapshot(&dir.join("out"));
        assert!(
            before == after,
            "`fleetc render` of a broken fleet changed out/: {:?}",
            differences(&before, &after)
        );

        let validate = fleetc(dir, &["validate", "--format", "json"]);
        assert_findings(&validate, "`fleetc validate --format json`");
        let json = validate.json();
        let diagnostics = json.as_array().expect("a JSON array of diagnostics");
        assert_sorted(diagnostics);
        assert!(
            diagnostics.iter().any(|d| expected.matches(d)),
            "expected {}\nfleetc reported:\n{}",
            expected.describe(),
            listing(diagnostics)
        );
    }

    /// Checks the expectation itself: the file this breakage writes has `token` at `line:column`
    /// (columns count characters; undecodable bytes read as U+FFFD).
    #[track_caller]
    fn check_token(&self, file: &str, line: u64, column: u64, token: &str) {
        let bytes = self.changes.iter().rev().find_map(|c| match c {
            Change::Write(path, bytes) if path == file => Some(bytes.clone()),
            _ => None,
        });
        let bytes = bytes.unwrap_or_else(|| {
            fs::read(repo_root().join(BASE).join(file)).expect("a base fleet file")
        });
        let text = String::from_utf8_lossy(&bytes);
        let line_text = text
            .lines()
            .nth(usize::try_from(line).expect("line") - 1)
            .unwrap_or_else(|| panic!("{file} has no line {line}"));
        let rest: String = line_text
            .chars()
            .skip(usize::try_from(column).expect("column") - 1)
            .collect();
        assert!(
            rest.starts_with(token),
            "the expectation is wrong: {file}:{line}:{column} is {rest:?}, not {token:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The base fleet itself
// ---------------------------------------------------------------------------------------------

#[test]
fn the_base_fleet_is_valid() {
    let repo = base_repo();
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(run.json(), serde_json::json!([]), "no findings at all");
    fleetc(repo.path(), &["render"]).expect_code(0);
    assert!(!snapshot(&repo.path().join("out")).is_empty());
}

/// Issue 10: a fleet with ten mistakes took five runs of `validate` to show them all, because
/// some checks only ran once earlier ones passed. Ten independent mistakes, in nine files and
/// every stage (reading YAML, schemas, credentials, the fleet as a whole, selectors, expiry,
/// value templates), are all reported in one run.
#[test]
fn ten_independent_mistakes_are_reported_in_one_run() {
    let repo = base_repo();
    Broken::new()
        // 1. a field the schema does not know (pass 1), in the Fleet itself
        .write(
            FLEET,
            &fs::read_to_string(repo_root().join(BASE).join(FLEET))
                .unwrap()
                .replace("  hubs:\n", "  colour: blue\n  hubs:\n"),
        )
        // 2. a label value Kubernetes rejects (pass 2)
        .write(
            PROD_EU_1,
            &fs::read_to_string(repo_root().join(BASE).join(PROD_EU_1))
                .unwrap()
                .replace(
                    "    team: payments\n",
                    "    team: payments\n    tier: gold medal\n",
                ),
        )
        // 3. a misspelt field (pass 1), in a cluster that still resolves
        .write(
            DEV_US_1,
            &fs::read_to_string(repo_root().join(BASE).join(DEV_US_1))
                .unwrap()
                .replace(
                    "  region: us-central1\n",
                    "  region: us-central1\n  zone: a\n",
                ),
        )
        // 4. a hub the Fleet does not declare (pass 2)
        .write(
            "fleet/clusters/dev-ap-1.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-ap-1
spec:
  provider: aws
  region: ap-south-1
  environment: dev
  hub: hub-ap
  connection:
    secretStore: {name: aws-eu}
"#,
        )
        // 5. an ephemeral cluster past its expiry (pass 2)
        .write(
            "fleet/clusters/preview-1.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: preview-1
spec:
  provider: aws
  region: eu-west-1
  environment: dev
  hub: hub-eu
  expires: 2020-01-01
  connection:
    secretStore: {name: aws-eu}
"#,
        )
        // 6. a misspelt selector key (the label vocabulary)
        .write(
            INGRESS_NGINX,
            &ingress_with_requirement("{key: envirnoment, operator: In, values: [prod]}"),
        )
        // 7. a credential in values (pass 1)
        .write(
            PAYMENTS_API,
            &fs::read_to_string(repo_root().join(BASE).join(PAYMENTS_API))
                .unwrap()
                .replace("  values:\n", "  values:\n    password: hunter2\n"),
        )
        // 8. a value template that reads what no cluster has (rendering)
        .write(
            PLATFORM_RBAC,
            &(fs::read_to_string(repo_root().join(BASE).join(PLATFORM_RBAC))
                .unwrap()
                .replace(
                    "    kustomize:\n      namePrefix: platform-\n",
                    "    helm: {}\n",
                )
                + "  values:\n    owner: \"{{ cluster.annotations.owner }}\"\n"),
        )
        // 9. the same app name twice (pass 2)
        .write(
            "fleet/apps/payments-api-copy.yaml",
            &fs::read_to_string(repo_root().join(BASE).join(PAYMENTS_API)).unwrap(),
        )
        // 10. a file that is not YAML (load)
        .write("fleet/apps/notes.yaml", "a: [unclosed\n")
        .apply(repo.path());
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    assert_findings(&run, "`fleetc validate`");
    let json = run.json();
    let found: Vec<(String, String)> = json
        .as_array()
        .expect("an array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("unknown-field", FLEET),
        ("label-value", PROD_EU_1),
        ("unknown-field", DEV_US_1),
        ("unknown-hub", "fleet/clusters/dev-ap-1.yaml"),
        ("expiry", "fleet/clusters/preview-1.yaml"),
        ("label-vocabulary", INGRESS_NGINX),
        ("credential", PAYMENTS_API),
        ("value-template", PLATFORM_RBAC),
        // The copy sorts first, so the original is the second declaration.
        ("duplicate-name", PAYMENTS_API),
        ("yaml-syntax", "fleet/apps/notes.yaml"),
    ];
    for (code, file) in expected {
        assert!(
            found.iter().any(|(c, f)| c == code && f == file),
            "{code} in {file} is missing:\n{}",
            listing(json.as_array().unwrap())
        );
    }
    assert_eq!(
        found.len(),
        expected.len(),
        "only the ten mistakes, no follow-on findings:\n{}",
        listing(json.as_array().unwrap())
    );
}

#[test]
fn the_private_key_fixture_is_a_private_key() {
    use base64::Engine as _;
    let pem = base64::engine::general_purpose::STANDARD
        .decode(PRIVATE_KEY_DATA)
        .expect("base64");
    let pem = String::from_utf8(pem).expect("text");
    assert!(pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{pem}");
}

// ---------------------------------------------------------------------------------------------
// Reading files: encoding, YAML syntax, YAML features fleetc refuses
// ---------------------------------------------------------------------------------------------

#[test]
fn a_file_that_is_not_utf8() {
    // An editor set to Latin-1 wrote the `é` as the single byte 0xE9.
    let text = r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    owner: René
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#;
    Broken::new()
        .write_bytes(DEV_US_1, latin1(&fixture_text(text)))
        .expect(
            error("encoding")
                .at(DEV_US_1, 8, 15, "\u{FFFD}")
                .message("UTF-8"),
        );
}

#[test]
fn a_utf8_byte_order_mark_is_fine() {
    // Editors on Windows often start UTF-8 files with a byte order mark; YAML allows one.
    let repo = base_repo();
    let path = repo.path().join(PAYMENTS_API);
    let text = fs::read_to_string(&path).expect("read fleet file");
    fs::write(&path, format!("\u{FEFF}{text}")).expect("write fleet file");
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(run.json(), serde_json::json!([]), "no findings at all");
}

#[test]
fn yaml_syntax_error() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1: east
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("yaml-syntax")
                .at(DEV_US_1, 11, 22, ": east")
                .message("mapping values are not allowed"),
        );
}

#[test]
fn tab_indentation() {
    // `<TAB>` stands for a tab character.
    let text = r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
<TAB>path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
"#
    .replace("<TAB>", "\t");
    Broken::new().write(PAYMENTS_API, &text).expect(
        error("yaml-syntax")
            .at(PAYMENTS_API, 8, 1, "\tpath")
            .message("tab"),
    );
}

#[test]
fn duplicate_key_in_a_block_mapping() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  region: us-east1
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("duplicate-key")
                .at(DEV_US_1, 13, 3, "region")
                .message("region"),
        );
}

#[test]
fn duplicate_key_in_a_flow_mapping() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels: {team: search, tier: dev, team: infra}
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("duplicate-key")
                .at(DEV_US_1, 5, 37, "team: infra")
                .message("team"),
        );
}

#[test]
fn duplicate_top_level_key_after_a_nested_mapping() {
    // The second `metadata` comes after other mappings; it is the one to point at.
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
metadata:
  annotations:
    ingress_domain_name: dev.us.acme.example
"#,
        )
        .expect(
            error("duplicate-key")
                .at(DEV_US_1, 15, 1, "metadata")
                .message("metadata"),
        );
}

#[test]
fn duplicate_key_after_keys_that_only_look_alike() {
    // `"1"` (a string) and `1` (a number) are different YAML keys; the duplicate is `spec`.
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    "1": search
    1: infra
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
spec:
  provider: gcp
"#,
        )
        .expect(
            error("duplicate-key")
                .at(DEV_US_1, 16, 1, "spec")
                .message("spec"),
        );
}

#[test]
fn keys_that_become_the_same_string() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }}"
    ports:
      "8080": http
      8080: metrics
"#,
        )
        .expect(
            error("duplicate-key")
                .at(PAYMENTS_API, 21, 7, "8080: metrics")
                .message("8080"),
        );
}

#[test]
fn yaml_tag() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: !secret us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("unsupported-yaml")
                .at(DEV_US_1, 11, 11, "!secret")
                .message("!secret"),
        );
}

#[test]
fn yaml_merge_key() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels: &labels
    team: search
  annotations:
    <<: *labels
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("unsupported-yaml")
                .at(DEV_US_1, 8, 5, "<<")
                .message("merge keys")
                .help("ClusterTemplate"),
        );
}

#[test]
fn yaml_number_json_cannot_hold() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }}"
    ratio: .nan
"#,
        )
        .expect(
            error("unsupported-yaml")
                .at(PAYMENTS_API, 19, 12, ".nan")
                .message(".nan"),
        );
}

#[test]
fn alias_bomb_is_refused_not_expanded() {
    // Nine levels of ten aliases each would expand to a billion strings.
    Broken::new()
        .write(
            "fleet/apps/bomb.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: bomb
spec:
  source:
    repoURL: https://github.com/acme/bomb.git
    chart: bomb
  destination:
    namespace: bomb
  values:
    a0: &a0 [x, x, x, x, x, x, x, x, x, x]
    a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
    a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
    a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
    a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
    a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
    a6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
    a7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
    a8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
"#,
        )
        .expect(
            error("yaml-syntax")
                .in_file("fleet/apps/bomb.yaml")
                .message("limit"),
        );
}

#[test]
fn nesting_too_deep_is_refused_without_overflowing_the_stack() {
    let text = format!(
        r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: deep
spec:
  source:
    repoURL: https://github.com/acme/deep.git
    chart: deep
  destination:
    namespace: deep
  values:
    deep: {}{}
"#,
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    Broken::new().write("fleet/apps/deep.yaml", &text).expect(
        error("yaml-syntax")
            .in_file("fleet/apps/deep.yaml")
            .message("recursion limit"),
    );
}

// ---------------------------------------------------------------------------------------------
// Documents: mapping, kind, apiVersion
// ---------------------------------------------------------------------------------------------

#[test]
fn a_document_that_is_not_a_mapping() {
    Broken::new()
        .write(
            "fleet/clusters/next-quarter.yaml",
            r#"
# Clusters to add next quarter
- prod-us-2
- prod-eu-3
"#,
        )
        .expect(
            error("not-an-object")
                .at("fleet/clusters/next-quarter.yaml", 2, 1, "- prod-us-2")
                .message("mapping"),
        );
}

#[test]
fn a_second_document_that_is_not_a_mapping() {
    Broken::new()
        .write(
            "fleet/apps/guestbook.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: guestbook
spec:
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps.git
    path: helm-guestbook
  destination:
    namespace: guestbook
---
- guestbook-eu
- guestbook-us
"#,
        )
        .expect(
            error("not-an-object")
                .at("fleet/apps/guestbook.yaml", 12, 1, "- guestbook-eu")
                .message("mapping"),
        );
}

#[test]
fn missing_kind() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
metadata:
  name: dev-us-1
spec:
  provider: gcp
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("unknown-kind")
                .at(DEV_US_1, 1, 1, "apiVersion")
                .message("no `kind`")
                .help("Cluster"),
        );
}

#[test]
fn unknown_kind_suggests_the_right_one() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Clustr
metadata:
  name: dev-us-1
spec:
  provider: gcp
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("unknown-kind")
                .at(DEV_US_1, 2, 7, "Clustr")
                .message("`Clustr`")
                .help("did you mean `Cluster`"),
        );
}

#[test]
fn wrong_api_version() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1beta1
kind: Cluster
metadata:
  name: dev-us-1
spec:
  provider: gcp
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("api-version")
                .at(DEV_US_1, 1, 13, "fleetc.dev/v1beta1")
                .message("fleetc.dev/v1beta1")
                .help("fleetc.dev/v1alpha1"),
        );
}

#[test]
fn missing_api_version() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
kind: Cluster
metadata:
  name: dev-us-1
spec:
  provider: gcp
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("api-version")
                .at(DEV_US_1, 1, 1, "kind")
                .message("no apiVersion")
                .help("fleetc.dev/v1alpha1"),
        );
}

// ---------------------------------------------------------------------------------------------
// The schema: unknown fields, types, enums, patterns, required fields, one-of objects
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_field_in_cluster_spec() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  regoin: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("unknown-field")
                .at(DEV_US_1, 11, 3, "regoin")
                .message("`regoin`")
                .help("did you mean `region`"),
        );
}

#[test]
fn unknown_field_in_app_spec() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placment:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }}"
"#,
        )
        .expect(
            error("unknown-field")
                .at(PAYMENTS_API, 12, 3, "placment")
                .message("`placment`")
                .help("did you mean `placement`"),
        );
}

#[test]
fn unknown_field_in_a_cluster_template() {
    Broken::new()
        .write(
            TEMPLATE,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: eks-standard-v1
template:
  metadata:
    labels:
      tier: standard
  spec:
    provider: aws
    environment: prod
    regoin: eu-west-1
"#,
        )
        .expect(
            error("unknown-field")
                .at(TEMPLATE, 12, 5, "regoin")
                .message("`regoin`")
                .help("did you mean `region`"),
        );
}

#[test]
fn unquoted_kubernetes_version_is_a_number() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  kubernetesVersion: 1.30
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("wrong-type")
                .at(DEV_US_1, 13, 22, "1.30")
                .message("kubernetesVersion")
                .message("string")
                .help("kubernetesVersion: \"1.30\""),
        );
}

#[test]
fn wrong_type_a_string_where_a_list_goes() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: dev-us-1
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }}"
"#,
        )
        .expect(
            error("wrong-type")
                .at(PAYMENTS_API, 15, 15, "dev-us-1")
                .message("placement.clusters")
                .message("list"),
        );
}

#[test]
fn bad_enum_value_suggests_the_right_case() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: GCP
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("invalid-value")
                .at(DEV_US_1, 10, 13, "GCP")
                .message("`GCP`")
                .help("did you mean `gcp`"),
        );
}

#[test]
fn bad_pattern_in_the_fleet() {
    Broken::new()
        .write(
            FLEET,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme
spec:
  repo:
    url: https://github.com/acme/fleet.git
    targetRevision: main
  hubs:
    - name: hub-eu
    - name: hub-us
  secretStores:
    - name: aws-eu
      provider: aws
    - name: gcp-us
      provider: gcp
      refreshInterval: 1 hour
  defaults:
    metadata:
      labels:
        managed-by: platform
    spec:
      kubernetesVersion: "1.33"
"#,
        )
        .expect(
            error("invalid-value")
                .at(FLEET, 17, 24, "1 hour")
                .message("refreshInterval")
                .message("duration"),
        );
}

#[test]
fn number_below_its_minimum() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  argocd:
    shard: -1
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("invalid-value")
                .at(DEV_US_1, 15, 12, "-1")
                .message("shard"),
        );
}

#[test]
fn app_without_destination() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }}"
"#,
        )
        .expect(
            error("missing-field")
                .at(PAYMENTS_API, 5, 1, "spec")
                .message("`destination`"),
        );
}

#[test]
fn name_that_is_not_a_dns_label() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: Prod_1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("invalid-name")
                .at(DEV_US_1, 4, 9, "Prod_1")
                .message("`Prod_1`")
                .message("DNS-1123"),
        );
}

#[test]
fn two_connection_forms() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
    inCluster: true
"#,
        )
        .expect(
            error("invalid-value")
                .at(DEV_US_1, 14, 3, "connection")
                .message("`secretStore`")
                .message("`inCluster`")
                .message("exactly one"),
        );
}

#[test]
fn empty_connection() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection: {}
"#,
        )
        .expect(
            error("invalid-value")
                .at(DEV_US_1, 14, 3, "connection")
                .message("empty")
                .help("`secretStore`"),
        );
}

#[test]
fn empty_spec() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
spec:
"#,
        )
        .expect(
            error("wrong-type")
                .at(DEV_US_1, 7, 1, "spec")
                .message("`spec` must be a mapping"),
        );
}

// ---------------------------------------------------------------------------------------------
// The fleet as a whole: one Fleet, unique names
// ---------------------------------------------------------------------------------------------

#[test]
fn no_fleet_document() {
    Broken::new().remove(FLEET).expect(
        error("missing-fleet")
            .message("no Fleet document")
            .help("kind: Fleet"),
    );
}

#[test]
fn two_fleet_documents() {
    // fleet/second-fleet.yaml sorts after fleet/fleet.yaml: it is the second Fleet.
    Broken::new()
        .write(
            "fleet/second-fleet.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme-eu
spec:
  hubs:
    - name: hub-eu
"#,
        )
        .expect(
            error("duplicate-fleet")
                .at("fleet/second-fleet.yaml", 2, 7, "Fleet")
                .message("fleet/fleet.yaml"),
        );
}

#[test]
fn duplicate_cluster_name_across_files() {
    // prod-eu-2.yaml sorts after prod-eu-1.yaml: its `prod-eu-1` is the second declaration.
    Broken::new()
        .write(
            "fleet/clusters/prod-eu-2.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: prod-eu-1
spec:
  template: eks-standard-v1
  region: eu-west-2
  hub: hub-eu
  connection:
    secretStore:
      name: aws-eu
"#,
        )
        .expect(
            error("duplicate-name")
                .at("fleet/clusters/prod-eu-2.yaml", 4, 9, "prod-eu-1")
                .message("cluster `prod-eu-1`")
                .message("fleet/clusters/prod-eu-1.yaml:4:9"),
        );
}

#[test]
fn duplicate_app_name_across_files() {
    // fleet/apps/teams/ sorts after fleet/apps/payments-api.yaml.
    Broken::new()
        .write(
            "fleet/apps/teams/payments-api.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
  destination:
    namespace: payments
"#,
        )
        .expect(
            error("duplicate-name")
                .at("fleet/apps/teams/payments-api.yaml", 4, 9, "payments-api")
                .message("app `payments-api`")
                .message("fleet/apps/payments-api.yaml:4:9"),
        );
}

#[test]
fn duplicate_hub_name_in_the_fleet() {
    Broken::new()
        .write(
            FLEET,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme
spec:
  repo:
    url: https://github.com/acme/fleet.git
    targetRevision: main
  hubs:
    - name: hub-eu
    - name: hub-us
    - name: hub-eu
  secretStores:
    - name: aws-eu
      provider: aws
    - name: gcp-us
      provider: gcp
  defaults:
    metadata:
      labels:
        managed-by: platform
    spec:
      kubernetesVersion: "1.33"
"#,
        )
        .expect(
            error("duplicate-name")
                .at(FLEET, 12, 13, "hub-eu")
                .message("hub `hub-eu`")
                .message("fleet/fleet.yaml:10:13"),
        );
}

#[test]
fn duplicate_secret_store_name_in_the_fleet() {
    Broken::new()
        .write(
            FLEET,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme
spec:
  repo:
    url: https://github.com/acme/fleet.git
    targetRevision: main
  hubs:
    - name: hub-eu
    - name: hub-us
  secretStores:
    - name: aws-eu
      provider: aws
    - name: gcp-us
      provider: gcp
    - name: aws-eu
      provider: vault
  defaults:
    metadata:
      labels:
        managed-by: platform
    spec:
      kubernetesVersion: "1.33"
"#,
        )
        .expect(
            error("duplicate-name")
                .at(FLEET, 17, 13, "aws-eu")
                .message("secret store `aws-eu`"),
        );
}

// ---------------------------------------------------------------------------------------------
// References: hubs, templates, secret stores, clusters
// ---------------------------------------------------------------------------------------------

#[test]
fn cluster_names_an_unknown_hub() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-usa
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("unknown-hub")
                .at(DEV_US_1, 13, 8, "hub-usa")
                .message("`hub-usa`")
                .help("did you mean `hub-us`"),
        );
}

#[test]
fn cluster_names_an_unknown_template() {
    Broken::new()
        .write(
            PROD_EU_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: prod-eu-1
  labels:
    team: payments
  annotations:
    ingress_domain_name: eu.acme.example
spec:
  template: eks-standrd-v1
  region: eu-west-1
  hub: hub-eu
  connection:
    eks:
      server: https://5A43A661C1A832B0AA8BF8DD3762FC43.gr7.eu-west-1.eks.amazonaws.com
      caData: ${CA_DATA}
      roleARN: arn:aws:iam::111122223333:role/argocd-hub-eu
"#,
        )
        .expect(
            error("unknown-template")
                .at(PROD_EU_1, 10, 13, "eks-standrd-v1")
                .message("`eks-standrd-v1`")
                .help("did you mean `eks-standard-v1`"),
        );
}

#[test]
fn cluster_names_an_unknown_secret_store() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-use
"#,
        )
        .expect(
            error("unknown-secret-store")
                .at(DEV_US_1, 16, 13, "gcp-use")
                .message("`gcp-use`")
                .help("did you mean `gcp-us`"),
        );
}

#[test]
fn app_places_on_an_unknown_cluster() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-2]
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }}"
"#,
        )
        .expect(
            error("unknown-cluster")
                .at(PAYMENTS_API, 15, 16, "dev-us-2")
                .message("`dev-us-2`")
                .help("did you mean `dev-us-1`"),
        );
}

#[test]
fn app_excludes_an_unknown_cluster() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - {key: region, operator: In, values: [eu-central-1, eu-west-1, us-central1]}
    exclude:
      - hub-eu
      - hub-west
"#,
        )
        .expect(
            error("unknown-cluster")
                .at(INGRESS_NGINX, 20, 9, "hub-west")
                .message("`hub-west`")
                .message("placement.exclude"),
        );
}

#[test]
fn secret_store_key_the_backend_rejects() {
    // GCP Secret Manager ids allow no `/`.
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
      key: clusters/dev-us-1
"#,
        )
        .expect(
            error("connection")
                .at(DEV_US_1, 17, 12, "clusters/dev-us-1")
                .message("`clusters-dev-us-1`"),
        );
}

// ---------------------------------------------------------------------------------------------
// Merging defaults < template < cluster
// ---------------------------------------------------------------------------------------------

#[test]
fn cluster_without_provider_after_merge() {
    // No template and no Fleet default sets `provider` either.
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("missing-field")
                .at(DEV_US_1, 9, 1, "spec")
                .message("cluster `dev-us-1`")
                .message("`spec.provider`"),
        );
}

#[test]
fn unknown_secret_store_in_a_template_is_reported_in_the_template() {
    // prod-eu-1 takes its connection from its template.
    Broken::new()
        .write(
            TEMPLATE,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: eks-standard-v1
template:
  metadata:
    labels:
      tier: standard
  spec:
    provider: aws
    environment: prod
    connection:
      secretStore:
        name: aws-east
"#,
        )
        .write(
            PROD_EU_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: prod-eu-1
  labels:
    team: payments
  annotations:
    ingress_domain_name: eu.acme.example
spec:
  template: eks-standard-v1
  region: eu-west-1
  hub: hub-eu
"#,
        )
        .expect(
            error("unknown-secret-store")
                .at(TEMPLATE, 14, 15, "aws-east")
                .message("cluster `prod-eu-1`")
                .message("`aws-east`"),
        );
}

#[test]
fn unknown_hub_in_the_fleet_defaults_is_reported_in_the_defaults() {
    // dev-us-1 sets no hub of its own, so it takes the default.
    Broken::new()
        .write(
            FLEET,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme
spec:
  repo:
    url: https://github.com/acme/fleet.git
    targetRevision: main
  hubs:
    - name: hub-eu
    - name: hub-us
  secretStores:
    - name: aws-eu
      provider: aws
    - name: gcp-us
      provider: gcp
  defaults:
    metadata:
      labels:
        managed-by: platform
    spec:
      kubernetesVersion: "1.33"
      hub: hub-ap
"#,
        )
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("unknown-hub")
                .at(FLEET, 23, 12, "hub-ap")
                .message("cluster `dev-us-1`")
                .message("`hub-ap`"),
        );
}

// ---------------------------------------------------------------------------------------------
// Labels and annotations
// ---------------------------------------------------------------------------------------------

#[test]
fn user_label_reuses_a_builtin_key() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
    region: us-central1
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("reserved-label")
                .at(DEV_US_1, 7, 5, "region")
                .message("`region`")
                .help("spec.region"),
        );
}

#[test]
fn builtin_label_in_a_template_is_reported_in_the_template() {
    Broken::new()
        .write(
            TEMPLATE,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: eks-standard-v1
template:
  metadata:
    labels:
      tier: standard
      environment: prod
  spec:
    provider: aws
    environment: prod
"#,
        )
        .expect(
            error("reserved-label")
                .at(TEMPLATE, 9, 7, "environment")
                .message("`environment`"),
        );
}

#[test]
fn label_key_kubernetes_rejects() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
    cost center: r-and-d
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("label-key")
                .at(DEV_US_1, 7, 5, "cost center")
                .message("`cost center`"),
        );
}

#[test]
fn label_value_longer_than_63_characters() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
    owner: search-platform-and-relevance-engineering-team-us-central-zone-1
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("label-value")
                .at(DEV_US_1, 7, 12, "search-platform")
                .message("`owner`")
                .message("63"),
        );
}

#[test]
fn label_value_with_a_slash() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
    repo: acme/search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("label-value")
                .at(DEV_US_1, 7, 11, "acme/search")
                .message("`repo`"),
        );
}

#[test]
fn builtin_field_that_is_not_a_label_value() {
    // `spec.environment` becomes the `environment` label.
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev sandbox
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("label-value")
                .at(DEV_US_1, 12, 16, "dev sandbox")
                .message("`dev sandbox`"),
        );
}

#[test]
fn annotation_key_kubernetes_rejects() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
    acme_com/owner: search-team
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .expect(
            error("label-key")
                .at(DEV_US_1, 9, 5, "acme_com/owner")
                .message("annotation key `acme_com/owner`"),
        );
}

#[test]
fn app_label_in_the_fleetc_prefix() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
    fleetc.dev/app: ingress
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
"#,
        )
        .expect(
            error("reserved-label")
                .at(INGRESS_NGINX, 7, 5, "fleetc.dev/app")
                .message("`fleetc.dev/app`"),
        );
}

// ---------------------------------------------------------------------------------------------
// Label selectors (placement and overrides), as apimachinery compiles them
// ---------------------------------------------------------------------------------------------

#[test]
fn selector_operator_is_case_sensitive() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - {key: region, operator: in, values: [eu-central-1, eu-west-1, us-central1]}
"#,
        )
        .expect(
            error("invalid-value")
                .at(INGRESS_NGINX, 17, 35, "in,")
                .message("`in`")
                .help("did you mean `In`"),
        );
}

#[test]
fn selector_in_without_values() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - key: region
          operator: In
          values: []
"#,
        )
        .expect(
            error("selector")
                .at(INGRESS_NGINX, 19, 19, "[]")
                .message("In"),
        );
}

#[test]
fn selector_exists_with_values() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - key: region
          operator: Exists
          values: [eu-west-1]
"#,
        )
        .expect(
            error("selector")
                .at(INGRESS_NGINX, 19, 19, "[eu-west-1]")
                .message("Exists"),
        );
}

#[test]
fn selector_expression_key_invalid() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - key: "cloud region"
          operator: Exists
"#,
        )
        .expect(
            error("selector")
                .at(INGRESS_NGINX, 17, 16, "\"cloud region\"")
                .message("cloud region"),
        );
}

#[test]
fn selector_match_labels_key_with_invalid_name() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team_: payments}
    clusters: [dev-us-1]
"#,
        )
        .expect(
            error("selector")
                .at(PAYMENTS_API, 14, 21, "team_")
                .message("team_"),
        );
}

#[test]
fn selector_match_labels_key_with_invalid_prefix() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {Acme.com/team: payments}
    clusters: [dev-us-1]
"#,
        )
        .expect(
            error("selector")
                .at(PAYMENTS_API, 14, 21, "Acme.com/team")
                .message("Acme.com"),
        );
}

#[test]
fn selector_match_labels_value_invalid() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments/api}
    clusters: [dev-us-1]
"#,
        )
        .expect(
            error("selector")
                .at(PAYMENTS_API, 14, 27, "payments/api")
                .message("payments/api"),
        );
}

#[test]
fn selector_expression_value_invalid() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - key: region
          operator: In
          values:
            - eu-central-1
            - eu west 1
"#,
        )
        .expect(
            error("selector")
                .at(INGRESS_NGINX, 21, 15, "eu west 1")
                .message("eu west 1"),
        );
}

#[test]
fn override_selector_invalid() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - {key: region, operator: In, values: [eu-central-1, eu-west-1, us-central1]}
  values:
    controller:
      replicaCount: 1
      hostname: "ingress.{{ cluster.name }}.acme.example"
  overrides:
    - selector:
        matchLabels: {environment: prod/eu}
      values:
        controller:
          replicaCount: 3
"#,
        )
        .expect(
            error("selector")
                .at(INGRESS_NGINX, 24, 36, "prod/eu")
                .message("prod/eu"),
        );
}

// ---------------------------------------------------------------------------------------------
// The label vocabulary (issue 10): a selector key no cluster carries and the Fleet does not
// declare is a typo, not a plan; a declared vocabulary also binds clusters and selector values
// ---------------------------------------------------------------------------------------------

/// ingress-nginx placed by one requirement on `placement.selector` (line 17).
fn ingress_with_requirement(requirement: &str) -> String {
    format!(
        r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - {requirement}
"#
    )
}

#[test]
fn selector_key_misspelt_with_not_in_would_match_every_cluster() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            &ingress_with_requirement("{key: envirnoment, operator: NotIn, values: [prod]}"),
        )
        .expect(
            error("label-vocabulary")
                .at(INGRESS_NGINX, 17, 17, "envirnoment")
                .message("no cluster carries the label `envirnoment`")
                .help("did you mean `environment`?"),
        );
}

#[test]
fn selector_key_misspelt_with_in() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            &ingress_with_requirement("{key: regoin, operator: In, values: [eu-west-1]}"),
        )
        .expect(
            error("label-vocabulary")
                .at(INGRESS_NGINX, 17, 17, "regoin")
                .help("did you mean `region`?"),
        );
}

#[test]
fn selector_key_misspelt_with_exists() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            &ingress_with_requirement("{key: teem, operator: Exists}"),
        )
        .expect(
            error("label-vocabulary")
                .at(INGRESS_NGINX, 17, 17, "teem")
                .help("did you mean `team`?"),
        );
}

#[test]
fn selector_key_misspelt_in_match_labels() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {tema: payments}
"#,
        )
        .expect(
            error("label-vocabulary")
                .at(PAYMENTS_API, 14, 21, "tema")
                .help("did you mean `team`?"),
        );
}

#[test]
fn selector_key_misspelt_in_an_override() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  values:
    replicaCount: 1
  overrides:
    - selector: {matchLabels: {tier: standard, enviroment: prod}}
      values:
        replicaCount: 3
"#,
        )
        .expect(
            error("label-vocabulary")
                .at(INGRESS_NGINX, 15, 48, "enviroment")
                .help("did you mean `environment`?"),
        );
}

/// The base fleet's Fleet with a label vocabulary (lines 14 to 19).
const FLEET_WITH_LABELS: &str = r#"
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme
spec:
  repo:
    url: https://github.com/acme/fleet.git
    targetRevision: main
  hubs:
    - name: hub-eu
    - name: hub-us
  labels:
    environment: {values: [dev, staging, prod]}
    team: {description: Who runs workloads there, values: [payments, search, platform]}
    tier: {values: [critical, standard]}
    role: {values: [hub]}
    managed-by: {values: [platform]}
    wave: {description: Rollout wave, values: ["1", "2"]}
  secretStores:
    - name: aws-eu
      provider: aws
    - name: gcp-us
      provider: gcp
  defaults:
    metadata:
      labels:
        managed-by: platform
    spec:
      kubernetesVersion: "1.33"
"#;

#[test]
fn a_declared_key_no_cluster_carries_yet_is_accepted() {
    let repo = base_repo();
    Broken::new()
        .write(FLEET, FLEET_WITH_LABELS)
        .write(
            INGRESS_NGINX,
            &ingress_with_requirement("{key: wave, operator: In, values: [\"1\"]}"),
        )
        .apply(repo.path());
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(0);
    let run = fleetc(repo.path(), &["ls", "labels", "--format", "json"]);
    run.expect_code(0);
    let wave = run
        .json()
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["key"] == "wave")
        .cloned()
        .expect("wave is listed");
    assert_eq!(wave["clusters"], 0);
    assert_eq!(wave["declared"]["description"], "Rollout wave");
}

#[test]
fn a_selector_value_outside_the_declared_values() {
    Broken::new()
        .write(FLEET, FLEET_WITH_LABELS)
        .write(
            INGRESS_NGINX,
            &ingress_with_requirement("{key: environment, operator: In, values: [prod, prdo]}"),
        )
        .expect(
            error("label-vocabulary")
                .at(INGRESS_NGINX, 17, 59, "prdo")
                .message("`prdo` is not one of the values the Fleet allows for label `environment`")
                .help("did you mean `prod`?"),
        );
}

#[test]
fn a_cluster_label_value_outside_the_declared_values() {
    Broken::new()
        .write(FLEET, FLEET_WITH_LABELS)
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: serach
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore: {name: gcp-us}
"#,
        )
        .expect(
            error("label-vocabulary")
                .at(DEV_US_1, 6, 11, "serach")
                .help("did you mean `search`?"),
        );
}

#[test]
fn a_cluster_label_key_outside_the_declared_vocabulary() {
    Broken::new()
        .write(FLEET, FLEET_WITH_LABELS)
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    teams: search
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore: {name: gcp-us}
"#,
        )
        .expect(
            error("label-vocabulary")
                .at(DEV_US_1, 6, 5, "teams")
                .message("label `teams` is not in the fleet's label vocabulary")
                .help("did you mean `team`?"),
        );
}

#[test]
fn a_built_in_value_outside_the_declared_values() {
    Broken::new()
        .write(FLEET, FLEET_WITH_LABELS)
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
spec:
  provider: gcp
  region: us-central1
  environment: develop
  hub: hub-us
  connection:
    secretStore: {name: gcp-us}
"#,
        )
        .expect(
            error("label-vocabulary")
                .at(DEV_US_1, 10, 16, "develop")
                .help("expected one of `dev`, `staging`, `prod`"),
        );
}

// ---------------------------------------------------------------------------------------------
// Templates only where fleetc evaluates them (issue 9): anywhere else Argo CD would get the
// braces literally, on every cluster
// ---------------------------------------------------------------------------------------------

#[test]
fn template_syntax_in_vars() {
    // Issue 9: vars are data that templates read; a template in one would reach Argo CD as it is.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: "{{ vars.revision }}"
  destination:
    namespace: payments
  vars:
    revision: "{{ cluster.labels.version }}"
"#,
        )
        .expect(
            error("unevaluated-template")
                .at(PAYMENTS_API, 13, 15, "\"{{")
                .message("`spec.vars.revision` holds template syntax")
                .help("`vars` are data"),
        );
}

#[test]
fn template_in_a_source_field_with_an_undefined_name() {
    // Issue 9: a templated `targetRevision` is evaluated per cluster, as strictly as values:
    // payments-api lands on prod-eu-1 and dev-us-1, and neither has a `version` label.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: "v{{ cluster.labels.version }}"
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
"#,
        )
        .expect(
            error("value-template")
                .at(PAYMENTS_API, 9, 21, "\"v{{ cluster")
                .message("template of app `payments-api` fails on 2 clusters")
                .message("`cluster.labels.version` is undefined"),
        );
}

#[test]
fn templated_namespace_that_is_not_a_namespace() {
    // Issue 9: what a template produces is checked as its field requires, per cluster.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
  destination:
    namespace: "payments-{{ cluster.annotations.ingress_domain_name }}"
  placement:
    selector:
      matchLabels: {team: payments}
"#,
        )
        .expect(
            error("value-template")
                .at(PAYMENTS_API, 10, 16, "\"payments-{{")
                .message("on cluster `prod-eu-1`")
                .message("`payments-eu.acme.example` is not a valid namespace"),
        );
}

#[test]
fn templated_version_that_reads_a_number() {
    // Issue 9: `1.10` in YAML is the number 1.1; a field that takes text says so rather than
    // deploying version 1.1.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    chart: api
    targetRevision: "{{ vars.chartVersion }}"
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
  vars:
    chartVersion: 1.10
"#,
        )
        .expect(
            error("value-template")
                .at(PAYMENTS_API, 9, 21, "\"{{ vars")
                .message("this produced a number (`1.1`)")
                .message("quote"),
        );
}

#[test]
fn a_helm_template_in_values_needs_the_raw_escape() {
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  source:
    repoURL: https://github.com/acme/platform-apps.git
    path: rbac
    targetRevision: main
  destination:
    namespace: kube-system
  values:
    release: "{{ .Release.Name }}"
"#,
        )
        .expect(
            error("value-template")
                .at(PLATFORM_RBAC, 13, 14, "\"{{ .Release")
                .help("{% raw %}"),
        );
}

// ---------------------------------------------------------------------------------------------
// Credentials: nothing secret may enter the fleet
// ---------------------------------------------------------------------------------------------

#[test]
fn bearer_token_in_a_cluster() {
    Broken::new()
        .write(
            PROD_EU_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: prod-eu-1
  labels:
    team: payments
  annotations:
    ingress_domain_name: eu.acme.example
spec:
  template: eks-standard-v1
  region: eu-west-1
  hub: hub-eu
  connection:
    eks:
      server: https://5A43A661C1A832B0AA8BF8DD3762FC43.gr7.eu-west-1.eks.amazonaws.com
      caData: ${CA_DATA}
      bearerToken: eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl
      roleARN: arn:aws:iam::111122223333:role/argocd-hub-eu
"#,
        )
        .expect(
            error("credential")
                .at(PROD_EU_1, 17, 7, "bearerToken")
                .message("`bearerToken`")
                .help("secretStore"),
        );
}

#[test]
fn private_key_as_ca_data() {
    let text = r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: prod-eu-1
  labels:
    team: payments
  annotations:
    ingress_domain_name: eu.acme.example
spec:
  template: eks-standard-v1
  region: eu-west-1
  hub: hub-eu
  connection:
    eks:
      server: https://5A43A661C1A832B0AA8BF8DD3762FC43.gr7.eu-west-1.eks.amazonaws.com
      caData: ${PRIVATE_KEY_DATA}
      roleARN: arn:aws:iam::111122223333:role/argocd-hub-eu
"#
    .replace("${PRIVATE_KEY_DATA}", PRIVATE_KEY_DATA);
    Broken::new().write(PROD_EU_1, &text).expect(
        error("credential")
            .at(PROD_EU_1, 16, 15, "LS0tLS1CRUdJTiBFQyBQUklWQVRF")
            .message("private key"),
    );
}

#[test]
fn password_in_app_values() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }}"
    database:
      password: hunter2
"#,
        )
        .expect(
            error("credential")
                .at(PAYMENTS_API, 20, 7, "password")
                .message("`password`")
                .help("existingSecret"),
        );
}

#[test]
fn credential_in_the_fleet_defaults() {
    Broken::new()
        .write(
            FLEET,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme
spec:
  repo:
    url: https://github.com/acme/fleet.git
    targetRevision: main
  hubs:
    - name: hub-eu
    - name: hub-us
  secretStores:
    - name: aws-eu
      provider: aws
    - name: gcp-us
      provider: gcp
  defaults:
    metadata:
      labels:
        managed-by: platform
      annotations:
        registry_password: hunter2
    spec:
      kubernetesVersion: "1.33"
"#,
        )
        .expect(
            error("credential")
                .at(FLEET, 22, 9, "registry_password")
                .message("`registry_password`"),
        );
}

// ---------------------------------------------------------------------------------------------
// Connections that cannot work
// ---------------------------------------------------------------------------------------------

#[test]
fn in_cluster_on_a_cluster_that_is_not_its_hub() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    inCluster: true
"#,
        )
        .expect(
            error("connection")
                .at(DEV_US_1, 15, 5, "inCluster")
                .message("`dev-us-1`")
                .message("`hub-us`"),
        );
}

#[test]
fn eks_connection_on_a_gcp_cluster() {
    Broken::new()
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  region: us-central1
  environment: dev
  hub: hub-us
  connection:
    eks:
      server: https://34.68.201.17
      caData: ${CA_DATA}
"#,
        )
        .expect(
            error("connection")
                .at(DEV_US_1, 15, 5, "eks")
                .message("`dev-us-1`")
                .message("gcp")
                .help("gke"),
        );
}

#[test]
fn ca_data_that_is_not_a_certificate() {
    // base64 of "not a certificate"
    Broken::new()
        .write(
            PROD_EU_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: prod-eu-1
  labels:
    team: payments
  annotations:
    ingress_domain_name: eu.acme.example
spec:
  template: eks-standard-v1
  region: eu-west-1
  hub: hub-eu
  connection:
    eks:
      server: https://5A43A661C1A832B0AA8BF8DD3762FC43.gr7.eu-west-1.eks.amazonaws.com
      caData: bm90IGEgY2VydGlmaWNhdGU=
      roleARN: arn:aws:iam::111122223333:role/argocd-hub-eu
"#,
        )
        .expect(
            error("invalid-value")
                .at(PROD_EU_1, 16, 15, "bm90IGEgY2VydGlmaWNhdGU=")
                .message("`caData`")
                .message("certificate"),
        );
}

// ---------------------------------------------------------------------------------------------
// Apps: sources and values
// ---------------------------------------------------------------------------------------------

#[test]
fn app_with_both_path_and_chart() {
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    path: charts/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
"#,
        )
        .expect(
            error("app-source")
                .at(INGRESS_NGINX, 11, 5, "chart")
                .message("`path`")
                .message("`chart`"),
        );
}

#[test]
fn app_with_source_and_sources() {
    // Issue 9: Argo CD takes `source` or `sources`, not both.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  source:
    repoURL: https://github.com/acme/platform-apps.git
    path: rbac
  sources:
    - repoURL: https://github.com/acme/platform-apps.git
      path: rbac-extra
  destination:
    namespace: kube-system
"#,
        )
        .expect(
            error("app-source")
                .at(PLATFORM_RBAC, 9, 3, "sources")
                .message("sets both `source` and `sources`"),
        );
}

#[test]
fn source_with_two_tools() {
    // Issue 9: one of helm, kustomize, directory or plugin per source, as Argo CD requires.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  sources:
    - repoURL: https://github.com/acme/platform-apps.git
      path: rbac
      directory: {recurse: true}
      kustomize: {namePrefix: platform-}
  destination:
    namespace: kube-system
"#,
        )
        .expect(
            error("app-source")
                .at(PLATFORM_RBAC, 10, 7, "kustomize")
                .message("`spec.sources[0]` gets both `directory` and `kustomize`"),
        );
}

#[test]
fn override_that_changes_a_sources_tool() {
    // Issue 9: an override merges into the source, so a tool it adds would join the app's.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  source:
    repoURL: https://github.com/acme/platform-apps.git
    path: rbac
    directory: {recurse: true}
  destination:
    namespace: kube-system
  overrides:
    - selector: {matchLabels: {environment: prod}}
      source:
        kustomize: {namePrefix: prod-}
"#,
        )
        .expect(
            error("app-source")
                .at(PLATFORM_RBAC, 15, 9, "kustomize")
                .message("`spec.overrides[0].source.kustomize`")
                .help("not its tool"),
        );
}

#[test]
fn override_that_sets_source_on_an_app_with_sources() {
    // Issue 9: merging `source` into an app with `sources` would give the Application both.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  sources:
    - repoURL: https://github.com/acme/platform-apps.git
      path: rbac
  destination:
    namespace: kube-system
  overrides:
    - selector: {matchLabels: {environment: prod}}
      source:
        targetRevision: v2
"#,
        )
        .expect(
            error("app-source")
                .at(PLATFORM_RBAC, 13, 7, "source")
                .message("override 0 sets `source`, but app `platform-rbac` has `sources`"),
        );
}

#[test]
fn values_with_two_helm_sources() {
    // Issue 9: the values go to one Helm source; with two, which one is a guess fleetc does not
    // make.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  sources:
    - {repoURL: https://charts.example.com, chart: rbac-manager}
    - {repoURL: https://github.com/acme/platform-addons.git, ref: values}
    - {repoURL: https://charts.example.com, chart: rbac-extras}
  destination:
    namespace: kube-system
  values:
    replicas: 2
"#,
        )
        .expect(
            error("value-type")
                .at(PLATFORM_RBAC, 12, 3, "values")
                .message("`spec.sources[0]` and `spec.sources[2]` could each take them"),
        );
}

#[test]
fn values_with_only_a_ref_source_and_a_kustomization() {
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  sources:
    - {repoURL: https://github.com/acme/platform-addons.git, ref: values}
    - {repoURL: https://github.com/acme/platform-apps.git, path: rbac, kustomize: {}}
  destination:
    namespace: kube-system
  values:
    replicas: 2
"#,
        )
        .expect(
            error("value-type")
                .at(PLATFORM_RBAC, 11, 3, "values")
                .message("none of the sources in `spec.sources[0]`"),
        );
}

#[test]
fn helm_release_name_over_53_characters() {
    // Issue 9: Helm refuses release names over 53 characters.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  source:
    repoURL: https://charts.example.com
    chart: rbac-manager
    helm:
      releaseName: platform-rbac-manager-for-every-cluster-of-the-whole-fleet
  destination:
    namespace: kube-system
"#,
        )
        .expect(
            error("invalid-name")
                .at(PLATFORM_RBAC, 10, 20, "platform-rbac-manager")
                .message("it is 58 characters; Helm allows at most 53"),
        );
}

#[test]
fn default_release_name_over_53_characters() {
    // Issue 9: the release name defaults to the app's name, which may be up to 63 characters.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac-manager-for-every-cluster-of-the-whole-fleet
spec:
  source:
    repoURL: https://charts.example.com
    chart: rbac-manager
  destination:
    namespace: kube-system
"#,
        )
        .expect(
            error("invalid-name")
                .at(PLATFORM_RBAC, 4, 9, "platform-rbac-manager")
                .message("is its name by default, 58 characters")
                .help("`helm.releaseName`"),
        );
}

#[test]
fn application_name_template_that_names_two_applications_alike() {
    // Issue 9: an app may name its Applications, and names are still checked on each hub:
    // payments-api lands on prod-eu-1 and hub-eu, both AWS clusters on hub-eu.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  applicationName: "payments-{{ cluster.provider }}"
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [hub-eu]
"#,
        )
        .expect(
            error("application-name-collision")
                .at(PAYMENTS_API, 4, 9, "payments-api")
                .message("Application `payments-aws` on hub `hub-eu`"),
        );
}

#[test]
fn application_name_template_that_makes_no_name() {
    // Issue 9: the name a template makes must be a DNS-1123 subdomain on every cluster.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  applicationName: "{{ cluster.annotations.ingress_domain_name }}/payments"
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
"#,
        )
        .expect(
            error("value-template")
                .at(PAYMENTS_API, 6, 20, "\"{{ cluster")
                .message("fails on cluster `prod-eu-1`")
                .message("`eu.acme.example/payments` is not a valid Application name"),
        );
}

#[test]
fn values_for_a_ref_source_that_only_an_override_gives_a_path() {
    // Issue 9 review: the clusters the override does not apply to get the `ref` source alone,
    // which cannot take values.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  source:
    repoURL: https://github.com/acme/platform-apps.git
    ref: config
  destination:
    namespace: kube-system
  values:
    replicas: 2
  overrides:
    - selector: {matchLabels: {environment: prod}}
      source: {path: charts/rbac}
"#,
        )
        .expect(
            error("value-type")
                .at(PLATFORM_RBAC, 11, 3, "values")
                .message("this app's source is a `ref` source"),
        );
}

#[test]
fn default_release_name_over_53_characters_where_no_override_names_it() {
    // Issue 9 review: an override's releaseName applies to some clusters; the others get the
    // app's name, which is too long for Helm.
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac-manager-for-every-cluster-of-the-whole-fleet
spec:
  source:
    repoURL: https://charts.example.com
    chart: rbac-manager
  destination:
    namespace: kube-system
  overrides:
    - selector: {matchLabels: {environment: prod}}
      source: {helm: {releaseName: rbac-manager}}
"#,
        )
        .expect(
            error("invalid-name")
                .at(PLATFORM_RBAC, 4, 9, "platform-rbac-manager")
                .message("is its name by default, 58 characters"),
        );
}

#[test]
fn application_named_like_the_hubs_root_application() {
    // Issue 9 review: app `acme` on cluster `hub-eu` makes `acme-hub-eu`, the name of the root
    // Application that syncs hub-eu's folder of out/ (the Fleet is `acme`).
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: acme
spec:
  source:
    repoURL: https://github.com/acme/platform-apps.git
    path: rbac
  destination:
    namespace: kube-system
  placement:
    clusters: [hub-eu]
"#,
        )
        .expect(
            error("application-name-collision")
                .at(PLATFORM_RBAC, 4, 9, "acme")
                .message("Application `acme-hub-eu` of app `acme` on cluster `hub-eu` has the name of hub `hub-eu`'s root Application"),
        );
}

#[test]
fn values_on_a_kustomize_app() {
    Broken::new()
        .write(
            PLATFORM_RBAC,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: platform-rbac
spec:
  source:
    repoURL: https://github.com/acme/platform-apps.git
    path: rbac
    targetRevision: main
    kustomize:
      namePrefix: platform-
  destination:
    namespace: kube-system
  values:
    replicas: 2
"#,
        )
        .expect(
            error("value-type")
                .at(PLATFORM_RBAC, 14, 3, "values")
                .message("this app's source is a Kustomize source"),
        );
}

/// payments-api reading an annotation no cluster has; it lands on prod-eu-1 (team: payments) and
/// dev-us-1 (listed). The value is line 17, column 13.
fn undefined_annotation() -> Broken {
    Broken::new().write(
        PAYMENTS_API,
        r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    domain: "{{ cluster.annotations.missing }}"
    environment: "{{ cluster.environment }}"
"#,
    )
}

#[test]
fn value_template_with_an_undefined_name() {
    undefined_annotation().expect(
        error("value-template")
            .at(
                PAYMENTS_API,
                17,
                13,
                "\"{{ cluster.annotations.missing }}\"",
            )
            .message("`payments-api`")
            .message("`dev-us-1`")
            .message("`prod-eu-1`"),
    );
}

#[test]
fn value_template_error_names_the_undefined_name() {
    undefined_annotation().expect(
        error("value-template")
            .at(
                PAYMENTS_API,
                17,
                13,
                "\"{{ cluster.annotations.missing }}\"",
            )
            .message("cluster.annotations.missing"),
    );
}

#[test]
fn value_template_undefined_on_one_cluster() {
    // ingress-nginx lands on hub-eu, prod-eu-1 and dev-us-1; only hub-eu lacks the annotation.
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - {key: region, operator: In, values: [eu-central-1, eu-west-1, us-central1]}
  values:
    controller:
      replicaCount: 1
      hostname: "ingress.{{ cluster.annotations.ingress_domain_name }}"
"#,
        )
        .expect(
            error("value-template")
                .at(INGRESS_NGINX, 21, 17, "\"ingress.{{")
                .message("on cluster `hub-eu`"),
        );
}

#[test]
fn value_template_undefined_in_an_override() {
    // The override matches hub-eu and prod-eu-1 (environment prod); hub-eu has no `tier`.
    Broken::new()
        .write(
            INGRESS_NGINX,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: ingress-nginx
  labels:
    team: platform
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.13.0
  destination:
    namespace: ingress-nginx
  placement:
    selector:
      matchExpressions:
        - {key: region, operator: In, values: [eu-central-1, eu-west-1, us-central1]}
  values:
    controller:
      replicaCount: 1
  overrides:
    - selector:
        matchLabels: {environment: prod}
      values:
        controller:
          tier: "{{ cluster.labels.tier }}"
"#,
        )
        .expect(
            error("value-template")
                .at(INGRESS_NGINX, 26, 17, "\"{{ cluster.labels.tier }}\"")
                .message("on cluster `hub-eu`"),
        );
}

#[test]
fn value_template_syntax_error() {
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    domain: "api.{{ cluster.annotations.ingress_domain_name }}"
    environment: "{{ cluster.environment }"
"#,
        )
        .expect(
            error("value-template")
                .at(PAYMENTS_API, 18, 18, "\"{{ cluster.environment }\"")
                .message("`payments-api`"),
        );
}

#[test]
fn template_syntax_error_in_a_source_field() {
    // Pins a panic (issue 9 review): a field template that did not compile left the app's own
    // fields out of every placement, and rendering the Application found nothing to write.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: "{{ vars.version }"
  destination:
    namespace: payments
  vars: {version: v2.1.0}
"#,
        )
        .expect(
            error("value-template")
                .at(PAYMENTS_API, 9, 21, "\"{{ vars.version }\"")
                .message("`payments-api`"),
        );
}

#[test]
fn value_template_that_runs_away_is_stopped() {
    // A million iterations: a mistake, reported as one rather than hanging the hook.
    Broken::new()
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
    targetRevision: v2.1.0
  destination:
    namespace: payments
  placement:
    selector:
      matchLabels: {team: payments}
    clusters: [dev-us-1]
  values:
    padding: "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}"
"#,
        )
        .expect(
            error("value-template")
                .at(PAYMENTS_API, 17, 14, "\"{% for i")
                .message("runs too long"),
        );
}

#[test]
fn two_placements_with_one_application_name() {
    // `a-b` on `c` and `a` on `b-c` are both Application `a-b-c` on hub-eu.
    Broken::new()
        .write(
            "fleet/clusters/c.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: c
spec:
  provider: aws
  hub: hub-eu
  connection:
    secretStore:
      name: aws-eu
"#,
        )
        .write(
            "fleet/clusters/b-c.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: b-c
spec:
  provider: aws
  hub: hub-eu
  connection:
    secretStore:
      name: aws-eu
"#,
        )
        .write(
            "fleet/apps/a.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: a
spec:
  source:
    repoURL: https://github.com/acme/a.git
    path: deploy
  destination:
    namespace: a
  placement:
    clusters: [b-c]
"#,
        )
        .write(
            "fleet/apps/a-b.yaml",
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: a-b
spec:
  source:
    repoURL: https://github.com/acme/a-b.git
    path: deploy
  destination:
    namespace: a-b
  placement:
    clusters: [c]
"#,
        )
        .expect(
            error("application-name-collision")
                .at("fleet/apps/a-b.yaml", 4, 9, "a-b")
                .message("`a-b-c`")
                .message("hub `hub-eu`"),
        );
}

// ---------------------------------------------------------------------------------------------
// Output formats and ordering
// ---------------------------------------------------------------------------------------------

/// The base fleet with `regoin` for `region` in dev-us-1 (line 11, column 3).
fn misspelt_region() -> Broken {
    Broken::new().write(
        DEV_US_1,
        r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels:
    team: search
  annotations:
    ingress_domain_name: dev.us.acme.example
spec:
  provider: gcp
  regoin: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
    )
}

#[test]
fn text_format_quotes_the_line() {
    let (repo, _) = misspelt_region().repo();
    let run = fleetc(repo.path(), &["validate"]);
    assert_findings(&run, "`fleetc validate`");
    let stderr = &run.stderr;
    for expected in [
        "error[unknown-field]: unknown field `regoin`",
        " --> fleet/clusters/dev-us-1.yaml:11:3",
        "11 |   regoin: us-central1",
        "   |   ^^^^^^",
        "help: did you mean `region`?",
        "error: fleet is invalid: 1 error",
    ] {
        assert!(
            stderr.contains(expected),
            "text output lacks {expected:?}:\n{stderr}"
        );
    }
    assert!(
        run.stdout.is_empty(),
        "text goes to stderr:\n{}",
        run.stdout
    );
}

#[test]
fn github_format_annotates_the_line() {
    let (repo, _) = misspelt_region().repo();
    let run = fleetc(repo.path(), &["validate", "--format", "github"]);
    assert_findings(&run, "`fleetc validate --format github`");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one annotation:\n{}", run.stdout);
    assert!(
        lines[0].starts_with(
            "::error file=fleet/clusters/dev-us-1.yaml,line=11,col=3,title=fleetc unknown-field::\
             unknown field `regoin`"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("%0Ahelp: did you mean `region`?"),
        "{}",
        lines[0]
    );
}

#[test]
fn diagnostics_are_sorted_by_file_line_and_column() {
    // Five errors in three files; on line 5 of dev-us-1 `tier` comes before `team`, so sorting by
    // key name would get the columns wrong.
    let broken = Broken::new()
        .write(
            TEMPLATE,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: eks-standard-v1
template:
  metadata:
    labels:
      tier: standard
  spec:
    provider: aws
    environment: prod
    regoin: eu-west-1
"#,
        )
        .write(
            DEV_US_1,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: dev-us-1
  labels: {tier: 1, team: 2}
spec:
  provider: GCP
  regoin: us-central1
  environment: dev
  hub: hub-us
  connection:
    secretStore:
      name: gcp-us
"#,
        )
        .write(
            PAYMENTS_API,
            r#"
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: payments-api
spec:
  source:
    repoURL: https://github.com/acme/payments.git
    path: charts/api
  destination:
    namespace: payments
  placment:
    clusters: [dev-us-1]
"#,
        );
    let (repo, _) = broken.repo();
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    assert_findings(&run, "`fleetc validate --format json`");
    let json = run.json();
    let found: Vec<(String, u64, u64, String)> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
                d["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64, String)> = [
        (PAYMENTS_API, 11, 3, "unknown-field"),
        (DEV_US_1, 5, 18, "wrong-type"),
        (DEV_US_1, 5, 27, "wrong-type"),
        (DEV_US_1, 7, 13, "invalid-value"),
        (DEV_US_1, 8, 3, "unknown-field"),
        (TEMPLATE, 12, 5, "unknown-field"),
    ]
    .into_iter()
    .map(|(f, l, c, code)| (f.to_owned(), l, c, code.to_owned()))
    .collect();
    assert_eq!(found, expected, "\n{}", listing(json.as_array().unwrap()));

    // The text format keeps the same order.
    let text = fleetc(repo.path(), &["validate"]);
    let positions: Vec<usize> = [
        "fleet/apps/payments-api.yaml:11:3",
        "fleet/clusters/dev-us-1.yaml:5:18",
        "fleet/clusters/dev-us-1.yaml:5:27",
        "fleet/clusters/dev-us-1.yaml:7:13",
        "fleet/clusters/dev-us-1.yaml:8:3",
        "fleet/templates/eks-standard-v1.yaml:12:5",
    ]
    .iter()
    .map(|at| {
        text.stderr
            .find(at)
            .unwrap_or_else(|| panic!("{at} not in:\n{}", text.stderr))
    })
    .collect();
    assert!(
        positions.is_sorted(),
        "text output out of order:\n{}",
        text.stderr
    );
}
