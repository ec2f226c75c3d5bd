"""PDF documents (reports, briefs) with fpdf2 and a shipped Unicode font.

fpdf2's built-in fonts are Latin-1 only; DejaVu Sans (shipped in ``core/fonts``) covers
Cyrillic, so Russian and Kazakh text prints correctly.
"""

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"


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

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("body", "B", 12)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
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
        """A table with a header row; ``col_widths`` are relative column widths and
        ``line_height`` the height of a line of text in a cell (mm)."""
        with super().table(
            text_align="LEFT", col_widths=col_widths, line_height=line_height
        ) as table:
            head = table.row()
            for cell in header:
                head.cell(str(cell))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))

    def to_bytes(self) -> bytes:
        return bytes(self.output())
