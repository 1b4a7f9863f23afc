//! `explainer`: a static site generator for explainer pages.
//!
//! Data flows one way, and [`build`] is the one place that knows the order:
//!
//! ```text
//! config -> content -> markdown -> render -> output
//! ```
//!
//! [`config`] reads `content/site.toml`; [`content`] walks `content/` into
//! pages, sections and assets; [`markdown`] turns each body into HTML, with
//! [`links`] checking and rewriting the links in it against [`urls`];
//! [`render`] runs the Tera templates, [`feeds`] writes the sitemap and
//! feed, [`headers`] the hosts' `_headers` file and [`cards`] each page's
//! share card; [`output`] swaps the finished site into place.

#![warn(clippy::too_many_lines)]

pub mod allocator;
pub mod body;
pub mod build;
pub mod cards;
pub mod change;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod feeds;
pub mod fields;
pub mod headers;
pub mod images;
pub mod input;
pub mod links;
pub mod markdown;
pub mod output;
pub mod path_map;
pub mod paths;
pub mod placeholders;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod shortcodes;
pub mod suggest;
pub mod urls;
pub mod walk;
pub mod watch;
