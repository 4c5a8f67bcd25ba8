"""A post's body as HTML: plain text with a few conventions writers already know from Markdown.

- a blank line separates paragraphs; a single line break stays a line break;
- lines starting with ``>`` are a block quote;
- a block between two lines of three backticks (```` ``` ````) is code, kept exactly as written;
- text between single backticks is inline code.

Everything is escaped first, so a body can never add markup of its own (the post's author is a user).
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FENCE = "```"
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def render_body(text: str) -> SafeString:
    """The HTML of a post's ``text`` (see the module's docstring)."""
    html: list[str] = []
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
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text was escaped above


def _blocks(text: str) -> list[str]:
    blocks = []
    for block in _BLANK_LINES.split(text.strip()):
        lines = block.strip().split("\n")
        if not lines[0]:
            continue
        if all(line.lstrip().startswith(">") for line in lines):
            quoted = "\n".join(line.lstrip()[1:].removeprefix(" ") for line in lines)
            blocks.append(f"<blockquote>{''.join(_blocks(quoted))}</blockquote>")
        else:
            blocks.append(f"<p>{'<br>'.join(_inline(line.strip()) for line in lines)}</p>")
    return blocks


def _inline(line: str) -> str:
    return _INLINE_CODE.sub(r"<code>\1</code>", escape(line))


def _code_block(lines: list[str]) -> str:
    # A long line scrolls inside the block, not the page; tabindex lets a keyboard scroll it.
    return f'<pre tabindex="0"><code>{escape(chr(10).join(lines))}</code></pre>'
