"""Every code a reader could meet has a label, from one place (analysis/labels.py)."""

import json

from analysis.labels import LABELS, in_sentence, label
from analysis.paths import DATA_DIR


def test_every_allowed_value_in_the_schema_has_a_label():
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    missing = []
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            name = "status" if field["name"] == "stated_status" else field["name"]
            name = "date_precision" if name.endswith("_precision") else name
            for code in field.get("constraints", {}).get("enum", []):
                if code not in LABELS.get(name, {}):
                    missing.append(f"{resource['name']}.{field['name']}: {code}")
    assert missing == []


def test_a_code_without_a_label_is_shown_in_words_never_as_a_code():
    assert label("status", "newly_added_status") == "Newly added status"
    assert label("contribution", None) == ""
    assert in_sentence("contribution", "unspecified_support") == "support of an unstated kind"
