// description: Claims that rest on a single piece of evidence (candidates for more sourcing).
MATCH (s)-[r]->(o), (e:Evidence)
WHERE size(r.evidence) = 1 AND e.id IN r.evidence
RETURN r.claim AS claim, s.id AS subject, type(r) AS relationship, o.id AS object,
       r.status AS status, e.id AS evidence, e.url AS url
ORDER BY claim
