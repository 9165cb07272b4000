"""The page every list route answers in (its own module: DRF's settings import it while
`rest_framework.generics` is still loading, so it must not import the API base)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination


class TrustPagination(PageNumberPagination):
    """Every list route answers in pages: a trust with hundreds of academies must not make one
    response of megabytes. `?page_size=` up to `max_page_size`; the schema shows the envelope."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["description"] = f"Rows per page (default {self.page_size}, at most "
                parameter["description"] += f"{self.max_page_size})."
        return parameters
