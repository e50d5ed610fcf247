"use client";
/** A server-paged list as a table: loading, error, empty state and the pager around the rows. */
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { problemOf } from "@/lib/trpc";
import { EmptyState, ErrorBox, Loading, Pager, Table } from "./ui";

export function PagedTable<T>({
  caption,
  query,
  page,
  limit,
  onPage,
  columns,
  row,
  empty,
  emptyHint,
}: {
  caption: string;
  query: { data?: { items: T[]; total: number } | undefined; error: unknown; isPending: boolean };
  page: number;
  limit: number;
  onPage: (page: number) => void;
  columns: string[];
  row: (item: T) => ReactNode;
  empty: string;
  emptyHint?: string;
}) {
  const common = useTranslations("common");
  return (
    <>
      {query.error ? <ErrorBox message={problemOf(query.error)?.message ?? ""} /> : null}
      {query.isPending ? <Loading label={common("loading")} /> : null}
      {query.data && query.data.items.length === 0 ? <EmptyState title={empty}>{emptyHint}</EmptyState> : null}
      {query.data && query.data.items.length > 0 ? (
        <>
          <Table
            caption={caption}
            head={
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col" className="px-3 py-2">
                    {c}
                  </th>
                ))}
              </tr>
            }
          >
            {query.data.items.map(row)}
          </Table>
          {query.data.total > limit || page > 1 ? (
            <Pager
              page={page}
              total={query.data.total}
              limit={limit}
              onPage={onPage}
              labels={{
                previous: common("previous"),
                next: common("next"),
                status: common("pageStatus", {
                  page,
                  pages: Math.max(1, Math.ceil(query.data.total / limit)),
                  total: query.data.total,
                }),
              }}
            />
          ) : null}
        </>
      ) : null}
    </>
  );
}

/** A table cell with the console's padding. */
export function Cell({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <td className={`px-3 py-2 align-top ${className}`}>{children}</td>;
}
