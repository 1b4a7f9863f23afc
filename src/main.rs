//! The `explainer` binary: all the work is in the library.

/// mimalloc: the build allocates many small values on every thread, where
/// the system allocator spends much of its time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    explainer::cli::main()
}
