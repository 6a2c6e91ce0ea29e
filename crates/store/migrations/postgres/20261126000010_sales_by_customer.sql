-- The matcher's prior for a customer's order (Sales::customer_history) reads one customer's
-- recent lines; without this index it would scan every sale.
CREATE INDEX sales_customer_day ON sales (customer, day);
