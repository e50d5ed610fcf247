-- Ledger credits move to bigint (decision 0066): the counter-accounts sum every credit ever moved.
-- int -> bigint is a widening cast: PostgreSQL rewrites both tables and keeps their CHECKs
-- (balance >= 0 for users, amount <> 0, totals >= 0), indexes and foreign keys as they are.

-- AlterTable
ALTER TABLE "credit_accounts" ALTER COLUMN "balance" SET DATA TYPE BIGINT,
ALTER COLUMN "total_purchased" SET DATA TYPE BIGINT,
ALTER COLUMN "total_spent" SET DATA TYPE BIGINT,
ALTER COLUMN "total_earned" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "transactions" ALTER COLUMN "amount" SET DATA TYPE BIGINT,
ALTER COLUMN "balance_after" SET DATA TYPE BIGINT;
