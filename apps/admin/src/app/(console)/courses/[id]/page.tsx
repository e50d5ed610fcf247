"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { CourseForm } from "@/components/course-form";
import { useNotice } from "@/components/notice";
import { problemOf, useTRPC } from "@/lib/trpc";

export default function CourseDetailsPage() {
  const { id } = useParams<{ id: string }>();
  const t = useTranslations("course");
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const course = useQuery(trpc.admin.courses.get.queryOptions({ id }));
  const update = useMutation(
    trpc.admin.courses.update.mutationOptions({
      onSuccess: (saved) => {
        notice("success", t("saved"));
        queryClient.setQueryData(trpc.admin.courses.get.queryKey({ id }), saved);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.courses.list.pathKey() });
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  if (!course.data) return null;
  return (
    <CourseForm
      key={course.data.updated_at}
      course={course.data}
      busy={update.isPending}
      problem={problemOf(update.error)}
      onSubmit={(input) => update.mutate({ id, ...input } as Parameters<typeof update.mutate>[0])}
    />
  );
}
