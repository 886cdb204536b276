//! Digests of declarations: what the render cache keys on. Two declarations that mean the same
//! (the same data, however it is laid out in files) have the same digest.

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// A 128-bit digest.
pub type Digest = u128;

struct HashWriter<'h>(&'h mut Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The digest of a value's JSON form (maps in JSON values are sorted, so key order in the
/// source does not matter).
pub fn digest_of<T: Serialize + ?Sized>(value: &T) -> Digest {
    let mut hasher = Xxh3::new();
    serde_json::to_writer(HashWriter(&mut hasher), value).expect("a digest of plain data");
    hasher.digest128()
}

/// The digest of bytes (file contents).
pub fn digest_bytes(bytes: &[u8]) -> Digest {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A digest of several digests, in order.
pub fn combine(parts: impl IntoIterator<Item = Digest>) -> Digest {
    let mut hasher = Xxh3::new();
    for part in parts {
        hasher.update(&part.to_le_bytes());
    }
    hasher.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_data_same_digest() {
        let a: serde_json::Value = serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"a": [1, 2], "b": 1}"#).unwrap();
        assert_eq!(digest_of(&a), digest_of(&b));
        assert_ne!(digest_of(&a), digest_of(&json!({"a": [2, 1], "b": 1})));
        assert_ne!(combine([1, 2]), combine([2, 1]));
    }
}
