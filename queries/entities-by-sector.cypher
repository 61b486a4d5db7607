// description: Organisations in a sector (e.g. immigration-enforcement, law-enforcement, data-brokerage).
// param: sector:sector = immigration-enforcement
MATCH (o:Organization)
WHERE $sector IN o.sectors
RETURN $sector AS sector, o.id AS entity, o.name AS name
ORDER BY name
