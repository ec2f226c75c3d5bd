"""Import and export of a strategy's commitments, scores and self-reports (``interop``),
mounted at ``/api/v1/compliance``: the secretariat's.

* ``GET /strategies/{id}/export.csv`` and ``/export.json``: the same columns and keys;
* ``POST /strategies/{id}/import``: the CSV text (``Content-Type: text/csv``) or the JSON
  document (``application/json``) as exported; 201 when stored, 202 when it runs in the
  background (large imports), 400 with the report of every bad row when rejected (nothing
  stored);
* ``GET /imports/{id}``: a job's progress (``rows_done`` of ``total_rows``) and report.
"""

from typing import Any

from django.http import HttpResponse
from ninja import Router, Status

from . import interop, selectors
from .models import ImportStatus

io_router = Router()

IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
        "description": "The CSV or JSON of an export (see GET .../export.csv, .json).",
    }
}


@io_router.get("/strategies/{int:strategy_id}/export.csv", response={200: None})
def export_csv(request, strategy_id: int):
    """Commitments, cycles, assessments, cells and self-reports as CSV (secretariat)."""
    strategy = selectors.get_strategy_for_manage(request.auth, strategy_id)
    response = HttpResponse(interop.export_csv(strategy), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="compliance-{strategy.slug}.csv"'
    return response


@io_router.get("/strategies/{int:strategy_id}/export.json", response=dict[str, Any])
def export_json(request, strategy_id: int):
    """The same rows as the CSV, with the same keys (secretariat)."""
    strategy = selectors.get_strategy_for_manage(request.auth, strategy_id)
    return interop.export_json(strategy)


@io_router.post(
    "/strategies/{int:strategy_id}/import",
    response={201: dict[str, Any], 202: dict[str, Any], 400: dict[str, Any]},
    openapi_extra=IMPORT_BODY,
)
def import_rows(request, strategy_id: int):
    """Import an export (edited or not): checked whole first; one bad row rejects it all."""
    strategy = selectors.get_strategy_for_manage(request.auth, strategy_id)
    kind = (request.content_type or "").lower()
    fmt = "csv" if "csv" in kind or kind.startswith("text/") else "json"
    rows = interop.parse(request.body, fmt=fmt)
    job = interop.start_import(actor=request.auth, strategy=strategy, rows=rows)
    body = interop.job_out(job)
    if job.status == ImportStatus.REJECTED:
        first = job.errors[0]
        detail = f"row {first['row']}, {first['field']}: {first['message']}"
        return Status(400, {**body, "detail": detail, "field": first["field"]})
    return Status(201 if job.status == ImportStatus.DONE else 202, body)


@io_router.get("/imports/{int:job_id}", response=dict[str, Any])
def import_status(request, job_id: int):
    """An import's status, progress and report (secretariat)."""
    return interop.job_out(interop.get_import_job(request.auth, job_id))
