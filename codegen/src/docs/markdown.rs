//! Doc comments' Markdown → HTML for the HTML docs: CommonMark read by pulldown-cmark,
//! then made fit for a self-contained page.
//!
//! Doc comments are written as Markdown (rustdoc renders the generated code's copy of
//! them the same way), so the page renders them too rather than showing their backticks.
//! What a schema's comment must not do to the page is taken out: raw HTML is shown as
//! text, links go only to the web, mail or the page itself, images become their
//! description (the page loads nothing), and headings become paragraphs (the page's own
//! headings give its outline). Code spans may wrap after their dots, as URIs do.

use minijinja::HtmlEscape;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

/// Renders `text` as HTML blocks (`<p>`, lists, code blocks…).
pub fn blocks(text: &str) -> String {
    render(text, false)
}

/// Renders `text` as inline HTML, for a table cell: the paragraphs' own tags are left out.
pub fn inline(text: &str) -> String {
    render(text, true)
}

fn render(text: &str, inline: bool) -> String {
    let mut events = Vec::new();
    // What became of each link being read, to end it the same way.
    let mut links = Vec::new();
    for event in Parser::new(text) {
        // A block of raw HTML is shown as a paragraph of its text.
        let event = match event {
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            other => other,
        };
        match event {
            Event::Html(html) | Event::InlineHtml(html) => events.push(Event::Text(html)),
            Event::Code(code) => events.push(Event::InlineHtml(code_span(&code).into())),
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) if inline => {
                if matches!(event, Event::Start(_)) && !events.is_empty() {
                    events.push(Event::Text(" ".into()));
                }
            }
            Event::Start(Tag::Heading { .. }) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::Heading(_)) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let link = if is_safe_destination(&dest_url) {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                    Link::Kept
                } else if link_type == LinkType::Autolink {
                    // `<uuid:clock>` in a comment is a URI placeholder, which CommonMark
                    // reads as a link of scheme `uuid`: it is shown as written.
                    events.push(Event::Text("<".into()));
                    Link::ShownAsWritten
                } else {
                    Link::TextOnly
                };
                links.push(link);
            }
            Event::End(TagEnd::Link) => match links.pop() {
                Some(Link::Kept) | None => events.push(Event::End(TagEnd::Link)),
                Some(Link::ShownAsWritten) => events.push(Event::Text(">".into())),
                Some(Link::TextOnly) => {}
            },
            other => events.push(other),
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if inline { html.trim().to_owned() } else { html }
}

/// What a link of a comment becomes.
enum Link {
    /// A link of the page.
    Kept,
    /// Its text, between the `<` and `>` it was written with.
    ShownAsWritten,
    /// Its text alone.
    TextOnly,
}

/// A code span, escaped, with a line-break opportunity after every dot.
fn code_span(code: &str) -> String {
    let escaped = HtmlEscape(code).to_string();
    format!("<code>{}</code>", escaped.replace('.', ".<wbr>"))
}

/// Whether a link may stay a link: to the web, to a mail address, or within the page
/// (or relative, which a page read offline cannot leave either).
fn is_safe_destination(destination: &str) -> bool {
    let lowercase = destination.trim().to_ascii_lowercase();
    let scheme_end = lowercase.find(':');
    let path_start = lowercase.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(path)) if path < colon => true,
        (Some(_), _) => ["http:", "https:", "mailto:"]
            .iter()
            .any(|scheme| lowercase.starts_with(scheme)),
        (None, _) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html_that_cannot_harm_the_page() {
        let check = |text: &str, expected: &str| assert_eq!(blocks(text), expected, "{text}");
        check(
            "Fails with `wamp.error.no_such_session`.",
            "<p>Fails with <code>wamp.<wbr>error.<wbr>no_such_session</code>.</p>\n",
        );
        check(
            "A **bold** and *quiet*\nword.\n\n- one\n- two",
            "<p>A <strong>bold</strong> and <em>quiet</em>\nword.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n",
        );
        check(
            "<script>alert(1)</script> and <b>x</b>",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;x&lt;/b&gt;</p>\n",
        );
        check(
            "[spec](https://wamp-proto.org/) [bad](javascript:alert(1)) ![logo](https://x/y.png)",
            "<p><a href=\"https://wamp-proto.org/\">spec</a> bad logo</p>\n",
        );
        check(
            "Mounted under <uuid:clock>, see <https://a.b/c>.",
            "<p>Mounted under &lt;uuid:clock&gt;, see <a href=\"https://a.b/c\">https://a.b/c</a>.</p>\n",
        );
        check("# Title", "<p>Title</p>\n");
    }

    #[test]
    fn inline_rendering_leaves_out_paragraph_tags() {
        assert_eq!(
            inline("Gets `a.b`.\n\nSecond *part*."),
            "Gets <code>a.<wbr>b</code>. Second <em>part</em>."
        );
    }
}
