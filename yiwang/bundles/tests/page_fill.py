"""Browser-test helper: fill a bundle's merged form on the page with the values the seed tests use."""

from yiwang.bundles.tests.test_seed import _typed_value


def fill_merged_form(page, checklist, applicant) -> None:
    """Every field of the checklist's merged form, typed, chosen or ticked as its input asks."""
    for field in checklist.form.fields:
        value = _typed_value(field, applicant)
        inputs = page.locator(f'[name="{field.name}"]')
        kind = inputs.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind in ("input:radio", "input:checkbox"):
            for chosen in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{field.name}"][value="{chosen}"]').check()
        elif kind.startswith("select"):
            inputs.first.select_option(value)
        else:
            inputs.first.fill(value)
