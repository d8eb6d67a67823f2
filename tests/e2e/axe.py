"""axe-core in the browser tests: injected into the page as it was loaded with JavaScript off,
run, and its serious and critical findings gathered into a report a person can act on.

axe-core comes from npm at the version pinned in tests/e2e/package-lock.json
(``npm ci --prefix tests/e2e``, which .ci/run does); nothing is fetched while the tests run.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

AXE_SCRIPT = Path(
    os.environ.get("PRESSOFFICE_AXE_SCRIPT")
    or Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
)
FAILING_IMPACTS = ("serious", "critical")

# Only the rules that can find a serious or critical fault: the others cannot fail the check,
# and leaving them out (the slow "region" among them) halves the time axe takes.
_RUN = """
const done = arguments[arguments.length - 1];
const failing = arguments[0];
// The rules axe runs by default (enabled, not experimental or deprecated) whose impact, the
// highest their checks can give, is among the failing ones; a rule without one is kept.
const rules = axe._audit.rules
  .filter(rule => rule.enabled !== false)
  .filter(rule => !rule.tags.some(tag => ["experimental", "deprecated"].includes(tag)))
  .filter(rule => !rule.impact || failing.includes(rule.impact))
  .map(rule => rule.id);
axe.run(document, {resultTypes: ["violations"], runOnly: {type: "rule", values: rules}})
  .then(results => done(results.violations), error => done({error: String(error)}));
"""


@cache
def _script() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def available() -> bool:
    return AXE_SCRIPT.is_file()


def scripts_enabled(browser, enabled: bool) -> None:
    """Pages are loaded with JavaScript off; axe itself needs it, switched on only once the page
    is there, so nothing of the page's own runs."""
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not enabled})


def violations(browser, widths: tuple[int, ...] = (1280,)) -> dict[int, list[dict]]:
    """axe's violations, of every impact, on the page the browser shows now, laid out at each
    of ``widths`` (CSS pixels; a phone's layout below 500) without loading it again."""
    scripts_enabled(browser, True)
    found = {}
    try:
        browser.execute_script(_script())
        for width in widths:
            browser.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500},
            )
            answer = browser.execute_async_script(_RUN, list(FAILING_IMPACTS))
            if isinstance(answer, dict):
                raise RuntimeError(f"axe failed on {browser.current_url}: {answer['error']}")
            found[width] = answer
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        scripts_enabled(browser, False)
    return found


@dataclass(frozen=True)
class Seen:
    """Where a page was checked: its address, for whom, at what width, and what it shows."""

    path: str
    who: str
    width: int
    label: str = ""

    def __str__(self) -> str:
        shown = f" ({self.label})" if self.label else ""
        return f"{self.path}{shown} as {self.who} at {self.width} px"


@dataclass
class Findings:
    """Serious and critical violations, grouped by rule and by the element that breaks it, so
    one fault in the layout reads once with the pages it is on, not once per page."""

    checked: int = 0
    by_rule: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    rules: dict = field(default_factory=dict)
    # (path, who) -> who was shown the same page and had it checked
    same_as: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=lambda: defaultdict(float))

    def add(self, seen: Seen, found: list[dict]) -> None:
        self.checked += 1
        for violation in found:
            if violation.get("impact") not in FAILING_IMPACTS:
                continue
            self.rules[violation["id"]] = violation
            for node in violation["nodes"]:
                target = " ".join(str(part) for part in node.get("target", []))
                why = node.get("failureSummary", "").replace("\n", " ").strip()
                key = (target, " ".join(node.get("html", "").split())[:200], why[:300])
                self.by_rule[violation["id"]][key].append(seen)

    def __bool__(self) -> bool:
        return bool(self.by_rule)

    def report(self, pages_shown: int = 4) -> str:
        lines = [f"{len(self.by_rule)} serious or critical axe rules broken:"]
        for rule_id, elements in sorted(self.by_rule.items()):
            rule = self.rules[rule_id]
            lines.append("")
            lines.append(f"[{rule['impact']}] {rule_id}: {rule['help']} ({rule['helpUrl']})")
            for (target, html, why), seen in elements.items():
                lines.append(f"  element {target}: {html}")
                if why:
                    lines.append(f"    {why}")
                for where in seen[:pages_shown]:
                    lines.append(f"    on {where}")
                if len(seen) > pages_shown:
                    lines.append(f"    and {len(seen) - pages_shown} more page checks")
        return "\n".join(lines)
