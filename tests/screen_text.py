"""What a screen says, as the user reads it, and the checks every screen's words must pass;
and what a screen is for, which must be on it without scrolling (``unseen``).

``shown_text`` reads each widget the way Textual draws it (markup applied), so markup that was
meant as style but reached the screen as text (``[/]``, ``[dim]``, a lone ``]``) is caught
wherever it came from: a sentence from the core, a file name, a summary such as ``[acme]``.
``sentence_problems`` reads the same words for the faults a sentence built from parts can
have: a doubled word, a list that lost its items, a cause that came out empty.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content
from textual.visual import visualize
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList

# Markup that was never applied: a closing tag, a style tag, a variable, a click action.
LEFTOVER = re.compile(r"\[/[^\]]*\]|\[(?:b|i|u|s|bold|dim|italic|reverse|link|on)\b[^\]]*\]|\[\$[\w-]+|\[@click")


def _plain(widget: Widget, renderable: object) -> str | None:
    if isinstance(renderable, str):
        renderable = visualize(widget, renderable)
    if isinstance(renderable, Content):
        return renderable.plain
    if isinstance(renderable, Text):
        return renderable.plain
    return None  # a diff or a snippet (rich Syntax): code, shown as code


def shown_text(screen) -> list[tuple[str, str]]:
    """``(widget, text)`` for every piece of text the screen draws, scrolled into view or not."""
    out = []
    for widget in screen.query("*"):
        if isinstance(widget, (Footer, Input)) or any(isinstance(a, Footer) for a in widget.ancestors):
            continue  # the footer's key names; an input shows what was typed
        if not widget.display or any(not a.display for a in widget.ancestors if isinstance(a, Widget)):
            continue
        name = f"{type(widget).__name__}#{widget.id or ''}"
        if isinstance(widget, OptionList):
            for n in range(widget.option_count):
                text = _plain(widget, widget.get_option_at_index(n).prompt)
                if text:
                    out.append((name, text))
            continue
        try:
            renderable = widget.render()
        except Exception:  # a widget that draws only once laid out
            continue
        text = _plain(widget, renderable)
        if text and text.strip():
            out.append((name, text))
    return out


def leftover_markup(text: str) -> list[str]:
    """The markup a text shows instead of applying, and brackets that do not pair up."""
    found = LEFTOVER.findall(text)
    depth = 0
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0:
            found.append("an unmatched ]")
            depth = 0
    return found


_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE)
_LISTED = re.compile(r"\bwhich ([\w ,]+?) (?:all|both)\b")
_CHECKS = {
    # "…: .", "()", "operation: Type the names": the cause between them came out empty
    "an empty cause": re.compile(r":\s*[.;)]|\(\s*\)|\w:\s+(?:Type|Give|Check|Run|Choose|Try)\b"),
    "a sentence inside brackets": re.compile(r"[.:]\)"),
    "a credential from no credential": re.compile(r"\bfrom no credential\b"),
    "a doubled full stop": re.compile(r"(?<!\.)\.\.(?!\.)"),
}
# "uv pip compile", "pip pip" never occur as words; these doubled tokens are commands or names.
_ALLOWED_DOUBLES = {"uv"}


def sentence_problems(text: str) -> list[str]:
    """What reads wrong in ``text``: a doubled word, a dangling list, an empty cause."""
    problems = [f"doubled {m.group(1)!r}" for m in _DOUBLED.finditer(_outside_code(text))
                if m.group(1).lower() not in _ALLOWED_DOUBLES]
    prose = _outside_code(text)
    problems += [f"{what}: {m.group(0)!r}" for what, pattern in _CHECKS.items() for m in pattern.finditer(prose)]
    # "which uv all read", "which uv, pip all read": a list that lost its second item or its "and"
    problems += [f"a dangling list: {m.group(0)!r}" for m in _LISTED.finditer(prose) if " and " not in m.group(1)]
    return problems


def _outside_code(text: str) -> str:
    # A command in backticks is copied as it is; a path or URL is a name. Neither is prose.
    text = re.sub(r"`[^`]*`", "`…`", text)
    return re.sub(r"\S*(?:/|https?:)\S*", "…", text)


def screen_problems(screen) -> list[str]:
    """Every leftover markup and broken sentence on the screen, named by widget."""
    problems = []
    for name, text in shown_text(screen):
        problems += [f"{type(screen).__name__} {name}: {p} in {text!r}" for p in leftover_markup(text)]
        problems += [f"{type(screen).__name__} {name}: {p} in {text!r}" for p in sentence_problems(text)]
    return problems


# -- what must be on screen without scrolling ---------------------------------------------------

#: What a screen is for, when it shows it: each must be on screen as the walk leaves it.
VERDICTS = ("#verdict", "#outcome", "#summary", "#proof", "#doctor-summary", "#store-check", "#store-ready",
            "#plan-error", "#minted", "#start-error", ".reason.error", ".why-not")
#: Where the user is elsewhere on purpose, what they look at instead: the fix being previewed, not the
#: report's count; the field being typed, not the list of repositories above it.
SUPERSEDED = {"#doctor-summary": "#fix", "#reachable-status": "#index-name:focus"}
#: The action the screen asks for next, where it is a button rather than a footer key.
ACTIONS = ("#retry-button", "#back-button", "#apply-fix", "#mint-button", "#install-keyring")


def _on_screen(widget: Widget) -> bool:
    """Whether the widget's first lines are inside the part of the screen the user sees, unscrolled."""
    screen = widget.screen
    region = widget.region
    body = screen.query("#body")
    view = body.first().region if body and body.first() in widget.ancestors else screen.region
    rows = min(region.height, 3)
    return bool(rows) and view.y <= region.y and region.y + rows <= view.bottom and view.x <= region.x < view.right


def _shown(widget: Widget) -> bool:
    return widget.display and all(a.display for a in widget.ancestors if isinstance(a, Widget))


def _next_key_on_screen(screen) -> bool:
    """The footer's Next (Apply, Finish…) key is drawn inside the screen's width."""
    keys = [k for k in screen.query("FooterKey") if getattr(k, "action", "") == "next"]
    return not keys or all(screen.region.contains_region(k.region) for k in keys)


def unseen(screen) -> list[str]:
    """What the screen is for (its verdict, its action) but draws outside the part the user sees unscrolled."""
    found = []
    for selector in VERDICTS + ACTIONS + ("#reachable-status", "#reachable-options"):
        instead = SUPERSEDED.get(selector)
        if instead and any(_shown(w) for w in screen.query(instead)):
            continue
        for widget in screen.query(selector):
            if _shown(widget) and not _on_screen(widget):
                found.append(f"{selector} at {widget.region} outside {screen.region}")
    if not _next_key_on_screen(screen):
        found.append("the footer's Next key")
    return found
