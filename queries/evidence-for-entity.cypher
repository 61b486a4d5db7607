// description: Every claim about an entity (as subject or object) with each piece of evidence.
// param: entity:entity = org/palantir
MATCH (n {id: $entity})-[r]-(m), (e:Evidence)
WHERE e.id IN r.evidence
RETURN n.id AS entity, r.claim AS claim, type(r) AS relationship, m.id AS other,
       r.status AS status, e.id AS evidence, e.title AS title, e.url AS url
ORDER BY claim, evidence
