//! The floor under any build that renders Markdown with pulldown-cmark:
//! reads every `.md` file under a folder, renders it with the options
//! explainer uses (no front matter split, no templates, no links checked)
//! and writes the HTML, on every core. What a full build costs beyond this
//! is explainer's own work.
//!
//!   cargo run --release --example markdown_floor -- CONTENT_DIR OUTPUT_DIR
//!
//! OUTPUT_DIR must not exist; it is written, not removed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, output] = args.as_slice() else {
        eprintln!("usage: markdown_floor CONTENT_DIR OUTPUT_DIR");
        return std::process::ExitCode::from(2);
    };
    let output = Path::new(output);
    if output.exists() {
        eprintln!(
            "{}: already exists; give a folder that does not",
            output.display()
        );
        return std::process::ExitCode::from(2);
    }
    let started = Instant::now();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    // The same extensions as src/markdown.rs.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let result = files.par_iter().enumerate().try_for_each(|(i, file)| {
        let source = std::fs::read_to_string(file)?;
        let mut body = String::with_capacity(source.len() * 3 / 2);
        html::push_html(&mut body, Parser::new_ext(&source, options));
        let dir = output.join(i.to_string());
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("index.html"), body)
    });
    if let Err(error) = result {
        eprintln!("{error}");
        return std::process::ExitCode::FAILURE;
    }
    println!(
        "{} files in {:.3} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    std::process::ExitCode::SUCCESS
}
