"""Signing in and out, the staff home page, a user's own account, password and API tokens."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from .. import clock
from ..auth import current_session_key, public, safe_next_url, staff_required
from ..services import accounts, statements
from ..services.errors import NotFound, ValidationFailed
from ..services.today import todays_work
from . import bp
from .account_forms import ChangePasswordForm, ConfirmForm, SignInForm, TokenForm
from .sign_in_attempts import password_change_attempt, sign_in_attempt

SIGN_IN_FAILED = "Enter a correct email address and password"


def _renew_session() -> None:
    """Start the browser's session afresh (a new CSRF token with it), so nothing read or
    planted before a sign-in or sign-out is good after it."""
    session.clear()
    # Flask-WTF keeps the token it made for this request; the next form must make a new one.
    g.pop("csrf_token", None)


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="login")
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = SignInForm()
    error = None
    # Counted before the password is checked, so guesses sent together cannot all get in.
    attempt = sign_in_attempt(request.form.get("email", "")) if request.method == "POST" else None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            attempt.give_back()
            remember = bool(form.remember.data)
            user.session_key = accounts.start_session(
                user,
                clock.now(),
                remember_for=current_app.config["REMEMBER_COOKIE_DURATION"] if remember else None,
            )
            _renew_session()
            login_user(user, remember=remember)
            return redirect(safe_next_url(request.args.get("next")) or url_for("web.home"))
        error = SIGN_IN_FAILED
        # Shown once, on the first field, as the design system does for a failed sign-in.
        form.email.errors = [SIGN_IN_FAILED]
    status = 401 if error else 200
    return render_template("auth/sign_in.html", form=form, error=error), status


@bp.post("/sign-out", endpoint="logout")
def logout():
    # Ends this sign-in for good (the copied cookies of it too); other computers stay signed in.
    if current_user.is_authenticated:
        accounts.end_session(current_session_key(), clock.now())
    # Renewed first: logging out then marks the remember cookie to be cleared in the new one.
    _renew_session()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("web.login"))


logout.access = "signed-in"


@bp.get("/staff", endpoint="home")
@staff_required
def home():
    now = clock.now()
    return render_template(
        "staff/home.html",
        today=todays_work(current_user, now),
        now=now,
        stale_statements=statements.statements_going_stale(now),
    )


@bp.get("/account", endpoint="account")
@staff_required
def account():
    return render_template("staff/account.html")


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@staff_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # Counted before the current password is checked; given back unless it was wrong.
        attempt = password_change_attempt(current_user.id)
        try:
            key, remembered = accounts.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                session_key=current_session_key(),
                now=clock.now(),
            )
        except ValidationFailed as refusal:
            for name, message in refusal.fields.items():
                form[name].errors.append(message)
            if "current_password" not in refusal.fields:
                attempt.give_back()
        else:
            attempt.give_back()
            user = accounts.get_user(current_user.id)
            user.session_key = key
            # The same browser goes on signed in, under the new key.
            login_user(user, remember=remembered)
            flash(
                "Your password has been changed. You have been signed out everywhere else.",
                "success",
            )
            return redirect(url_for("web.account"))
    status = 400 if any(field.errors for field in form) else 200
    return render_template("staff/change_password.html", form=form), status


@bp.route("/account/tokens", methods=["GET", "POST"], endpoint="my_tokens")
@staff_required
def my_tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = accounts.create_token(current_user, clock.now(), form.label.data or "")
    tokens = accounts.list_tokens(current_user)
    return render_template(
        "staff/tokens.html", form=form, tokens=tokens, new_token=new_token, confirm=ConfirmForm()
    )


@bp.post("/account/tokens/<int:token_id>/revoke", endpoint="revoke_my_token")
@staff_required
def revoke_my_token(token_id: int):
    form = ConfirmForm()
    try:
        token = accounts.get_token(token_id)
    except NotFound:
        token = None
    # Someone else's token answers exactly as one that does not exist.
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not form.validate_on_submit():
        return redirect(url_for("web.my_tokens"))
    accounts.revoke_token(token.id, clock.now())
    flash("Token revoked: it no longer works.", "success")
    return redirect(url_for("web.my_tokens"))
