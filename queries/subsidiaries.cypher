// description: Subsidiaries of a company up to three ownership levels (denied claims excluded).
// param: company:entity = org/amazon
// r.negated is set by the projection from the ontology: true for a claim whose status is gk:negated.
MATCH p = (c {id: $company})-[:OWNS*1..3]->(s)
WHERE none(r IN relationships(p) WHERE r.negated)
RETURN c.id AS company, s.id AS subsidiary, s.name AS subsidiary_name, min(length(p)) AS depth
ORDER BY depth, subsidiary_name
