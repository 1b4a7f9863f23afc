//! Settings of the allocator the binary runs on (mimalloc, see `main.rs`).

use std::ffi::{c_int, c_long};

// From the `mi_option_e` enum in mimalloc.h, as built by libmimalloc-sys
// (version 2, see Cargo.toml; mimalloc 3 has the same number). The
// test below checks the number against the name mimalloc reads from the
// environment (`MIMALLOC_PURGE_DELAY`).
const PURGE_DELAY: c_int = 15;

// Forces libmimalloc-sys's library into every artifact of this crate, so
// the functions below resolve in the library's own tests too.
use mimalloc as _;

unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(test)]
    fn mi_option_get(option: c_int) -> c_long;
}

/// Keeps memory the process frees for its own later use instead of handing
/// it back to the system after a delay. For a one-shot build: memory handed
/// back and then needed again costs a page fault and the kernel's zeroing of
/// each page, and the process ends soon anyway. (A long-running `watch` or
/// `serve` keeps the default, which returns memory it no longer needs.)
pub fn keep_freed_memory() {
    // Safety: sets a plain integer in mimalloc's option table, which
    // mimalloc reads with atomic loads; any value is allowed, and -1 means
    // "never purge".
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is the one mimalloc fills from
    /// `MIMALLOC_PURGE_DELAY`: checked in a child process, because mimalloc
    /// reads the environment once, the first time the option is used.
    #[test]
    fn purge_delay_is_the_option_named_purge_delay() {
        const CHILD: &str = "EXPLAINER_ALLOCATOR_TEST_CHILD";
        if std::env::var_os(CHILD).is_some() {
            assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, 4321);
            return;
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "allocator::tests::purge_delay_is_the_option_named_purge_delay",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("MIMALLOC_PURGE_DELAY", "4321")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
