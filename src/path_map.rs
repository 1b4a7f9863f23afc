//! A hash map keyed by paths, with a hasher several times quicker than the
//! standard library's on short strings. The maps that a build or rebuild
//! fills or goes over for every file of a big site (output keys, listings,
//! the URL index, a page's heading ids) use it. Its hashes are not
//! randomised: its keys are the site's own file names and ids.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from a path (or any string) to `V`.
pub type PathMap<V> = HashMap<String, V, BuildHasherDefault<PathHasher>>;

/// An empty [`PathMap`] with room for `capacity` entries.
pub fn with_capacity<V>(capacity: usize) -> PathMap<V> {
    HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

/// The Fx hash (the Rust compiler's, from Firefox): eight bytes at a time,
/// a rotation, an exclusive or and a multiplication each.
#[derive(Debug, Default, Clone, Copy)]
pub struct PathHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl PathHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut eight = [0; 8];
            eight.copy_from_slice(word);
            self.add(u64::from_le_bytes(eight));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut eight = [0; 8];
            eight[..rest.len()].copy_from_slice(rest);
            // The length, so "a" and "a\0" differ.
            self.add(u64::from_le_bytes(eight) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(text: &str) -> u64 {
        BuildHasherDefault::<PathHasher>::default().hash_one(text)
    }

    #[test]
    fn paths_that_differ_hash_apart() {
        let paths: Vec<String> = (0..10_000)
            .map(|i| format!("s{}/page-{i:05}/index.html", i % 8))
            .chain(["", "a", "a\0", "ab", "index.html", "index.htm"].map(String::from))
            .collect();
        let hashes: std::collections::HashSet<u64> = paths.iter().map(|p| hash(p)).collect();
        assert_eq!(hashes.len(), paths.len());
        // hashbrown picks buckets with the low bits and tags with the top 7.
        let tags: std::collections::HashSet<u64> = paths.iter().map(|p| hash(p) >> 57).collect();
        assert_eq!(tags.len(), 128);
    }

    #[test]
    fn a_map_finds_what_it_holds() {
        let mut map: PathMap<usize> = with_capacity(4);
        for (i, path) in ["a/index.html", "b/index.html", "a/b/index.html"]
            .iter()
            .enumerate()
        {
            map.insert(path.to_string(), i);
        }
        assert_eq!(map.get("b/index.html"), Some(&1));
        assert_eq!(map.get("c/index.html"), None);
    }
}
