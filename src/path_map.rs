//! A hash map keyed by paths, with a hasher quicker than the standard
//! library's on short strings (rustc-hash, the Rust compiler's).
//! The maps that a build or rebuild fills or goes over for every file of a
//! big site (output keys, listings, the URL index, a page's heading ids)
//! use it. Its hashes are not randomised: its keys are the site's own file
//! names and ids.

use std::collections::HashMap;

/// The hasher of [`PathMap`] and of the other maps keyed by the site's names.
pub type PathHasher = rustc_hash::FxBuildHasher;

/// A map from a path (or any string) to `V`.
pub type PathMap<V> = HashMap<String, V, PathHasher>;

/// An empty [`PathMap`] with room for `capacity` entries.
pub fn with_capacity<V>(capacity: usize) -> PathMap<V> {
    HashMap::with_capacity_and_hasher(capacity, PathHasher::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(text: &str) -> u64 {
        PathHasher::default().hash_one(text)
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
