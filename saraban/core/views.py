"""Home page: each person lands where their work is."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from saraban.registry.services import may_register


@login_required
def home(request):
    """Registry people go to intake; everyone else to their inbox."""
    return redirect("registry:intake" if may_register(request.user) else "routing:inbox")
