import datetime as dt

from ninja import Field, Schema

from .models import Access, DocType, Frequency
from .selectors import SearchParams


class SearchQuery(Schema):
    q: str = Field("", description="Words to find (stemmed: 'Казахстана' finds 'Казахстан')")
    country: str = Field("", description="ISO 3166 alpha-2 code of a country mentioned")
    regional_group: str = Field("", description="AFRICAN, APG, EEG, GRULAC or WEOG")
    institution: str = Field("", description="Id of an institution mentioned")
    expert: str = Field("", description="Id of an expert mentioned")
    focus_area: str = Field("", description="Focus area slug")
    sdg: str = Field("", description="SDG number 1-17")
    language: str = Field("", description="ISO 639-1 code, or 'und'")
    type: str = Field("", description="Document type: " + ", ".join(DocType.values))
    date_from: dt.date | None = Field(None, description="Published on or after (YYYY-MM-DD)")
    date_to: dt.date | None = Field(None, description="Published on or before (YYYY-MM-DD)")
    sort: str = Field("relevance", description="relevance or date")

    def to_params(self) -> SearchParams:
        return SearchParams.from_mapping(self.model_dump())


class TagOut(Schema):
    kind: str
    key: str
    label: str
    count: int
    terms: list[tuple[str, int]]


class DocumentSummary(Schema):
    id: int
    title: str
    authors: list[str]
    published: dt.date | None
    source: str
    type: str = Field(alias="doc_type")
    kind: str
    language: str
    access: str
    duplicate_of: int | None = Field(
        None, description="Exact duplicate of this document: its text is stored there"
    )
    similar_to: int | None = Field(
        None, description="Near-duplicate of this document (its own text is kept)"
    )
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_duplicate_of(obj) -> int | None:
        return obj.duplicate_of_id

    @staticmethod
    def resolve_similar_to(obj) -> int | None:
        return obj.similar_to_id


class DeletionOut(Schema):
    indexed: bool = Field(description="Its text is in the search index")
    words: int
    tags: int
    copies: int = Field(description="Exact copies; the first takes over the text")
    similar: int = Field(description="Near-duplicates that lose their link")
    shares_file: int = Field(description="Other articles sharing the original file")


class DocumentPatch(Schema):
    """The metadata to change; fields left out stay as they are."""

    title: str | None = None
    authors: list[str] | None = None
    published: dt.date | None = Field(None, description="YYYY-MM-DD; null clears it")
    language: str | None = Field(None, description="ISO 639-1 code, or 'und'")
    type: str | None = Field(None, description="Document type: " + ", ".join(DocType.values))
    source: str | None = None
    access: str | None = Field(None, description="public, network or task_force")
    task_force: int | None = Field(None, description="Id of the task force (task_force access)")


class DocumentOut(DocumentSummary):
    filename: str
    original_url: str | None = Field(
        None, description="Download of the file as uploaded (null when it was not kept)"
    )
    listing_position: int | None
    body: str
    data_notes: list[str]
    has_text: bool
    truncated: bool
    page_count: int | None
    duplicate_kind: str
    duplicate_similarity: float | None
    task_force: int | None = None
    created_at: dt.datetime
    tags: list[TagOut]

    @staticmethod
    def resolve_original_url(obj) -> str | None:
        if not obj.original:
            return None
        return f"/api/v1/library/documents/{obj.pk}/original"

    @staticmethod
    def resolve_task_force(obj) -> int | None:
        return obj.task_force_id

    @staticmethod
    def resolve_tags(obj) -> list:
        return list(obj.tags.all())


class FailureOut(Schema):
    filename: str
    reason: str


class IngestOut(Schema):
    batch: int
    background: bool
    documents: list[DocumentSummary]
    failures: list[FailureOut]
    pending: int


class BatchFileOut(Schema):
    filename: str
    status: str
    error: str
    document_count: int
    duplicate_count: int


class BatchOut(Schema):
    id: int
    created_at: dt.datetime
    access: str
    files: list[BatchFileOut]
    documents: list[DocumentSummary]

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())

    @staticmethod
    def resolve_documents(obj) -> list:
        return list(obj.documents.order_by("pk"))


class HitOut(Schema):
    document: DocumentSummary
    score: float | None
    snippet: str
    snippet_html: str


class FacetOut(Schema):
    key: str
    label: str
    count: int


class SearchOut(Schema):
    items: list[HitOut]
    count: int
    capped: bool = Field(
        description="More matches than `count`: ranking and facets cover the newest `count`"
    )
    facets: dict[str, list[FacetOut]]


class LexiconOut(Schema):
    focus_area: str
    name: str
    sdgs: list[int]
    terms: list[str]
    edited: bool


class LexiconIn(Schema):
    terms: list[str] | None = Field(
        None, description="Terms, one per entry; null restores the default"
    )


class SavedSearchIn(Schema):
    name: str
    frequency: str = Field(Frequency.WEEKLY.value, description="daily or weekly")
    params: dict[str, str] = Field(default_factory=dict, description="Search query parameters")


class SavedSearchOut(Schema):
    id: int
    name: str
    frequency: str
    params: dict[str, str]
    created_at: dt.datetime
    last_sent_at: dt.datetime | None


ACCESS_HELP = ", ".join(Access.values)
