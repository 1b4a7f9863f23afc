//! The `explainer` binary: all the work is in the library.

fn main() -> std::process::ExitCode {
    explainer::cli::main()
}
