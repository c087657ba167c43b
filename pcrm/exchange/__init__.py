"""Bringing a network in and out: LinkedIn, Google and vCard imports, vCard export.

One module per job: the readers (:mod:`.linkedin`, :mod:`.google`, :mod:`.vcard`)
turn a file into :class:`~pcrm.exchange.record.Incoming` people; :mod:`.match`
finds who is already in the vault; :mod:`.plan` decides, row by row, what an
import would do (the dry run); :mod:`.apply` writes it; :mod:`.export` writes
the vault as vCards.
"""
from __future__ import annotations
