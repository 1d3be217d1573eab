"""One name per thing: a column that refers to another table's key carries that key's name."""

import json

from analysis.paths import DATA_DIR, DATAPACKAGE


def misnamed_foreign_keys(descriptor):
    """Each foreign key whose columns are not named after the key fields they reference, as text."""
    found = []
    for resource in descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            reference = key["reference"]
            if key["fields"] != reference["fields"]:
                found.append(f"{resource['name']}.{key['fields']} -> {reference['resource']}.{reference['fields']}")
    return found


def test_every_foreign_key_column_is_named_after_the_key_it_references():
    descriptor = json.loads((DATA_DIR / DATAPACKAGE).read_text(encoding="utf-8"))
    keys = [key for resource in descriptor["resources"] for key in resource["schema"].get("foreignKeys", [])]
    assert len(keys) >= 10  # the check reads the real keys, not an empty list
    assert misnamed_foreign_keys(descriptor) == []


def test_a_column_named_after_its_table_instead_of_its_key_is_found():
    descriptor = {
        "resources": [
            {
                "name": "claims",
                "schema": {
                    "foreignKeys": [
                        {"fields": ["force_size_id"], "reference": {"resource": "force_size", "fields": ["figure_id"]}},
                        {"fields": ["pledge_id"], "reference": {"resource": "pledges", "fields": ["pledge_id"]}},
                    ]
                },
            }
        ]
    }
    assert misnamed_foreign_keys(descriptor) == ["claims.['force_size_id'] -> force_size.['figure_id']"]
