from django.contrib import admin

from .models import Document, DocumentTag, FocusLexiconEntry, IngestBatch, NamedEvent, SavedSearch


class TagInline(admin.TabularInline):
    model = DocumentTag
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "doc_type", "access", "published", "duplicate_of")
    list_filter = ("access", "language", "doc_type", "kind")
    search_fields = ("title", "filename", "source")
    exclude = ("search_text", "minhash")
    raw_id_fields = ("duplicate_of", "batch", "added_by")
    inlines = [TagInline]


@admin.register(NamedEvent)
class NamedEventAdmin(admin.ModelAdmin):
    list_display = ("name", "aliases")


admin.site.register(FocusLexiconEntry)
admin.site.register(IngestBatch)
admin.site.register(SavedSearch)
