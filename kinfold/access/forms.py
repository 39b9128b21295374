"""Sign-in, second factor and break-glass forms (GOV.UK layout through crispy-forms-gds)."""

from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from kinfold.forms import govuk_helper


class GovukFormMixin:
    """A GOV.UK form: small labels, one submit button; the template writes the <form> tag."""

    submit_label = "Continue"
    submit_name = "submit"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper()
        self.helper.add_input(Submit(self.submit_name, self.submit_label))


class SignInForm(GovukFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both may be case-sensitive.",
        "inactive": "This account is inactive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )


class TokenForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "The security code is 6 digits",
            "max_length": "The security code is 6 digits",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The security code is 6 digits")
        return token


class BreakGlassForm(GovukFormMixin, forms.Form):
    submit_label = "See the record and record my reason"
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        help_text="Your reason is recorded and shown to the record's manager",
        max_length=500,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you need to see this record",
            "min_length": "Give a reason of at least 10 characters",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )


class RestrictForm(GovukFormMixin, forms.Form):
    submit_label = "Restrict this record"
    reason = forms.CharField(
        label="Why must this record be restricted?",
        help_text="For example: adoption, a member of staff's relative, high public profile",
        max_length=200,
        error_messages={
            "required": "Enter why this record must be restricted",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )
    manager = forms.CharField(
        label="Username of the worker who manages access",
        help_text="They decide who else may see the record, and are told of every emergency view",
        max_length=150,
        error_messages={"required": "Enter the username of the worker who manages access"},
    )

    def clean_manager(self):
        from kinfold.workforce.models import Worker

        username = self.cleaned_data["manager"].strip()
        worker = Worker.objects.filter(username=username, is_active=True).first()
        if worker is None:
            raise forms.ValidationError("There is no active worker with that username")
        return worker


class NameWorkerForm(GovukFormMixin, forms.Form):
    submit_label = "Let this worker see the record"
    submit_name = "name_worker"
    username = forms.CharField(
        label="Username of the worker to name",
        max_length=150,
        error_messages={"required": "Enter the username of the worker to name"},
    )

    def clean_username(self):
        from kinfold.workforce.models import Worker

        username = self.cleaned_data["username"].strip()
        worker = Worker.objects.filter(username=username, is_active=True).first()
        if worker is None:
            raise forms.ValidationError("There is no active worker with that username")
        return worker


class LiftRestrictionForm(GovukFormMixin, forms.Form):
    submit_label = "Lift the restriction"
    submit_name = "lift"
    reason = forms.CharField(
        label="Why can the restriction be lifted?",
        max_length=200,
        error_messages={"required": "Enter why the restriction can be lifted"},
    )
