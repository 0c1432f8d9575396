"""The search page: one box for plain words, filters from the facet counts, sort."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from saraban.core.errors import ServiceUnavailable
from saraban.routing.selectors import viewer_for
from saraban.search.api import FILTER_PARAMS, results_as_dict, search_arguments
from saraban.search.selectors import FACET_TITLES, search_letters

PAGE_SIZE = 20
SORT_LABELS = {"relevance": "ตรงที่สุด", "date": "ลงวันที่ ใหม่ไปเก่า", "-date": "ลงวันที่ เก่าไปใหม่"}


@login_required
def search(request):
    arguments = search_arguments(request.GET)
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    searching = bool(arguments["text"].strip() or arguments["filters"] or arguments["date_from"]
                     or arguments["date_to"])
    results, error = None, ""
    if searching:
        try:
            results = results_as_dict(search_letters(viewer_for(request.user), **arguments, limit=PAGE_SIZE,
                                                     offset=(page - 1) * PAGE_SIZE))
        except ServiceUnavailable as exc:
            error = exc.message
    params = request.GET.copy()
    params.pop("page", None)
    facets = []
    if results:
        param_of = {name: param for param, name in FILTER_PARAMS.items()}
        for name, values in results["facets"].items():
            if len(values) < 2 and name not in arguments["filters"]:
                continue  # one value only: nothing to narrow down
            chosen = set(request.GET.getlist(param_of[name]))
            facets.append({"title": FACET_TITLES.get(name, name), "param": param_of[name],
                           "values": [{**v, "chosen": v["value"] in chosen or v["label"] in chosen}
                                      for v in values[:12]]})
    return render(request, "search/search.html", {
        "query": arguments["text"], "results": results, "page": page, "error": error, "facets": facets,
        "sort": arguments["sort"], "sort_labels": SORT_LABELS, "searching": searching,
        "date_from": request.GET.get("date_from", ""), "date_to": request.GET.get("date_to", ""),
        "base_query": params.urlencode(),
        "has_next": bool(results and results["total"] > page * PAGE_SIZE),
    })
