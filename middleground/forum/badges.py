"""Badges and certificates, made locally: the registration code as a QR code (segno, PNG or
SVG) and the certificate of attendance as a PDF (``core/pdf.py``).

The QR code holds the registration code only (no name, no link), so a badge that is lost
tells nothing about its holder; the door staff's scanner types it into the check-in page.
"""

import io
from zoneinfo import ZoneInfo

import segno
from django.utils import translation
from django.utils.translation import gettext as _

from middleground.core.pdf import Document

from .models import Registration


def qr_png(code: str, *, scale: int = 8) -> bytes:
    """The code as a PNG QR code (error correction M, the recommended quiet zone)."""
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=scale)
    return buffer.getvalue()


def qr_svg(code: str, *, scale: int = 6) -> str:
    """The code as an SVG QR code, without an XML declaration (to embed in a page)."""
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, title=code
    )
    return buffer.getvalue().decode()


def _local(moment, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")


def certificate_pdf(registration: Registration, *, language: str | None = None) -> bytes:
    """The certificate of attendance of a checked-in registration whose certificate is
    issued. The same registration always gives the same bytes: the issue date is the one
    stored the first time, and it is also the PDF's creation date."""
    issued = registration.certificate_issued_at
    if issued is None or registration.checked_in_at is None:
        raise ValueError("certificate not issued")
    event = registration.event
    user = registration.user
    with translation.override(language or user.preferred_language or None):
        title = _("Certificate of attendance")
        pdf = Document(title)
        pdf.set_creation_date(issued)
        pdf.set_author("Middle Ground")
        pdf.ln(6)
        pdf.paragraph(_("This certifies that"))
        pdf.set_font("body", "B", 14)
        pdf.multi_cell(0, 8, user.get_full_name() or user.username, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("body", "", 10)
        pdf.ln(2)
        pdf.paragraph(_("attended"))
        pdf.set_font("body", "B", 13)
        pdf.multi_cell(0, 7, event.name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("body", "", 10)
        pdf.ln(2)
        start, end = (
            _local(event.starts_at, event.time_zone),
            _local(event.ends_at, event.time_zone),
        )
        place = ", ".join(p for p in (event.venue, event.city) if p)
        rows: list[list[object]] = [
            [_("Dates"), start if start == end else f"{start} – {end}"],
        ]
        if place:
            rows.append([_("Place"), place])
        rows.append([_("Registration"), registration.type.name])
        delegation = registration.delegation if registration.delegation_id else None
        if delegation is not None:
            role = _("substitute") if registration.is_substitute else _("delegate")
            rows.append([_("Delegation"), f"{delegation.institution.name} ({role})"])
        rows += [
            [_("Checked in"), _local(registration.checked_in_at, event.time_zone)],
            [_("Certificate number"), registration.code],
            [_("Issued"), _local(issued, event.time_zone)],
        ]
        pdf.table([_("Item"), _("Value")], rows, col_widths=(1, 3))
        pdf.ln(4)
        pdf.paragraph(
            _(
                "The certificate number is the registration code: the organisers can confirm "
                "it against their list of attendance."
            )
        )
        return pdf.to_bytes()
