"""The knowledge library's tables: documents, their tags, ingestion batches, the editable
focus-area lexicon, named events and saved searches.

The full-text index is not a model: SQLite keeps an FTS5 table ``library_document_fts`` and
PostgreSQL a generated ``tsvector`` column with a GIN index (both made by migration 0002 on
their own database only); :mod:`middleground.library.search` reads and writes them.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Access(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members only")
    TASK_FORCE = "task_force", _("Restricted to a task force")


class DocType(models.TextChoices):
    REPORT = "report", _("Report")
    BRIEF = "brief", _("Policy brief")
    SPEECH = "speech", _("Speech")
    STATEMENT = "statement", _("Statement")
    NEWS = "news", _("News")
    OPINION = "opinion", _("Opinion")
    OTHER = "other", _("Other")


class FileKind(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    MD = "md", "Markdown"
    TXT = "txt", _("Plain text")


class IngestBatch(models.Model):
    """Files ingested together (an upload, an API call, a folder): one row per file below."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    access = models.CharField(max_length=12, choices=Access.choices, default=Access.PUBLIC)
    task_force = models.ForeignKey(
        "network.TaskForce", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    doc_type = models.CharField(max_length=12, choices=DocType.choices, default=DocType.OTHER)
    source = models.CharField(max_length=300, blank=True)
    #: What the uploader typed for every file of the batch: title (one file only),
    #: authors, published (ISO date), language; empty values are taken from the file.
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("library:batch", args=[self.pk])


class FileStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Ingested")
    FAILED = "failed", _("Failed")


class IngestFile(models.Model):
    """One file of a batch: kept on disk until a worker ingests it, then its outcome."""

    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=300)
    upload = models.FileField(upload_to="library/incoming/%Y/%m/", blank=True)
    status = models.CharField(max_length=10, choices=FileStatus.choices, default=FileStatus.PENDING)
    error = models.TextField(blank=True)
    document_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class Document(models.Model):
    """A publication, speech or news article (or one article of a listing page)."""

    title = models.CharField(_("title"), max_length=500)
    published = models.DateField(_("date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    doc_type = models.CharField(
        _("type"), max_length=12, choices=DocType.choices, default=DocType.OTHER
    )
    kind = models.CharField(_("file type"), max_length=6, choices=FileKind.choices)
    filename = models.CharField(_("file name"), max_length=300)
    listing_position = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="und")
    content_hash = models.CharField(max_length=64, db_index=True, blank=True)
    has_text = models.BooleanField(default=True)
    truncated = models.BooleanField(default=False)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    duplicate_kind = models.CharField(max_length=5, blank=True)  # exact / near
    #: A near-duplicate keeps its own text (its own paragraphs must stay findable) and is
    #: linked to the document it resembles; only an exact duplicate shares its original's.
    similar_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="similar",
        verbose_name=_("similar to"),
    )
    #: Estimated similarity to ``duplicate_of`` or ``similar_to``.
    duplicate_similarity = models.FloatField(null=True, blank=True)
    access = models.CharField(
        _("access"), max_length=12, choices=Access.choices, default=Access.PUBLIC
    )
    task_force = models.ForeignKey(
        "network.TaskForce",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_documents",
        verbose_name=_("task force"),
    )
    batch = models.ForeignKey(
        IngestBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    #: The file as uploaded (the articles of one listing page share it), for download by
    #: those who may read the document.
    original = models.FileField(upload_to="library/originals/%Y/%m/", blank=True, max_length=300)
    #: The tags the facets count, as "kind:key" words (search.facet_keys): read with the
    #: search window's rows, so facets need no query over the tag table.
    tag_keys = models.TextField(blank=True, default="", editable=False)
    # Large columns last: SQLite reads a row's small columns without its overflow pages.
    authors = models.JSONField(_("authors"), default=list, blank=True)
    data_notes = models.JSONField(_("data notes"), default=list, blank=True)
    minhash = models.BinaryField(null=True, blank=True)
    search_text = models.TextField(blank=True)  # stems (stem.search_terms), indexed
    body = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["access", "duplicate_of"]),
            models.Index(fields=["published"]),
            models.Index(fields=["language"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:document", args=[self.pk])

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_id is not None


class TagKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    INSTITUTION = "institution", _("Institution")
    EXPERT = "expert", _("Expert")
    EVENT = "event", _("Event")
    FOCUS_AREA = "focus_area", _("Focus area")
    SDG = "sdg", _("SDG")


class DocumentTag(models.Model):
    """One tag of a document with the terms that produced it (shown on the document page).

    ``key`` is the country code, the institution/expert/event id, the focus-area slug or
    the SDG number, so every filter is one ``(kind, key)`` lookup.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=12, choices=TagKind.choices)
    key = models.CharField(max_length=100)
    label = models.CharField(max_length=300)
    count = models.PositiveIntegerField(default=1)
    terms = models.JSONField(default=list)  # [[surface text, count], ...]

    class Meta:
        ordering = ["kind", "-count", "label"]
        constraints = [
            models.UniqueConstraint(fields=["document", "kind", "key"], name="library_tag_once")
        ]
        indexes = [models.Index(fields=["kind", "key", "document"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def matched_terms(self) -> list[str]:
        return [t[0] for t in self.terms]


class FocusLexiconEntry(models.Model):
    """The secretariat's terms for one focus area; without a row the shipped default applies."""

    focus_area = models.OneToOneField(
        "network.FocusArea", on_delete=models.CASCADE, related_name="library_lexicon"
    )
    terms = models.JSONField(_("terms"), default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.focus_area)


class NamedEvent(models.Model):
    """Events documents mention (e.g. the Astana International Forum), for tagging."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    url = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class SavedSearch(models.Model):
    """A search a user keeps, with a daily or weekly digest of new matches."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_searches"
    )
    name = models.CharField(_("name"), max_length=200)
    params = models.JSONField(default=dict)  # the search page's query parameters
    frequency = models.CharField(
        _("digest"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
