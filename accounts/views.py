from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts.forms import ProfileForm
from accounts.services import token_regenerate


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own page: name, password change, API token."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your name was saved."))
        return redirect("account")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/account.html", {"form": form, "token": token})


@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    token_regenerate(user=request.user)
    messages.success(request, _("A new API token was created; the previous one no longer works."))
    return redirect("account")
