"""Every choice on a form is declared as WTForms 3.4 will require (SelectChoice, not tuples),
so an upgrade within the dependency range cannot empty a list or a set of radios."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

from ..factories import make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def test_no_page_with_choices_uses_a_deprecated_way_of_declaring_them(
    signed_in, admin, officer, clock
):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    browser = signed_in(admin)
    pages = [
        "/enquiries",
        "/enquiries/new",
        f"/enquiries/{enquiry.reference}",
        "/admin/calendar",
        "/admin/users/new",
        f"/admin/users/{officer.id}",
    ]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for path in pages:
            page = browser.get(path)
            assert page.select("option, input[type=radio]"), path

    deprecated = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert deprecated == []


def _every_form_class(base):
    for cls in base.__subclasses__():
        yield cls
        yield from _every_form_class(cls)


def test_every_declared_choice_of_every_form_is_a_select_choice(app):
    from wtforms import Form
    from wtforms.fields import SelectFieldBase

    forms = [cls for cls in _every_form_class(Form) if cls.__module__.startswith("pressoffice")]
    assert len(forms) > 10
    checked = 0
    with app.test_request_context("/"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for cls in forms:
            form = cls(formdata=None, meta={"csrf": False})
            for field in form:
                if isinstance(field, SelectFieldBase) and getattr(field, "choices", None):
                    list(field.iter_choices())
                    checked += 1
    assert checked >= 8
    deprecated = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert deprecated == []
