"""Administrators manage users: create, change role, deactivate, revoke tokens."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..auth import role_required
from ..services import accounts
from ..services.errors import NotAllowed, NotFound, ValidationFailed
from . import bp
from .account_forms import ConfirmForm, NewUserForm, RoleForm


def _user_or_404(user_id: int):
    try:
        return accounts.get_user(user_id)
    except NotFound:
        abort(404)


@bp.get("/admin/users", endpoint="admin_users")
@role_required("admin")
def admin_users():
    return render_template("admin/users.html", users=accounts.list_users())


@bp.route("/admin/users/new", methods=["GET", "POST"], endpoint="admin_new_user")
@role_required("admin")
def admin_new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                now=clock.now(),
            )
        except ValidationFailed as exc:
            for name, message in exc.fields.items():
                form[name].errors.append(message)
        else:
            flash(f"{user.name} can now sign in as {user.email}.", "success")
            return redirect(url_for("web.admin_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.get("/admin/users/<int:user_id>", endpoint="admin_user")
@role_required("admin")
def admin_user(user_id: int):
    user = _user_or_404(user_id)
    return render_template(
        "admin/user.html",
        user=user,
        role_form=RoleForm(role=user.role),
        confirm=ConfirmForm(),
        tokens=accounts.list_tokens(user),
    )


@bp.post("/admin/users/<int:user_id>/role", endpoint="admin_set_role")
@role_required("admin")
def admin_set_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        changed = user.role != form.role.data
        try:
            accounts.set_role(user, form.role.data, actor=current_user, now=clock.now())
        except NotAllowed as refusal:
            flash(refusal.message, "error")
        else:
            signed_out = " They have been signed out, to sign in again as such." if changed else ""
            flash(f"{user.name} is now {form.role.data}.{signed_out}", "success")
    return redirect(url_for("web.admin_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/deactivate", endpoint="admin_deactivate")
@role_required("admin")
def admin_deactivate(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.deactivate_user(user, clock.now(), actor=current_user)
        except NotAllowed as refusal:
            flash(refusal.message, "error")
        else:
            flash(f"{user.name} is deactivated: signed out everywhere, tokens revoked.", "success")
    return redirect(url_for("web.admin_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/reactivate", endpoint="admin_reactivate")
@role_required("admin")
def admin_reactivate(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        accounts.reactivate_user(user)
        flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("web.admin_user", user_id=user.id))


@bp.post("/admin/tokens/<int:token_id>/revoke", endpoint="admin_revoke_token")
@role_required("admin")
def admin_revoke_token(token_id: int):
    try:
        token = accounts.get_token(token_id)
    except NotFound:
        abort(404)
    if ConfirmForm().validate_on_submit():
        accounts.revoke_token(token.id, clock.now())
        flash("Token revoked.", "success")
    return redirect(url_for("web.admin_user", user_id=token.user_id))
