// description: Every path of up to 3 hops along relationships that carry technology, data or money (the ontology's gk:flowsTo sub-properties) from a company to an agency of a sector; denied (negated) claims excluded.
// param: company:entity = org/amazon-web-services
// param: sector:sector = immigration-enforcement
// r.flow is set by the projection from the ontology: true for a flow relationship whose status is not negated.
MATCH (c {id: $company})-[r1]->(a:GovernmentAgency)
WHERE $sector IN a.sectors AND c.id <> a.id AND r1.flow
RETURN DISTINCT c.id AS company, $sector AS sector, a.id AS agency, a.name AS agency_name, 1 AS hops,
       c.id + ' > ' + a.id AS path
UNION
MATCH (c {id: $company})-[r1]->(m1)-[r2]->(a:GovernmentAgency)
WHERE $sector IN a.sectors AND c.id <> m1.id AND c.id <> a.id AND m1.id <> a.id
  AND r1.flow AND r2.flow
RETURN DISTINCT c.id AS company, $sector AS sector, a.id AS agency, a.name AS agency_name, 2 AS hops,
       c.id + ' > ' + m1.id + ' > ' + a.id AS path
UNION
MATCH (c {id: $company})-[r1]->(m1)-[r2]->(m2)-[r3]->(a:GovernmentAgency)
WHERE $sector IN a.sectors AND c.id <> m1.id AND c.id <> m2.id AND c.id <> a.id
  AND m1.id <> m2.id AND m1.id <> a.id AND m2.id <> a.id
  AND r1.flow AND r2.flow AND r3.flow
RETURN DISTINCT c.id AS company, $sector AS sector, a.id AS agency, a.name AS agency_name, 3 AS hops,
       c.id + ' > ' + m1.id + ' > ' + m2.id + ' > ' + a.id AS path
