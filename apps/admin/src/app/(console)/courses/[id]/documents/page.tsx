"use client";
import type { CourseResourceView } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useRef, useState } from "react";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { useApiUrl } from "@/components/providers";
import { Badge, Button, Card, EmptyState, ErrorBox, Loading, Pager, ProgressBar } from "@/components/ui";
import { formatBytes, formatDate } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { uploadFile } from "@/lib/upload";

const LIMIT = 20;
const ACCEPT = ".pdf,.docx,.csv,.txt,.md,.jpg,.jpeg,.png,application/pdf";

function active(resource: CourseResourceView): boolean {
  return resource.index_status === "queued" || resource.index_status === "running";
}

export default function DocumentsPage() {
  const { id } = useParams<{ id: string }>();
  const t = useTranslations("documents");
  const common = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const apiUrl = useApiUrl();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [page, setPage] = useState(1);
  const [progress, setProgress] = useState<{ sent: number; total: number; name: string } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);

  // Indexing runs on the worker: while a document is queued or running, the list is read again every second.
  const list = useQuery({
    ...trpc.admin.resources.list.queryOptions({ course_id: id, page, limit: LIMIT }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(active) ? 1000 : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.resources.list.pathKey() });
  const failed = (error: unknown) => notice("error", problemOf(error)?.message ?? "");
  const remove = useMutation(
    trpc.admin.resources.delete.mutationOptions({
      onSuccess: () => {
        notice("success", t("deleted"));
        void refresh();
      },
      onError: failed,
    }),
  );
  const reindex = useMutation(
    trpc.admin.resources.reindex.mutationOptions({
      onSuccess: () => {
        notice("success", t("reindexQueued"));
        void refresh();
      },
      onError: failed,
    }),
  );

  async function upload(event: FormEvent) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setUploadError(null);
    if (!file) {
      setUploadError(t("chooseFile"));
      return;
    }
    setProgress({ sent: 0, total: file.size, name: file.name });
    try {
      const res = await uploadFile(`${apiUrl}/api/v1/admin/courses/${id}/resources`, file, locale, (sent, total) =>
        setProgress({ sent, total, name: file.name }),
      );
      if (res.status === 200 || res.status === 201) {
        const body = res.body as { duplicate?: boolean };
        notice("success", body.duplicate ? t("duplicate") : t("uploaded"));
        if (input.current) input.current.value = "";
        setPage(1);
        await refresh();
      } else {
        const message = problemOf(res.body)?.message ?? t("uploadFailed");
        setUploadError(message);
        notice("error", message);
      }
    } catch {
      setUploadError(t("uploadFailed"));
    } finally {
      setProgress((p) => (p ? { ...p, sent: p.total } : p));
    }
  }

  return (
    <>
      <Card title={t("upload")}>
        <form onSubmit={upload} className="flex flex-col gap-3">
          <div className="flex flex-col gap-1">
            <label htmlFor="document-file" className="text-sm font-medium text-slate-800">
              {t("file")}
            </label>
            <input
              id="document-file"
              ref={input}
              type="file"
              accept={ACCEPT}
              aria-describedby="document-file-hint"
              className="text-sm file:mr-3 file:rounded-md file:border file:border-slate-400 file:bg-white file:px-3 file:py-2"
            />
            <p id="document-file-hint" className="text-xs text-slate-600">
              {t("fileHint")}
            </p>
          </div>
          {progress ? (
            <div data-testid="upload-progress">
              <ProgressBar
                value={progress.total ? (progress.sent / progress.total) * 100 : 0}
                label={t("sending", { name: progress.name })}
              />
              <p className="mt-1 text-xs text-slate-700">
                {formatBytes(progress.sent, locale)} / {formatBytes(progress.total, locale)}
              </p>
            </div>
          ) : null}
          {uploadError ? <ErrorBox message={uploadError} /> : null}
          <div>
            <Button type="submit">{t("send")}</Button>
          </div>
        </form>
      </Card>
      {list.error ? <ErrorBox message={problemOf(list.error)?.message ?? ""} /> : null}
      {list.isPending ? <Loading label={common("loading")} /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState> : null}
      {list.data && list.data.items.length > 0 ? (
        <section aria-label={t("list")}>
          <h2 className="mb-2 text-lg font-semibold">{t("list")}</h2>
          <ul className="flex flex-col gap-3">
            {list.data.items.map((resource) => (
              <li
                key={resource.id}
                className="rounded-lg border border-slate-300 bg-white p-3"
                data-resource={resource.filename}
              >
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="min-w-0">
                    <p className="truncate font-medium">{resource.filename}</p>
                    <p className="text-xs text-slate-700">
                      {resource.kind.toUpperCase()} · {formatBytes(resource.byte_size, locale)}
                      {resource.page_count ? ` · ${t("pages", { count: resource.page_count })}` : ""} ·{" "}
                      {t("chunks", { count: resource.chunk_count })} · {formatDate(resource.created_at, locale)}
                    </p>
                  </div>
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge value={resource.index_status} label={t(`statuses.${resource.index_status}`)} />
                    <Button
                      tone="secondary"
                      disabled={active(resource) || reindex.isPending}
                      onClick={() => reindex.mutate({ course_id: id, resource_id: resource.id })}
                    >
                      {t("reindex")}
                    </Button>
                    <ConfirmButton
                      label={t("delete")}
                      title={t("deleteTitle")}
                      body={t("deleteBody", { name: resource.filename })}
                      confirm={t("delete")}
                      tone="danger"
                      onConfirm={() => remove.mutate({ course_id: id, resource_id: resource.id })}
                    />
                  </div>
                </div>
                {active(resource) ? (
                  <div className="mt-2">
                    <ProgressBar
                      value={resource.index_progress_pct}
                      label={t("indexing", { name: resource.filename })}
                    />
                  </div>
                ) : null}
                {resource.index_status === "failed" && resource.index_error ? (
                  <p className="mt-2 text-sm text-red-800">{t("failedBecause", { reason: resource.index_error })}</p>
                ) : null}
              </li>
            ))}
          </ul>
          <Pager
            page={page}
            total={list.data.total}
            limit={LIMIT}
            onPage={setPage}
            labels={{
              previous: common("previous"),
              next: common("next"),
              status: common("pageStatus", {
                page,
                pages: Math.max(1, Math.ceil(list.data.total / LIMIT)),
                total: list.data.total,
              }),
            }}
          />
        </section>
      ) : null}
    </>
  );
}
