from django.apps import AppConfig


class PhasesConfig(AppConfig):
    name = "phases"

    def ready(self) -> None:
        # Lower layers announce new evidence; phases turns it into a recompute.
        from academies.signals import inspection_recorded
        from assessment.signals import pupil_data_changed

        from . import receivers

        pupil_data_changed.connect(
            receivers.recompute_on_pupil_data, dispatch_uid="phases.recompute_on_pupil_data"
        )
        inspection_recorded.connect(
            receivers.judgements_from_inspection, dispatch_uid="phases.judgements_from_inspection"
        )
