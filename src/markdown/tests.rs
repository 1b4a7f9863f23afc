use super::*;

/// [`super::render`] with the built-in theme's markup.
fn render(source: &str, links: &mut dyn LinkRewriter, terms: Option<&mut TermUse>) -> Rendered {
    super::render(source, crate::render::built_in_markup_for_tests(), links, terms)
}

fn count_words_by_byte(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for &byte in text.as_bytes() {
        let space = byte.is_ascii_whitespace();
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
    }
    words
}

#[test]
fn words_are_counted_as_byte_by_byte() {
    let pieces = [
        "a", "bb", " ", "  ", "\n", "\t", "\r", "\x0c", "\x0b", "é", "—", "x1", "\u{a0}", "ok.", "",
    ];
    // Every string of up to four pieces, at every length around the
    // eight-byte chunks, and a few long ones.
    let mut texts: Vec<String> = Vec::new();
    for a in pieces {
        for b in pieces {
            for c in pieces {
                for d in pieces {
                    texts.push(format!("{a}{b}{c}{d}"));
                }
            }
        }
    }
    texts.push("The quick  brown\tfox\n\njumps over the lazy dog. ".repeat(9));
    texts.push("\u{7f}\u{80}\u{ff} \u{100}a".repeat(5));
    // Every start and end within the first blocks: words and spaces
    // on each side of the 8-byte block edges.
    let long = "a b  cd\te\r\nf\x0Cgh ijk  l ".repeat(4);
    for start in 0..40 {
        for end in start..long.len() {
            texts.push(long[start..end].to_string());
        }
    }
    for text in &texts {
        assert_eq!(count_words(text), count_words_by_byte(text), "{text:?}");
    }
}

#[test]
fn escaping_copies_all_but_the_five_characters() {
    assert_eq!(
        escape("a<b>&\"c\"'d'é"),
        "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;é"
    );
    assert_eq!(escape("plain"), "plain");
    assert_eq!(escape(""), "");
    // Long enough for the sixteen-byte search, with each character at
    // each place in a block: the same as the byte-by-byte escaper.
    for special in ["&", "<", ">", "\"", "'"] {
        for at in 0..40 {
            let text = format!("{}{special}{}é", "x".repeat(at), "y".repeat(40 - at));
            let mut by_byte = String::new();
            escape_entities(&mut by_byte, &text, "&#39;");
            assert_eq!(escape(&text), by_byte, "{text:?}");
        }
    }
}

fn html(source: &str) -> String {
    render(source, &mut KeepLinks, None).html
}

#[test]
fn headings_get_unique_ids_and_self_links() {
    let rendered = render(
        "# Hello World\n\n## Hello World\n\n## Hello World\n\n### Deep *one* {#custom}\n",
        &mut KeepLinks,
        None,
    );
    assert!(rendered.html.contains(
        "<h1 id=\"hello-world\"><a class=\"heading-link\" href=\"#hello-world\">Hello World</a></h1>"
    ));
    assert!(rendered.html.contains("id=\"hello-world-1\""));
    assert!(rendered.html.contains("id=\"hello-world-2\""));
    assert!(
        rendered.html.contains(
            "<h3 id=\"custom\"><a class=\"heading-link\" href=\"#custom\">Deep <em>one</em></a></h3>"
        )
    );
    assert_eq!(rendered.toc.len(), 1);
    assert_eq!(rendered.toc[0].children.len(), 2);
    assert_eq!(rendered.toc[0].children[1].children[0].title, "Deep one");
}

#[test]
fn heading_ids_match_zola_slugs() {
    let rendered = render("## What’s next? Rare_earths & magnets\n", &mut KeepLinks, None);
    assert_eq!(rendered.toc[0].id, "what-s-next-rare-earths-magnets");
}

#[test]
fn heading_with_a_link_keeps_its_link() {
    let out = html("## See [this](https://x.org)\n");
    assert!(
        out.contains("<a href=\"https://x.org\">this</a> <a class=\"heading-anchor\" href=\"#see-this\""),
        "{out}"
    );
}

#[test]
fn gfm_extensions() {
    let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n");
    assert!(out.contains("<table>"));
    assert!(out.contains("<del>old</del>"));
    assert!(out.contains("“quoted”"));
    assert!(
        out.contains("<li><input type=\"checkbox\" disabled checked aria-label=\"Done:\"> done</li>"),
        "{out}"
    );
}

