"""PDF documents (reports, briefs) with fpdf2 and a shipped Unicode font.

fpdf2's built-in fonts are Latin-1 only; DejaVu Sans (shipped in ``core/fonts``) covers
Cyrillic, so Russian and Kazakh text prints correctly.
"""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from django.utils import formats, timezone
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
#: a heading needs this much room below it (mm), or it starts the next page with its text
KEEP_WITH_NEXT = 30.0
#: padding fpdf2 puts on each side of a table cell's text (mm), plus a little slack
CELL_PADDING = 2.6


def readable_datetime(value: dt.datetime | dt.date | str | None) -> str:
    """A moment as a reader writes it, in the active language, in UTC:
    "2 December 2026, 18:45 UTC" (a date alone: "2 December 2026"); "—" for none.

    An ISO string (as stored in JSON) is read first; Django's ``E`` is the month in the
    form a date takes (Russian "2 декабря").
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=dt.UTC)
        moment = value.astimezone(dt.UTC)
        return f"{formats.date_format(moment, 'j E Y, H:i')} UTC"
    return formats.date_format(value, "j E Y")


class Document(FPDF):
    """An A4 document with DejaVu Sans as ``"body"`` (regular and bold) and page numbers.

    With ``show_title=False`` the first page starts empty (for a caller's own title page);
    ``running_head``, when set, is printed small at the top of every page after the first.
    """

    running_head: str = ""

    def __init__(self, title: str, *, show_title: bool = True):
        super().__init__(format="A4")
        self.add_font("body", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("body", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        if show_title:
            self.set_font("body", "B", 16)
            self.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
        self.set_font("body", "", 10)

    def header(self) -> None:
        if not self.running_head or self.page_no() == 1:
            return
        self.set_font("body", "", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.running_head, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(3)
        self.set_font("body", "", 10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", "", 8)
        self.cell(0, 8, f"Middle Ground · {self.page_no()}", align="C")

    def ensure_room(self, height: float) -> None:
        """The next page, unless ``height`` mm fit on this one (before a heading and the
        figure it introduces)."""
        if self.will_page_break(height):
            self.add_page()

    def heading(self, text: str) -> None:
        """A section heading, never alone at the foot of a page (keep-with-next): without
        room for a few lines below it, it starts the next page."""
        self.ln(3)
        self.set_font("body", "B", 12)
        self.ensure_room(KEEP_WITH_NEXT)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "", 10)

    def subheading(self, text: str) -> None:
        """A bold line that introduces what follows (a table), kept with it."""
        self.set_font("body", "B", 10)
        self.ensure_room(KEEP_WITH_NEXT - 8)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "", 10)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def table(  # type: ignore[override]
        self,
        header: list[str],
        rows: list[list[object]],
        *,
        col_widths: tuple[float, ...] | None = None,
        line_height: float | None = None,
    ) -> None:
        """A table with a header row; ``col_widths`` are relative column widths (by default
        each column's share follows its content, see :meth:`content_widths`) and
        ``line_height`` the height of a line of text in a cell (mm)."""
        texts = [["" if value is None else str(value) for value in values] for values in rows]
        if col_widths is None:
            col_widths = self.content_widths([str(h) for h in header], texts)
        with super().table(
            text_align="LEFT", col_widths=col_widths, line_height=line_height
        ) as table:
            head = table.row()
            for cell in header:
                head.cell(str(cell))
            for values in texts:
                row = table.row()
                for value in values:
                    row.cell(value)

    def content_widths(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple:
        """Column widths (mm) that follow the content: a column whose cells are short
        (numbers, labels) gets the width of its longest one; the columns of running text
        (statements) share the rest of the page in proportion to their longest cell; no
        column is narrower than its longest word."""
        page = self.epw
        columns = len(header)
        if not columns:
            return ()
        natural, least = [], []
        for i in range(columns):
            cells = [str(r[i]) for r in rows if i < len(r)]
            self.set_font("body", "B", 10)  # the header row is bold
            widths = [self.get_string_width(str(header[i]))]
            words = [self.get_string_width(w) for w in str(header[i]).split()]
            self.set_font("body", "", 10)
            widths += [self.get_string_width(c) for c in cells]
            words += [self.get_string_width(w) for c in cells for w in c.split()]
            natural.append(max(widths) + 2 * CELL_PADDING)
            least.append(min(max(words or [0.0]) + 2 * CELL_PADDING, page / columns))
        if sum(natural) <= page:
            spare = page - sum(natural)  # shared out, so the table spans the page
            return tuple(w + spare / columns for w in natural)
        short = [w <= page / (columns + 1) for w in natural]
        left = page - sum(w for w, s in zip(natural, short, strict=True) if s)
        wide = sum(w for w, s in zip(natural, short, strict=True) if not s)
        out = [
            w if s else max(least[i], left * w / wide)
            for i, (w, s) in enumerate(zip(natural, short, strict=True))
        ]
        scale = page / sum(out)
        return tuple(w * scale for w in out)

    def scatter(
        self,
        groups: Sequence[tuple[str, str, Sequence[tuple[float, float]]]],
        *,
        caption: str,
        height: float = 80.0,
    ) -> None:
        """A scatter plot drawn in the PDF: ``groups`` are ``(label, "#rrggbb", points)``;
        a legend below names each group (the label says how many points it has). The
        page's data table says the same in numbers; ``height + 20`` mm is the room it takes."""
        points = [p for _label, _colour, pts in groups for p in pts]
        if not points:
            return
        self.ensure_room(height + 20)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        dx, dy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
        left, top, width = self.l_margin, self.get_y(), self.epw
        self.set_draw_color(170, 170, 170)
        self.rect(left, top, width, height)
        radius = 1.1
        for _label, colour, pts in groups:
            self.set_fill_color(*_rgb(colour))
            self.set_draw_color(*_rgb(colour))
            for x, y in pts:
                cx = left + 4 + (x - x0) / dx * (width - 8)
                cy = top + height - 4 - (y - y0) / dy * (height - 8)
                self.circle(x=cx, y=cy, radius=radius, style="FD")
        self.set_draw_color(0, 0, 0)
        self.set_y(top + height + 2)
        self.set_font("body", "", 8.5)
        for label, colour, _pts in groups:
            self.set_fill_color(*_rgb(colour))
            self.rect(self.get_x(), self.get_y() + 1.2, 3, 3, style="F")
            self.set_x(self.get_x() + 4)
            self.cell(self.get_string_width(label) + 5, 5.5, label)
        self.ln(6)
        self.multi_cell(0, 4.5, caption, new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "", 10)
        self.ln(2)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
