"""Below 40rem the staff header folds its links into a menu button that opens without
JavaScript: a <details> whose summary says "Menu", holding the same links and sign-out form."""

from __future__ import annotations


def _links(nav) -> list[str]:
    return [a.get_text(" ", strip=True) for a in nav.select("a")] + [
        b.get_text(strip=True) for b in nav.select("button")
    ]


def test_the_staff_header_has_a_menu_button_holding_every_link_and_no_script(signed_in, officer):
    page = signed_in(officer).get("/staff")
    header = page.select_one("header.site-header")

    menu = header.select_one("details.site-nav__menu")
    assert menu.summary.get_text(strip=True) == "Menu"
    assert menu.has_attr("open") is False  # folded until asked for
    folded, wide = menu.select_one("nav"), header.select_one("nav.site-nav--wide")
    assert _links(folded) == _links(wide)
    assert "Sign out" in _links(folded) and "Enquiries" in _links(folded)
    assert folded.select_one("form input[name=csrf_token]") is not None
    assert page.select("script") == []


def test_the_public_header_folds_the_same_way(client):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/").data, "html.parser")
    menu = page.select_one("header details.site-nav__menu")
    assert "Staff sign in" in _links(menu.select_one("nav"))
