-- sira:extras begin
-- The admin directory finds an account by the start of its email or of a word of its name, case
-- and accents ignored: sira_search_normalize(' ' || name || ' ' || email) LIKE '% <prefix>%'.
-- A trigram index on that expression serves the LIKE (listAccounts in packages/domain).
CREATE INDEX "users_directory_trgm_idx" ON "users" USING gin (
  sira_search_normalize(' ' || "name" || ' ' || "email") gin_trgm_ops
);
-- sira:extras end
