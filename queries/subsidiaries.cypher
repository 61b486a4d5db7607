// description: Subsidiaries of a company up to three ownership levels (denied claims excluded).
// param: company:entity = org/amazon
MATCH p = (c {id: $company})-[:OWNS*1..3]->(s)
WHERE all(r IN relationships(p) WHERE r.status <> 'denied')
RETURN c.id AS company, s.id AS subsidiary, s.name AS subsidiary_name, min(length(p)) AS depth
ORDER BY depth, subsidiary_name
