"""Documents the API must refuse before executing anything, shared by the tests that
prove they are refused and the benchmark that times the refusals (p50/p99)."""

from __future__ import annotations

HOSTILE = {
    "depth 50": "{ member(id: \"m0001\") { " + "referrer { " * 50 + "id" + " }" * 50 + " } }",
    "1,000 __typename": "{ " + "__typename " * 1_000 + "}",
    "10,000 tokens": "{ " + " ".join(f"a{i}: __typename" for i in range(3_400)) + " }",
    "100 aliases": "{ " + " ".join(f"a{i}: compliance {{ root }}" for i in range(100)) + " }",
    "nested fragments": 'query Deep { member(id: "m0001") { ...G0 } } ' + "".join(
        f"fragment G{i} on Member {{ referrer {{ ...G{i + 1} }} }} " for i in range(40)
    ) + "fragment G40 on Member { id }",
    "first: 100000": "{ members(first: 100000) { edges { node { id } } } }",
}
# Refused in production mode only (FORBIDDEN), and over GET (a 405).
INTROSPECTION = "{ __schema { types { name } } }"
MUTATION = "mutation { recomputeInfluence { dataVersion } }"
