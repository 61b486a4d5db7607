// description: Contract awards of an agency by start year and currency, with counts and total amounts.
// param: agency:entity = org/ice
//
// The property graph holds each contract's own figures only (a gk:ContractRecord, another
// source's figures of the same award, is not a node), so this twin sums those; the SPARQL
// version also takes the records' figures (one figure per contract: the largest any source
// gives) and is the reference for totals over the bundled sources.
MATCH (k:Contract)-[:AWARDED_BY]->(a {id: $agency})
RETURN a.id AS agency, left(k.start, 4) AS year, k.currency AS currency, count(k) AS contracts,
       sum(coalesce(k.obligated, 0.0)) AS obligated,
       sum(coalesce(k.current_value, 0.0)) AS current_value,
       sum(coalesce(k.potential_value, 0.0)) AS potential_value
ORDER BY year, currency
