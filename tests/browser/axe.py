"""axe-core accessibility checks for browser tests (axe.min.js ships inside axe-playwright-python: no CDN).

``assert_no_serious_axe_violations(page)`` fails with each serious or critical violation named (rule, what
it means, and the first offending elements), so a failing test says exactly what to fix.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}
_AXE = Axe()


def serious_axe_violations(page) -> list[str]:
    """Serious/critical WCAG 2.1 A/AA violations on the page as it is now, as readable lines."""
    results = _AXE.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            "resultTypes": ["violations"],
        },
    )
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS:
            continue
        targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:4])
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return found


def assert_no_serious_axe_violations(page) -> None:
    found = serious_axe_violations(page)
    assert found == [], f"axe-core on {page.url}:\n" + "\n".join(found)
