// A member's trust edges both ways: whom it trusts and who trusts it.
MATCH (m:Member {id: $id})
RETURN [(m)-[t:TRUSTS]->(o:Member) |
          {other: o.id, weight: t.weight, since: t.since, source: t.source}] AS trusts,
       [(o:Member)-[t:TRUSTS]->(m) |
          {other: o.id, weight: t.weight, since: t.since, source: t.source}] AS trusted_by
