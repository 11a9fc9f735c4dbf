"""The Cypher oracles of the questions the analytic snapshot answers.

Each package here is a question's former implementation (its Python and its .cypher
files), kept only for the property tests that hold the snapshot's answers equal to
it. Test code registers this root for the Cypher names:
``refnet.graph.cypher.add_root("tests.oracle")``.
"""
