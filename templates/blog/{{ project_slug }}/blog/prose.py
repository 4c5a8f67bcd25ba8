"""A post's body as HTML: plain text with a few conventions writers already know from Markdown.

- a blank line separates paragraphs; a single line break stays a line break;
- lines starting with ``>`` are a block quote;
- a block between two lines of three backticks (```` ``` ````) is code, kept exactly as written;
- text between single backticks is inline code.

Everything is escaped first, so a body can never add markup of its own (the post's author is a user).
"""

import re
from collections.abc import Iterable

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

FENCE = "```"
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def render_body(text: str) -> SafeString:
    """The HTML of a post's ``text`` (see the module's docstring)."""
    html: list[SafeString] = []
    prose: list[str] = []
    code: list[str] | None = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip().startswith(FENCE):
            if code is None:
                html.extend(_blocks("\n".join(prose)))
                prose, code = [], []
            else:
                html.append(_code_block(code))
                code = None
        elif code is not None:
            code.append(line)
        else:
            prose.append(line)
    if code is not None:  # a fence never closed: the rest is code
        html.append(_code_block(code))
    html.extend(_blocks("\n".join(prose)))
    return _joined(html, "\n")


def _joined(pieces: Iterable[SafeString], separator: str = "") -> SafeString:
    """Safe pieces joined (format_html_join escapes anything that is not already safe)."""
    return format_html_join(separator, "{}", ((piece,) for piece in pieces))


def _blocks(text: str) -> list[SafeString]:
    blocks = []
    for block in _BLANK_LINES.split(text.strip()):
        lines = block.strip().split("\n")
        if not lines[0]:
            continue
        if all(line.lstrip().startswith(">") for line in lines):
            quoted = "\n".join(line.lstrip()[1:].removeprefix(" ") for line in lines)
            blocks.append(format_html("<blockquote>{}</blockquote>", _joined(_blocks(quoted))))
        else:
            line_breaks = format_html_join("", "{}<br>", ((_inline(line.strip()),) for line in lines[:-1]))
            blocks.append(format_html("<p>{}{}</p>", line_breaks, _inline(lines[-1].strip())))
    return blocks


def _inline(line: str) -> SafeString:
    """A line's text escaped, with text between single backticks as inline code."""
    parts = _INLINE_CODE.split(line)  # text, code, text, code, ..., text
    return _joined(format_html("<code>{}</code>", part) if index % 2 else format_html("{}", part)
                   for index, part in enumerate(parts))  # fmt: skip


def _code_block(lines: list[str]) -> SafeString:
    # A long line scrolls inside the block, not the page; tabindex lets a keyboard scroll it.
    return format_html('<pre tabindex="0"><code>{}</code></pre>', "\n".join(lines))
