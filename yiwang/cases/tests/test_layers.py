"""The inside of the cases app is layered (docs/architecture.md, "Worked example: a case"): a
module imports only modules of its own layer or below, and no modules import each other in a
circle. Checked on the import graph (grimp, the library import-linter runs on)."""

import grimp

LAYERS = [
    # lowest first
    {"constants", "lifecycle", "models", "deadlines", "process_engine", "forms", "templatetags"},
    {"locks", "locker_device"},
    {"access"},
    {"selectors"},
    {"transitions", "documents", "back_office", "handover", "prerequisites"},
    {"actions"},
    {"services"},
    {"pages", "api", "tasks", "management", "admin", "admin_processes", "urls", "apps"},
]


def _layer(module: str) -> int | None:
    top = module.removeprefix("yiwang.cases.").split(".")[0]
    return next((i for i, names in enumerate(LAYERS) if top in names), None)


def _own_modules(graph):
    return sorted(m for m in graph.modules if m.startswith("yiwang.cases.") and ".tests" not in m
                  and ".migrations" not in m)


def test_every_module_imports_only_its_layer_or_below():
    graph = grimp.build_graph("yiwang")
    upward = []
    for module in _own_modules(graph):
        here = _layer(module)
        assert here is not None, f"{module} is in no layer: add it to LAYERS and to the docs"
        for imported in graph.find_modules_directly_imported_by(module):
            there = _layer(imported) if imported.startswith("yiwang.cases.") else None
            if there is not None and there > here:
                upward.append(f"{module} -> {imported}")
    assert upward == []


def test_no_two_modules_of_cases_import_each_other_in_a_circle():
    graph = grimp.build_graph("yiwang")
    modules = _own_modules(graph)
    circles = []
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported in modules and imported != module and graph.chain_exists(imported, module):
                circles.append(f"{module} <-> {imported}")
    assert circles == []
