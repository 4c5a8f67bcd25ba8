"""The design system's template tags: icons from the static sprite and avatars with an initials fallback.

After `{% load ui %}`:
- `{% icon "menu" %}`: an icon beside text (hidden from screen readers);
- `{% icon "search" label="Search" %}`: an icon that is the only name of its control;
- `{% avatar person %}`: the person's initials on a colour picked from their username;
- `{% avatar person image=person.profile.avatar size="large" %}`: their picture when there is one.
"""

import zlib

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

#: The avatar colour classes in css/site.css (avatar-hue-0 …); each pairs a background with a text colour
#: that passes WCAG AA contrast in both colour schemes.
AVATAR_HUES = 6
AVATAR_SIZES = {"small": 32, "": 40, "large": 96}


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An inline SVG using the symbol `name` of static/icons.svg; with `label`, the icon is named for
    assistive technology (an icon-only control), otherwise it is decoration."""
    href = f"{static('icons.svg')}#{name}"
    if label:
        return format_html(
            '<svg class="icon" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>',
            label,
            href,
        )
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', href
    )


def initials(name: str) -> str:
    """Up to two letters: the first of the first and last words ("Ada Lovelace" -> "AL", "demo" -> "D")."""
    words = [word for word in name.split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_hue(key: str) -> int:
    """A stable colour for a person: the same username always gets the same one (not Python's hash())."""
    return zlib.crc32(key.encode()) % AVATAR_HUES


@register.simple_tag
def avatar(person, image=None, size: str = "") -> str:
    """The person's picture (`image`: a file field or URL) or their initials; decorative (alt=""), since
    the person's name is always written beside it."""
    size_class = f" avatar-{size}" if size else ""
    pixels = AVATAR_SIZES.get(size, AVATAR_SIZES[""])
    url = getattr(image, "url", image) if image else ""
    if url:
        return format_html(
            '<img class="avatar{}" src="{}" alt="" width="{}" height="{}" loading="lazy">',
            size_class,
            url,
            pixels,
            pixels,
        )
    name = getattr(person, "display_name", "") or getattr(person, "username", "") or str(person)
    key = getattr(person, "username", "") or name
    return format_html(
        '<span class="avatar{} avatar-hue-{}" aria-hidden="true">{}</span>',
        size_class,
        avatar_hue(key),
        initials(name),
    )
