//! Front matter splitting and reading: any text gives fields or problems
//! with positions inside the text, never a panic.
#![no_main]

use std::path::Path;

use explainer::content::front_matter::{self, Kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = front_matter::split(text);
    for kind in [Kind::Page, Kind::Section] {
        match front_matter::parse(Path::new("page.md"), text, kind) {
            Ok((_, body_start)) => assert!(body_start <= text.len() && text.is_char_boundary(body_start)),
            Err(problems) => {
                for problem in problems {
                    let _ = problem.to_string();
                }
            }
        }
    }
    let _ = explainer::config::parse(Path::new("site.toml"), text, None);
});
