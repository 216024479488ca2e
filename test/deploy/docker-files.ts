/**
 * Just enough of the Dockerfile and .dockerignore formats to check them
 * without Docker: instructions with their line numbers, COPY sources, FROM
 * images, the HEALTHCHECK command, and whether a path is ignored.
 */

/** One instruction; `line` is where it starts (1-based), continuation lines joined. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** Splits a Dockerfile into instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { parts: string[]; line: number } | null = null;
  text.split("\n").forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || trimmed === "") return;
    const continued = trimmed.endsWith("\\");
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    if (pending) pending.parts.push(part);
    else pending = { parts: [part], line: i + 1 };
    if (!continued) {
      const joined = pending.parts.filter(Boolean).join(" ");
      const [keyword = "", ...rest] = joined.split(/\s+/);
      out.push({ keyword: keyword.toUpperCase(), args: joined.slice(keyword.length).trim(), line: pending.line });
      pending = null;
    }
  });
  return out;
}

/** Splits instruction arguments into leading `--flag[=value]` options and the rest (JSON array or words). */
export function splitArgs(args: string): { flags: Record<string, string>; values: string[] } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest); m; m = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[m[1]!] = m[2] ?? "";
    rest = rest.slice(m[0].length);
  }
  const values = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : rest.split(/\s+/).filter(Boolean);
  return { flags, values };
}

/** A FROM line: the image and its stage name. */
export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly line: number;
}

/** The stages of a Dockerfile, in order. */
export function stages(instructions: Instruction[]): Stage[] {
  return instructions
    .filter((i) => i.keyword === "FROM")
    .map((i) => {
      const { values } = splitArgs(i.args);
      return { image: values[0] ?? "", name: values[2]?.toLowerCase(), line: i.line };
    });
}

/** Whether an image reference names a fixed tag or digest (not `latest`, not untagged). */
export function isPinned(image: string): boolean {
  if (image.includes("@sha256:")) return true;
  const lastSegment = image.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  return tag !== "" && tag !== "latest" && !tag.includes("$");
}

/** COPY/ADD instructions that read the build context (not `--from` another stage): their sources. */
export function contextSources(instructions: Instruction[]): Array<{ source: string; line: number }> {
  return instructions
    .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
    .flatMap((i) => {
      const { flags, values } = splitArgs(i.args);
      if ("from" in flags) return [];
      return values.slice(0, -1).map((source) => ({ source: source.replace(/^\.\//, "").replace(/\/$/, "") || ".", line: i.line }));
    });
}

/** The HEALTHCHECK's command (exec form) of the last stage, or undefined. */
export function healthcheckCommand(instructions: Instruction[]): string[] | undefined {
  const check = instructions.filter((i) => i.keyword === "HEALTHCHECK").at(-1);
  if (!check) return undefined;
  const { values } = splitArgs(check.args);
  if (values[0] !== "CMD") return undefined;
  const rest = check.args.slice(check.args.indexOf("CMD") + 3).trim();
  return rest.startsWith("[") ? (JSON.parse(rest) as string[]) : ["sh", "-c", rest];
}

/**
 * A .dockerignore matcher: `*` and `?` within a path segment, `**` across
 * segments, `!` to re-include; a pattern that matches a folder ignores what
 * is inside it; the last matching pattern wins.
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, "").replace(/\/+$/, "");
      return { negate, regex: new RegExp(`^${globToRegex(pattern)}(/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negate;
    return ignored;
  };
}

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

/** docker compose's variable interpolation, for the forms used here: ${VAR}, ${VAR:-default}, ${VAR-default}, $$. */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?-)([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, fallback: string | undefined) => {
    if (whole === "$$") return "$";
    const set = env[name!];
    if (op === ":-") return set ? set : (fallback ?? "");
    if (op === "-") return set ?? fallback ?? "";
    return set ?? "";
  });
}
