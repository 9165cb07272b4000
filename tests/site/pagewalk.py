"""Walk a trust's pages as one member: every nav page and the links on it, by the test client.

`visible_text` is what a person reads (no scripts, styles, attributes or hidden inputs); the
tests look for raw codes in it with `trust_si.vocab.raw_codes_in`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

_SKIP = {"script", "style", "template", "noscript", "code"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href)
        if tag == "option":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skip:
            self._skip -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def parse(html: str) -> tuple[str, list[str]]:
    p = _Text()
    p.feed(html)
    return " ".join("".join(p.parts).split()), p.links


@dataclass
class Walked:
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)  # url -> (status, text)
    unstyled: list[str] = field(default_factory=list)  # error pages without the site's layout


# Links not worth following in a walk: downloads, sign-out, API, other trusts.
_NOT_PAGES = ("/export", ".csv", ".xlsx", ".pdf", "/download", "/api/", "/accounts/", "/static/")


def walk(client: Any, prefix: str, start: list[str], limit: int = 60) -> Walked:
    """Breadth-first from `start`, staying under `prefix`, at most `limit` pages."""
    seen: set[str] = set()
    queue = list(start)
    out = Walked()
    while queue and len(out.pages) < limit:
        url = queue.pop(0).split("#")[0]
        if (
            not url
            or url in seen
            or not url.startswith(prefix)
            or any(n in url for n in _NOT_PAGES)
        ):
            continue
        seen.add(url)
        resp = client.get(url)
        if resp.status_code in (301, 302):
            continue
        ctype = resp.get("Content-Type", "")
        if "text/html" not in ctype:
            continue
        html = resp.content.decode()
        text, links = parse(html)
        out.pages[url] = (resp.status_code, text)
        if resp.status_code >= 400 and not ("govuk-frontend" in html and 'role="main"' in html):
            out.unstyled.append(f"{url}: {resp.status_code}")
        queue.extend(links)
    return out
