"""Visitor free text → title and name parts, and safe XML parsing."""

from __future__ import annotations

import pytest

from alliance_data_curate.importers.hsg.names import person, split_visitors
from alliance_data_curate.importers.hsg.parse import UpstreamError, read_visits
from alliance_data_curate.names import name_key


@pytest.mark.parametrize(
    ("text", "party", "title", "name", "given", "family", "order"),
    [
        ("Prime Minister Suga Yoshihide ", "JPN", "Prime Minister", "Suga Yoshihide",
         "Yoshihide", "Suga", "family_given"),
        ("President Moon Jae-in", "KOR", "President", "Moon Jae-in", "Jae-in", "Moon",
         "family_given"),
        ("Prime Minster Mackenzie King", "CAN", "Prime Minister", "Mackenzie King", "Mackenzie",
         "King", "given_family"),
        ("President Carlos Salinas de Gortari", "MEX", "President", "Carlos Salinas de Gortari",
         "Carlos", "Salinas de Gortari", "given_family"),
        ("King Mswati III", "SWZ", "King", "Mswati III", None, "Mswati", "given_family"),
        ("Prime MinisterHaidar al-Abadi", "IRQ", "Prime Minister", "Haidar al-Abadi", "Haidar",
         "al-Abadi", "given_family"),
        ("Valdas Adamkus", "LTU", None, "Valdas Adamkus", "Valdas", "Adamkus", "given_family"),
    ],
)  # fmt: skip
def test_visitor_split(text, party, title, name, given, family, order):
    [(got_title, got_name)] = split_visitors(text)
    who = person(got_title, got_name, party)
    assert (who.title, who.name, who.given_name, who.family_name, who.name_order) == (
        title,
        name,
        given,
        family,
        order,
    )


def test_two_visitors_and_joint_titles():
    assert split_visitors("President Anwar Sadat, Prime Minister Mustafa Khalil") == [
        ("President", "Anwar Sadat"),
        ("Prime Minister", "Mustafa Khalil"),
    ]
    assert split_visitors("Premier & Prince Sihanouk") == [("Premier and Prince", "Sihanouk")]


def test_suffix_kept_apart():
    who = person("President", "Benigno S. Aquino, 3rd", "PHL")
    assert (who.family_name, who.suffix) == ("Aquino", "3rd")


def test_name_key_ignores_order_accents_case():
    assert name_key("Shinzō Abe") == name_key("abe shinzo")


def test_entities_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE v [<!ENTITY a "aaaa">]><visits><visit><id>&a;</id>'
        "</visit></visits>"
    )
    with pytest.raises(UpstreamError, match="unsafe XML"):
        read_visits(bomb, "bomb.xml")
