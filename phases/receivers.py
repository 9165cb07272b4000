"""The phases app's answers to lower layers' signals: new evidence asks for a recompute.

Thin on purpose: each receiver calls one service. Connected in `PhasesConfig.ready()`; the test
`tests/test_seams.py` holds the list of connections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from academies.models import Inspection

from .pipeline import recompute_request
from .services import judgement_record_from_inspection

if TYPE_CHECKING:
    from trust_si.accounts.models import User


def recompute_on_pupil_data(
    sender: Any, *, trust_id: int, academy_id: int, reason: str, **kwargs: Any
) -> None:
    recompute_request(trust_id=trust_id, academy_id=academy_id, reason=reason)


def judgements_from_inspection(
    sender: Any, *, inspection: Inspection, actor: User | None, **kwargs: Any
) -> None:
    judgement_record_from_inspection(inspection=inspection, actor=actor)
