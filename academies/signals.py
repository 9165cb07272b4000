"""What the academies app tells the layers above it. Receivers connect in their AppConfig.ready().

`inspection_recorded` is sent inside the transaction that recorded (or corrected) an inspection.
"""

from django.dispatch import Signal

# kwargs: inspection: Inspection, actor: User | None
inspection_recorded = Signal()
