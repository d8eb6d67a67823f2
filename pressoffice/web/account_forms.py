"""Forms for signing in and managing accounts: field validation only."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ..domain.roles import ROLE_NAMES, ROLE_ORDER

ROLE_CHOICES = [SelectChoice(role, ROLE_NAMES[role]) for role in ROLE_ORDER]


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address"), Length(max=254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password"), Length(max=256)]
    )
    remember = BooleanField("Keep me signed in on this computer")


class ChangePasswordForm(FlaskForm):
    """The rules a new password must meet are the account rules, applied by the service."""

    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password"), Length(max=256)],
    )
    new_password = PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words make a good password.",
        validators=[DataRequired("Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("new_password", "Enter the same new password twice"),
        ],
    )


class NewUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter a name"), Length(max=120)])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address")])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField(
        "Password",
        description="At least 12 characters. A few unrelated words make a good password.",
        validators=[DataRequired("Enter a password")],
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class TokenForm(FlaskForm):
    label = StringField("What the token is for", validators=[Length(max=120)])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""
