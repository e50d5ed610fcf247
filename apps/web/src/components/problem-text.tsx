/** An API problem in the learner's language: the API's own detail, else the app's words for the code. */
import type { Labels } from "@/lib/labels";
import type { Problem } from "@/lib/problem";
import { Alert } from "./ui";

export function problemText(problem: Problem, labels: Labels): string {
  if (problem.code === "NETWORK") return labels.NETWORK ?? "";
  return problem.message || labels[problem.code] || labels.UNKNOWN || problem.code;
}

export function ProblemAlert({ problem, labels }: { problem: Problem | null; labels: Labels }) {
  if (!problem) return null;
  const fields = Object.entries(problem.fields);
  return (
    <Alert>
      <p>{problemText(problem, labels)}</p>
      {fields.length ? (
        <ul className="mt-1 list-disc pl-5">
          {fields.map(([field, message]) => (
            <li key={field}>
              {labels[`field_${field}`] ?? field}: {message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
