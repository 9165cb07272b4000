"""Celery jobs of the phases app (the placement and heat-map recompute lands here)."""
