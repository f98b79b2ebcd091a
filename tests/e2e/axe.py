"""axe-core in the browser tests: inject the vendored file into the page and list what it finds.

The script is tests/e2e/vendor/axe-core/axe.min.js (see the README beside it); nothing is
fetched at run time.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_FILE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Rules axe leaves "to review" when it cannot be sure, which on these server-rendered pages
# are plain mistakes: an aria-describedby naming a missing element, two elements with the
# id an ARIA attribute points to. They count as violations here.
REVIEW_AS_VIOLATION = ("aria-valid-attr-value", "duplicate-id-aria")


def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """Run axe on the page as it stands; one readable line per violation of the given impacts.

    Each line names the rule, its help text, the page's path and the selectors of the
    offending elements (the first five), so a failing test says what to fix and where.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol rather than as a <script> tag: the site's
        # Content-Security-Policy (script-src 'self') rightly refuses an injected inline script,
        # and the page is tested with its real policy in force.
        page.evaluate(AXE_FILE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        """async (REVIEW) => {
            const r = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
            const review = r.incomplete.filter(v => REVIEW.includes(v.id));
            return r.violations.concat(review).map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
                summary: v.nodes.length ? (v.nodes[0].failureSummary ||
                    v.nodes[0].any.concat(v.nodes[0].all).map(c => c.message).join('; ')) : '',
            }));
        }""",
        list(REVIEW_AS_VIOLATION),
    )
    path = page.evaluate("location.pathname")
    found = []
    for v in results:
        if v["impact"] not in impacts:
            continue
        targets = ", ".join(v["targets"][:5])
        more = f" (+{len(v['targets']) - 5} more)" if len(v["targets"]) > 5 else ""
        summary = " ".join(v["summary"].split())
        found.append(
            f"{path}: [{v['impact']}] {v['id']}: {v['help']} at {targets}{more}. {summary}"
        )
    return found


def broken_references(page: Page) -> list[str]:
    """Ids named by aria-describedby, aria-labelledby or aria-errormessage that no element has.

    axe lets an aria-describedby pass when one of its ids exists; a screen reader then reads
    the help but not the error message next to the field. Each id must exist.
    """
    missing = page.evaluate(
        """() => [...document.querySelectorAll(
                '[aria-describedby], [aria-labelledby], [aria-errormessage]')].flatMap(el =>
            ['aria-describedby', 'aria-labelledby', 'aria-errormessage'].flatMap(attr =>
                (el.getAttribute(attr) || '').split(/\\s+/).filter(id =>
                    id && !document.getElementById(id)).map(id =>
                    `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${attr}=${id}`)))"""
    )
    path = page.evaluate("location.pathname")
    return [f"{path}: an ARIA reference to a missing id: {m}" for m in missing]


def assert_no_serious_violations(page: Page) -> None:
    """Fail with every serious or critical violation axe finds on the page, and every ARIA
    reference to an id that is not there."""
    found = axe_violations(page) + broken_references(page)
    assert not found, "axe found:\n" + "\n".join(found)
