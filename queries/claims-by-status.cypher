// description: Claims with a given status (confirmed, reported, alleged, disputed, denied, ended) and how many sources each has.
// param: status:status = alleged
MATCH (s)-[r]->(o)
WHERE r.status = $status
RETURN $status AS status, r.claim AS claim, s.id AS subject, type(r) AS relationship,
       o.id AS object, size(r.evidence) AS sources
ORDER BY claim
