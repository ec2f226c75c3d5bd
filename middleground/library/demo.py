"""The library's demo: the five seed texts ingested as the secretariat (idempotent).

Runs after the network demo (which creates alice and KazISS). Produces the articles the
seed pages contain, their tags, and the duplicate link between the listing page's teaser
and the full article.
"""

from pathlib import Path

from middleground.accounts.models import Role, User

from . import services
from .models import Access, DocType, Document, NamedEvent

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
TYPES = {
    "002_842dd8ff9e7b15e5.txt": DocType.SPEECH,
    "003_9746926dd9750b22.txt": DocType.OPINION,
    "004_3b5bf3400bb8b1cf.txt": DocType.OPINION,
}
EVENTS = [
    ("Astana International Forum", ["AIF"], "https://astanaforum.org"),
    ("Astana Think Tank Forum", [], ""),
]


def load_demo() -> dict:
    for name, aliases, url in EVENTS:
        NamedEvent.objects.get_or_create(name=name, defaults={"aliases": aliases, "url": url})
    actor = (
        User.objects.filter(username="alice").first()
        or User.objects.filter(role=Role.SECRETARIAT).first()
    )
    if actor is None:
        return {"library": "skipped: no secretariat user (run the network demo first)"}
    files = documents = duplicates = 0
    for path in sorted(SEEDS.glob("*.txt")):
        if Document.objects.filter(filename=path.name).exists():
            continue
        docs = services.ingest_file(
            actor=actor,
            data=path.read_bytes(),
            filename=path.name,
            access=Access.PUBLIC,
            doc_type=TYPES.get(path.name, DocType.NEWS),
            source=f"Seed text {path.name} (scraped news page)",
        )
        files += 1
        documents += sum(1 for d in docs if d.duplicate_of_id is None)
        duplicates += sum(1 for d in docs if d.duplicate_of_id is not None)
    return {
        "library_files": files,
        "library_documents": documents,
        "library_duplicates_linked": duplicates,
        "library_total": Document.objects.count(),
    }
