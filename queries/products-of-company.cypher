// description: Products a company offers and who uses them.
// param: company:entity = org/amazon
MATCH (c {id: $company})-[:OFFERS]->(p:Product)
OPTIONAL MATCH (p)-[u:USED_BY]->(x)
RETURN c.id AS company, p.id AS product, p.name AS product_name, x.id AS user,
       x.name AS user_name, u.status AS use_status
ORDER BY product_name, user_name
