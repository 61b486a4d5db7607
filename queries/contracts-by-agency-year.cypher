// description: Contract awards of an agency by start year and currency, with counts and total amounts.
// param: agency:entity = org/ice
//
// One figure per contract and amount, as the SPARQL version counts them: the contract's own and
// those of every gk:ContractRecord of it (another source's figures, which the projection puts on
// the contract's node as the lists record_obligated, record_current_value, ..., each with a
// parallel record_*_evidence). A total takes, per contract, the largest figure any source gives
// (award amounts are cumulative); the year is that of the earliest start date any source gives,
// the currency the one the sources give. Each UNWIND runs over the records' values plus the
// contract's own (a null when it has none, which max() and min() skip), so it never drops a row.
MATCH (k:Contract)-[:AWARDED_BY]->(a {id: $agency})
UNWIND coalesce(k.record_obligated, []) + [k.obligated] AS x_ob
WITH a, k, max(x_ob) AS ob
UNWIND coalesce(k.record_current_value, []) + [k.current_value] AS x_cv
WITH a, k, ob, max(x_cv) AS cv
UNWIND coalesce(k.record_potential_value, []) + [k.potential_value] AS x_pv
WITH a, k, ob, cv, max(x_pv) AS pv
UNWIND coalesce(k.record_start, []) + [k.start] AS x_start
WITH a, k, ob, cv, pv, min(x_start) AS start
UNWIND coalesce(k.record_currency, []) + [k.currency] AS x_cur
WITH a, k, ob, cv, pv, start, min(x_cur) AS cur
RETURN a.id AS agency, left(start, 4) AS year, cur AS currency, count(k) AS contracts,
       sum(coalesce(ob, 0.0)) AS obligated,
       sum(coalesce(cv, 0.0)) AS current_value,
       sum(coalesce(pv, 0.0)) AS potential_value
ORDER BY year, currency
