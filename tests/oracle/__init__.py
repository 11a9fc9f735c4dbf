"""Oracles: the Cypher aggregations the analytic snapshot replaced, kept as test code.

Each question is a package (its ``.py`` and its ``.cypher`` files); tests register this
root with ``refnet.graph.cypher.add_root("tests.oracle")`` so the files resolve by name.
"""
