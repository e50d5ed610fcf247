"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { CourseForm } from "@/components/course-form";
import { useNotice } from "@/components/notice";
import { PageHeader } from "@/components/ui";
import { problemOf, useTRPC } from "@/lib/trpc";

export default function NewCoursePage() {
  const t = useTranslations("courses");
  const trpc = useTRPC();
  const router = useRouter();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.admin.courses.create.mutationOptions({
      onSuccess: (course) => {
        notice("success", t("created"));
        void queryClient.invalidateQueries({ queryKey: trpc.admin.courses.list.pathKey() });
        router.push(`/courses/${course.id}/documents`);
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  return (
    <>
      <PageHeader title={t("new")} />
      <CourseForm
        busy={create.isPending}
        problem={problemOf(create.error)}
        onSubmit={(input) => create.mutate(input as Parameters<typeof create.mutate>[0])}
      />
    </>
  );
}
