"""Thin views: selector -> service -> render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trust_si.accounts.access import require

from .selectors import academy_get_for, academy_list_for


def academy_list(request: HttpRequest) -> HttpResponse:
    membership = require(request, "academy.view")
    return render(request, "academies/list.html", {"academies": academy_list_for(membership)})


def academy_detail(request: HttpRequest, urn: str) -> HttpResponse:
    membership = require(request, "academy.view")
    return render(request, "academies/detail.html", {"academy": academy_get_for(membership, urn)})
