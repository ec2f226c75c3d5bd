from django.urls import path

from . import endorsement_views, evidence_views, publication_views, views

app_name = "strategies"
S = "<slug:slug>/"
P = S + "paragraphs/<uuid:key>/"
urlpatterns = [
    # drafting (views.py)
    path("", views.strategy_list, name="list"),
    path("new/", views.strategy_create, name="create"),
    path(S, views.strategy_detail, name="detail"),
    path(S + "edit/", views.strategy_edit, name="edit"),
    path(S + "sections/new/", views.section_create, name="section_create"),
    path(S + "translations/new/", views.translation_create, name="translation_create"),
    path(S + "translations/publish/", views.translation_publish, name="translation_publish"),
    path(S + "paragraphs/new/", views.paragraph_create, name="paragraph_create"),
    path(P, views.paragraph_detail, name="paragraph"),
    path(P + "edit/", views.paragraph_edit, name="paragraph_edit"),
    path(P + "comment/", views.comment_create, name="comment"),
    path(P + "amend/", views.amendment_create, name="amend"),
    path(S + "amendments/<int:pk>/decide/", views.amendment_decide, name="amendment_decide"),
    path(S + "amendments/<int:pk>/withdraw/", views.amendment_withdraw, name="amendment_withdraw"),
    path(S + "amendments/<int:pk>/promote/", views.amendment_promote, name="amendment_promote"),
    path(S + "amendments/merge/", views.amendment_merge, name="amendment_merge"),
    path(S + "versions/", views.version_list, name="versions"),
    path(S + "versions/<int:number>/", views.version_detail, name="version"),
    path(S + "compare/", views.compare, name="compare"),
    # evidence (evidence_views.py)
    path(P + "cite/", evidence_views.cite, name="cite"),
    path(S + "evidence/<int:pk>/", evidence_views.evidence_detail, name="evidence"),
    # endorsement (endorsement_views.py)
    path(S + "endorsement/open/", endorsement_views.open_call, name="open_call"),
    path(S + "endorsement/close/", endorsement_views.close_call, name="close_call"),
    path(S + "endorse/", endorsement_views.endorse, name="endorse"),
    path(S + "endorsements/", endorsement_views.endorsements, name="endorsements"),
    # publication (publication_views.py)
    path(S + "strategy.pdf", publication_views.pdf, name="pdf"),
    path(S + "strategy.docx", publication_views.docx, name="docx"),
    path(S + "strategy.md", publication_views.markdown, name="markdown"),
    path(S + "strategy.json", publication_views.data_json, name="json"),
    path(S + "strategy.csv", publication_views.data_csv, name="csv"),
]
