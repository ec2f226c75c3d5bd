from pypdf import PdfReader

from middleground.core.pdf import Document


def test_it_prints_cyrillic_and_kazakh_text_in_a_pdf(tmp_path):
    document = Document("Консенсус — Қазақстан")
    document.heading("Results")
    document.paragraph("Эксперты из разных блоков нашли общую позицию.")
    document.table(["Group", "Agree"], [["APG", "0.81"], ["EEG", None]])
    path = tmp_path / "report.pdf"
    path.write_bytes(document.to_bytes())
    text = PdfReader(path).pages[0].extract_text()
    assert "Қазақстан" in text
    assert "Эксперты из разных блоков" in text
    assert "APG" in text and "0.81" in text
