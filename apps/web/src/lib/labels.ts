/**
 * Texts for the page's interactive parts. Server components translate (next-intl) and hand client
 * components plain strings, so no message-format runtime reaches the phone. `{name}` placeholders
 * are filled here; plurals are `<key>_one` / `<key>_other` pairs picked with Intl.PluralRules.
 */
export type Labels = Record<string, string>;

export function fmt(template: string | undefined, vars: Record<string, string | number> = {}): string {
  return (template ?? "").replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

const rules = new Map<string, Intl.PluralRules>();

/** `labels[key_one]` or `labels[key_other]` for `count`, with `{count}` filled in. */
export function plural(labels: Labels, key: string, count: number, vars: Record<string, string | number> = {}): string {
  const lang = typeof document === "undefined" ? "fr" : document.documentElement.lang || "fr";
  let rule = rules.get(lang);
  if (!rule) {
    rule = new Intl.PluralRules(lang);
    rules.set(lang, rule);
  }
  const form = rule.select(count) === "one" ? "one" : "other";
  return fmt(labels[`${key}_${form}`] ?? labels[key], { count, ...vars });
}
