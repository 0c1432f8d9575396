"""Home page: each person lands where their work is; the one check of a page's "go
back to" address."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from saraban.registry.services import may_register


@login_required
def home(request):
    """Registry people go to intake; everyone else to their inbox."""
    return redirect("registry:intake" if may_register(request.user) else "routing:inbox")


def is_local(request, url: str | None) -> bool:
    """Whether ``url`` (a ``next`` field, a stored link) stays on this site, so a page
    may redirect to it: no other host, no scheme change from https; empty → False."""
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure())
