"use client";
/** Active users, the funnel, module pass rates and item statistics, charted with a table beside each. */
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Card, EmptyState, ErrorBox, Loading, PageHeader, SelectField, Table } from "@/components/ui";
import { pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";

const pct = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)} %`);

export default function AnalyticsPage() {
  const t = useTranslations("analytics");
  const common = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const [courseId, setCourseId] = useState("");
  const courses = useQuery(trpc.admin.courses.list.queryOptions({ page: 1, limit: 100 }));
  const report = useQuery(trpc.admin.analytics.report.queryOptions(courseId ? { course_id: courseId } : {}));
  const r = report.data;
  return (
    <>
      <PageHeader title={t("title")} />
      <div className="mb-4 max-w-sm">
        <SelectField label={t("course")} value={courseId} onChange={(e) => setCourseId(e.target.value)}>
          <option value="">{t("allCourses")}</option>
          {(courses.data?.items ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {pick(locale, c.title_fr, c.title_en)}
            </option>
          ))}
        </SelectField>
      </div>
      {report.error ? <ErrorBox message={problemOf(report.error)?.message ?? ""} /> : null}
      {report.isPending ? <Loading label={common("loading")} /> : null}
      {r ? (
        <>
          <div className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4">
            {(
              [
                ["activeDay", r.active_users.day],
                ["activeWeek", r.active_users.week],
                ["activeMonth", r.active_users.month],
                ["newMonth", r.new_users.month],
              ] as const
            ).map(([key, value]) => (
              <div key={key} className="rounded-lg border border-slate-300 bg-white p-3">
                <p className="text-sm text-slate-700">{t(key)}</p>
                <p className="text-2xl font-semibold">{value}</p>
              </div>
            ))}
          </div>
          <Card title={t("activeUsers")}>
            {r.daily.length === 0 ? (
              <EmptyState title={t("noActivity")} />
            ) : (
              <figure aria-label={t("activeUsers")}>
                <div className="h-64 w-full" aria-hidden="true">
                  <ResponsiveContainer>
                    <LineChart accessibilityLayer={false} data={r.daily}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="day" fontSize={12} />
                      <YAxis allowDecimals={false} fontSize={12} />
                      <Tooltip />
                      <Line
                        type="monotone"
                        dataKey="active_users"
                        name={t("activeUsers")}
                        stroke="#1d4ed8"
                        dot={false}
                      />
                    </LineChart>
                  </ResponsiveContainer>
                </div>
                <figcaption className="sr-only">
                  {r.daily.map((d) => `${d.day}: ${d.active_users}`).join(", ")}
                </figcaption>
              </figure>
            )}
          </Card>
          <Card title={t("funnel")}>
            {r.funnel.length === 0 ? (
              <EmptyState title={t("noEnrolments")} />
            ) : (
              <>
                <div className="h-64 w-full" aria-hidden="true">
                  <ResponsiveContainer>
                    <BarChart accessibilityLayer={false} data={r.funnel}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="title" fontSize={12} />
                      <YAxis allowDecimals={false} fontSize={12} />
                      <Tooltip />
                      <Legend />
                      <Bar dataKey="enrolled" name={t("enrolled")} fill="#1e3a8a" />
                      <Bar dataKey="first_lesson" name={t("firstLesson")} fill="#1d4ed8" />
                      <Bar dataKey="quiz_passed" name={t("quizPassed")} fill="#0f766e" />
                      <Bar dataKey="module_completed" name={t("moduleCompleted")} fill="#047857" />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
                <Table
                  caption={t("funnel")}
                  head={
                    <tr>
                      <th scope="col" className="px-3 py-2">
                        {t("course")}
                      </th>
                      <th scope="col" className="px-3 py-2">
                        {t("enrolled")}
                      </th>
                      <th scope="col" className="px-3 py-2">
                        {t("firstLesson")}
                      </th>
                      <th scope="col" className="px-3 py-2">
                        {t("quizPassed")}
                      </th>
                      <th scope="col" className="px-3 py-2">
                        {t("moduleCompleted")}
                      </th>
                    </tr>
                  }
                >
                  {r.funnel.map((f) => (
                    <tr key={f.course_id}>
                      <td className="px-3 py-2">{f.title}</td>
                      <td className="px-3 py-2">{f.enrolled}</td>
                      <td className="px-3 py-2">{f.first_lesson}</td>
                      <td className="px-3 py-2">{f.quiz_passed}</td>
                      <td className="px-3 py-2">{f.module_completed}</td>
                    </tr>
                  ))}
                </Table>
              </>
            )}
          </Card>
          <Card title={t("modules")}>
            {r.modules.length === 0 ? (
              <EmptyState title={t("noModules")} />
            ) : (
              <Table
                caption={t("modules")}
                head={
                  <tr>
                    <th scope="col" className="px-3 py-2">
                      {t("module")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("started")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("completion")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("passRate")}
                    </th>
                  </tr>
                }
              >
                {r.modules.map((m) => (
                  <tr key={m.module_id}>
                    <td className="px-3 py-2">
                      {m.module_number}. {m.title}
                    </td>
                    <td className="px-3 py-2">{m.started}</td>
                    <td className="px-3 py-2">{pct(m.completion_rate)}</td>
                    <td className="px-3 py-2">{pct(m.pass_rate)}</td>
                  </tr>
                ))}
              </Table>
            )}
          </Card>
          <Card title={t("items")}>
            {r.items.length === 0 ? (
              <EmptyState title={t("noItems")}>{t("noItemsHint")}</EmptyState>
            ) : (
              <Table
                caption={t("items")}
                head={
                  <tr>
                    <th scope="col" className="px-3 py-2">
                      {t("item")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("answers")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("facility")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("discrimination")}
                    </th>
                  </tr>
                }
              >
                {r.items.map((i) => (
                  <tr key={i.item_id}>
                    <td className="px-3 py-2 text-xs">{i.item_id}</td>
                    <td className="px-3 py-2">{i.n}</td>
                    <td className="px-3 py-2">{i.p_value.toFixed(2)}</td>
                    <td className="px-3 py-2">{i.point_biserial === null ? "—" : i.point_biserial.toFixed(2)}</td>
                  </tr>
                ))}
              </Table>
            )}
          </Card>
        </>
      ) : null}
    </>
  );
}
