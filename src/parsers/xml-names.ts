/** The local part of an XML name: `oss:Code` → `Code` (namespaces are not part of the field names). */
export function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; null for anything else (not well-formed). */
export function decodeEntities(text: string): string | null {
  let bad = false;
  const out = text.replace(/&([^;&]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) bad = true;
    const named = ENTITIES[name];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    const code = m ? Number.parseInt((m[1] ?? m[2]) as string, m[1] ? 16 : 10) : Number.NaN;
    if (!(code >= 0 && code <= 0x10ffff)) {
      bad = true;
      return "";
    }
    return String.fromCodePoint(code);
  });
  return bad ? null : out;
}
