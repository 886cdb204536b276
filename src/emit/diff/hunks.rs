//! Unified diffs of changed and new objects, their hunks numbered by the lines of the files the
//! objects sit in, and grouped: objects whose changes read the same (the same hunks, whatever
//! their line numbers) are one group, shown once with the list of the objects it applies to, so
//! a values change on 3,000 clusters is one hunk and a list, not 3,000 copies of it.

use std::collections::HashMap;

use super::{ChangedObject, ObjectKey, RenderedObject};

/// Changed objects whose diffs read the same: the first one's diff stands for all.
#[derive(Debug)]
pub struct ChangeGroup<'d> {
    /// In key order; the diff is the first one's.
    pub objects: Vec<&'d ChangedObject>,
    pub diff: String,
}

/// The unified diff of a changed object; file names are shown under `out` (`out/…`).
pub fn changed_diff(object: &ChangedObject, out: &str) -> String {
    let name = |side: &str, o: &RenderedObject| {
        format!(
            "{side}/{}/{} ({})",
            out.trim_end_matches('/'),
            o.file,
            object.key.kind_and_name()
        )
    };
    let diff = similar::TextDiff::from_lines(&object.before.text, &object.after.text)
        .unified_diff()
        .context_radius(3)
        .header(&name("a", &object.before), &name("b", &object.after))
        .to_string();
    renumber(&diff, object.before.line, object.after.line)
}

/// The diff that creates a new object: every line added.
pub fn added_diff(key: &ObjectKey, object: &RenderedObject, out: &str) -> String {
    let name = format!(
        "b/{}/{} ({})",
        out.trim_end_matches('/'),
        object.file,
        key.kind_and_name()
    );
    let diff = similar::TextDiff::from_lines("", &object.text)
        .unified_diff()
        .context_radius(3)
        .header("/dev/null", &name)
        .to_string();
    renumber(&diff, 1, object.line)
}

/// Shifts each hunk header by where the objects start in their files (`@@ -3,7 +3,7 @@` for an
/// object that starts on line 40 becomes `@@ -42,7 +42,7 @@`).
fn renumber(diff: &str, before: usize, after: usize) -> String {
    let shift = |range: &str, by: usize| -> Option<String> {
        let (start, len) = match range.split_once(',') {
            Some((s, l)) => (s, Some(l)),
            None => (range, None),
        };
        let start: usize = start.parse().ok()?;
        // An empty side (`-0,0`) stays where it is.
        let start = if start == 0 { 0 } else { start + by - 1 };
        Some(match len {
            Some(l) => format!("{start},{l}"),
            None => start.to_string(),
        })
    };
    let mut out = String::with_capacity(diff.len());
    for line in diff.split_inclusive('\n') {
        let renumbered = line
            .strip_prefix("@@ -")
            .and_then(|rest| rest.split_once(" @@"))
            .and_then(|(ranges, tail)| {
                let (old, new) = ranges.split_once(" +")?;
                Some(format!(
                    "@@ -{} +{} @@{tail}",
                    shift(old, before)?,
                    shift(new, after)?
                ))
            });
        match renumbered {
            Some(l) => out.push_str(&l),
            None => out.push_str(line),
        }
    }
    out
}

/// What makes two diffs "the same change": their hunks without the file header and the line
/// numbers.
fn shape(diff: &str) -> String {
    diff.lines()
        .skip(2)
        .map(|l| if l.starts_with("@@") { "@@" } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The changed objects, grouped by their change, in the order of each group's first object.
pub fn change_groups<'d>(changed: &'d [ChangedObject], out: &str) -> Vec<ChangeGroup<'d>> {
    let mut groups: Vec<ChangeGroup<'d>> = Vec::new();
    let mut by_shape: HashMap<(String, String), usize> = HashMap::new();
    for object in changed {
        let diff = changed_diff(object, out);
        let key = (object.key.kind.clone(), shape(&diff));
        if let Some(&i) = by_shape.get(&key) {
            groups[i].objects.push(object);
        } else {
            by_shape.insert(key, groups.len());
            groups.push(ChangeGroup {
                objects: vec![object],
                diff,
            });
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(name: &str, line: usize, before: &str, after: &str) -> ChangedObject {
        let key = ObjectKey {
            scope: "hubs/hub-eu".into(),
            api_version: "argoproj.io/v1alpha1".into(),
            kind: "Application".into(),
            namespace: Some("argocd".into()),
            name: name.into(),
        };
        let object = |text: &str| RenderedObject {
            file: format!("hubs/hub-eu/clusters/{name}.yaml"),
            line,
            text: text.into(),
        };
        ChangedObject {
            key,
            before: object(before),
            after: object(after),
        }
    }

    #[test]
    fn hunks_count_lines_of_the_file() {
        let c = changed("a", 40, "x: 1\ny: 2\n", "x: 1\ny: 3\n");
        let diff = changed_diff(&c, "out");
        assert!(diff.contains("@@ -40,2 +40,2 @@"), "{diff}");
        assert!(diff.starts_with("--- a/out/hubs/hub-eu/clusters/a.yaml (Application a)\n"));
    }

    #[test]
    fn new_objects_show_their_lines_where_they_sit() {
        let c = changed("a", 12, "", "kind: Application\nmetadata: {name: a}\n");
        let diff = added_diff(&c.key, &c.after, "out");
        assert!(diff.starts_with("--- /dev/null\n+++ b/out/"), "{diff}");
        assert!(diff.contains("@@ -0,0 +12,2 @@"), "{diff}");
        assert!(diff.contains("+kind: Application\n"), "{diff}");
    }

    #[test]
    fn the_same_change_at_other_lines_is_one_group() {
        let objects = [
            changed("a", 10, "name: a\nv: 1\nz: 0\n", "name: a\nv: 2\nz: 0\n"),
            changed("b", 90, "k: 9\nv: 1\nz: 0\n", "k: 9\nv: 2\nz: 0\n"),
            changed("c", 10, "name: c\nv: 1\n", "name: c\nv: 3\n"),
        ];
        // The lines around the change differ (`name: a`, `k: 9`): three changes.
        let groups = change_groups(&objects, "out");
        assert_eq!(groups.len(), 3);

        let alike = [
            changed("a", 10, "v: 1\nz: 0\n", "v: 2\nz: 0\n"),
            changed("b", 90, "v: 1\nz: 0\n", "v: 2\nz: 0\n"),
            changed("c", 10, "v: 1\n", "v: 3\n"),
        ];
        let groups = change_groups(&alike, "out");
        let names: Vec<Vec<&str>> = groups
            .iter()
            .map(|g| g.objects.iter().map(|o| o.key.name.as_str()).collect())
            .collect();
        assert_eq!(names, [vec!["a", "b"], vec!["c"]]);
        assert!(
            groups[0].diff.contains("@@ -10,2 +10,2 @@"),
            "the first one's numbers"
        );
    }
}
