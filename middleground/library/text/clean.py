"""Cleaning of scraped plain text: page furniture out, metadata hints kept.

Scraped pages arrive as text with the page around the article: currency tickers repeated
many times, menus, share buttons, captions, cookie banners, author boxes, "related
articles" and "Leave a Reply" forms. The rules below work on the *shape* of lines (length,
repetition, digits, capitalisation, position before the first or after the last paragraph
of prose) so that they hold on sites they were not written for; small multilingual phrase
lists (en/ru/kk/tr) only name the most common widgets. Every rule reports what it removed,
and :attr:`CleanedText.notes` turns that into sentences for the document's data notes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ._dates import find_date_line

__all__ = ["Removal", "CleanedText", "clean_text", "is_prose", "is_title_like"]


@dataclass(slots=True)
class Removal:
    """What one rule removed: how many lines, and a few examples for the data notes."""

    rule: str
    description: str
    lines: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines += 1
        ex = line.strip()
        if ex and ex not in self.examples and len(self.examples) < 3:
            self.examples.append(ex[:80])


@dataclass(slots=True)
class CleanedText:
    """Cleaned text (title line kept, for the listing splitter) and what was found/removed."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None
    listing_marker: str | None = None
    #: The dateline came after the first headline (on a listing: that article's date).
    dateline_after_title: bool = False
    removals: list[Removal] = field(default_factory=list)
    extra_notes: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The text without its leading title line."""
        if self.title:
            first, _, rest = self.text.partition("\n")
            if first.strip() == self.title:
                return rest.strip()
        return self.text

    @property
    def notes(self) -> list[str]:
        """Plain sentences for the data notes, one per rule that fired."""
        out = []
        for r in self.removals:
            if r.lines:
                noun = "line" if r.lines == 1 else "lines"
                ex = "; e.g. " + " | ".join(f"“{e}”" for e in r.examples) if r.examples else ""
                out.append(f"Removed {r.lines} {r.description} {noun}{ex}.")
        return out + self.extra_notes


# --- line shapes -----------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_][^\W\d_'’.-]*")
_SENTENCE_END = re.compile(r"[.!?…»”\"')]\s*$")
_BULLET = re.compile(r"^[\s•·*▪►▶◦‣–—-]+")
# A quote with its change: "KZT/USD = 0.00201 0%", "USD 473.52 ▲ 0.12", "Brent $82.14 +0.6%".
# The change (sign, arrow, "=") is what separates a ticker from a list of statistics
# ("Inflation: 8.6%"), which is content.
_TICKER_CHANGE = re.compile(r"[▲▼↑↓=]\s*[-+]?\d|(?<![\w.])[-+]\d[\d.,]*\s*%?|\s0(\.0+)?%")
_PAGINATION = re.compile(
    r"^(viewing|showing|displaying|results?|показано|страница|page|бет)\b.{0,40}\d+\s*"
    r"(of|из|/|-|–)\s*\d+|^(page|страница|бет)\s+\d+$|^[-–—\s]*\d{1,4}[-–—\s]*$",
    re.IGNORECASE,
)
# "Viewing results 1 - 6 of 124": the page lists several items (a hint for the splitter).
_RESULTS = re.compile(r"^(viewing|showing|displaying|results?|показано|найдено)\b", re.I)
_CAPTION = re.compile(
    r"^(photo|photos|image|picture|illustration|credit|source of photo|фото|сурет|foto"
    r"|görsel)\b\s*(by|:|—|-|–|/)?.{0,100}$",
    re.IGNORECASE,
)
_MORE_FROM = re.compile(
    r"^(view|see|read)?\s*(more|all)\s+(articles|posts|stories|news|by)\b.{0,60}$"
    r"|^(все|другие)\s+(материалы|статьи|новости)\b.{0,60}$",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"^(follow (us|our)|subscribe|sign up|join us|click here|download (our|the) app"
    r"|read more|continue reading|подписывайтесь|подпишитесь|следите за|читайте (нас|также)"
    r"|жазылыңыз)\b",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"cookie|куки|печенье", re.IGNORECASE)
_COOKIE_VERB = re.compile(
    r"accept|consent|agree|we use|this (site|website) uses|используем|соглас|қабылда",
    re.IGNORECASE,
)
_COMMENT_FORM = re.compile(
    r"your email address will not be published|required fields are marked"
    r"|save my name, email|notify me of (follow-up|new)|post comment|you must be logged in"
    r"|ваш (e-?mail|адрес) не будет опубликован|обязательные поля помечены",
    re.IGNORECASE,
)
# "5 min read", "Reading time: 3 minutes", "1,204 views", "12 comments", "Просмотров: 340".
_COUNTER = re.compile(
    r"^\d+\s*(min|mins|minutes?|мин)\.?\s*(read|чтения)?$"
    r"|^(reading time|время чтения|оқу уақыты)\b"
    r"|^[\d\s,.]+\s*(views?|comments?|shares?|likes?|просмотр\w*|комментари\w*)$"
    r"|^(views?|просмотр\w*|комментари\w*)\s*:?\s*[\d\s,.]+$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"^(©|\(c\)|copyright\b)|all rights reserved|все права защищены|барлық құқықтар қорғалған",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(by|автор|author|written by|авторы?)\b\s*:?\s*(.*)$", re.IGNORECASE)

# Headings that open the page's tail (comments, related links) rather than the article.
_TAIL_HEADINGS = {
    "leave a reply",
    "leave a comment",
    "post a comment",
    "comments",
    "add comment",
    "related",
    "related articles",
    "related posts",
    "related news",
    "suggested articles",
    "recommended",
    "recommended for you",
    "you may also like",
    "you might also like",
    "read also",
    "more stories",
    "more news",
    "latest news",
    "most read",
    "popular",
    "tags",
    "комментарии",
    "оставить комментарий",
    "читайте также",
    "похожие новости",
    "похожие статьи",
    "популярное",
    "пікірлер",
    "пікір қалдыру",
    "ұқсас жаңалықтар",
    "тағы оқыңыз",
    "ilginizi çekebilir",
    "benzer haberler",
    "yorumlar",
    "bir yanıt yazın",
}
# Single widgets that appear as lines of their own.
_WIDGETS = {
    "share",
    "share this",
    "share this article",
    "tweet",
    "print",
    "email",
    "e-mail",
    "copy link",
    "menu",
    "home",
    "search",
    "sidebar",
    "subscribe",
    "newsletter",
    "advertisement",
    "advertising",
    "sponsored",
    "skip to content",
    "skip to main content",
    "back to top",
    "previous",
    "next",
    "previous article",
    "next article",
    "load more",
    "read more",
    "login",
    "log in",
    "sign in",
    "register",
    "accept",
    "accept all",
    "accept cookies",
    "close",
    "поделиться",
    "реклама",
    "поиск",
    "меню",
    "главная",
    "подписаться",
    "бөлісу",
    "жарнама",
    "іздеу",
    "басты бет",
    "paylaş",
    "reklam",
}
_SOCIAL = {
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "telegram",
    "whatsapp",
    "vk",
    "vkontakte",
    "ok",
    "odnoklassniki",
    "instagram",
    "youtube",
    "tiktok",
    "reddit",
    "pinterest",
    "email",
    "e-mail",
    "mail",
    "print",
    "copy",
    "link",
    "share",
    "on",
    "via",
    "вконтакте",
    "одноклассники",
    "телеграм",
    "поделиться",
}
_NAV_SEPARATORS = re.compile(r"\s*(?:\||•|·|»|›|>|/|::)\s*")
_UP = "A-ZÀ-ÞА-ЯЁӘҒҚҢӨҰҮҺІ"
_LO = "a-zß-ÿа-яёәғқңөұүһі'’."
# "Nikola", "Pierre-Olivier", "O’Neill", "J." ; lowercase after the capital, parts hyphenated.
_NAME_TOKEN = re.compile(rf"^[{_UP}][{_LO}]+(-[{_UP}][{_LO}]+)*$|^[A-Z]\.$")
_NAME_PARTICLES = {"bin", "ibn", "al", "el", "van", "von", "de", "da", "di", "der", "la", "le"}


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _key(line: str) -> str:
    """Comparison key: NFKC, casefolded, without bullets and trailing punctuation/arrows."""
    s = unicodedata.normalize("NFKC", line)
    s = _BULLET.sub("", s).strip().casefold()
    return s.rstrip(" :.!?…→»>|").strip()


def is_prose(line: str) -> bool:
    """A line of running text: at least 20 words, or 12+ words ending like a sentence."""
    n = len(_words(line))
    if line.rstrip().endswith("?"):
        # Headlines are often questions; a question is prose only when long.
        return n >= 20
    return n >= 20 or (n >= 12 and bool(_SENTENCE_END.search(line)))


def is_title_like(line: str) -> bool:
    """A headline: 2 to 25 words, not ending with a full stop, not a date or widget."""
    s = line.strip()
    n = len(_words(s))
    if not 2 <= n <= 25 or len(s) > 220:
        return False
    if s.endswith((".", ",", ";", ":")) and not s.endswith("..."):
        return False
    return find_date_line(s) is None and _key(s) not in _WIDGETS | _TAIL_HEADINGS


def _is_name(line: str) -> bool:
    """A person's name on a line of its own: 2-5 capitalised words, nothing else."""
    s = line.strip()
    if len(s) > 60 or any(ch.isdigit() for ch in s) or s.isupper():
        return False
    if _key(s) in _WIDGETS or _key(s) in _TAIL_HEADINGS:
        return False
    tokens = s.split()
    if not 2 <= len(tokens) <= 5:
        return False
    caps = [t for t in tokens if t.lower() not in _NAME_PARTICLES]
    return len(caps) >= 2 and all(_NAME_TOKEN.match(t) for t in caps)


