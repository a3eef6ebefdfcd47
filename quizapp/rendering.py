"""Teacher-authored rich text: Markdown rendered, then sanitized."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "code", "blockquote", "br", "s"}


@lru_cache(maxsize=4096)
def markdown(text: str) -> Markup:
    """Markdown to safe HTML: raw HTML is never passed through, links get rel=noopener."""
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


@lru_cache(maxsize=4096)
def markdown_inline(text: str) -> Markup:
    """Like `markdown` but without the wrapping paragraph, for labels and prompts in a line."""
    html = str(markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
