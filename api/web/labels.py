"""Every word the web app shows for one of refnet's own codes, in the message catalogue:
periods, member states and sorts, the export's columns, conversion's splits and trust
buckets, statuses of members, orders and loads, the kinds of rows, the case file's
policies, formats and what-if choices, what each refusal code means. The asserts hold
each table to the codes it names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from refnet.api.casefile import FORMATS
from refnet.api.language import ENTITY_WORDS, RUN_WORDS
from refnet.graph.model import MEMBER_STATUSES, PURCHASE_STATUSES
from refnet.queries import conversion
from refnet.queries.compliance import CaseFileParams, policy
from refnet.queries.downline.members import SORTS, STATES
from refnet.queries.params import spec_of

from .periods import PRESETS

__all__ = ["BEYOND_LABELS", "BUCKET_LABELS", "CODE_LABELS", "ENTITY_LABELS", "EXPORT_COLUMNS",
           "FORMAT_LABELS", "PERIOD_LABELS", "POLICY_LABELS", "RUN_LABELS", "SORT_LABELS",
           "SPLIT_LABELS", "STATE_LABELS", "STATUS_LABELS"]

# the period picker's labels, in the order shown
PERIOD_LABELS = {"today": _l("Today"), "week": _l("This week"), "month": _l("This month"),
                 "last_month": _l("Last month"), "last_30": _l("Last 30 days"),
                 "custom": _l("Custom")}
assert tuple(PERIOD_LABELS) == PRESETS
STATE_LABELS = {"all": _l("Everyone"), "active": _l("Active"), "inactive": _l("Inactive"),
                "never_bought": _l("Never bought"), "new": _l("New members"),
                "churned": _l("Churned")}
assert tuple(STATE_LABELS) == STATES
SORT_LABELS = {"gmv": _l("GMV"), "orders": _l("Orders"), "bought_gmv": _l("Bought"),
               "recruits": _l("Direct recruits"), "joined_at": _l("Joined"),
               "level": _l("Level"), "id": _l("Member"), "last_bought": _l("Last purchase")}
assert tuple(SORT_LABELS) == SORTS
# the export's columns, in order (the rows: ``_export_rows``); money in yuan
EXPORT_COLUMNS = {"id": _l("Member"), "level": _l("Level"), "branch": _l("Branch"),
                  "referrer": _l("Referrer"), "joined_at": _l("Joined"), "state": _l("State"),
                  "status": _l("Status"), "tier": _l("Tier"), "recruits": _l("Direct recruits"),
                  "orders": _l("Orders"), "gmv": _l("GMV (¥)"), "commission": _l("Commission (¥)"),
                  "gmv_prev": _l("GMV before (¥)"), "bought_gmv": _l("Bought (¥)"),
                  "last_bought": _l("Last purchase")}
SPLIT_LABELS = {"trust": _l("By trust"), "level": _l("By level"), "channel": _l("By channel"),
                "promoter": _l("By promoter")}
assert set(SPLIT_LABELS) == set(conversion.GROUPS)
BUCKET_LABELS = {"none": _l("No trust"), "(0, 0.25]": _l("Weak trust (0–0.25]"),
                 "(0.25, 0.5]": _l("Some trust (0.25–0.5]"),
                 "(0.5, 0.75]": _l("Strong trust (0.5–0.75]"),
                 "(0.75, 1]": _l("Close trust (0.75–1]"), "self": _l("Bought themselves"),
                 "outside": _l("Buyers outside the network")}
assert set(BUCKET_LABELS) == set(conversion.TRUST_BUCKETS.values())
# the model's member and purchase statuses (graph.model), and the loader's stub members
STATUS_LABELS = {"active": _l("active"), "inactive": _l("inactive"), "banned": _l("banned"),
                 "stub": _l("stub"), "paid": _l("paid"), "settled": _l("settled"),
                 "refunded": _l("refunded"), "invalid": _l("invalid")}
assert set(MEMBER_STATUSES) | set(PURCHASE_STATUSES) <= set(STATUS_LABELS)
RUN_LABELS = {state: _l(word) for state, word in RUN_WORDS.items()}
ENTITY_LABELS = {entity: _l(word) for entity, word in ENTITY_WORDS.items()}

# the case file's form: the policy presets, the formats, where capped commission goes
POLICY_LABELS = {"cn": _l("China: two commission levels, the 2013 opinion (cn)"),
                 "us-ftc": _l("US FTC: retail against recruiting (us-ftc)")}
assert sorted(POLICY_LABELS) == policy.presets()
FORMAT_LABELS = {"html": _l("HTML (opens here, prints from the browser)"), "pdf": _l("PDF")}
assert tuple(FORMAT_LABELS) == FORMATS
BEYOND_LABELS = {"dropped": _l("paid to nobody"), "upline": _l("paid to the upline at the cap")}
assert tuple(BEYOND_LABELS) == tuple(
    spec_of(CaseFileParams.__dataclass_fields__["whatif_beyond"]).choices or ())

# what each refusal means, in the reader's language (the error's own words follow)
CODE_LABELS = {"FORBIDDEN": _l("This member is outside the team your key may see."),
               "NOT_FOUND": _l("Nothing by that name."),
               "BAD_USER_INPUT": _l("Something in the request is not right."),
               "UNAVAILABLE": _l("The database is not answering just now; try again shortly."),
               "LIMIT_EXCEEDED": _l("This asks for more than one page may.")}