def _echoes_title(key: str, title_key: str, hint_key: str | None) -> bool:
    """The title again, or glued to a breadcrumb ("ORTA ASYAKazakhstan Calls for ...")."""
    if key == title_key or (hint_key is not None and key == hint_key):
        return True
    return key.endswith(title_key) and 0 < len(key) - len(title_key) < 40


def _is_ticker(line: str) -> bool:
    s = _BULLET.sub("", line).strip()
    if not s or len(s) > 60 or not any(ch.isdigit() for ch in s):
        return False
    long_words = [w for w in _words(s) if len(w) >= 4 and w.islower()]
    return len(long_words) <= 1 and bool(_TICKER_CHANGE.search(s))


def _is_nav(line: str) -> bool:
    parts = [p for p in _NAV_SEPARATORS.split(line.strip()) if p]
    return len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts) and len(line) <= 200


def _is_share(line: str) -> bool:
    tokens = re.findall(r"[\w-]+", line.casefold())
    return bool(tokens) and len(tokens) <= 10 and all(t in _SOCIAL for t in tokens)


# --- the cleaner ------------------------------------------------------------------------


def clean_text(text: str, *, title_hint: str | None = None, scraped: bool = True) -> CleanedText:
    """Remove page furniture from scraped text and pick up title, authors and date.

    ``title_hint`` (e.g. the HTML <title> or PDF metadata) is used to spot repeated titles.
    ``scraped=False`` (PDF text layers) applies only the rules that are safe on authored
    documents: running headers/footers repeated on every page, page numbers, doubled lines,
    and the title; tables of figures there are content, not tickers.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [ln.replace("\u00a0", " ").replace("\u200b", "").strip() for ln in text.split("\n")]
    result = CleanedText(text="")
    rm: dict[str, Removal] = {}

    def removal(rule: str, description: str) -> Removal:
        if rule not in rm:
            rm[rule] = Removal(rule, description)
            result.removals.append(rm[rule])
        return rm[rule]

    keep = [bool(ln) for ln in lines]
    original = "\n".join(lines)

    def corroborated(name: str) -> bool:
        # A lone capitalised pair ("Upstream Views") is only taken for a person's name when
        # the page names it again: a photo credit, an author box, "more articles from".
        return original.count(name) >= 2

    # 1. Tickers: price-shaped lines that repeat or come in runs of three or more.
    ticker = [_is_ticker(ln) for ln in lines]
    counts = Counter(_key(ln) for ln, t in zip(lines, ticker, strict=True) if t)
    for i, ln in enumerate(lines):
        if not ticker[i] or not scraped:
            continue
        run = sum(1 for j in range(max(0, i - 2), min(len(lines), i + 3)) if ticker[j])
        if counts[_key(ln)] >= 2 or run >= 3:
            keep[i] = False
            removal("ticker", "repeated ticker").add(ln)

    # 2. Short lines repeated 3+ times anywhere: menus, running headers and footers.
    counts = Counter(_key(ln) for ln, k in zip(lines, keep, strict=True) if k)
    for i, ln in enumerate(lines):
        if keep[i] and len(ln) <= 120 and counts[_key(ln)] >= 3 and not is_prose(ln):
            keep[i] = False
            removal("repeated", "repeated (menu, header or footer)").add(ln)

    # 3. Line-shape rules for single widgets.
    for i, ln in enumerate(lines):
        if not keep[i]:
            continue
        k = _key(ln)
        if _PAGINATION.search(ln.strip()):
            if _RESULTS.match(ln.strip()) and result.listing_marker is None:
                result.listing_marker = ln.strip()
            rule = ("pagination", "pagination")
        elif not scraped:
            continue
        elif k in _WIDGETS or _is_share(ln) or _is_nav(ln):
            rule = ("navigation", "navigation, menu or share-button")
        elif _CAPTION.match(ln) and not is_prose(ln):
            rule = ("caption", "photo caption or credit")
        elif _MORE_FROM.match(ln) or (_CALL_TO_ACTION.match(ln) and len(_words(ln)) <= 20):
            rule = ("promo", "promotional or 'more from' link")
        elif _COOKIE.search(ln) and _COOKIE_VERB.search(ln) and len(ln) <= 400:
            rule = ("cookie", "cookie notice")
        elif _COMMENT_FORM.search(ln) and len(ln) <= 300:
            rule = ("comment_form", "comment-form")
        elif _COUNTER.search(ln) and len(_words(ln)) <= 8:
            rule = ("counter", "reading-time, view or comment counter")
        elif _COPYRIGHT.search(ln) and len(ln) <= 200:
            rule = ("copyright", "copyright or site-footer")
        else:
            continue
        keep[i] = False
        removal(rule[0], rule[1]).add(ln)

    # 4. Adjacent duplicates (a name printed twice in an author box, a doubled heading).
    prev = None
    for i, ln in enumerate(lines):
        if not keep[i]:
            continue
        if prev is not None and _key(ln) == _key(lines[prev]):
            keep[i] = False
            removal("adjacent_duplicate", "immediately repeated").add(ln)
            continue
        prev = i

    idx = [i for i in range(len(lines)) if keep[i]]
    prose = [i for i in idx if is_prose(lines[i])]
    first_prose = prose[0] if prose else len(lines)
    last_prose = prose[-1] if prose else -1

    # 5. Header: title, dateline, byline, section labels and echoes of the title.
    title: str | None = None
    hint_key = _key(title_hint) if title_hint else None
    for i in idx:
        if i >= first_prose:
            break
        ln = lines[i]
        k = _key(ln)
        if result.published is None and (d := find_date_line(ln)) is not None:
            result.published = d
            result.dateline_after_title = title is not None
            keep[i] = False
            removal("dateline", "dateline (kept as the publication date)").add(ln)
        elif (
            title is None
            and is_title_like(ln)
            and (not _is_name(ln) or len(ln.split()) >= 4 or k == hint_key)
        ):
            title = ln
        elif not scraped:
            continue
        elif (m := _BYLINE.match(ln)) and len(ln) <= 80:
            keep[i] = False
            removal("byline", "byline (kept as author)").add(ln)
            if m.group(2).strip():
                result.authors.append(m.group(2).strip())
            else:
                result.extra_notes.append("The byline names no author.")
        elif title is not None and _echoes_title(k, _key(title), hint_key):
            keep[i] = False
            removal("title_echo", "repeated title or breadcrumb").add(ln)
        elif _is_name(ln) and title is not None and corroborated(ln):
            keep[i] = False
            result.authors.append(ln)
            removal("byline", "byline (kept as author)").add(ln)
        elif title is not None and (ln.isupper() or (ln.endswith(":") and len(_words(ln)) <= 6)):
            keep[i] = False
            removal("section_label", "section label or kicker").add(ln)
    result.title = title

    if not scraped:
        result.text = _reassemble(lines, keep)
        return result

    # 6. Footer: author boxes ("Name" then "Name is a journalist ..."), tail sections
    #    (related links, comments), and short non-sentence lines after the last prose.
    idx = [i for i in range(len(lines)) if keep[i]]
    for pos, i in enumerate(idx):
        if i <= first_prose or _key(lines[i]) not in _TAIL_HEADINGS:
            continue
        rest = idx[pos:]
        if not any(is_prose(lines[j]) and len(_words(lines[j])) >= 40 for j in rest):
            for j in rest:
                keep[j] = False
                removal("tail", "related-links or comments section").add(lines[j])
            break
    idx = [i for i in range(len(lines)) if keep[i]]
    for pos, i in enumerate(idx):
        ln = lines[i]
        if i <= first_prose or not _is_name(ln):
            continue
        following = [lines[j] for j in idx[pos + 1 : pos + 3]]
        if any(f.startswith(ln + " ") for f in following) or (i > last_prose and corroborated(ln)):
            keep[i] = False
            if ln not in result.authors:
                result.authors.append(ln)
            removal("author_box", "author-box").add(ln)
            for j in idx[pos + 1 : pos + 4]:
                if lines[j].startswith(ln.split()[0]) and j > i:
                    keep[j] = False
                    removal("author_box", "author-box").add(lines[j])
    idx = [i for i in range(len(lines)) if keep[i]]
    prose_left = [i for i in idx if is_prose(lines[i])]
    if prose_left:
        for i in reversed(idx):
            if i <= prose_left[-1]:
                break
            ln = lines[i]
            if not _SENTENCE_END.search(ln) and len(_words(ln)) <= 8:
                keep[i] = False
                removal("trailing", "trailing page-furniture").add(ln)

    # 7. Paragraphs repeating an earlier one almost word for word (an author bio printed
    #    twice with a typo, a pull quote).
    seen: list[set[str]] = []
    for i in range(len(lines)):
        if not keep[i] or len(_words(lines[i])) < 12:
            continue
        words = {w.casefold() for w in _words(lines[i])}
        # Pairwise comparison is quadratic: on very long texts only the last 300
        # paragraphs are compared (repeats in page furniture are close to each other).
        if any(len(words & s) / len(words | s) >= 0.8 for s in seen[-300:]):
            keep[i] = False
            removal("near_duplicate_paragraph", "repeated-paragraph").add(lines[i])
        else:
            seen.append(words)

    result.text = _reassemble(lines, keep)
    if result.published is None:
        result.extra_notes.append("No publication date found in the text.")
    if not result.authors:
        result.extra_notes.append("No author found in the text.")
    return result


def _reassemble(lines: list[str], keep: list[bool]) -> str:
    """Kept lines, with blank lines as paragraph breaks, never two in a row."""
    out: list[str] = []
    for i, ln in enumerate(lines):
        if keep[i]:
            out.append(ln)
        elif not ln and out and out[-1]:
            out.append("")
    return "\n".join(out).strip()
