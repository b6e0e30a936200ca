"""Showing text that comes from a URL, a file or the database: never interpreted as Markdown or HTML.

Streamlit renders every `st.info`, `st.caption`, `st.markdown`, title and widget label as Markdown,
plus its own extensions. Two kinds of syntax must be neutralised:
- Markdown and HTML (links, images, emphasis, headings, lists, entities, raw tags), Streamlit's
  `:red[…]` directives and `$…$` / `$$…$$` maths: a backslash before each of their marks makes it
  literal (CommonMark allows escaping any ASCII punctuation);
- patterns Streamlit's pipeline finds in the *decoded* text, after escapes are applied: GFM autolinks
  (`http://…`, `www.…`, `nom@domaine`) and `:material/icône:` / `:emoji:` codes. An invisible word
  joiner (U+2060) after each `:` and `@` not followed by a space, and inside `www.`, breaks them while
  the text reads the same.
Line breaks and runs of spaces become single spaces (a leading indent would make a code block).
"""

import re

WORD_JOINER = "\u2060"
# Every mark Markdown, GFM, HTML entities or Streamlit give a meaning to (`'`, `,`, `;`, `?`, `%`, `"`, `/`,
# `=`, `^` have none once line breaks are gone, and stay unescaped so that messages read as written).
MARKDOWN_MARKS = "\\`*_{}[]()#+-.!|<>~$:&@"
_PUNCTUATION = re.compile("([" + re.escape(MARKDOWN_MARKS) + "])")
_BLANKS = re.compile(r"[\x00-\x20\x7f\x85\u2028\u2029]+")   # not U+00A0 / U+202F: French numbers keep them
_JOIN_AFTER = re.compile(r"(\\[:@])(?=\S)")       # « 2024 : comparer » keeps its plain colon
_WWW = re.compile(r"(www)(\\\.)", re.IGNORECASE)


def plain(text: object) -> str:
    """`text` as Streamlit shows it literally: Markdown, HTML and Streamlit's directives escaped."""
    flat = _BLANKS.sub(" ", str(text))
    escaped = _PUNCTUATION.sub(r"\\\1", flat)
    escaped = _JOIN_AFTER.sub(r"\1" + WORD_JOINER, escaped)
    return _WWW.sub(r"\1" + WORD_JOINER + r"\2", escaped)


def code(text: object) -> str:
    """`text` as a Markdown code span: shown literally, in a monospace font (a path, an identifier)."""
    flat = re.sub(r"(:)(?=\S)", r"\1" + WORD_JOINER, _BLANKS.sub(" ", str(text)))   # :material…: even here
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    return f"{fence} {flat} {fence}"
