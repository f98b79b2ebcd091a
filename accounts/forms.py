from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class LoginForm(auth_forms.AuthenticationForm):
    """The login form, labelled for e-mail addresses."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "That e-mail address and password do not match an account. Both are checked "
            "exactly; the password is case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("name",)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also mails people who were invited and never chose a password: for them the link
    is a new invitation (Django's own form skips accounts without a usable password)."""

    def get_users(self, email: str):
        return User.objects.filter(email__iexact=email, is_active=True)
