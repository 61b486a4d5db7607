// description: Agencies that use a product of a technology category (e.g. face-recognition, alpr).
// param: category:category = face-recognition
MATCH (p:Product)-[r:USED_BY]->(a:GovernmentAgency)
WHERE $category IN p.categories
RETURN $category AS category, a.id AS agency, a.name AS agency_name, p.id AS product,
       p.name AS product_name, r.status AS status
ORDER BY agency_name, product_name
