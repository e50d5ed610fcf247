/**
 * The staff directory: accounts as an administrator looks them up (to pick a course's expert, to
 * change a role), searched by a prefix of the email or of a word of the name. Erased accounts are
 * left out; credentials never leave the table.
 */
import type { AdminUser, AdminUserListQuery, Role } from "@sira/contracts";
import { type Db, Prisma } from "@sira/infra/db";
import { foldedLikeText } from "./curricula/common.ts";

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: string;
  country: string;
  preferred_language: string;
  email_verified_at: Date | null;
  last_active: Date | null;
  created_at: Date;
};

/**
 * The searched text: a space, the name and the email, accent- and case-folded. It is the expression
 * `users_directory_trgm_idx` indexes, so the trigram index serves the LIKE.
 */
const SEARCHED = Prisma.sql`sira_search_normalize(' ' || name || ' ' || email)`;

function whereOf(query: AdminUserListQuery): Prisma.Sql {
  const conditions = [Prisma.sql`deleted_at IS NULL`];
  if (query.role) conditions.push(Prisma.sql`role = ${query.role}`);
  if (query.status) conditions.push(Prisma.sql`status = ${query.status}`);
  // A word of the name or the email starts with the search: a space precedes each one.
  if (query.search) {
    conditions.push(Prisma.sql`${SEARCHED} LIKE '% ' || ${foldedLikeText(query.search)} || '%'`);
  }
  return Prisma.join(conditions, " AND ");
}

function toAdminUser(row: UserRow): AdminUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    country: row.country,
    preferred_language: row.preferred_language,
    email_verified: row.email_verified_at !== null,
    last_active: row.last_active?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

/** One page of accounts by name, filtered by search, role and status: two statements. */
export async function listAccounts(db: Db, query: AdminUserListQuery): Promise<{ items: AdminUser[]; total: number }> {
  const where = whereOf(query);
  const [rows, [counted]] = await Promise.all([
    db.$queryRaw<UserRow[]>`
      SELECT id, email, name, role, status, country, preferred_language, email_verified_at, last_active, created_at
        FROM users WHERE ${where}
       ORDER BY name, id
       LIMIT ${query.limit} OFFSET ${(query.page - 1) * query.limit}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM users WHERE ${where}`,
  ]);
  return { items: rows.map(toAdminUser), total: counted?.total ?? 0 };
}
