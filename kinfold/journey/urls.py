from django.urls import path

from .views import chronology, documents, notes, oversight

app_name = "journey"

urlpatterns = [
    # A child's case notes.
    path("<int:pk>/notes/", notes.notes, name="notes"),
    path("<int:pk>/notes/add/", notes.add_note, name="add-note"),
    path("notes/<int:note_pk>/", notes.note, name="note"),
    path("notes/<int:note_pk>/change/", notes.edit_note, name="edit-note"),
    # A child's chronology.
    path("<int:pk>/chronology/", chronology.chronology, name="chronology"),
    path("<int:pk>/chronology.pdf", chronology.chronology_pdf_export, name="chronology-pdf"),
    path("<int:pk>/chronology/add/", chronology.add_entry, name="add-entry"),
    path("events/<int:event_pk>/entered-in-error/", chronology.retract, name="retract"),
    # A child's documents: the list, adding one, and downloading one (audited).
    path("<int:pk>/documents/", documents.documents, name="documents"),
    path("<int:pk>/documents/add/", documents.add_document, name="add-document"),
    path("documents/<int:doc_pk>/", documents.document, name="document"),
    # Supervision and actions.
    path("supervision/new/<int:worker_pk>/", oversight.supervision_new, name="supervision-new"),
    path("supervision/<int:supervision_pk>/", oversight.supervision, name="supervision"),
    path("actions/", oversight.my_actions, name="my-actions"),
]
