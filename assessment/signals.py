"""What the assessment app tells the layers above it. Receivers connect in their AppConfig.ready().

`pupil_data_changed` is sent inside the transaction that changed an academy's pupil data (an
upload confirmed or restored). Receivers must act on commit, never before.
"""

from django.dispatch import Signal

# kwargs: trust_id: int, academy_id: int, reason: str
pupil_data_changed = Signal()
