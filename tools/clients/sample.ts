// A TypeScript caller written against the types openapi-typescript generates from the merged
// document (api.d.ts, generated next to this file by tests/test_generated_clients.py) and
// openapi-fetch. make test compiles it with `tsc --strict` at default settings: a path, a
// parameter, a body or a problem the document gets wrong stops the build.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Problem = components["schemas"]["Problem"];
type Department = components["schemas"]["DepartmentRead"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

export function describe(problem: Problem): string {
  const reasons = (problem.errors ?? []).map((issue) => `${issue.loc.join(".")}: ${issue.msg}`);
  return [`${problem.status} ${problem.code}: ${problem.detail ?? problem.title}`, ...reasons].join("\n");
}

export async function allDepartments(token: string): Promise<Department[]> {
  const found: Department[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET("/api/v1/org/departments", {
      params: { query: { limit: 50, cursor } },
      headers: { Authorization: `Bearer ${token}` },
    });
    if (error) throw new Error(describe(error));
    found.push(...data.items);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return found;
}

export async function createDepartment(token: string, parentId: string): Promise<Department> {
  const { data, error, response } = await api.POST("/api/v1/org/departments", {
    body: { code: "EX1", name: "示例部", parent_id: parentId },
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    headers: { Authorization: `Bearer ${token}` },
  });
  if (error) throw new Error(describe(error));
  console.log(response.headers.get("Location"));
  return data;
}

export async function rename(token: string, id: string, name: string): Promise<Department | Problem> {
  const read = await api.GET("/api/v1/org/departments/{department_id}", {
    params: { path: { department_id: id } },
    headers: { Authorization: `Bearer ${token}` },
  });
  if (read.error) return read.error;
  const etag = read.response.headers.get("ETag") ?? "";
  const { data, error } = await api.PATCH("/api/v1/org/departments/{department_id}", {
    params: { path: { department_id: id }, header: { "If-Match": etag } },
    body: { name },
    headers: { Authorization: `Bearer ${token}` },
  });
  return error ?? data;
}
