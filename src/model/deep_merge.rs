//! How the fleet format layers data ([`deep_merge`]): mappings merge key by key; lists, scalars
//! and nulls replace. Clusters (Fleet defaults < template < cluster) and an app's values and
//! `vars` (its own < each override's) are merged by this rule.

use serde_json::Value;

/// Merges `overlay` onto `base` the way the fleet format layers things (Fleet defaults <
/// template < cluster; values < overrides): mappings merge key by key, recursively; lists,
/// scalars and nulls in `overlay` replace what `base` had.
pub fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => deep_merge(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}

/// [`deep_merge`], taking `overlay`'s nodes instead of copying them.
pub fn deep_merge_owned(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(existing) => deep_merge_owned(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_merge_lists_and_scalars_replace() {
        let mut base = json!({"a": {"b": 1, "c": [1, 2]}, "d": "x", "e": {"f": 1}});
        deep_merge(
            &mut base,
            &json!({"a": {"c": [3], "g": true}, "d": {"h": 1}, "e": null}),
        );
        assert_eq!(
            base,
            json!({"a": {"b": 1, "c": [3], "g": true}, "d": {"h": 1}, "e": null})
        );
    }

    #[test]
    fn taking_the_overlay_merges_as_copying_it() {
        let base = json!({"a": {"b": 1, "c": [1, 2], "i": {"j": 1}}, "d": "x", "e": {"f": 1}});
        let overlay =
            json!({"a": {"c": [3], "g": true, "i": {"k": 2}}, "d": {"h": 1}, "e": null, "l": 1});
        let (mut copied, mut taken) = (base.clone(), base);
        deep_merge(&mut copied, &overlay);
        deep_merge_owned(&mut taken, overlay);
        assert_eq!(taken, copied);
    }

    #[test]
    fn merging_is_associative_for_layers() {
        let layers = [
            json!({"a": {"b": 1}}),
            json!({"a": {"c": 2}}),
            json!({"a": {"b": 3}}),
        ];
        let mut left = layers[0].clone();
        deep_merge(&mut left, &layers[1]);
        deep_merge(&mut left, &layers[2]);
        let mut right = layers[1].clone();
        deep_merge(&mut right, &layers[2]);
        let mut all = layers[0].clone();
        deep_merge(&mut all, &right);
        assert_eq!(left, all);
        assert_eq!(left, json!({"a": {"b": 3, "c": 2}}));
    }
}
