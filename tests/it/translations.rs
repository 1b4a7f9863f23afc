//! The theme's words in the site's language: the shipped tables, dates
//! spelled out in that language, and a site's own words over them.

use crate::harness::Site;

fn in_language(language: &str) -> Site {
    let site = Site::fixture("sourced-library");
    site.write(
        "content/site.toml",
        format!("title = \"La bibliothèque\"\nlanguage = \"{language}\"\n"),
    );
    site
}

#[test]
fn a_french_site_reads_french_with_french_dates() {
    let site = in_language("fr");
    site.build();
    let home = site.read("public/index.html");
    for expected in [
        "<html lang=\"fr\"",
        ">Chiffres clés</h2>",
        ">À lire</h2>",
        ">Pour référence</h2>",
    ] {
        assert!(home.contains(expected), "lacks {expected}\nin {home}");
    }
    let sources = site.read("public/sources/index.html");
    for expected in [
        "<time datetime=\"2024-03-01\">1 mars 2024</time>",
        "Citée 4 fois sur ce site",
        ">Les sources</h2>",
        ">Aller au contenu</a>",
        ">Retour en haut</a>",
    ] {
        assert!(sources.contains(expected), "lacks {expected}\nin {sources}");
    }
    for english in ["Key figures", "Read on", "For reference", "Cited on this site"] {
        assert!(
            !home.contains(english) && !sources.contains(english),
            "still English: {english}"
        );
    }
}

#[test]
fn each_shipped_language_spells_out_dates_its_own_way() {
    for (language, date) in [
        ("en", "1 March 2024"),
        ("de", "1. März 2024"),
        ("es", "1 de marzo de 2024"),
        ("pt", "1 de março de 2024"),
        ("zh", "2024年3月1日"),
    ] {
        let site = in_language(language);
        site.build();
        let sources = site.read("public/sources/index.html");
        assert!(
            sources.contains(&format!(">{date}</time>")),
            "{language}: lacks {date}"
        );
    }
}

#[test]
fn a_sites_own_words_replace_the_themes_key_by_key() {
    let site = in_language("fr");
    site.write(
        "templates/translations.toml",
        "[fr]\nkey_figures = \"En chiffres\"\n",
    );
    site.build();
    let home = site.read("public/index.html");
    assert!(home.contains(">En chiffres</h2>"), "{home}");
    assert!(home.contains(">À lire</h2>"), "the other keys stay");
    assert!(
        !site.exists("public/translations.toml"),
        "the table is not published"
    );
}

#[test]
fn a_language_without_a_table_reads_english_and_a_wrong_key_is_named() {
    let site = in_language("it");
    site.build();
    assert!(site.read("public/index.html").contains(">Key figures</h2>"));
    site.write("templates/index.html", "{{ trans(key=\"key_figure\") }}");
    site.run(&["build"])
        .failure(1)
        .stderr_has("there are no words for `key_figure` in the translations: did you mean `key_figures`?");
}

#[test]
fn a_language_that_is_not_a_tag_is_an_error_at_it() {
    for written in ["", "pt_BR", "en GB"] {
        let site = in_language(written);
        site.run(&["build"])
            .failure(1)
            .stderr_has("content/site.toml:2:12: `language` is not a language tag");
    }
}
