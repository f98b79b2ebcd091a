from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts.forms import LoginForm, PasswordResetForm, ProfileForm
from accounts.services import token_regenerate, tokens_revoke
from common.ratelimit import over_limit


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


class LoginView(auth_views.LoginView):
    """Log in by e-mail; attempts are limited per client address."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        # ?next= pointing back at the login page would loop for a logged-in user.
        return resolve_url(settings.LOGIN_REDIRECT_URL) if url == self.request.path else url

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if over_limit(request, "login", settings.LOGIN_RATE_LIMIT):
            form = self.get_form()
            form.add_error(None, _("Too many attempts from your address: wait a minute."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        tokens_revoke(user=form.user)  # a new password also retires the API token
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        tokens_revoke(user=form.user)
        return super().form_valid(form)
