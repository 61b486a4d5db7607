// description: Every path of up to 3 hops along the flow of technology (owns, offers, supplies, hosts, partners with, used by, integrates with) from a company to an agency of a sector; denied claims excluded.
// param: company:entity = org/amazon-web-services
// param: sector:sector = immigration-enforcement
MATCH (c {id: $company})-[r1:OWNS|OFFERS|SUPPLIES|HOSTS|PARTNERS_WITH|USED_BY|INTEGRATES_WITH]->(a:GovernmentAgency)
WHERE $sector IN a.sectors AND c.id <> a.id AND r1.status <> 'denied'
RETURN DISTINCT c.id AS company, $sector AS sector, a.id AS agency, a.name AS agency_name, 1 AS hops,
       c.id + ' > ' + a.id AS path
UNION
MATCH (c {id: $company})-[r1:OWNS|OFFERS|SUPPLIES|HOSTS|PARTNERS_WITH|USED_BY|INTEGRATES_WITH]->(m1)
      -[r2:OWNS|OFFERS|SUPPLIES|HOSTS|PARTNERS_WITH|USED_BY|INTEGRATES_WITH]->(a:GovernmentAgency)
WHERE $sector IN a.sectors AND c.id <> m1.id AND c.id <> a.id AND m1.id <> a.id
  AND r1.status <> 'denied' AND r2.status <> 'denied'
RETURN DISTINCT c.id AS company, $sector AS sector, a.id AS agency, a.name AS agency_name, 2 AS hops,
       c.id + ' > ' + m1.id + ' > ' + a.id AS path
UNION
MATCH (c {id: $company})-[r1:OWNS|OFFERS|SUPPLIES|HOSTS|PARTNERS_WITH|USED_BY|INTEGRATES_WITH]->(m1)
      -[r2:OWNS|OFFERS|SUPPLIES|HOSTS|PARTNERS_WITH|USED_BY|INTEGRATES_WITH]->(m2)
      -[r3:OWNS|OFFERS|SUPPLIES|HOSTS|PARTNERS_WITH|USED_BY|INTEGRATES_WITH]->(a:GovernmentAgency)
WHERE $sector IN a.sectors AND c.id <> m1.id AND c.id <> m2.id AND c.id <> a.id
  AND m1.id <> m2.id AND m1.id <> a.id AND m2.id <> a.id
  AND r1.status <> 'denied' AND r2.status <> 'denied' AND r3.status <> 'denied'
RETURN DISTINCT c.id AS company, $sector AS sector, a.id AS agency, a.name AS agency_name, 3 AS hops,
       c.id + ' > ' + m1.id + ' > ' + m2.id + ' > ' + a.id AS path
