//! Integration tests: the real binary on tiny sites.

mod harness;

mod bad_input;
mod bundled;
mod cards;
mod cli;
mod components;
mod content;
mod crash;
mod glossary;
mod hardening;
mod headers;
mod images;
mod links;
mod lint;
mod new;
mod output;
mod readme;
mod serve;
mod shortcodes;
mod sources;
mod storm;
mod template_limits;
mod templates;
mod theme;
mod translations;
mod watch;
mod zola_components;
