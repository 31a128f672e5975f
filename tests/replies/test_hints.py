"""Suggestions from the words of a reply (pure): what it never mentions, recipients given
only as categories, automated decisions without the logic, compelling grounds claimed."""

from __future__ import annotations

from dsar.replies.checklist import items_for
from dsar.replies.hints import CATEGORIES_ONLY, GROUNDS_CLAIMED, NO_LOGIC, NOT_MENTIONED, suggest

ACCESS = items_for(["access"])
FULL = ("We use your data for the purpose of credit checks. The categories of personal data are "
        "contact details and payment history. Recipients: Acme Lending Ltd and Beta Bank plc. "
        "We keep it for six years. You may ask for rectification or erasure, and complain to the "
        "Information Commissioner. We obtained it from the electoral roll. We make no automated "
        "decisions and the logic is described below.")


def _marks(found):
    return {code: (s.mark, s.reason) for code, s in found.items()}


def test_a_full_reply_gives_no_suggestions():
    assert suggest(FULL, ACCESS) == {}


def test_recipients_given_only_as_categories():
    text = FULL.replace("Recipients: Acme Lending Ltd and Beta Bank plc.",
                        "We share it with categories of recipients such as lenders.")
    assert _marks(suggest(text, ACCESS)) == {"c": ("missing", CATEGORIES_ONLY)}


def test_in_german_too():
    text = ("Wir verarbeiten Ihre Daten zu folgenden Zwecken: Bonitätsprüfung. Kategorien "
            "personenbezogener Daten: Adressdaten. Wir übermitteln sie an Kategorien von Empfängern "
            "wie Banken. Speicherdauer: drei Jahre. Sie haben ein Recht auf Berichtigung und "
            "Löschung sowie auf Beschwerde bei der Aufsichtsbehörde. Herkunft: Gläubiger. "
            "Eine automatisierte Entscheidung findet statt.")
    assert _marks(suggest(text, ACCESS)) == {"c": ("missing", CATEGORIES_ONLY), "h": ("partly", NO_LOGIC)}


def test_what_the_reply_never_mentions():
    text = "Please find enclosed a copy of your data."
    found = _marks(suggest(text, ACCESS))
    assert found == dict.fromkeys(("a", "b", "c", "d", "e", "f", "g", "h"), ("missing", NOT_MENTIONED))


def test_only_items_of_this_checklist_and_never_without_text():
    objection = items_for(["object_processing"])
    text = "We have compelling legitimate grounds for the processing which override your interests."
    assert _marks(suggest(text, objection)) == {"stopped": ("partly", GROUNDS_CLAIMED)}
    assert suggest("We have stopped.", objection) == {}
    assert suggest("   ", ACCESS) == {}