#[test]
fn footnotes_go_to_the_end_with_backlinks() {
    let rendered = render(
        "A[^n] and B[^m] and again[^n].\n\n[^m]: Second.\n[^n]: First.\n\nAfter.\n",
        &mut KeepLinks,
        None,
    );
    let out = &rendered.html;
    let after = out.find("After.").unwrap();
    let notes = out.find("<section class=\"footnotes\"").unwrap();
    assert!(after < notes, "{out}");
    assert!(out.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>"));
    assert!(out.contains("<a href=\"#fn-1\" id=\"fnref-1-2\">1</a>"));
    assert!(out.contains("<li id=\"fn-1\"><p>First."), "{out}");
    assert!(out.contains("<li id=\"fn-2\"><p>Second."), "{out}");
    assert!(out.contains("href=\"#fnref-1-2\""));
    assert!(rendered.ids.contains("fn-2") && rendered.ids.contains("fnref-1-2"));
}

#[test]
fn notes_are_written_exactly() {
    let notes = |source: &str| {
        let html = render(source, &mut KeepLinks, None).html;
        html[html.find("<section").unwrap()..].to_string()
    };
    assert_eq!(
        notes("A[^n] and B[^m] and again[^n].\n\n[^m]: Second.\n[^n]: First.\n\nAfter.\n"),
        "<section class=\"footnotes\" aria-label=\"Notes\">\n<ol>\n\
         <li id=\"fn-1\"><p>First. \
         <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"Back to reference 1.1\">↩<sup>1</sup></a> \
         <a href=\"#fnref-1-2\" class=\"footnote-backref\" aria-label=\"Back to reference 1.2\">↩<sup>2</sup></a></p></li>\n\
         <li id=\"fn-2\"><p>Second. \
         <a href=\"#fnref-2\" class=\"footnote-backref\" aria-label=\"Back to reference 2\">↩</a></p></li>\n\
         </ol>\n</section>\n"
    );
    // A note that is not a paragraph gets its link after it.
    assert_eq!(
        notes("A[^x].\n\n[^x]: ```\ncode\n```\n"),
        "<section class=\"footnotes\" aria-label=\"Notes\">\n<ol>\n\
         <li id=\"fn-1\"><pre><code></code></pre> \
         <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"Back to reference 1\">↩</a></li>\n\
         </ol>\n</section>\n"
    );
}

#[test]
fn headings_nest_under_the_nearest_higher_one() {
    let flat = [3, 2, 3, 4, 4, 2, 5, 3]
        .iter()
        .enumerate()
        .map(|(i, &level)| (level, format!("h{i}"), format!("Heading {i}")))
        .collect();
    fn shape(toc: &[Heading]) -> String {
        toc.iter()
            .map(|h| match h.children.is_empty() {
                true => h.id.clone(),
                false => format!("{}({})", h.id, shape(&h.children)),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
    let toc = nest(flat);
    assert_eq!(shape(&toc), "h0 h1(h2(h3 h4)) h5(h6 h7)");
    assert_eq!((toc[1].level, toc[1].title.as_str()), (2, "Heading 1"));
}

#[test]
fn a_summary_cut_inside_elements_closes_them() {
    let rendered = render(
        "Intro *with <!-- more --> emphasis* here.\n",
        &mut KeepLinks,
        None,
    );
    assert_eq!(rendered.summary.as_deref(), Some("<p>Intro <em>with </em></p>"));
    let source = "<div class=\"box\">\n<p>One<br>two</p>\n<!-- more -->\n</div>\n";
    let rendered = render(source, &mut KeepLinks, None);
    assert_eq!(
        rendered.summary.as_deref(),
        Some("<div class=\"box\">\n<p>One<br>two</p>\n</div>")
    );
    assert_eq!(
        with_open_elements_closed("<ul><li><script>if (a<b) x = '</li>';</script>x"),
        "<ul><li><script>if (a<b) x = '</li>';</script>x</li></ul>"
    );
    // A script the cut leaves open is left out.
    assert_eq!(with_open_elements_closed("<p>a <script>if (a"), "<p>a </p>");
    assert_eq!(
        with_open_elements_closed("<p>a<img src=x/> <!-- <b> --></p><p>b"),
        "<p>a<img src=x/> <!-- <b> --></p><p>b</p>"
    );
}

#[test]
fn summary_before_more_marker() {
    let rendered = render("Intro.\n\n<!-- more -->\n\nRest.\n", &mut KeepLinks, None);
    assert_eq!(rendered.summary.as_deref(), Some("<p>Intro.</p>\n"));
    assert_eq!(rendered.word_count, 2);
}

#[test]
fn links_are_rewritten_with_their_spans() {
    struct Upper(Vec<Range<usize>>);
    impl LinkRewriter for Upper {
        fn rewrite(&mut self, dest: &str, span: Range<usize>) -> Option<String> {
            self.0.push(span);
            Some(dest.to_uppercase())
        }
    }
    let source = "x [a](a.md) ![i](i.png) <b@c.org>";
    let mut links = Upper(Vec::new());
    let out = render(source, &mut links, None).html;
    assert!(out.contains("href=\"A.MD\""));
    assert!(out.contains("src=\"I.PNG\""));
    assert!(out.contains("mailto:b@c.org"));
    assert_eq!(&source[links.0[0].clone()], "[a](a.md)");
}

#[test]
fn literal_ranges_cover_code_and_comments() {
    let source = "a `x` b\n\n```\ncode\n```\n";
    let ranges = literal_ranges(source);
    assert_eq!(&source[ranges[0].clone()], "`x`");
    assert_eq!(&source[ranges[1].clone()], "```\ncode\n```");
}

#[test]
fn lints_for_problems_of_form() {
    let source = "### Too deep\n\n## \n\n![](a.png) [](b.md) [![alt](c.png)](d.md)\n\n## A {#x}\n\n<p id=\"x\">y</p>\n";
    let lints = render(source, &mut KeepLinks, None).lints;
    let messages: Vec<(&str, &str)> = lints
        .iter()
        .map(|l| (l.message.as_str(), &source[l.span.clone()]))
        .collect();
    assert_eq!(
        messages,
        vec![
            ("a heading skips a level: h3 after h1", "### Too deep\n"),
            ("a heading is empty", "## \n"),
            ("an image has no alt text", "![](a.png)"),
            ("a link has no text", "[](b.md)"),
            ("the id `x` is used twice on this page", "<p id=\"x\">y</p>\n"),
        ]
    );
}

#[test]
fn glossary_terms_are_marked_once_outside_headings_links_and_code() {
    let glossary = Glossary::new(
        vec![GlossaryTerm {
            id: "rare-earths".into(),
            forms: vec!["rare earths".into(), "rare-earth minerals".into()],
            definition: "Seventeen <metals>.".into(),
        }],
        "G.html".into(),
    );
    let mut terms = TermUse::new(&glossary);
    let source =
        "## Rare earths\n\n[rare earths](x.md) and `rare earths` and Rare-earth minerals & rare earths.\n";
    let html = render(source, &mut KeepLinks, Some(&mut terms)).html;
    assert!(html.contains(
        "<h2 id=\"rare-earths\"><a class=\"heading-link\" href=\"#rare-earths\">Rare earths</a></h2>"
    ));
    assert!(html.contains(
        "<code>rare earths</code> and <a class=\"glossary-term\" href=\"G.html#rare-earths\" aria-describedby=\"glossary-rare-earths\">Rare-earth minerals</a>\
         <span class=\"glossary-definition\" id=\"glossary-rare-earths\" role=\"tooltip\" hidden>Seventeen &lt;metals&gt;.</span> &amp; rare earths.</p>"
    ), "{html}");
    assert_eq!(html.matches("glossary-term").count(), 1);
    // Terms are whole words only.
    let mut terms = TermUse::new(&glossary);
    let html = render(
        "Sparse earthsy words: rare earthsy.\n",
        &mut KeepLinks,
        Some(&mut terms),
    )
    .html;
    assert!(!html.contains("glossary-term"), "{html}");
    // Nor inside raw HTML where a link or curly quotes change meaning.
    for raw in [
        "<a href=\"x.html\">rare earths</a>",
        "<code>rare earths</code>",
        "<button>rare earths</button>",
        "<kbd>rare earths</kbd>",
        "<h3>rare earths</h3>",
    ] {
        let mut terms = TermUse::new(&glossary);
        let html = render(&format!("See {raw} here.\n"), &mut KeepLinks, Some(&mut terms)).html;
        assert!(!html.contains("glossary-term"), "{raw}: {html}");
        assert!(html.contains(raw), "{raw}: {html}");
    }
    let mut terms = TermUse::new(&glossary);
    let source = "A <script>const s = \"rare earths\" && 'x' -- 1...</script> and <code>\"a\" -- b</code>, then \"rare earths\".\n";
    let html = render(source, &mut KeepLinks, Some(&mut terms)).html;
    assert!(
        html.contains("<script>const s = \"rare earths\" && 'x' -- 1...</script>"),
        "{html}"
    );
    assert!(html.contains("<code>\"a\" -- b</code>"), "{html}");
    assert!(html.contains("then “<a class=\"glossary-term\""), "{html}");
}

#[test]
fn words_are_counted_between_spaces() {
    assert_eq!(count_words(""), 0);
    assert_eq!(count_words("  one\ttwo\nthree  "), 3);
    assert_eq!(count_words("naïve café, déjà-vu"), 3);
    assert_eq!(count_words("a\x0Bb \x0C c\rd"), 3);
}

proptest::proptest! {
    /// The same count as splitting on ASCII whitespace, for any text.
    #[test]
    fn words_are_what_splitting_on_spaces_gives(text in "[ a\t\n\x0B\x0C\r\u{a0}é\u{2003}-]{0,64}") {
        let split = text.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()).count();
        proptest::prop_assert_eq!(count_words(&text), split);
    }
}

#[test]
fn raw_html_ids_are_known() {
    let rendered = render(
        "<div id=\"box\">x</div>\n\nText <span id='s'>y</span>\n",
        &mut KeepLinks,
        None,
    );
    assert!(rendered.ids.contains("box") && rendered.ids.contains("s"));
}

#[test]
fn a_pattern_fills_each_slot_where_the_template_wrote_it() {
    let html = format!(
        "<a href=\"#{id}\">{text}</a> {id}",
        id = Slot::Id.marker(),
        text = Slot::Text.marker()
    );
    let pattern = Pattern::parse(&html).unwrap();
    assert!(pattern.writes(Slot::Id) && pattern.writes(Slot::Text) && !pattern.writes(Slot::Href));
    let mut out = String::new();
    pattern.write(&mut out, |slot, out| {
        out.push_str(match slot {
            Slot::Id => "x",
            _ => "<b>T</b>",
        })
    });
    assert_eq!(out, "<a href=\"#x\"><b>T</b></a> x");

    // A marker a filter changed, cut, or made up is an error naming it.
    let upper = Slot::Id.marker().to_uppercase();
    assert_eq!(
        Pattern::parse(&upper).unwrap_err(),
        "the template changes `id`, which it may only write as it is"
    );
    let cut: String = Slot::Text.marker().chars().take(3).collect();
    assert_eq!(
        Pattern::parse(&cut).unwrap_err(),
        "the template changes `text`, which it may only write as it is"
    );
    assert_eq!(
        Pattern::parse("\u{FDD2}nothing\u{FDD2}").unwrap_err(),
        "the template changes one of its values, which it may only write as they are"
    );
}

#[test]
fn a_heading_holding_a_note_reference_or_a_raw_link_links_to_itself_after_its_text() {
    for (source, inner) in [
        (
            "## Tariffs[^1]\n\n[^1]: A note.\n",
            "Tariffs<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup> <a class=\"heading-anchor\"",
        ),
        (
            "## See <A HREF=\"https://example.org/\">this</A>\n",
            "See <A HREF=\"https://example.org/\">this</A> <a class=\"heading-anchor\"",
        ),
        (
            "## Plain <abbr>US</abbr>\n",
            "<a class=\"heading-link\" href=\"#plain-us\">Plain <abbr>US</abbr></a>",
        ),
    ] {
        let html = render(source, &mut KeepLinks, None).html;
        assert!(html.contains(inner), "{source}\n{html}");
    }
}

#[test]
fn a_heading_named_like_a_note_gets_an_id_of_its_own_at_once() {
    // `fnref-1-1`, `fnref-1-2`, ... all have a note reference's form: the
    // search for a free number must not go on for ever.
    let rendered = render(
        "## fnref 1\n\n## fn 2\n\n## FNREF 1 1\n\n## fnref 1\n\n## fnref\n",
        &mut KeepLinks,
        None,
    );
    let ids: Vec<&str> = rendered.toc.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "fnref-1-heading",
            "fn-2-1",
            "fnref-1-1-heading",
            "fnref-1-heading-1",
            "fnref"
        ]
    );
}
