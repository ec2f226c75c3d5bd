"""Authorisation rows of the import/export endpoints (``io_api``); placeholders ``accio_``."""

from middleground.core.tests.authz import Row, by_persona

SECRETARIAT = by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=200)
STRATEGY = "/api/v1/compliance/strategies/{strategy_id}"


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        from middleground.accountability import interop

        from .factories import strategy_with_commitments

        if key == "accio_strategy_slug":
            from middleground.strategies.models import Strategy

            self[key] = Strategy.objects.get(pk=self["accio_strategy_id"]).slug
            return self[key]
        if key not in ("accio_strategy_id", "accio_job_id"):
            raise KeyError(key)
        strategy = strategy_with_commitments(self.world, title="Import authz")
        job = interop.start_import(
            actor=self.world.users["alice"],
            strategy=strategy,
            rows=interop.parse_csv(interop.export_csv(strategy)),
        )
        self.update(accio_strategy_id=strategy.pk, accio_job_id=job.pk)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


def _unchanged(w) -> dict:
    """The strategy's own export (JSON): imports cleanly and changes nothing."""
    from middleground.accountability import interop
    from middleground.strategies.models import Strategy

    return interop.export_json(Strategy.objects.get(pk=w["accio_strategy_id"]))


ROWS = [
    Row("GET", STRATEGY + "/export.csv", SECRETARIAT, params={"strategy_id": "accio_strategy_id"}),
    Row("GET", STRATEGY + "/export.json", SECRETARIAT, params={"strategy_id": "accio_strategy_id"}),
    Row(
        "POST",
        STRATEGY + "/import",
        by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=201),
        params={"strategy_id": "accio_strategy_id"},
        payload=_unchanged,
    ),
    Row(
        "GET",
        "/api/v1/compliance/imports/{job_id}",
        by_persona(anonymous=404, dave=404, bob=404, carol=404, alice=200),
        params={"job_id": "accio_job_id"},
    ),
]

# the same import, through the pages (the secretariat's upload page and the job's pages)
SECRETARIAT_PAGE = by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=200)
JOB_PAGE = by_persona(anonymous=302, dave=404, bob=404, carol=404, alice=200)
ROWS += [
    Row(
        "GET",
        "/accountability/{slug}/import/",
        SECRETARIAT_PAGE,
        name="accountability:import_upload",
        params={"slug": "accio_strategy_slug"},
    ),
    Row(
        "GET",
        "/accountability/imports/{pk}/",
        JOB_PAGE,
        name="accountability:import_job",
        params={"pk": "accio_job_id"},
    ),
    Row(
        "GET",
        "/accountability/imports/{pk}/report.csv",
        JOB_PAGE,
        name="accountability:import_report",
        params={"pk": "accio_job_id"},
    ),
]
