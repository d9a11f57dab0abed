-- 0007: covering indexes for the reports (report package). Monthly figures
-- aggregate hundreds of thousands of orders and lines; with these SQLite
-- reads the index alone, in order_date order, instead of visiting every row.
-- deleted_at is a column of each rather than a partial-index condition:
-- SQLite does not count a partial index's WHERE as covering that column, so
-- `deleted_at IS NULL` in a query would send it back to the table.

-- Sales per day, currency, status and rep (the column order is the GROUP BY
-- of the monthly totals, which then needs no sort), and per customer.
CREATE INDEX orders_sales ON orders(order_date, currency, status, owner_id, deleted_at, account_id, net_minor, id);
-- "Has this customer ordered before?": new customers.
CREATE INDEX orders_account_date ON orders(account_id, order_date, status, deleted_at);
-- Sales per product: the lines of the month's orders.
CREATE INDEX order_lines_sales ON order_lines(order_id, deleted_at, product_id, net_minor, quantity_milli);
-- Deals won or lost in a month: win rate, sales cycle, the forecast's deal share.
CREATE INDEX deals_closed ON deals(status, closed_on);
