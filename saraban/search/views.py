"""The search page: one box, plain words, Thai or Arabic digits."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from saraban.routing.selectors import viewer_for
from saraban.search.api import results_as_dict
from saraban.search.selectors import search_letters

PAGE_SIZE = 20


@login_required
def search(request):
    query = request.GET.get("q", "").strip()
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    results = None
    if query:
        results = results_as_dict(
            search_letters(viewer_for(request.user), query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        )
    return render(request, "search/search.html", {"query": query, "results": results, "page": page,
                                                  "has_next": bool(results and results["total"] > page * PAGE_SIZE)})
