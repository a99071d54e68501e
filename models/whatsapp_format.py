"""A message drawn as WhatsApp shows it: `*bold*`, `_italic_`, `~strike~`, ```` ```mono``` ````, line breaks, links.

Escape first, then format: the text is HTML-escaped as a whole before any tag is added, so the only markup in the
result is the handful of tags written here. One left-to-right pass, no regular expression: linear in the text's
length whatever a user types (a stack of open markers, each pushed and popped at most once).
"""

from __future__ import annotations

from markupsafe import Markup, escape

FENCE = "```"
TAGS = {"*": "strong", "_": "em", "~": "s"}
URL_SCHEMES = ("https://", "http://")
URL_TRAILING = ".,;:!?)]}*_~"
MAX_FORMATTED_CHARS = 8_192  # twice WhatsApp's 4,096: the rest is shown escaped, unformatted (bounded work per bubble)


def whatsapp_html(text: str) -> Markup:
    """`text` as safe HTML with WhatsApp's formatting applied; anything it does not format is shown as typed."""
    head, tail = text[:MAX_FORMATTED_CHARS], text[MAX_FORMATTED_CHARS:]
    escaped = str(escape(head.replace("\r\n", "\n")))
    parts: list[str] = []
    position = 0
    while position < len(escaped):
        start = escaped.find(FENCE, position)
        end = escaped.find(FENCE, start + len(FENCE)) if start >= 0 else -1
        if start < 0 or end < 0 or end == start + len(FENCE):
            parts.append(_inline(escaped[position:]))
            break
        parts.append(_inline(escaped[position:start]))
        parts.append("<code>" + _breaks(escaped[start + len(FENCE) : end]) + "</code>")
        position = end + len(FENCE)
    return Markup("".join(parts) + str(escape(tail)))  # noqa: S704 - escaped above; the only tags are ours


def _breaks(escaped: str) -> str:
    return escaped.replace("\n", "<br>")


def _is_edge(char: str) -> bool:
    """Markers open after and close before a space, punctuation or the line's end, never inside a word."""
    return not char.isalnum()


def _inline(escaped: str) -> str:
    """Bold, italic, strike and links within already-escaped text, one line at a time."""
    return "<br>".join(_line(line) for line in escaped.split("\n"))


def _url_end(line: str, start: int) -> int:
    end = start
    while end < len(line) and not line[end].isspace():
        end += 1
    while end > start and line[end - 1] in URL_TRAILING:
        end -= 1
    return end


def _line(line: str) -> str:
    out: list[str] = []
    openers: list[tuple[str, int]] = []  # (marker, index in `out` of its placeholder)
    open_count = dict.fromkeys(TAGS, 0)
    index, length = 0, len(line)
    while index < length:
        char = line[index]
        before = line[index - 1] if index else " "
        if char == "h" and _is_edge(before) and line.startswith(URL_SCHEMES, index):
            end = _url_end(line, index)
            url = line[index:end]
            if len(url) > len("https://"):
                out.append(f'<a href="{url}" rel="noopener noreferrer nofollow" target="_blank">{url}</a>')
                index = end
                continue
        if char in TAGS:
            after = line[index + 1] if index + 1 < length else " "
            if open_count[char] and not before.isspace() and _is_edge(after) and _close(out, openers, open_count, char):
                index += 1
                continue
            if _is_edge(before) and not after.isspace() and after != char:
                openers.append((char, len(out)))
                open_count[char] += 1
        out.append(char)
        index += 1
    return "".join(out)


def _close(out: list[str], openers: list[tuple[str, int]], open_count: dict[str, int], marker: str) -> bool:
    """Close the latest `marker` opener (openers above it stay literal); False when it would wrap nothing."""
    position = len(openers) - 1
    while openers[position][0] != marker:
        position -= 1
    slot = openers[position][1]
    if slot == len(out) - 1:
        return False
    for dropped, _slot in openers[position:]:
        open_count[dropped] -= 1
    del openers[position:]
    tag = TAGS[marker]
    out[slot] = f"<{tag}>"
    out.append(f"</{tag}>")
    return True
