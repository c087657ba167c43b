"""Follow-up notes (spec 11): drafts from templates, and the guides' checklist.

- :mod:`pcrm.notes.templates`: vault and built-in templates, placeholders that
  cannot run code.
- :mod:`pcrm.notes.draft`: one note per person for their next follow-up.
- :mod:`pcrm.notes.checklist`: the checks of a written note (pure).
- :mod:`pcrm.notes.context`: what the checklist knows of the vault and a contact.
"""
from __future__ import annotations
