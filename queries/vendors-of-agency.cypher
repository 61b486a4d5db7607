// description: Companies that supply or host an agency, with the status of each claim.
// param: agency:entity = org/ice
MATCH (v)-[r:SUPPLIES|HOSTS]->(a {id: $agency})
RETURN a.id AS agency, v.id AS vendor, v.name AS vendor_name, type(r) AS relationship,
       r.status AS status, r.claim AS claim
ORDER BY vendor_name, claim
