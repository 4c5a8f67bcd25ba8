"""The API fuzzer gate: Schemathesis, which nobody here wrote, against every kind's served API.

For every implemented kind (so kinds added later are covered as soon as they exist), on SQLite and on
PostgreSQL, the kind's shared served site (`served.py`: DRF and allauth on, Celery off as it needs a
broker) is reset to its demo data and served by Gunicorn (Daphne for a WebSocket kind) with the
*production* settings: ``DEBUG=False`` is where an unexpected error turns into the HTML error page, so that
is what the fuzzer must meet. Only rate limits are lifted (`served.GATE_SETTINGS`): 429 is documented, but
an API that answers 429 to most requests leaves its logic untested. The fuzzer signs in with the demo
user's token (so it reaches their rows too), runs every check and every phase (examples, coverage,
fuzzing, stateful) with a fixed seed, at most ``MAX_EXAMPLES`` cases per operation and ``MAX_TIME[database]``
seconds in all (PostgreSQL's run is shorter: the same cases meet a stricter database, within CI's time).

The gate, read from Schemathesis' NDJSON report, case by case:
- no 5xx, and every response conforms to the schema: status code, content type, headers and body;
- no other check fails (authentication ignored, unsupported methods, created resources missing…);
- a schema-valid request is rejected only for a rule the schema cannot express: ``ACCEPTED_REJECTIONS``
  lists them, each with its reason, matched against the messages of the 400 body;
- a schema-*violating* request that is accepted is reported but allowed (``negative_data_rejection``):
  DRF and django-filter parse leniently on purpose (an empty ``?page=`` or ``?due_before=`` means "not
  given", a number is accepted as a string, surrounding whitespace is trimmed before ``maxLength``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from djstarter.templates import implemented_kinds

from .generated import BIN
from .served import Site, site_params

SEED = int(os.environ.get("DJSTARTER_FUZZ_SEED", "20261201"))  # another seed explores other cases
MAX_EXAMPLES = 25
#: Seconds of fuzzing per kind and database; with the site's setup the SQLite test stays under 90 s.
MAX_TIME = {"sqlite": 45, "postgresql": 25}


@dataclass(frozen=True)
class Rejection:
    """A rule the schema cannot express: schema-valid input that is rightly refused with these messages."""

    reason: str
    messages: str  # a regular expression every message it explains matches
    forms_only: bool = False  # only for form-encoded bodies
    status: int = 400  # the status it is refused with (410: a resource that is gone)


ACCEPTED_REJECTIONS = (
    Rejection(
        "Names are unique per owner: whether a name is free depends on the rows already stored.",
        r"You already have an? \w+ named",
    ),
    Rejection(
        "Related objects must exist (and be yours): the schema gives an id's or slug's type, not which rows "
        "exist.",
        r"You have no .+ with (id|these ids)|Object with slug=.* does not exist|Invalid pk .* does not exist|"
        r"No such person",
    ),
    Rejection(
        "A cursor must be one the API handed out (an opaque position in a list), not any string.",
        r"^Invalid cursor$",
    ),
    Rejection(
        "Project names are unique per organisation (saas): whether a name is free depends on stored rows.",
        r"This organisation already has a project named",
    ),
    Rejection(
        "Plan limits (saas): how many projects a plan allows depends on how many the organisation has.",
        r"plan includes \d+ projects",
    ),
    Rejection(
        "A new due date may not be in the past: the bound moves with today's date.",
        r"The due date cannot be in the past",
    ),
    Rejection(
        "Comments are open on published posts only: a post's status is stored state.",
        r"Comments are open on published posts only",
    ),
    Rejection(
        "The token endpoint needs a real account's username and password.",
        r"Unable to log in with provided credentials",
    ),
    Rejection(
        "An uploaded image must be a non-empty file that decodes as an image: `format: binary` cannot say "
        "which bytes.",
        r"Upload a valid image|The submitted file is empty|^This is not a JPEG, PNG or WebP image\.$|"
        r"^The image could not be read: the file is damaged or incomplete\.$",
    ),
    Rejection(
        "Each description (alt text) of a post's images goes with an image (social): the schema cannot tie "
        "one list's length to another's.",
        r"^There are more descriptions than images\.$",
    ),
    Rejection(
        "A title needs a letter or digit (Unicode categories, which JSON Schema regexes do not share with "
        "Python's).",
        r"The title needs at least one letter or digit",
    ),
    Rejection(
        "Stock is stored state: whether a quantity can be bought depends on what is left and on what the "
        "cart already holds (and whether a variant can be waited for, on whether it is sold out).",
        r"left in stock|is sold out|you already have \d+ in your cart|is no longer sold|"
        r"is in stock: you can buy it now",
    ),
    Rejection(
        "A voucher code is stored state (ecommerce): whether a code exists and applies (its validity window, "
        "uses left, minimum subtotal, the customer's earlier orders, a cart with something in it) depends on "
        "stored rows and the time.",
        r"There is no voucher with the code|The voucher \S+ (is not valid any more|is valid from|expired on|"
        r"has been used up|needs a subtotal)|You have already used the voucher|Your cart is empty",
    ),
    Rejection(
        "Blocks and audiences are stored state (social): whether one may follow an account depends on blocks "
        "either way, whether one may follow, block, mute or report it on whose it is (not one's own), and "
        "whether a post can be boosted on its audience and its author's.",
        r"^You cannot follow this account\.$|^You cannot (follow|block|mute|report) yourself\.$|"
        r"^Only public posts can be boosted",
    ),
    Rejection(
        "A return names each order line once (ecommerce): JSON Schema's `uniqueItems` compares whole items, "
        "not one field of them (two items with the same line and different quantities).",
        r"^Name each line once\.$",
    ),
    Rejection(
        "Exports are stored state (saas, social): one at a time per owner and one a minute, so whether a new "
        "one may be asked for depends on the exports already stored.",
        r"already being (built|prepared): it is listed here when ready\.$|"
        r"less than a minute ago: it is listed here\.$",
    ),
    Rejection(
        "An export's download link works once, until it expires (saas, social): whether a signed link still "
        "opens depends on the stored export (used, expired), not on the link's form.",
        r"each export downloads once\. Ask for a new export\.$|"
        r"^This link has expired: ask for a new export\.$",
        status=410,
    ),
    Rejection(
        "Scheduling an account's deletion takes the account's own password (social): the schema gives a "
        "string, not which one.",
        r"^That is not your password",
    ),
    Rejection(
        "A webhook URL must resolve to public addresses only (saas): the schema gives a URL's form, not what "
        "DNS answers for its host (and the test machine resolves no outside name).",
        r"does not resolve to an address\.$|Webhooks only go to public addresses\.$",
    ),
    Rejection(
        "A moment PostgreSQL cannot take (a time zone offset beyond ±15:59, which RFC 3339's date-time "
        "allows up to ±23:59, or a year before 1 in UTC) is refused with the reason "
        "(core/api/exceptions.py).",
        r"^A value is outside what the database can store \(a date, a time zone offset or a number\)\.$",
    ),
    Rejection(
        "A URL must be one Django's URL validator accepts (a host with a domain or an IP address, a known "
        "scheme's shape): JSON Schema's `uri` format is wider (`https://a`, `https://%` are URIs).",
        r"^Enter a valid URL\.$",
    ),
    Rejection(
        "Text the database cannot store (a NUL character) is refused anywhere in a request, fields the "
        "operation does not declare and their names included (core/storable.py); the schema puts the rule on "
        "every string it declares, and JSON Schema cannot put it on undeclared extra fields of any type.",
        r"^(Null|Unpaired surrogate) characters are not allowed\.$",
    ),
    Rejection(
        "Form encodings have no null: Schemathesis sends a nullable field's null as the text `null`, "
        "which is then not a date, an id or a choice.",
        r"Date has wrong format|Datetime has wrong format|Incorrect type\. Expected pk value|"
        r"is not a valid choice|This field may not be null|A valid integer is required|"
        r"Must be a valid boolean",
        forms_only=True,
    ),
)
#: Daphne (a WebSocket kind's server) parses multipart bodies in Twisted before Django runs, and answers a
#: malformed one with a bare 400 (no body, no content type): refused, nothing changed, but not the API's
#: JSON. Counted as accepted for exactly that shape, reported with this reason.
DAPHNE_MULTIPART = "Daphne (Twisted) refuses a malformed multipart body with a bare 400 before Django runs."


def _bare_multipart_refusal(interaction: dict[str, Any] | None) -> bool:
    if not interaction:
        return False
    response = interaction["response"]
    content_type = " ".join(interaction["request"]["headers"].get("Content-Type", []))
    return (
        response["status_code"] == 400
        and not response.get("content", {}).get("$base64")
        and content_type.startswith("multipart/form-data")
    )


#: Checks whose failures are reported but do not fail the gate (see the module docstring).
LENIENT = {"negative_data_rejection"}


@dataclass
class Outcome:
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    accepted: Counter[str] = field(default_factory=Counter)
    lenient: Counter[str] = field(default_factory=Counter)


def _messages(body: Any) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [message for item in body for message in _messages(item)]
    if isinstance(body, dict):
        return [message for item in body.values() for message in _messages(item)]
    return [str(body)]


def _explained(interaction: dict[str, Any]) -> Rejection | None:
    """The documented rule behind a rejected schema-valid request, or None."""
    response = interaction["response"]
    status = response["status_code"]
    if status not in {rule.status for rule in ACCEPTED_REJECTIONS}:
        return None
    content = base64.b64decode(response.get("content", {}).get("$base64", "")) or b"{}"
    messages = _messages(json.loads(content))
    content_type = " ".join(interaction["request"]["headers"].get("Content-Type", []))
    is_form = "form" in content_type
    reasons = set()
    for message in messages:
        rule = next(
            (
                rule
                for rule in ACCEPTED_REJECTIONS
                # DOTALL: messages quote the input, which may hold any character, newlines included.
                if rule.status == status
                and re.search(rule.messages, message, re.DOTALL)
                and (is_form or not rule.forms_only)
            ),
            None,
        )
        if rule is None:
            return None
        reasons.add(rule)
    return min(reasons, key=lambda rule: rule.reason) if reasons else None


def read_report(ndjson: Path, summary: Path) -> Outcome:
    report = json.loads(summary.read_text())
    outcome = Outcome(operations=report["operations"]["tested"], cases=report["test_cases"]["generated"])
    assert not report["errors"], report["errors"]
    assert report["operations"]["tested"] == report["operations"]["selected"] > 0, report["operations"]
    for line in ndjson.read_text().splitlines():
        event = json.loads(line)
        recorder = event.get("ScenarioFinished", {}).get("recorder", {})
        for case_id, checks in recorder.get("checks", {}).items():
            case = recorder["cases"][case_id]["value"]
            interaction = recorder["interactions"].get(case_id)
            for check in checks:
                if check["status"] == "success":
                    continue
                name = check["name"]
                where = f"{case['method']} {case['path']} ({case_id}): {name}"
                if name in LENIENT:
                    outcome.lenient[name] += 1
                elif name == "positive_data_acceptance" and interaction and (rule := _explained(interaction)):
                    outcome.accepted[rule.reason] += 1
                elif _bare_multipart_refusal(interaction):
                    outcome.accepted[DAPHNE_MULTIPART] += 1
                else:
                    response = interaction["response"] if interaction else {}
                    body = base64.b64decode(response.get("content", {}).get("$base64", ""))[:500]
                    outcome.failures.append(f"{where} -> {response.get('status_code')} {body!r}")
    return outcome


@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("site", site_params(implemented_kinds()), indirect=True)
def test_schemathesis_finds_no_defect_in_the_served_api(site: Site, tmp_path: Path) -> None:
    started = time.monotonic()
    site.fresh().dirty = True
    log_size = site.log.stat().st_size
    max_time = MAX_TIME[site.database]
    reports = tmp_path / "reports"
    output = subprocess.run(
        [
            str(BIN / "st"), "--no-color", "run", f"{site.base}/api/schema/",
            "--header", f"Authorization: Token {site.token}",
            "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
            "--max-time", str(max_time), "--request-timeout", "10",
            "--report", "json,ndjson", "--report-dir", str(reports),
            "--report-json-path", str(reports / "run.json"),
            "--report-ndjson-path", str(reports / "events.ndjson"),
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=max_time + 60,
    )  # fmt: skip
    assert (reports / "run.json").exists(), output.stdout[-4000:] + output.stderr[-4000:]
    outcome = read_report(reports / "events.ndjson", reports / "run.json")
    print(
        f"\n{site.kind} ({site.database}): {outcome.operations} operations, {outcome.cases} test cases, "
        f"{len(outcome.failures)} failures, in {time.monotonic() - started:.0f} s (seed {SEED})"
    )
    for reason, count in outcome.accepted.most_common():
        print(f"  accepted rejection x{count}: {reason}")
    for name, count in outcome.lenient.items():
        print(f"  lenient x{count}: {name}")
    with site.log.open("rb") as log:  # the access log, and any traceback
        log.seek(log_size)
        server_log = log.read().decode(errors="replace")
    # The exceptions behind the failures, as the server logged them (Schemathesis masks some values).
    errors = sorted(set(re.findall(r"^\w[\w.]*(?:Error|Exception|Violation)\b.*$", server_log, re.MULTILINE)))
    assert outcome.failures == [], "\n".join(
        [*outcome.failures[:30], output.stdout[-6000:], "Server errors:", *errors[:20]]
    )
    assert "Traceback" not in server_log, server_log[server_log.find("Traceback") :][:6000]


def test_the_gate_explains_only_documented_rejections() -> None:
    """The classification itself: a documented rule passes, anything else (or a mix) fails."""

    def interaction(body: dict[str, Any], content_type: str = "application/json", status: int = 400):
        content = base64.b64encode(json.dumps(body).encode()).decode()
        return {
            "request": {"headers": {"Content-Type": [content_type]}},
            "response": {"status_code": status, "content": {"$base64": content}},
        }

    assert _explained(interaction({"name": ["You already have a list named “x”."]}))
    assert _explained(
        interaction({"due_date": ["Date has wrong format. Use one of…"]}, "multipart/form-data")
    )
    assert _explained(interaction({"due_date": ["Date has wrong format. Use one of…"]})) is None
    assert _explained(interaction({"title": ["This field may not be blank."]})) is None
    mixed = {"name": ["You already have a label named “x”."], "title": ["This field is required."]}
    assert _explained(interaction(mixed)) is None
    assert _explained(interaction({"detail": "Not found."}, status=404)) is None
    assert _explained(interaction({"non_field_errors": ["Null characters are not allowed."]}))
    # Messages quote the input, newlines included (a slug CI met): the rules still match across them.
    assert _explained(interaction({"tags": ["Object with slug=þq\n\u0002D does not exist."]}))
    assert _explained(interaction({"tags": ["Something undocumented\nwent wrong."]})) is None
