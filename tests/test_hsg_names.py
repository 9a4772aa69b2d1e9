"""Visitor free text → title and name parts, and safe XML parsing."""

from __future__ import annotations

import pytest

from alliance_data_curate.importers.hsg import titles
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


@pytest.mark.parametrize(
    ("text", "party", "honorific", "name", "given", "family", "order"),
    [
        # two surnames only after a compound given name or with 3+ parts
        ("Prime Minister Jose Maria Aznar", "ESP", None, "Jose Maria Aznar", "Jose Maria",
         "Aznar", "given_family"),
        ("Prime Minister Jose Luis Rodriguez Zapatero", "ESP", None,
         "Jose Luis Rodriguez Zapatero", "Jose Luis", "Rodriguez Zapatero", "given_family"),
        # both surnames as Mexico writes them, spelt as upstream spells them
        ("President Ernesto Zedillo Ponce de Leon", "MEX", None, "Ernesto Zedillo Ponce de Leon",
         "Ernesto", "Zedillo Ponce de Leon", "given_family"),
        ("President Ruiz Cortines", "MEX", None, "Ruiz Cortines", None, "Ruiz Cortines",
         "given_family"),
        # family name first
        ("Prime Minister Lee Kuan Yew", "SGP", None, "Lee Kuan Yew", "Kuan Yew", "Lee",
         "family_given"),
        ("Prime Minister Hun Sen", "KHM", None, "Hun Sen", "Sen", "Hun", "family_given"),
        ("Premier Li Peng", "CHN", None, "Li Peng", "Peng", "Li", "family_given"),
        ("President Nguyen Minh Triet", "VNM", None, "Nguyen Minh Triet", "Minh Triet",
         "Nguyen", "family_given"),
        ("Prime Minister Il Kwon Chung", "KOR", None, "Il Kwon Chung", "Il Kwon", "Chung",
         "given_family"),
        ("Prime Minister Viktor Orban", "HUN", None, "Viktor Orban", "Viktor", "Orban",
         "given_family"),
        # Mongolian patronymic: the given name (last) is what the person is known by
        ("President Khaltmaa Battulga", "MNG", None, "Khaltmaa Battulga", None, "Battulga",
         "given_family"),
        # particles stay with the family name
        ("Prime Minister Van Zeeland", "BEL", None, "Van Zeeland", None, "Van Zeeland",
         "given_family"),
        ("President Charles de Gaulle", "FRA", None, "Charles de Gaulle", "Charles", "de Gaulle",
         "given_family"),
        # honorifics moved to their own field
        ("Prime Minister U Nu", "MMR", "U", "Nu", None, "Nu", "given_family"),
        ("Prime Minister Ne Win", "MMR", None, "Ne Win", None, "Ne Win", "given_family"),
        ("President Dr. Hilda C. Heine", "MHL", "Dr.", "Hilda C. Heine", "Hilda C.", "Heine",
         "given_family"),
        ("Governor General Lord Gowrie", "AUS", "Lord", "Gowrie", None, "Gowrie", "given_family"),
        ("Governor General Viscount Alexander", "CAN", "Viscount", "Alexander", None, "Alexander",
         "given_family"),
        ("Prime Minister Sheikh Hasina", "BGD", None, "Sheikh Hasina", "Sheikh", "Hasina",
         "given_family"),
        ("President of the Council of Ministers Hussain Mohammad Ershad", "BGD", None,
         "Hussain Mohammad Ershad", "Hussain Mohammad", "Ershad", "given_family"),
    ],
)  # fmt: skip
def test_name_conventions(text, party, honorific, name, given, family, order):
    [(title, written)] = split_visitors(text)
    who = person(title, written, party)
    got = (who.honorific, who.name, who.given_name, who.family_name, who.name_order)
    assert got == (honorific, name, given, family, order)


def test_van_buren_and_council_title():
    assert person(None, "Martin Van Buren", "USA").family_name == "Van Buren"
    assert (
        split_visitors("President of the Council of Ministers Hussain Mohammad Ershad")[0][0]
        == "President of the Council of Ministers"
    )


@pytest.mark.parametrize(
    ("party", "upstream", "normalised"),
    [("ESP", "President", "Prime Minister"), ("IRL", "Prime Minister", "Taoiseach"),
     ("KWT", "Emir", "Amir"), ("CHN", "Prime Minister", "Premier"),
     ("FRA", "Premier", "Prime Minister"), ("NIU", "Premier", "Premier"),
     ("FRA", "President", "President")],
)  # fmt: skip
def test_title_vocabulary(party, upstream, normalised):
    assert titles.normalise(party, upstream) == normalised
