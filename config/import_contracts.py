"""An import-linter contract type the stock ones cannot express: "an app's own modules".

`own_tables` (pyproject.toml, `[tool.importlinter]`): for every app matched by `containers`
(`yiwang.*`, so apps still to come are covered by name), the modules named in `private_modules`
(`models`) may be imported directly only by modules inside that same app. Another app reads the
tables through the owner's `selectors` and writes them through its `services`; ForeignKeys name
the model by string ("cases.Case"). See docs/architecture.md, "Import contracts".
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class OwnTablesContract(Contract):
    type_name = "own_tables"

    containers = fields.ListField(subfield=fields.ModuleExpressionField())
    private_modules = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(contract_utils.AlertLevel, default=contract_utils.AlertLevel.NONE)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        containers: set[str] = set()
        for expression in self.containers:  # type: ignore[attr-defined]
            containers |= graph.find_matching_modules(expression.expression) if "*" in expression.expression else {expression.expression}
        if not containers:
            raise ValueError("own_tables: the containers match no module.")
        illegal: list[dict] = []
        for app in sorted(containers):
            for tail in self.private_modules:  # type: ignore[attr-defined]
                private = f"{app}.{tail}"
                if private not in graph.modules:
                    continue
                protected = {private} | graph.find_descendants(private)
                for imported in sorted(protected):
                    for importer in sorted(graph.find_modules_that_directly_import(imported)):
                        if importer == app or importer.startswith(app + "."):
                            continue
                        details = graph.get_import_details(importer=importer, imported=imported)
                        illegal.append(
                            {
                                "importer": importer,
                                "imported": imported,
                                "line_numbers": tuple(d["line_number"] for d in details),
                            }
                        )
        return ContractCheck(
            kept=not illegal,
            warnings=list(removal.warnings),
            metadata={"illegal": illegal},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for link in check.metadata["illegal"]:
            lines = ", ".join(str(n) for n in link["line_numbers"])
            output.print_error(f"{link['importer']} -> {link['imported']} (l. {lines})", bold=False)
        output.new_line()
        output.print("Read another app's tables through its selectors, write them through its services.")
