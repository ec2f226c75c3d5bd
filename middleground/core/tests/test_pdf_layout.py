"""PDF layout (issue 19, item 13): columns sized to their content, readable localised
dates, no heading alone at the foot of a page, a drawn scatter plot."""

import datetime as dt
import io

import pypdf
from django.utils import translation

from middleground.core.pdf import Document, readable_datetime

MOMENT = dt.datetime(2026, 12, 2, 18, 45, tzinfo=dt.UTC)


def _text(doc: Document) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(doc.to_bytes()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_dates_are_written_as_people_write_them_in_each_language():
    with translation.override("en"):
        assert readable_datetime(MOMENT) == "2 December 2026, 18:45 UTC"
        assert readable_datetime(MOMENT.isoformat()) == "2 December 2026, 18:45 UTC"
        # another time zone is shown in UTC
        almaty = MOMENT.astimezone(dt.timezone(dt.timedelta(hours=5)))
        assert readable_datetime(almaty) == "2 December 2026, 18:45 UTC"
        assert readable_datetime(MOMENT.date()) == "2 December 2026"
        assert readable_datetime(None) == "—"
    with translation.override("ru"):
        assert readable_datetime(MOMENT) == "2 декабря 2026, 18:45 UTC"


def test_a_statement_column_gets_the_width_it_needs_and_numbers_keep_theirs():
    doc = Document("Widths")
    statement = "Structural reform of the Security Council is needed so that it reflects " * 2
    widths = doc.content_widths(["Statement", "Score", "Agree %"], [[statement, "0.898", "100"]])
    assert round(sum(widths), 6) == round(doc.epw, 6)  # the table spans the text width
    doc.set_font("body", "B", 10)
    # the short columns are as wide as their header (plus padding), the statement gets the rest
    assert abs(widths[1] - (doc.get_string_width("Score") + 5.2)) < 0.01
    assert abs(widths[2] - (doc.get_string_width("Agree %") + 5.2)) < 0.01
    assert widths[0] > 0.75 * doc.epw


def test_short_tables_share_the_spare_width_evenly():
    doc = Document("Widths")
    widths = doc.content_widths(["A", "B"], [["x", "y"]])
    assert abs(widths[0] - widths[1]) < 0.5 and abs(sum(widths) - doc.epw) < 1e-6


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page():
    doc = Document("Keep with next")
    while doc.get_y() < doc.h - doc.b_margin - 25:  # fill the page to 25 mm above the foot
        doc.paragraph("Filler line.")
    doc.heading("The lonely heading")
    doc.paragraph("Its first paragraph.")
    pages = _text(doc)
    assert len(pages) == 2
    assert "The lonely heading" not in pages[0]
    assert pages[1].startswith("The lonely heading Its first paragraph.")


def test_a_scatter_plot_is_drawn_with_its_legend_and_caption():
    doc = Document("Map")
    doc.scatter(
        [("Group A (2)", "#0b5f8a", [(0.0, 0.0), (1.0, 1.0)]), ("You", "#1b1f23", [(0.5, 0.2)])],
        caption="Each point is a participant.",
    )
    text = _text(doc)[0]
    assert "Group A (2)" in text and "You" in text and "Each point is a participant." in text
    content = pypdf.PdfReader(io.BytesIO(doc.to_bytes())).pages[0].get_contents().get_data()
    assert content.count(b" c\n") >= 3 * 3  # three circles, of Bézier curves
